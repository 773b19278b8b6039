"""Counts of matching articles per week (Asia/Almaty), region or source, by topic; a PNG chart."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

import psycopg
from psycopg import sql

from serve.labels import Catalog, catalog
from serve.search import Filters, parse_query, validate_filters, where_clause

Dimension = Literal["week", "region", "source"]
DIMENSIONS: tuple[Dimension, ...] = ("week", "region", "source")

# Each dimension: the grouping key and the join that produces it. Whitelisted text: the
# caller names a dimension, never SQL.
KEYS: dict[str, tuple[str, str, str]] = {
    "week": (
        "date_trunc('week', a.published_at AT TIME ZONE 'Asia/Almaty')::date", "",
        " AND a.published_at IS NOT NULL",
    ),
    "region": ("r.region", " CROSS JOIN LATERAL unnest(a.regions) AS r(region)", ""),
    "source": ("a.source_id", "", ""),
}

# Totals per key (topic '') and per key and topic, in one round trip. An article with two
# topics counts once in the total and once under each topic.
COUNTS_SQL = """
SELECT {key} AS key, '' AS topic, count(*) AS articles
FROM articles a{join}
WHERE {where}{extra}
GROUP BY 1
UNION ALL
SELECT {key}, t.topic, count(*)
FROM articles a{join} JOIN article_tags t ON t.article_id = a.id
WHERE {where}{extra}
GROUP BY 1, 2
"""


@dataclass(frozen=True, slots=True)
class CountRow:
    """Articles under one key (a week's Monday, a region id, a source id), in all and by topic."""

    key: str
    articles: int
    by_topic: dict[str, int]


@dataclass(frozen=True, slots=True)
class CountTable:
    """Counts along one dimension, the topic columns in catalog order."""

    dimension: Dimension
    topics: tuple[str, ...]
    rows: list[CountRow] = field(default_factory=list)


def _fill_weeks(rows: list[CountRow]) -> list[CountRow]:
    """Weeks in order, the weeks without articles present with zeros (a trend needs them)."""
    if not rows:
        return rows
    by_week = {r.key: r for r in rows}
    first, last = date.fromisoformat(min(by_week)), date.fromisoformat(max(by_week))
    filled = []
    week = first
    while week <= last:
        filled.append(by_week.get(week.isoformat(), CountRow(week.isoformat(), 0, {})))
        week += timedelta(days=7)
    return filled


def count_by(
    conn: psycopg.Connection[Any], dimension: Dimension, text: str = "",
    filters: Filters | None = None,
) -> CountTable:
    """Matching articles counted along one dimension (filters and text as in search)."""
    filters = filters or Filters()
    validate_filters(filters)
    key, join, extra = KEYS[dimension]
    where, params = where_clause(parse_query(text), filters)
    query = sql.SQL(COUNTS_SQL).format(
        key=sql.SQL(key), join=sql.SQL(join), extra=sql.SQL(extra), where=where
    )
    totals: dict[str, int] = {}
    by_topic: dict[str, dict[str, int]] = {}
    for row_key, topic, articles in conn.execute(query, params):
        name = row_key.isoformat() if isinstance(row_key, date) else str(row_key)
        if topic:
            by_topic.setdefault(name, {})[str(topic)] = int(articles)
        else:
            totals[name] = int(articles)
    rows = [CountRow(k, totals[k], by_topic.get(k, {})) for k in totals]
    if dimension == "week":
        rows = _fill_weeks(sorted(rows, key=lambda r: r.key))
    else:
        rows.sort(key=lambda r: (-r.articles, r.key))
    return CountTable(dimension, catalog().topics, rows)


def format_table(table: CountTable, names: Catalog | None = None) -> str:
    """A plain-text table: key, articles, one column per topic."""
    names = names or catalog()
    label = {"week": "week (Mon)", "region": "region", "source": "source"}[table.dimension]
    keys = [names.name("regions", r.key) if table.dimension == "region" else r.key
            for r in table.rows]
    width = max([len(label), *(len(k) for k in keys)])
    header = f"{label:<{width}} {'articles':>8}" + "".join(f" {t:>8}" for t in table.topics)
    lines = [header]
    for key, row in zip(keys, table.rows, strict=True):
        counts = "".join(f" {row.by_topic.get(t, 0):>8}" for t in table.topics)
        lines.append(f"{key:<{width}} {row.articles:>8}{counts}")
    if not table.rows:
        lines.append("(no articles)")
    return "\n".join(lines)


def chart_png(tables: dict[Dimension, CountTable], names: Catalog | None = None) -> bytes:
    """One PNG: the weekly trend per topic, and the articles per region and per source."""
    # Figure without pyplot: no global state, no GUI backend, safe in a server thread.
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    names = names or catalog()
    panels = [d for d in DIMENSIONS if d in tables]
    fig = Figure(figsize=(10, 3.6 * len(panels)), layout="constrained")
    axes = fig.subplots(len(panels), 1, squeeze=False)[:, 0]
    for ax, dimension in zip(axes, panels, strict=True):
        table = tables[dimension]
        if dimension == "week":
            weeks = [date.fromisoformat(r.key) for r in table.rows]
            ax.plot(weeks, [r.articles for r in table.rows], label="all articles", color="0.4")
            for topic in table.topics:
                ax.plot(weeks, [r.by_topic.get(topic, 0) for r in table.rows],
                        label=names.name("topics", topic), marker="o", markersize=3)
            locator = AutoDateLocator()  # type: ignore[no-untyped-call]
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_title("Articles per week (Asia/Almaty, weeks from Monday)")
            ax.legend(loc="upper left")
        else:
            rows = table.rows[:20][::-1]
            labels = [names.name("regions", r.key) if dimension == "region" else r.key
                      for r in rows]
            ax.barh(labels, [r.articles for r in rows], color="0.6", label="all articles")
            for i, topic in enumerate(table.topics):
                ax.barh([j + 0.2 * (i + 1) - 0.3 for j in range(len(rows))],
                        [r.by_topic.get(topic, 0) for r in rows], height=0.2,
                        label=names.name("topics", topic))
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_title(f"Articles per {dimension}")
            ax.legend(loc="lower right")
        if not table.rows:
            ax.text(0.5, 0.5, "no articles", ha="center", va="center", transform=ax.transAxes)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()
