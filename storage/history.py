"""An article's history after it was stored: revisits, versions, removals; and per-run figures
of revisits and URL-shape drift, which a crawl reports in its stats (crawl_runs.stats)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import class_row

from crawler.revisits import MAX_REVISITS_PER_RUN, REVISIT_AFTER, DueRevisit

# Revisit slots as one interval[] parameter; the last slot plus a day bounds the search.
_SLOTS = [f"{int(d.total_seconds())} seconds" for d in REVISIT_AFTER]
_HORIZON = f"{int((REVISIT_AFTER[-1].total_seconds()) + 86_400)} seconds"

# Due when the next slot has passed: slot n (1-based) is REVISIT_AFTER[n - 1] after first seen.
DUE_REVISITS = """
SELECT url, fetched_at, etag, last_modified FROM articles
WHERE source_id = %(source)s AND removed_at IS NULL AND status = 'ok' AND parent_url IS NULL
  AND revisits < cardinality(%(slots)s::interval[])
  AND first_seen_at > now() - %(horizon)s::interval
  AND first_seen_at + (%(slots)s::interval[])[revisits + 1] <= now()
ORDER BY first_seen_at + (%(slots)s::interval[])[revisits + 1]
LIMIT %(limit)s
"""
# A revisit uses up every slot that has passed, so one that came late is not repeated at once.
SLOTS_PASSED = (
    "(SELECT count(*) FROM unnest(%(slots)s::interval[]) s WHERE first_seen_at + s <= now())"
)
RECORD_REVISIT = f"""
UPDATE articles SET revisits = {SLOTS_PASSED}, last_revisited_at = now(),
    etag = coalesce(%(etag)s, etag), last_modified = coalesce(%(last_modified)s, last_modified),
    removed_at = CASE WHEN %(removed)s THEN coalesce(removed_at, now()) END,
    removed_reason = CASE WHEN %(removed)s THEN %(reason)s END
WHERE url = %(url)s
"""


def stored_fetch_times(conn: psycopg.Connection[Any], source_id: str) -> dict[str, datetime]:
    """When each stored article of a source was last fetched, by URL."""
    rows = conn.execute("SELECT url, fetched_at FROM articles WHERE source_id = %s", (source_id,))
    return {str(url): fetched for url, fetched in rows}


def due_revisits(
    conn: psycopg.Connection[Any], source_id: str, limit: int = MAX_REVISITS_PER_RUN,
) -> list[DueRevisit]:
    """A source's articles whose next revisit is due, the longest overdue first."""
    with conn.cursor(row_factory=class_row(DueRevisit)) as cur:
        return cur.execute(DUE_REVISITS, {"source": source_id, "slots": _SLOTS,
                                          "horizon": _HORIZON, "limit": limit}).fetchall()


def record_revisit(
    conn: psycopg.Connection[Any], url: str, *, etag: str | None = None,
    last_modified: str | None = None, removed_reason: str | None = None,
) -> None:
    """Note a revisit of `url`: its validators, and whether the article was found removed."""
    conn.execute(RECORD_REVISIT, {
        "url": url, "slots": _SLOTS, "etag": etag, "last_modified": last_modified,
        "removed": removed_reason is not None, "reason": removed_reason,
    })


@dataclass(frozen=True, slots=True)
class Version:
    """One text an article had: its version number, when it was fetched, title and body."""

    version: int
    fetched_at: datetime
    title: str | None
    body: str | None
    current: bool


@dataclass(frozen=True, slots=True)
class ArticleHistory:
    """An article's versions, oldest first, and its revisit and removal state."""

    id: int
    url: str
    source_id: str
    first_seen_at: datetime
    revisits: int
    last_revisited_at: datetime | None
    removed_at: datetime | None
    removed_reason: str | None
    versions: list[Version]


@dataclass(frozen=True, slots=True)
class _ArticleRow:
    id: int
    url: str
    source_id: str
    first_seen_at: datetime
    revisits: int
    last_revisited_at: datetime | None
    removed_at: datetime | None
    removed_reason: str | None
    version: int
    fetched_at: datetime
    title: str | None
    body: str | None


def article_history(conn: psycopg.Connection[Any], key: int | str) -> ArticleHistory | None:
    """The history of the article with this id or canonical URL; None if not stored."""
    column = "id" if isinstance(key, int) else "url"
    with conn.cursor(row_factory=class_row(_ArticleRow)) as cur:
        row = cur.execute(
            "SELECT id, url, source_id, first_seen_at, revisits, last_revisited_at, removed_at,"
            f" removed_reason, version, fetched_at, title, body FROM articles WHERE {column} = %s",
            (key,),
        ).fetchone()
    if row is None:
        return None
    earlier = [
        Version(int(v), fetched, title, body, current=False)
        for v, fetched, title, body in conn.execute(
            "SELECT version, fetched_at, title, body FROM article_versions"
            " WHERE article_id = %s ORDER BY version", (row.id,))
    ]
    current = Version(row.version, row.fetched_at, row.title, row.body, current=True)
    return ArticleHistory(
        id=row.id, url=row.url, source_id=row.source_id, first_seen_at=row.first_seen_at,
        revisits=row.revisits, last_revisited_at=row.last_revisited_at,
        removed_at=row.removed_at, removed_reason=row.removed_reason,
        versions=[*earlier, current],
    )


def text_diff(before: Version, after: Version) -> list[str]:
    """A unified diff of two versions, title first, one line per paragraph."""
    def lines(version: Version) -> list[str]:
        paragraphs = [p.strip() for p in (version.body or "").splitlines() if p.strip()]
        return [f"# {version.title or ''}", *paragraphs]

    return list(difflib.unified_diff(
        lines(before), lines(after), f"version {before.version}", f"version {after.version}",
        n=1, lineterm="",
    ))


@dataclass(frozen=True, slots=True)
class RunHistoryFigures:
    """A run's revisits and URL-shape drift, from its stats."""

    run_id: int
    source_id: str
    revisits: int
    changed: int
    unchanged: int
    removed: int
    off_pattern: int
    off_pattern_examples: list[str]


def run_history_figures(
    conn: psycopg.Connection[Any], run_ids: list[int],
) -> dict[int, RunHistoryFigures]:
    """Revisit and drift figures of these runs (zeros for runs that reported none)."""
    rows = conn.execute(
        "SELECT id, source_id, coalesce(stats, '{}'::jsonb) FROM crawl_runs WHERE id = ANY(%s)",
        (run_ids,),
    ).fetchall()
    return {int(run_id): _figures(int(run_id), str(source_id), stats)
            for run_id, source_id, stats in rows}


def _figures(run_id: int, source_id: str, stats: dict[str, Any]) -> RunHistoryFigures:
    def count(key: str) -> int:
        value = stats.get(key)
        return int(value) if isinstance(value, int | float) else 0

    examples = stats.get("dozor/off_pattern_examples")
    return RunHistoryFigures(
        run_id=run_id, source_id=source_id, revisits=count("dozor/revisit/requests"),
        changed=count("dozor/revisit/updated"), unchanged=count("dozor/revisit/unchanged")
        + count("dozor/revisit/not_modified"), removed=count("dozor/revisit/removed"),
        off_pattern=count("dozor/off_pattern"),
        off_pattern_examples=[str(e) for e in examples] if isinstance(examples, list) else [],
    )


# A feed read conditionally shows a link once; its drift stays in view this long after.
DRIFT_SHOWN_FOR = "3 days"


def latest_drift(conn: psycopg.Connection[Any]) -> dict[str, RunHistoryFigures]:
    """For each source, its latest run of the last DRIFT_SHOWN_FOR (replays aside) that saw
    links looking like its articles but failing its pattern, with that run's figures."""
    rows = conn.execute(
        "SELECT DISTINCT ON (source_id) id, source_id, stats FROM crawl_runs"
        " WHERE status <> 'running' AND mode <> 'replay'"
        " AND started_at > now() - %s::interval"
        " AND coalesce((stats ->> 'dozor/off_pattern')::integer, 0) > 0"
        " ORDER BY source_id, started_at DESC, id DESC", (DRIFT_SHOWN_FOR,),
    ).fetchall()
    return {str(s): _figures(int(i), str(s), stats) for i, s, stats in rows}
