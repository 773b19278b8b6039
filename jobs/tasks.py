"""The jobs Dozor runs, as plain functions: the CLI and the scheduler both call these."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date

import psycopg

from crawler.config import Config, load_config
from crawler.errors import DatabaseUnavailableError, DozorError, first_line
from crawler.sources import Source, all_sources, get_source
from jobs.retagging import RetagReport, retag_database
from jobs.runner import CrawlRequest, RunOutcome, check_window, run_crawl
from storage.db import connect, redact_url, resolve_database_url
from storage.migrate import migrate
from storage.sources import paused_source_ids, sync_sources
from storage.stories import group_stories

log = logging.getLogger(__name__)


def prepare_database(config: Config | None = None) -> str:
    """The database URL (starting the embedded server if needed), migrated and synced."""
    config = config or load_config()
    url = resolve_database_url(config)
    try:
        with connect(url) as conn:
            migrate(conn)
            sync_sources(conn, all_sources().values())
    except psycopg.Error as exc:
        # Read-only (a standby after a failover), full, or gone between connect and write.
        raise DatabaseUnavailableError(
            f"PostgreSQL at {redact_url(url)} refused Dozor's writes: {first_line(exc)}"
        ) from exc
    return url


def prepare_read_database(config: Config | None = None) -> tuple[str, str]:
    """(primary URL, URL the analysts' side reads from): DOZOR_READ_DATABASE_URL (a streaming
    replica) when set, else the primary. The primary is migrated first: a replica follows it."""
    config = config or load_config()
    url = prepare_database(config)
    return url, config.read_database_url or url


def collect(
    source_ids: Sequence[str] = (), *, since: date | None = None, until: date | None = None,
    include_paused: bool = False, on_result: Callable[[Source, RunOutcome], None] | None = None,
    on_progress: Callable[[str], None] | None = None, origin: str = "site",
) -> list[tuple[Source, RunOutcome]]:
    """One collection pass over the given sources (every source when empty), paused ones
    left out unless `include_paused`.

    `on_progress` gets each crawl's progress lines as they come (a backfill's listing pages).
    """
    # Unknown ids and an empty window fail before anything starts.
    sources = [get_source(s) for s in source_ids] if source_ids else list(all_sources().values())
    check_window(since, until)
    config = load_config()
    url = prepare_database(config)
    # An operator's pause holds for `collect --source` too; `dozor run` runs a paused source.
    paused = set() if include_paused else _paused(url)
    mode = ("replay" if config.replay_warcs else "wayback" if origin == "wayback"
            else "backfill" if since else "daily")
    results = []
    for source in sources:
        if source.id in paused:
            outcome = RunOutcome(None, "paused", f"paused: `dozor resume {source.id}`, or"
                                 f" `dozor collect --source {source.id} --include-paused`")
        else:
            outcome = run_crawl(CrawlRequest(source.id, since, until, mode, origin), config, url,
                                on_progress=on_progress)
            group_after_crawl(url, outcome)
        results.append((source, outcome))
        if on_result:
            on_result(source, outcome)
    from serve.alerts.run import after_collection  # saved-search alerts; logs, never raises
    after_collection(url)
    return results


def crawl_source(source_id: str) -> str:
    """Scheduler job: crawl one source now unless it is paused; return its status."""
    config = load_config()
    url = prepare_database(config)
    if source_id in _paused(url):
        log.info("scheduled crawl of %s skipped: paused", source_id)
        return "paused"
    outcome = run_crawl(CrawlRequest(source_id, mode="scheduled"), config, url)
    group_after_crawl(url, outcome)
    from serve.alerts.run import after_collection  # saved-search alerts; logs, never raises
    after_collection(url)
    log.info("scheduled crawl of %s: %s", source_id, outcome.status,
             extra={"run_id": outcome.run.id if outcome.run else None})
    return outcome.status


def group_after_crawl(database_url: str, outcome: RunOutcome) -> None:
    """Group a run's new articles into stories; a failure here is logged, the run stands."""
    if outcome.run is None or outcome.run.new == 0:
        return
    try:
        with connect(database_url, autocommit=True) as conn:
            group_stories(conn)
    except (psycopg.Error, DozorError) as exc:
        log.error("grouping stories after run %d failed: %s", outcome.run.id, exc)
    except Exception:
        # A bug in grouping must not cost the other sources their crawl; `dozor dedup` retries.
        log.exception("grouping stories after run %d failed", outcome.run.id)


def _paused(database_url: str) -> set[str]:
    with connect(database_url) as conn:
        return paused_source_ids(conn)


def retag(source_id: str | None = None, *, workers: int | None = None) -> RetagReport:
    """Re-apply the current tagging rules and stems to every stored article, without refetching."""
    return retag_database(prepare_database(), source_id, workers=workers)
