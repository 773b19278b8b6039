"""The jobs Dozor runs, as plain functions: the CLI and the scheduler both call these."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date

from crawler.config import Config, load_config
from crawler.sources import Source, all_sources, get_source
from jobs.runner import CrawlRequest, RunOutcome, run_crawl
from storage.db import connect, resolve_database_url
from storage.migrate import migrate
from storage.sources import sync_sources

log = logging.getLogger(__name__)


def prepare_database(config: Config | None = None) -> str:
    """The database URL (starting the embedded server if needed), migrated and synced."""
    config = config or load_config()
    url = resolve_database_url(config)
    with connect(url) as conn:
        migrate(conn)
        sync_sources(conn, all_sources().values())
    return url


def collect(
    source_ids: Sequence[str] = (), *, since: date | None = None, until: date | None = None,
    on_result: Callable[[Source, RunOutcome], None] | None = None,
) -> list[tuple[Source, RunOutcome]]:
    """One collection pass over the given sources (all when empty), one subprocess each."""
    # Unknown ids fail before anything starts.
    sources = [get_source(s) for s in source_ids] if source_ids else list(all_sources().values())
    config = load_config()
    url = prepare_database(config)
    mode = "backfill" if since else ("replay" if config.replay_warcs else "daily")
    results = []
    for source in sources:
        outcome = run_crawl(CrawlRequest(source.id, since, until, mode), config, url)
        results.append((source, outcome))
        if on_result:
            on_result(source, outcome)
    return results


def crawl_source(source_id: str) -> str:
    """Scheduler job: crawl one source now; return its status."""
    config = load_config()
    url = prepare_database(config)
    outcome = run_crawl(CrawlRequest(source_id, mode="scheduled"), config, url)
    log.info("scheduled crawl of %s: %s", source_id, outcome.status)
    return outcome.status
