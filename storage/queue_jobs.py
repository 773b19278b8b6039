"""What the task queue holds (procrastinate_jobs): for `dozor queue`, read-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import class_row

# Finished jobs are listed this far back (the workers delete them after 72 hours).
RECENT_HOURS = 24


@dataclass(frozen=True)
class QueueJob:
    """One job: its task and arguments, status, tries so far and when it runs next."""

    id: int
    task_name: str
    args: dict[str, Any]
    status: str
    attempts: int
    scheduled_at: datetime | None
    queue_name: str


def queue_jobs(conn: psycopg.Connection[Any], *, recent_hours: int = RECENT_HOURS,
               limit: int = 200) -> list[QueueJob]:
    """Waiting and running jobs, then those that ended in the last `recent_hours`, newest
    first within each."""
    with conn.cursor(row_factory=class_row(QueueJob)) as cur:
        return cur.execute(
            "SELECT j.id, j.task_name, j.args, j.status::text AS status, j.attempts,"
            "       j.scheduled_at, j.queue_name"
            " FROM procrastinate_jobs j"
            " WHERE j.status IN ('todo', 'doing')"
            "    OR EXISTS (SELECT 1 FROM procrastinate_events e WHERE e.job_id = j.id"
            "               AND e.at > now() - make_interval(hours => %(hours)s))"
            " ORDER BY j.status NOT IN ('todo', 'doing'), j.id DESC"
            " LIMIT %(limit)s",
            {"hours": recent_hours, "limit": limit}).fetchall()
