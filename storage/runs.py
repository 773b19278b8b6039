"""The `crawl_runs` table: one row per run and source, opened by the runner and closed by it.

A run's counts follow one rule, checked when it is closed: every article link it found ends in
exactly one outcome, so found = new + updated + unchanged + skipped + failed + rejected. The
counts of new and updated articles are read from what the database holds for the run
(articles.first_run_id / last_run_id), not taken from the crawler's word; the other counters
are written by the crawl as it goes (with each batch it stores), so a run whose processes were
killed still has them. Links found but never settled (a run stopped or killed midway) count as
failed: they are not stored, and the next run fetches them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from storage.leases import Lease

# Counters a crawl reports; the same names are columns of crawl_runs.
RUN_COUNTERS = ("found", "skipped", "new", "updated", "unchanged", "failed", "rejected",
                "requests", "discovery_failed")
# The outcomes of article links: found is their sum.
OUTCOMES = ("new", "updated", "unchanged", "skipped", "failed", "rejected")
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
    discovery_failed: int = 0
    reason: str | None = None
    # Of the rejected: article links answered by a not-found page or a redirect home (from the
    # run's stats, dozor/soft_404; crawler/extract/soft_404.py).
    soft_404: int = 0

    @property
    def stored(self) -> int:
        """Articles this run wrote or found unchanged."""
        return self.new + self.updated + self.unchanged


RUN_COLUMNS = (
    "id, source_id, mode, started_at, finished_at, status, found, skipped, new, updated,"
    " unchanged, failed, rejected, requests, errors, discovery_failed, reason,"
    " coalesce((stats ->> 'dozor/soft_404')::integer, 0) AS soft_404"
)


def start_run(
    conn: psycopg.Connection[Any], source_id: str, mode: str, lease_token: int | None = None,
) -> int:
    """Open a run row in status 'running'; return its id."""
    with conn.transaction():
        row = conn.execute(
            "INSERT INTO crawl_runs (source_id, mode, lease_token) VALUES (%s, %s, %s)"
            " RETURNING id", (source_id, mode, lease_token),
        ).fetchone()
    assert row is not None
    return int(row[0])


def _counter_values(counts: dict[str, int]) -> dict[str, int]:
    return {name: int(counts.get(name, 0)) for name in RUN_COUNTERS}


UPDATE_COUNTERS = (
    "UPDATE crawl_runs SET found = %(found)s, skipped = %(skipped)s, new = %(new)s,"
    " updated = %(updated)s, unchanged = %(unchanged)s, failed = %(failed)s,"
    " rejected = %(rejected)s, requests = %(requests)s, discovery_failed = %(discovery_failed)s"
)


def record_counts(
    conn: psycopg.Connection[Any], run_id: int, counts: dict[str, int],
    errors: list[dict[str, Any]], stats: dict[str, Any] | None = None,
) -> None:
    """Write a crawl's counters, first errors and stats onto its run row."""
    with conn.transaction():
        conn.execute(
            UPDATE_COUNTERS + ", errors = %(errors)s, stats = %(stats)s WHERE id = %(id)s",
            {**_counter_values(counts), "errors": Jsonb(errors[:MAX_ERRORS_KEPT]),
             "stats": Jsonb(stats) if stats is not None else None, "id": run_id},
        )


def record_progress(
    conn: psycopg.Connection[Any], run_id: int, counts: dict[str, int], lease: Lease | None,
) -> bool:
    """Write a running crawl's counters so far, if it still holds `lease`; False if it does not.

    Run inside the transaction that stores a batch, the counters stay in step with the rows.
    """
    cur = conn.execute(
        UPDATE_COUNTERS + " WHERE id = %(id)s AND (%(lease)s::text IS NULL OR EXISTS ("
        " SELECT 1 FROM leases WHERE name = %(lease)s AND token = %(token)s))",
        {**_counter_values(counts), "id": run_id, "lease": lease.name if lease else None,
         "token": lease.token if lease else None},
    )
    return cur.rowcount == 1


def stored_by_run(conn: psycopg.Connection[Any], run_id: int) -> tuple[int, int]:
    """(new, updated): articles this run inserted, and articles it last changed from a link it
    found (a revisit's new version is counted apart, under the run's dozor/revisit/* stats)."""
    row = conn.execute(
        "SELECT (SELECT count(*) FROM articles WHERE first_run_id = %(run)s),"
        " (SELECT count(*) FROM articles a JOIN crawl_runs r ON r.id = a.last_run_id"
        "  WHERE a.last_run_id = %(run)s AND a.first_run_id IS DISTINCT FROM %(run)s"
        "  AND (a.last_revisited_at IS NULL OR a.last_revisited_at < r.started_at))",
        {"run": run_id},
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def settle_counts(
    conn: psycopg.Connection[Any], run_id: int, reported: dict[str, int] | None,
) -> tuple[dict[str, int], int]:
    """A run's final counts and how many found links never got an outcome (counted failed).

    `reported` is the crawl's own report; without one (its process was killed) the counters it
    last wrote to the row are used. New and updated come from the articles table either way.
    """
    if reported is None:
        row = conn.execute(f"SELECT {', '.join(RUN_COUNTERS)} FROM crawl_runs WHERE id = %s",
                           (run_id,)).fetchone()
        reported = dict(zip(RUN_COUNTERS, row, strict=True)) if row else {}
    counts = _counter_values(reported)
    counts["new"], counts["updated"] = stored_by_run(conn, run_id)
    unsettled = counts["found"] - sum(counts[name] for name in OUTCOMES)
    if unsettled > 0:
        counts["failed"] += unsettled
    else:
        # More outcomes than links found: a link counted twice somewhere; found follows them.
        counts["found"] -= unsettled
    return counts, max(unsettled, 0)


def finish_run(
    conn: psycopg.Connection[Any], run_id: int, status: str,
    extra_errors: Sequence[dict[str, Any]] = (), reason: str | None = None,
) -> CrawlRun:
    """Close a run with its final status and reason; append errors the runner saw."""
    with conn.transaction():
        conn.execute(
            "UPDATE crawl_runs SET status = %s, finished_at = now(), reason = %s,"
            " errors = errors || %s WHERE id = %s",
            (status, reason, Jsonb(list(extra_errors)), run_id),
        )
    return get_run(conn, run_id)


def close_run(
    conn: psycopg.Connection[Any], run_id: int, status: str, reason: str | None, *,
    report: dict[str, Any] | None = None, extra_errors: Sequence[dict[str, Any]] = (),
) -> CrawlRun:
    """Settle a run's counts from the database (and the crawl's report, if any), then close it.

    `report` is what the crawl wrote at its end ({"counts", "errors", "stats"}); without it
    (the crawl was killed) the counters it last wrote to the row stand.
    """
    with conn.transaction():
        counts, unsettled = settle_counts(conn, run_id, report["counts"] if report else None)
        extra = list(extra_errors)
        if unsettled:
            extra.append({"kind": "unfinished", "url": "",
                          "message": f"{unsettled} links found but not fetched or stored;"
                                     " the next run fetches them"})
        if report is not None:
            record_counts(conn, run_id, counts, list(report.get("errors") or []),
                          report.get("stats"))
        else:
            conn.execute(UPDATE_COUNTERS + " WHERE id = %(id)s", {**counts, "id": run_id})
        return finish_run(conn, run_id, status, extra, reason)


def close_orphaned_runs(
    conn: psycopg.Connection[Any], source_id: str, current_run_id: int | None = None,
) -> list[CrawlRun]:
    """Close a source's 'running' crawl rows other than the current run as 'lost', with true
    counts.

    Call only while holding the source's lease: another 'running' row that ran under a lease
    (or, from before leases, was a runner's: it has a pid) is then one whose processes ended
    without recording it, or lost the lease and have not recorded it yet. Rows of jobs that do
    not take the source's lease are left to them.
    """
    rows = conn.execute(
        "SELECT id FROM crawl_runs WHERE source_id = %s AND status = 'running'"
        " AND id IS DISTINCT FROM %s AND (lease_token IS NOT NULL OR pid IS NOT NULL)"
        " ORDER BY id", (source_id, current_run_id),
    ).fetchall()
    closed = []
    for (run_id,) in rows:
        by = f" (closed by run {current_run_id})" if current_run_id else ""
        closed.append(close_run(
            conn, int(run_id), "lost",
            "lost: its processes ended without recording the run (killed, or cut off from"
            f" PostgreSQL past their lease){by}; counts are what the database holds",
            extra_errors=[{"kind": "runner", "url": "", "message":
                           "the process running this crawl ended without recording it"}],
        ))
    return closed


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
