"""Counts of matching articles per week (Asia/Almaty), region or source, by topic; a PNG chart."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

import psycopg
from psycopg import sql

from serve.i18n import N_, messages
from serve.labels import Catalog, catalog
from serve.query import parse_query
from serve.request import Filters, validate_filters
from serve.search import where_clause

Dimension = Literal["day", "week", "region", "source", "lang"]
DIMENSIONS: tuple[Dimension, ...] = ("week", "region", "source")
ALL_DIMENSIONS: tuple[Dimension, ...] = ("day", "week", "region", "source", "lang")

# Each dimension: the grouping key and the join that produces it. Whitelisted text: the
# caller names a dimension, never SQL.
KEYS: dict[str, tuple[str, str, str]] = {
    "day": (
        "(a.published_at AT TIME ZONE 'Asia/Almaty')::date", "",
        " AND a.published_at IS NOT NULL",
    ),
    "week": (
        "date_trunc('week', a.published_at AT TIME ZONE 'Asia/Almaty')::date", "",
        " AND a.published_at IS NOT NULL",
    ),
    "region": ("r.region", " CROSS JOIN LATERAL unnest(a.regions) AS r(region)", ""),
    "source": ("a.source_id", "", ""),
    "lang": ("coalesce(a.lang, '')", "", ""),
}

# Totals per key (topic '') and per key and topic, in one round trip. An article with two
# topics counts once in the total and once under each topic.
COUNTS_SQL = """
SELECT {key} AS key, '' AS topic, {count} AS articles
FROM articles a{join}
WHERE {where}{extra}
GROUP BY 1
UNION ALL
SELECT {key}, t.topic, {count}
FROM articles a{join} JOIN article_tags t ON t.article_id = a.id
WHERE {where}{extra}
GROUP BY 1, 2
"""
# Stories are counted as distinct story ids (an article not grouped yet is its own story):
# once per week, region, source or language in which any of their articles matches. Cheaper
# than finding each story's leading article (bench/bench_stories.py), and per source it says
# which outlets told the news.
COUNT_ARTICLES = "count(*)"
COUNT_STORIES = "count(DISTINCT coalesce(a.story_id, -a.id))"


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


def _fill_periods(rows: list[CountRow], step: int) -> list[CountRow]:
    """Days or weeks in order, those without articles present with zeros (a trend needs them)."""
    if not rows:
        return rows
    by_key = {r.key: r for r in rows}
    first, last = date.fromisoformat(min(by_key)), date.fromisoformat(max(by_key))
    filled = []
    period = first
    while period <= last:
        filled.append(by_key.get(period.isoformat(), CountRow(period.isoformat(), 0, {})))
        period += timedelta(days=step)
    return filled


def count_by(
    conn: psycopg.Connection[Any], dimension: Dimension, text: str = "",
    filters: Filters | None = None, *, stories: bool = False, cross_language: bool = False,
) -> CountTable:
    """Matching articles (or, with `stories`, stories) counted along one dimension."""
    filters = filters or Filters()
    validate_filters(filters)
    key, join, extra = KEYS[dimension]
    where, params = where_clause(parse_query(text, cross_language), filters)
    query = sql.SQL(COUNTS_SQL).format(
        key=sql.SQL(key), join=sql.SQL(join), extra=sql.SQL(extra), where=where,
        count=sql.SQL(COUNT_STORIES if stories else COUNT_ARTICLES),
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
    if dimension in ("day", "week"):
        rows = _fill_periods(sorted(rows, key=lambda r: r.key), 1 if dimension == "day" else 7)
    else:
        rows.sort(key=lambda r: (-r.articles, r.key))
    return CountTable(dimension, catalog().topics, rows)


TITLES = {
    "day": N_("Per day (Asia/Almaty)"), "week": N_("Per week (Asia/Almaty, from Monday)"),
    "region": N_("Per region"), "source": N_("Per source"), "lang": N_("Per language"),
}
KEY_HEADERS = {"day": N_("day"), "week": N_("week (Mon)"), "region": N_("region"),
               "source": N_("source"), "lang": N_("language")}


def key_name(dimension: str, key: str, ui: str = "en", names: Catalog | None = None) -> str:
    """A count key as a reader sees it: a region's or language's name, a date, a source id."""
    names = names or catalog()
    kind = {"region": "regions", "lang": "languages"}.get(dimension)
    return names.name(kind, key, ui) if kind else key


def format_table(table: CountTable, names: Catalog | None = None, ui: str = "en",
                 unit: str = "articles") -> str:
    """A plain-text table: key, count, one column per topic."""
    names = names or catalog()
    t = messages(ui)
    label = t(KEY_HEADERS[table.dimension])
    keys = [key_name(table.dimension, r.key, ui, names) for r in table.rows]
    heads = [t("stories") if unit == "stories" else t("articles"),
             *(names.name("topics", topic, ui) for topic in table.topics)]
    width = max([len(label), *(len(k) for k in keys)])
    cell = max(8, *(len(h) for h in heads))
    header = f"{label:<{width}}" + "".join(f" {h:>{cell}}" for h in heads)
    lines = [header]
    for key, row in zip(keys, table.rows, strict=True):
        counts = "".join(f" {row.by_topic.get(topic, 0):>{cell}}" for topic in table.topics)
        lines.append(f"{key:<{width}} {row.articles:>{cell}}{counts}")
    if not table.rows:
        lines.append(t("(nothing matches)"))
    return "\n".join(lines)


def chart_png(tables: dict[Dimension, CountTable], names: Catalog | None = None,
              ui: str = "en") -> bytes:
    """One PNG: the trend per topic (days or weeks, with years), then counts per region, source."""
    # Figure without pyplot: no global state, no GUI backend, safe in a server thread.
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    names = names or catalog()
    t = messages(ui)
    panels = [d for d in ALL_DIMENSIONS if d in tables]
    fig = Figure(figsize=(10, 3.6 * len(panels)), layout="constrained")
    axes = fig.subplots(len(panels), 1, squeeze=False)[:, 0]
    for ax, dimension in zip(axes, panels, strict=True):
        table = tables[dimension]
        if dimension in ("day", "week"):
            periods = [date.fromisoformat(r.key) for r in table.rows]
            ax.plot(periods, [r.articles for r in table.rows], label=t("All matching"),
                    color="0.4")
            for topic in table.topics:
                ax.plot(periods, [r.by_topic.get(topic, 0) for r in table.rows],
                        label=names.name("topics", topic, ui), marker="o", markersize=3)
            # Concise dates show the year at its first tick and wherever it changes.
            locator = AutoDateLocator(maxticks=10)  # type: ignore[no-untyped-call]
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.legend(loc="upper left")
        else:
            rows = table.rows[:20][::-1]
            labels = [key_name(dimension, r.key, ui, names) for r in rows]
            ax.barh(labels, [r.articles for r in rows], color="0.6", label=t("All matching"))
            for i, topic in enumerate(table.topics):
                ax.barh([j + 0.2 * (i + 1) - 0.3 for j in range(len(rows))],
                        [r.by_topic.get(topic, 0) for r in rows], height=0.2,
                        label=names.name("topics", topic, ui))
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.legend(loc="lower right")
        ax.set_title(t(TITLES[dimension]))
        if not table.rows:
            ax.text(0.5, 0.5, t("(nothing matches)"), ha="center", va="center",
                    transform=ax.transAxes)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()
