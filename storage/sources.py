"""The `sources` table (the registry mirrored for runs and articles to refer to) and validators."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import psycopg

from crawler.sources import Source

UPSERT_SOURCE = """
INSERT INTO sources (id, name, home, languages, kind, schedule)
VALUES (%(id)s, %(name)s, %(home)s, %(languages)s, %(kind)s, %(schedule)s)
ON CONFLICT (id) DO UPDATE SET
    name = EXCLUDED.name, home = EXCLUDED.home, languages = EXCLUDED.languages,
    kind = EXCLUDED.kind, schedule = EXCLUDED.schedule, updated_at = now()
WHERE (sources.name, sources.home, sources.languages, sources.kind, sources.schedule)
      IS DISTINCT FROM
      (EXCLUDED.name, EXCLUDED.home, EXCLUDED.languages, EXCLUDED.kind, EXCLUDED.schedule)
"""


def sync_sources(conn: psycopg.Connection[tuple[object, ...]], sources: Iterable[Source]) -> None:
    """Insert or refresh one row per registry entry (the `paused` flag is the operator's)."""
    rows = [
        {"id": s.id, "name": s.name, "home": s.home, "languages": list(s.languages),
         "kind": s.kind, "schedule": s.schedule}
        for s in sources
    ]
    with conn.transaction(), conn.cursor() as cur:
        cur.executemany(UPSERT_SOURCE, rows)


def paused_source_ids(conn: psycopg.Connection[tuple[object, ...]]) -> set[str]:
    """Ids of the sources an operator paused (`dozor pause`)."""
    return {str(row[0]) for row in conn.execute("SELECT id FROM sources WHERE paused")}


def set_paused(conn: psycopg.Connection[tuple[object, ...]], source_id: str, paused: bool) -> bool:
    """Pause or resume a source; False when it has no row (not synced from the registry)."""
    with conn.transaction():
        cur = conn.execute(
            "UPDATE sources SET paused = %s WHERE id = %s", (paused, source_id)
        )
    return cur.rowcount == 1


def load_validators(
    conn: psycopg.Connection[tuple[object, ...]], hosts: list[str]
) -> dict[str, tuple[str | None, str | None]]:
    """ETag and Last-Modified last seen for the feeds and sitemaps on these hosts."""
    prefixes = [f"https://{host}/%" for host in hosts] + [f"http://{host}/%" for host in hosts]
    rows = conn.execute(
        "SELECT url, etag, last_modified FROM fetch_validators WHERE url LIKE ANY(%s)",
        (prefixes,),
    ).fetchall()
    return {str(r[0]): (r[1], r[2]) for r in rows}  # type: ignore[misc]


def save_validators(
    conn: psycopg.Connection[tuple[object, ...]], url: str, etag: str | None,
    last_modified: str | None,
) -> None:
    """Remember a feed/sitemap's validators for the next run's conditional request."""
    with conn.transaction():
        conn.execute(
            "INSERT INTO fetch_validators (url, etag, last_modified) VALUES (%s, %s, %s)"
            " ON CONFLICT (url) DO UPDATE SET etag = EXCLUDED.etag,"
            " last_modified = EXCLUDED.last_modified, updated_at = now()",
            (url, etag, last_modified),
        )


def load_read_times(
    conn: psycopg.Connection[tuple[object, ...]], hosts: list[str]
) -> dict[str, datetime]:
    """When each listing (or other follower of a source's feeds) on these hosts was last read.

    The spider saves a follower it read as `<url>#read` with no validators; its updated_at is
    the reading's time (crawler/spiders/discovering.py).
    """
    prefixes = [f"https://{host}/%" for host in hosts] + [f"http://{host}/%" for host in hosts]
    rows = conn.execute(
        "SELECT url, updated_at FROM fetch_validators WHERE url LIKE ANY(%s)"
        " AND url LIKE '%%#read'",
        (prefixes,),
    ).fetchall()
    return {str(r[0]): r[1] for r in rows}  # type: ignore[misc]
