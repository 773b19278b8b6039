"""What a saved search has not been told yet: new matching stories, and spikes of a topic in a
region over its recent baseline.

A story is alerted once per saved search (alert_deliveries holds its key), however many
outlets or languages repeat it. Articles published more than FRESH_DAYS ago
(DOZOR_ALERT_MAX_AGE_DAYS) are not news even when a backfill stores them today.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from serve.alerts.saved import SavedSearch
from serve.query import parse_query
from serve.request import ALMATY
from serve.search import where_clause

FRESH_DAYS = 7
FRESH_DAYS_ENV = "DOZOR_ALERT_MAX_AGE_DAYS"
# Articles stored a little before the last check are looked at again (a crawl may commit
# late); the delivery log keeps them from being sent twice.
LOOKBACK = timedelta(hours=1)
MAX_NEW_ARTICLES = 1_000
# A spike: at least SPIKE_MIN stories in the last 24 hours, and at least SPIKE_FACTOR times
# the daily mean of the BASELINE_DAYS before (plus three Poisson deviations).
SPIKE_MIN = 3
SPIKE_FACTOR = 2.0
BASELINE_DAYS = 28

NEW_MATCHES_SQL = """
SELECT a.id, a.url, a.title, a.source_id, a.lang, a.published_at, a.first_seen_at,
       a.story_id, coalesce(st.article_count, 1) AS story_articles,
       coalesce(st.sources, ARRAY[a.source_id]) AS story_sources,
       coalesce(st.languages, array_remove(ARRAY[a.lang], NULL)) AS story_languages,
       a.regions
FROM articles a LEFT JOIN stories st ON st.id = a.story_id
WHERE {where} AND a.first_seen_at > %(after)s
  AND coalesce(a.published_at, a.first_seen_at) >= %(fresh)s
ORDER BY coalesce(a.published_at, a.first_seen_at), a.id
LIMIT %(max)s
"""
SPIKES_SQL = """
WITH m AS (
    SELECT t.topic, r.region, coalesce(a.published_at, a.first_seen_at) AS at
    FROM articles a
    JOIN article_tags t ON t.article_id = a.id
    CROSS JOIN LATERAL unnest(a.regions) AS r(region)
    WHERE {where} AND coalesce(a.published_at, a.first_seen_at) >= %(start)s
      AND coalesce(a.published_at, a.first_seen_at) <= %(now)s
)
SELECT topic, region,
       count(*) FILTER (WHERE at > %(recent)s) AS recent,
       count(*) FILTER (WHERE at <= %(recent)s) AS before
FROM m GROUP BY 1, 2
HAVING count(*) FILTER (WHERE at > %(recent)s) >= %(min)s
ORDER BY 3 DESC, 1, 2
"""
DELIVERED_SQL = """
SELECT alert_key FROM alert_deliveries WHERE saved_search_id = %(id)s AND alert_key = ANY(%(keys)s)
"""
SENT_TODAY_SQL = """
SELECT count(*) FROM alert_deliveries
WHERE saved_search_id = %(id)s AND status = 'sent' AND created_at >= %(day_start)s
"""


@dataclass(frozen=True, slots=True)
class AlertItem:
    """One thing to tell: a story (its earliest new article) or a spike."""

    key: str
    article_id: int | None
    title: str
    url: str | None
    source_id: str | None
    lang: str | None
    published_at: datetime | None
    story_articles: int = 1
    story_sources: tuple[str, ...] = ()
    story_languages: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    # spikes
    topic: str | None = None
    region: str | None = None
    recent: int = 0
    baseline: float = 0.0


def new_matches(conn: psycopg.Connection[Any], saved: SavedSearch, now: datetime
                ) -> list[AlertItem]:
    """The saved search's stories with articles stored since its last check, oldest first."""
    parsed = parse_query(saved.query, saved.cross_language)
    where, params = where_clause(parsed, saved.search_filters())
    fresh_days = int(os.environ.get(FRESH_DAYS_ENV) or FRESH_DAYS)
    # Never earlier than the search itself, nor than its last resume: what was stored before
    # it, or while it was paused, is not news to it.
    after = max(saved.checked_until - LOOKBACK, saved.created_at,
                saved.resumed_at or saved.created_at)
    params.update(after=after, fresh=now - timedelta(days=fresh_days),
                  max=MAX_NEW_ARTICLES)
    items: dict[str, AlertItem] = {}
    with conn.cursor(row_factory=dict_row) as cur:
        for row in cur.execute(sql.SQL(NEW_MATCHES_SQL).format(where=where), params):
            key = f"story:{row['story_id']}" if row["story_id"] else f"article:{row['id']}"
            if key in items:
                continue
            items[key] = AlertItem(
                key=key, article_id=row["id"], title=row["title"] or row["url"], url=row["url"],
                source_id=row["source_id"], lang=row["lang"], published_at=row["published_at"],
                story_articles=int(row["story_articles"]),
                story_sources=tuple(row["story_sources"]),
                story_languages=tuple(row["story_languages"]), regions=tuple(row["regions"]),
            )
    return not_delivered(conn, saved.id, list(items.values()))


def spikes(conn: psycopg.Connection[Any], saved: SavedSearch, now: datetime) -> list[AlertItem]:
    """Topic x region pairs whose stories of the last 24 hours exceed their baseline."""
    parsed = parse_query(saved.query, saved.cross_language)
    where, params = where_clause(parsed, saved.search_filters(), stories=True)
    recent = now - timedelta(days=1)
    params.update(start=recent - timedelta(days=BASELINE_DAYS), recent=recent, now=now,
                  min=SPIKE_MIN)
    day = now.astimezone(ALMATY).date().isoformat()
    found = []
    for topic, region, count, before in conn.execute(
            sql.SQL(SPIKES_SQL).format(where=where), params):
        mean = int(before) / BASELINE_DAYS
        threshold = max(SPIKE_MIN, SPIKE_FACTOR * mean, mean + 3 * math.sqrt(mean))
        if int(count) >= threshold:
            found.append(AlertItem(
                key=f"spike:{topic}:{region}:{day}", article_id=None, title="", url=None,
                source_id=None, lang=None, published_at=None, topic=str(topic),
                region=str(region), recent=int(count), baseline=round(mean, 2),
            ))
    return not_delivered(conn, saved.id, found)


def not_delivered(conn: psycopg.Connection[Any], search_id: int, items: list[AlertItem]
                  ) -> list[AlertItem]:
    """The items whose key the saved search has not been sent (nor held back) before."""
    if not items:
        return items
    done = {str(r[0]) for r in conn.execute(
        DELIVERED_SQL, {"id": search_id, "keys": [i.key for i in items]})}
    return [i for i in items if i.key not in done]


def sent_today(conn: psycopg.Connection[Any], search_id: int, now: datetime) -> int:
    """Alerts the saved search got today (Asia/Almaty day): what the daily cap counts."""
    local = now.astimezone(ALMATY)
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    row = conn.execute(SENT_TODAY_SQL, {"id": search_id, "day_start": day_start}).fetchone()
    return int(row[0]) if row else 0
