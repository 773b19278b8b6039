"""The `crawl_runs` table: one row per run and source, opened by the runner and closed by it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

# Counters a crawl reports; the same names are columns of crawl_runs.
RUN_COUNTERS = ("found", "skipped", "new", "updated", "unchanged", "failed", "rejected", "requests")
MAX_ERRORS_KEPT = 50  # a broken site can fail thousands of requests; keep the first ones


@dataclass(slots=True)
class CrawlRun:
    """One row of crawl_runs."""

    id: int
    source_id: str
    mode: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    found: int
    skipped: int
    new: int
    updated: int
    unchanged: int
    failed: int
    rejected: int
    requests: int
    errors: list[dict[str, Any]]


RUN_COLUMNS = (
    "id, source_id, mode, started_at, finished_at, status, found, skipped, new, updated,"
    " unchanged, failed, rejected, requests, errors"
)


def start_run(conn: psycopg.Connection[Any], source_id: str, mode: str) -> int:
    """Open a run row in status 'running'; return its id."""
    with conn.transaction():
        row = conn.execute(
            "INSERT INTO crawl_runs (source_id, mode) VALUES (%s, %s) RETURNING id",
            (source_id, mode),
        ).fetchone()
    assert row is not None
    return int(row[0])


def record_counts(
    conn: psycopg.Connection[Any], run_id: int, counts: dict[str, int],
    errors: list[dict[str, Any]], stats: dict[str, Any] | None = None,
) -> None:
    """Write a crawl's counters, first errors and stats onto its run row."""
    values = {name: int(counts.get(name, 0)) for name in RUN_COUNTERS}
    with conn.transaction():
        conn.execute(
            "UPDATE crawl_runs SET found = %(found)s, skipped = %(skipped)s, new = %(new)s,"
            " updated = %(updated)s, unchanged = %(unchanged)s, failed = %(failed)s,"
            " rejected = %(rejected)s, requests = %(requests)s, errors = %(errors)s,"
            " stats = %(stats)s WHERE id = %(id)s",
            {**values, "errors": Jsonb(errors[:MAX_ERRORS_KEPT]),
             "stats": Jsonb(stats) if stats is not None else None, "id": run_id},
        )


def finish_run(
    conn: psycopg.Connection[Any], run_id: int, status: str,
    extra_errors: Sequence[dict[str, Any]] = (),
) -> CrawlRun:
    """Close a run with its final status; append errors the runner saw; return the row."""
    with conn.transaction():
        conn.execute(
            "UPDATE crawl_runs SET status = %s, finished_at = now(),"
            " errors = errors || %s WHERE id = %s",
            (status, Jsonb(list(extra_errors)), run_id),
        )
    return get_run(conn, run_id)


def close_orphaned_runs(conn: psycopg.Connection[Any], source_id: str) -> int:
    """Mark a source's 'running' rows failed; call only while holding the source's run lock."""
    with conn.transaction():
        cur = conn.execute(
            "UPDATE crawl_runs SET status = 'failed', finished_at = now(), errors = errors || %s"
            " WHERE source_id = %s AND status = 'running'",
            (Jsonb([{"kind": "runner", "url": "",
                     "message": "the process running this crawl ended without recording it"}]),
             source_id),
        )
    return cur.rowcount


def get_run(conn: psycopg.Connection[Any], run_id: int) -> CrawlRun:
    """One run by id."""
    with conn.cursor(row_factory=class_row(CrawlRun)) as cur:
        run = cur.execute(
            f"SELECT {RUN_COLUMNS} FROM crawl_runs WHERE id = %s", (run_id,)
        ).fetchone()
    if run is None:
        raise LookupError(f"no crawl run with id {run_id}")
    return run


def recent_runs(
    conn: psycopg.Connection[Any], source_id: str | None = None, limit: int = 20
) -> list[CrawlRun]:
    """The latest runs, newest first, optionally of one source."""
    with conn.cursor(row_factory=class_row(CrawlRun)) as cur:
        return cur.execute(
            f"SELECT {RUN_COLUMNS} FROM crawl_runs"
            " WHERE %(source)s::text IS NULL OR source_id = %(source)s"
            " ORDER BY started_at DESC, id DESC LIMIT %(limit)s",
            {"source": source_id, "limit": limit},
        ).fetchall()
