"""Search over stored articles: a parsed query (serve/query.py) and a checked request
(serve/request.py) as literal SQL. Filters add fixed fragments with named parameters, the order
comes from a whitelist, values never become SQL. What it returns is in serve/hits.py.
"""

from __future__ import annotations

import re
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from serve.hits import Hit, SearchPage, tags_from_json
from serve.query import ParsedQuery, parse_query
from serve.request import MAX_PAGE_SIZE, Filters, SearchRequest, validate_request

# Matches are counted up to this many; beyond it the total is shown as "1000+". Counting
# reads every matching row, which costs more than the page itself on a large table
# (exact counts per week, region and source are what /api/stats and `dozor stats` give).
COUNT_LIMIT = 1_000
# Relevance ranks the newest this many matches of the query: ranking reads every ranked
# row, and a word in a fifth of a million articles must not cost seconds. Below this many
# matches (nearly every real query) the ranking is over all of them.
RANK_POOL = 2_000
# How many times more a row costs when walking the date index than when fetched from a GIN
# match list (TOAST and heap pages read in date order rather than in physical order).
WALK_COST_FACTOR = 6
# Close matches (every word but one) fill a first page that full matches do not; they are
# ranked among this many newest candidates, which bounds the cost on a large table.
CLOSE_MATCH_POOL = 5_000


# ---------------------------------------------------------------------------------------
# SQL
# ---------------------------------------------------------------------------------------

# One fragment per filter; a request uses the fragments of the filters it sets, so the
# planner sees only real conditions (no "param IS NULL OR ..." that defeats indexes).
CONDITIONS: dict[str, str] = {
    "stored_ok": "a.status = 'ok'",
    "text": "a.search_vector @@ %(tsquery)s::tsquery",
    "close_text": (
        "a.search_vector @@ %(relaxed)s::tsquery AND NOT a.search_vector @@ %(tsquery)s::tsquery"
    ),
    "topics": (
        "EXISTS (SELECT FROM article_tags t WHERE t.article_id = a.id"
        " AND t.topic = ANY(%(topics)s))"
    ),
    "subtopics": (
        "EXISTS (SELECT FROM article_tags t WHERE t.article_id = a.id"
        " AND t.subtopics && %(subtopics)s)"
    ),
    # Both set: the subtopic must be one of the chosen topics' (phone fraud, not phone + OCG).
    "topics_subtopics": (
        "EXISTS (SELECT FROM article_tags t WHERE t.article_id = a.id"
        " AND t.topic = ANY(%(topics)s) AND t.subtopics && %(subtopics)s)"
    ),
    "sources": "a.source_id = ANY(%(sources)s)",
    "langs": "a.lang = ANY(%(langs)s)",
    "regions": "a.regions && %(regions)s",
    "since": "a.published_at >= %(since)s",
    "until": "a.published_at < %(until)s",
}

# Relevance is ts_rank_cd (cover density: query words close together rank higher) over the
# newest RANK_POOL matches, equal ranks newest first; `id` last makes every order total, so
# pages never overlap.
PAGE_BY_RELEVANCE = """
SELECT c.id, c.published_at, ts_rank_cd(c.search_vector, %(rank_tsquery)s::tsquery) AS rank
FROM (
    SELECT a.id, a.published_at, a.search_vector
    FROM articles a
    WHERE {where}
    ORDER BY a.published_at DESC NULLS LAST, a.id DESC
    LIMIT %(rank_pool)s
) c
ORDER BY rank DESC, c.published_at DESC NULLS LAST, c.id DESC
LIMIT %(limit)s OFFSET %(offset)s
"""
# One row per story, by relevance: within the pool, each story's earliest matching article
# (a sibling older than the pool cannot hide it; the pool is nearly always every match).
PAGE_BY_RELEVANCE_STORIES = """
SELECT c.id, c.published_at, ts_rank_cd(c.search_vector, %(rank_tsquery)s::tsquery) AS rank
FROM (
    SELECT DISTINCT ON (coalesce(p.story_id, -p.id)) p.id, p.published_at, p.search_vector
    FROM (
        SELECT a.id, a.published_at, a.search_vector, a.story_id
        FROM articles a
        WHERE {where}
        ORDER BY a.published_at DESC NULLS LAST, a.id DESC
        LIMIT %(rank_pool)s
    ) p
    ORDER BY coalesce(p.story_id, -p.id), p.published_at ASC NULLS LAST, p.id ASC
) c
ORDER BY rank DESC, c.published_at DESC NULLS LAST, c.id DESC
LIMIT %(limit)s OFFSET %(offset)s
"""
PAGE_BY_DATE = """
SELECT a.id, a.published_at, NULL::real AS rank
FROM articles a
WHERE {where}
ORDER BY {order}
LIMIT %(limit)s OFFSET %(offset)s
"""
DATE_ORDERS: dict[str, str] = {
    "newest": "a.published_at DESC NULLS LAST, a.id DESC",
    "oldest": "a.published_at ASC NULLS LAST, a.id ASC",
}
ORDER_OUTER: dict[str, str] = {
    "relevance": "p.rank DESC, p.published_at DESC NULLS LAST, p.id DESC",
    "newest": "p.published_at DESC NULLS LAST, p.id DESC",
    "oldest": "p.published_at ASC NULLS LAST, p.id ASC",
}

# The page is chosen first (ids only, so the index can stop early); its rows are then read
# with their tags. `{body}` is the body or NULL: exports do not need it.
SEARCH_SQL = """
SELECT a.id, a.source_id, a.url, a.title, a.lead, a.lang, a.languages, a.published_at,
       a.regions, p.rank, {body} AS body, coalesce(tg.tags, '[]') AS tags,
       a.story_id, st.article_count AS story_articles, st.sources AS story_sources,
       st.languages AS story_languages
FROM ({page}) p
JOIN articles a ON a.id = p.id
LEFT JOIN stories st ON st.id = a.story_id
LEFT JOIN LATERAL (
    SELECT jsonb_agg(jsonb_build_object(
               'topic', t.topic, 'score', t.score, 'subtopics', t.subtopics,
               'evidence', t.evidence) ORDER BY t.topic) AS tags
    FROM article_tags t WHERE t.article_id = a.id
) tg ON true
ORDER BY {order_outer}
"""

# One row per story: an article is shown only when no earlier article of its story (undated
# last, then by id) matches the same conditions, given as {others} over `b`.
STORY_LEAD = """({a}.story_id IS NULL OR NOT EXISTS (
    SELECT FROM articles b
    WHERE b.story_id = {a}.story_id AND b.id <> {a}.id
      AND (coalesce(b.published_at, 'infinity'), b.id)
          < (coalesce({a}.published_at, 'infinity'), {a}.id)
      AND {others}))"""

COUNT_SQL = """
SELECT count(*) FROM (SELECT FROM articles a WHERE {where} LIMIT %(count_limit)s) AS matches
"""
# Stories among the first count_limit matching articles: exact below the limit, as above.
COUNT_STORIES_SQL = """
SELECT count(DISTINCT story) FROM (
    SELECT coalesce(a.story_id, -a.id) AS story FROM articles a WHERE {where}
    LIMIT %(count_limit)s) AS matches
"""


def _condition(name: str, alias: str) -> str:
    """A CONDITIONS fragment about the articles row called `alias`."""
    return re.sub(r"\ba\.", alias + ".", CONDITIONS[name])


def where_clause(
    parsed: ParsedQuery, filters: Filters, *, relaxed: bool = False, stories: bool = False,
    alias: str = "a",
) -> tuple[sql.Composed, dict[str, Any]]:
    """The WHERE conditions and parameters of a query text and filters.

    With `relaxed`, the text condition is "every word but one, not all of them"; with
    `stories`, only the earliest matching article of each story is kept.
    """
    names = ["stored_ok"]
    params: dict[str, Any] = {}
    if relaxed and parsed.relaxed:
        names.append("close_text")
        params.update(tsquery=parsed.tsquery, relaxed=parsed.relaxed)
    elif parsed.tsquery:
        names.append("text")
        params["tsquery"] = parsed.tsquery
    if filters.topics and filters.subtopics:
        names.append("topics_subtopics")
    elif filters.topics:
        names.append("topics")
    elif filters.subtopics:
        names.append("subtopics")
    for name in ("topics", "subtopics", "sources", "langs", "regions"):
        values = getattr(filters, name)
        if values:
            params[name] = list(values)
            if name not in ("topics", "subtopics"):
                names.append(name)
    for name in ("since", "until"):
        moment = getattr(filters, name)
        if moment is not None:
            names.append(name)
            params[name] = moment
    where = sql.SQL(" AND ").join(sql.SQL(_condition(n, alias)) for n in names)
    if stories:
        others = sql.SQL(" AND ").join(sql.SQL(_condition(n, "b")) for n in names)
        lead = sql.SQL(STORY_LEAD.replace("{a}", alias)).format(others=others)
        return sql.Composed([where, sql.SQL(" AND "), lead]), params
    return sql.Composed([where]), params




def _hit(row: dict[str, Any], partial: bool = False) -> Hit:
    """A Hit from a SEARCH_SQL row."""
    return Hit(
        id=int(row["id"]), source_id=row["source_id"], url=row["url"], title=row["title"],
        lead=row["lead"], lang=row["lang"], languages=tuple(row["languages"] or ()),
        published_at=row["published_at"], regions=tuple(row["regions"] or ()),
        rank=float(row["rank"]) if row["rank"] is not None else None,
        tags=tags_from_json(row["tags"]), body=row["body"], partial=partial,
        story_id=row["story_id"], story_articles=int(row["story_articles"] or 1),
        story_sources=tuple(row["story_sources"] or (row["source_id"],)),
        story_languages=tuple(row["story_languages"] or ((row["lang"],) if row["lang"] else ())),
    )


def search_statement(
    request: SearchRequest, parsed: ParsedQuery, *, with_body: bool = False
) -> tuple[sql.Composed, sql.Composed, dict[str, Any]]:
    """The page query of a request, its bare WHERE conditions and its parameters.

    The bare conditions never hold the story condition: counts and the pool take every
    matching article, and collapse stories themselves.
    """
    where, params = where_clause(parsed, request.filters)
    order = request.order if parsed.tsquery or request.order != "relevance" else "newest"
    if order == "relevance":
        pool = PAGE_BY_RELEVANCE_STORIES if request.stories else PAGE_BY_RELEVANCE
        page = sql.SQL(pool).format(where=where)
        params.update(rank_tsquery=parsed.tsquery, rank_pool=RANK_POOL)
    else:
        # Walking the date index, each row is checked for an earlier matching sibling.
        leads, _ = where_clause(parsed, request.filters, stories=request.stories)
        page = sql.SQL(PAGE_BY_DATE).format(where=leads, order=sql.SQL(DATE_ORDERS[order]))
    query = sql.SQL(SEARCH_SQL).format(
        body=sql.SQL("a.body" if with_body else "NULL::text"),
        page=page,
        order_outer=sql.SQL(ORDER_OUTER[order]),
    )
    params.update(limit=request.limit, offset=request.offset)
    return query, where, params


def walks_dates(conn: psycopg.Connection[Any], where: sql.Composed, params: dict[str, Any]) -> bool:
    """Whether the newest RANK_POOL matches are best found by walking the date index.

    Walking reads RANK_POOL / share rows, fetching every match reads share * table rows; at
    about 6 times the cost per row for the walk (measured on a million rows), walking wins
    only for queries matching a large share of the table, such as one very common word. The
    planner's estimate of the matches (from the lexeme statistics) decides.
    """
    plan = conn.execute(
        sql.SQL("EXPLAIN (FORMAT JSON) SELECT FROM articles a WHERE {}").format(where), params
    ).fetchone()
    table = conn.execute(
        "SELECT reltuples FROM pg_class WHERE oid = 'articles'::regclass").fetchone()
    if not plan or not table:
        return True
    matches, rows = float(plan[0][0]["Plan"]["Plan Rows"]), max(float(table[0]), 1.0)
    return matches * matches > WALK_COST_FACTOR * RANK_POOL * rows


def search(
    conn: psycopg.Connection[Any], request: SearchRequest, *, with_body: bool = False,
    count: bool = True, max_limit: int = MAX_PAGE_SIZE,
) -> SearchPage:
    """One page of articles matching a request, best first (or by date), and the total."""
    validate_request(request, max_limit=max_limit)
    parsed = parse_query(request.text, request.cross_language)
    query, where, params = search_statement(request, parsed, with_body=with_body)
    order = request.order if parsed.tsquery or request.order != "relevance" else "newest"
    with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
        if order == "relevance" and not walks_dates(conn, where, params):
            # Fetch the GIN index's matches and keep the newest: the planner would rather
            # walk the date index, reading a page and a TOASTed tsvector per row it skips.
            cur.execute("SET LOCAL enable_indexscan = off")
        hits = [_hit(row) for row in cur.execute(query, params)]
    exact = True
    if not count:
        total, exact = len(hits), False
    elif request.offset == 0 and len(hits) < request.limit:
        total = len(hits)  # the whole result fits on the first page: no second query
    else:
        # Counted at least past this page, so that the total is never below what is shown.
        count_limit = max(COUNT_LIMIT, request.offset + request.limit + 1)
        params["count_limit"] = count_limit
        counting = COUNT_STORIES_SQL if request.stories else COUNT_SQL
        row = conn.execute(sql.SQL(counting).format(where=where), params).fetchone()
        total = int(row[0]) if row else 0
        exact = total < count_limit
    wanted_more = request.limit - len(hits)
    if (request.close_matches and order == "relevance" and parsed.relaxed and wanted_more > 0
            and (hits or request.offset == 0)):
        shown = {h.story_id for h in hits if h.story_id is not None}
        hits += [h for h in close_matches(conn, parsed, request.filters, wanted_more, with_body,
                                          stories=request.stories)
                 if not (request.stories and h.story_id in shown)]
    return SearchPage(hits, total, exact, parsed)


def close_matches(
    conn: psycopg.Connection[Any], parsed: ParsedQuery, filters: Filters, limit: int,
    with_body: bool, *, stories: bool = False,
) -> list[Hit]:
    """Up to `limit` articles holding every word of the query but one, best first."""
    where, params = where_clause(parsed, filters, relaxed=True)
    # The same page query as a relevance search, ranked by how well any word matches, over
    # the newest CLOSE_MATCH_POOL articles with every word but one.
    pool = PAGE_BY_RELEVANCE_STORIES if stories else PAGE_BY_RELEVANCE
    query = sql.SQL(SEARCH_SQL).format(
        body=sql.SQL("a.body" if with_body else "NULL::text"),
        page=sql.SQL(pool).format(where=where),
        order_outer=sql.SQL(ORDER_OUTER["relevance"]),
    )
    params.update(rank_tsquery=parsed.any_word, rank_pool=CLOSE_MATCH_POOL, limit=limit,
                  offset=0)
    with conn.cursor(row_factory=dict_row) as cur:
        return [_hit(row, partial=True) for row in cur.execute(query, params)]


# ---------------------------------------------------------------------------------------
# One article
# ---------------------------------------------------------------------------------------

ARTICLE_SQL = """
SELECT a.id, a.source_id, s.name AS source_name, a.url, a.title, a.lead, a.body, a.author,
       a.lang, a.languages, a.published_at, a.modified_at, a.first_seen_at, a.version,
       a.kz_related, a.regions, a.criminal_code_articles, a.agencies, a.damage_kzt,
       a.case_counts, a.rules_version, a.published_precision,
       coalesce((SELECT jsonb_agg(jsonb_build_object(
                    'topic', t.topic, 'score', t.score, 'subtopics', t.subtopics,
                    'evidence', t.evidence) ORDER BY t.topic)
                 FROM article_tags t WHERE t.article_id = a.id), '[]') AS tags
FROM articles a JOIN sources s ON s.id = a.source_id
WHERE a.id = %(id)s AND a.status = 'ok'
"""


def get_article(conn: psycopg.Connection[Any], article_id: int) -> dict[str, Any] | None:
    """One stored article with its facts and tags, or None."""
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(ARTICLE_SQL, {"id": article_id}).fetchone()
    if row is None:
        return None
    row["tags"] = tags_from_json(row["tags"])
    return row
