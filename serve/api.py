"""The analysts' HTTP API (read-only): search, one article, statistics, Atom feeds, the web page.

    dozor serve --host 127.0.0.1 --port 8000    # then http://127.0.0.1:8000/ and /openapi.json

Every connection is read-only (default_transaction_read_only, and the database's reader role,
`<database>_reader`, when the login may take it); only GET routes exist. Errors answer with a
code and a short message in the analyst's language (serve/api_errors.py): 400 for a query
Dozor cannot read, 422 for a parameter out of range, 503 when the database is down, 500
otherwise, never a traceback or SQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import psycopg
from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from psycopg_pool import ConnectionPool

from crawler.config import load_config
from serve.api_errors import add_error_handlers
from serve.api_models import (
    ArticleOut,
    CatalogOut,
    NamedOut,
    SearchOut,
    StatsOut,
    article_out,
    counts_out,
    hit_out,
)
from serve.connection import make_read_only, pool_kwargs
from serve.corrections import add_correction_routes
from serve.errors import ApiError
from serve.feed import atom_feed
from serve.freshness import add_freshness_routes
from serve.history import HistoryOut, history_out
from serve.labels import catalog
from serve.query import MAX_QUERY_CHARS
from serve.request import MAX_PAGE_SIZE, Filters, SearchRequest, parse_range
from serve.search import get_article, search
from serve.stats import ALL_DIMENSIONS, DIMENSIONS, count_by
from serve.workbench import UiCookie, UiParam, add_workbench_routes, request_ui

WEB_DIR = Path(__file__).with_name("web")
FEED_ENTRIES = 50
# At most this many values per list filter (?topic=a&topic=b...): enough for any real use.
MAX_FILTER_VALUES = 25
# The page and its script come only from this app: no CDN, no inline script.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


# ---------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------

ListParam = Annotated[list[str], Query(max_length=MAX_FILTER_VALUES)]


def search_filters(
    topic: ListParam = [],  # noqa: B006 - FastAPI copies defaults per request
    subtopic: ListParam = [],  # noqa: B006
    source: ListParam = [],  # noqa: B006
    lang: ListParam = [],  # noqa: B006
    region: ListParam = [],  # noqa: B006
    since: Annotated[str | None, Query(
        max_length=40, description="YYYY-MM-DD, ISO time, 'today', 'yesterday', '7d'"
        " (Asia/Almaty days)")] = None,
    until: Annotated[str | None, Query(
        max_length=40, description="Inclusive day, or exclusive ISO time")] = None,
) -> Filters:
    """The filter parameters shared by search, statistics and feeds."""
    since_at, until_at = parse_range(since, until)
    return Filters(
        topics=tuple(topic), subtopics=tuple(subtopic), sources=tuple(source),
        langs=tuple(lang), regions=tuple(region), since=since_at, until=until_at,
    )


QueryText = Annotated[str, Query(
    max_length=MAX_QUERY_CHARS,
    description='Words (all required; Kazakh and Russian forms found), "a phrase",'
    " -excluded, a OR b, prefix*",
)]
FiltersDep = Annotated[Filters, Depends(search_filters)]


def _pool(request: Request) -> ConnectionPool[psycopg.Connection[Any]]:
    pool: ConnectionPool[psycopg.Connection[Any]] = request.app.state.pool
    return pool


def read_connection(request: Request) -> Iterator[psycopg.Connection[Any]]:
    """A read-only connection from the app's pool for one request."""
    with _pool(request).connection() as conn:
        yield conn


Conn = Annotated[psycopg.Connection[Any], Depends(read_connection)]



def _query_string(request: Request, drop: tuple[str, ...] = ()) -> str:
    """The request's query parameters in a canonical order (a saved query's identity)."""
    items = sorted((k, v) for k, v in request.query_params.multi_items() if k not in drop and v)
    return urlencode(items)


def _feed_title(text: str, filters: Filters) -> str:
    parts = [f"\u201c{text}\u201d"] if text else []
    names = catalog()
    parts += [names.name("topics", t) for t in filters.topics]
    parts += [names.name("subtopics", s) for s in filters.subtopics]
    parts += [names.name("regions", r) for r in filters.regions]
    parts += list(filters.sources) + [names.name("languages", lg) for lg in filters.langs]
    return "Dozor: " + (", ".join(parts) if parts else "all articles")


# ---------------------------------------------------------------------------------------
# The app
# ---------------------------------------------------------------------------------------


def configure_connection(conn: psycopg.Connection[Any]) -> None:
    """The pool's set-up of each new connection: read-only, as the analyst role if allowed."""
    make_read_only(conn)


def create_app(
    database_url: str, *, read_url: str | None = None, pool_size: int = 4,
    pool_timeout: float = 10.0,
) -> FastAPI:
    """The FastAPI app over a (migrated) database; connections are read-only.

    Reads go to `read_url` (a streaming replica, DOZOR_READ_DATABASE_URL) when given, else to
    `database_url`; the analysts' few writes (corrections, saved searches) go to the primary.
    `pool_timeout` is how long a request waits for a connection before answering 503.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            read_url or database_url, kwargs=pool_kwargs(), configure=configure_connection,
            min_size=1, max_size=pool_size, timeout=pool_timeout, open=False, name="dozor-api",
        )
        pool.open(wait=False)  # a database that is down answers 503, it does not stop the app
        app.state.pool = pool
        try:
            yield
        finally:
            pool.close()

    app = FastAPI(
        title="Dozor API",
        version="1",
        summary="Kazakhstan law-enforcement news on fraud and organized crime: search, "
        "articles with tags and evidence, statistics, Atom feeds. Read-only.",
        lifespan=lifespan,
        # Swagger UI and ReDoc load their code from a CDN: the app serves nothing from the
        # network, so the description stays at /openapi.json for any OpenAPI tool.
        docs_url=None,
        redoc_url=None,
    )
    add_error_handlers(app)
    _add_routes(app)
    add_workbench_routes(app, database_url, FiltersDep, Conn, QueryText)
    add_correction_routes(app, database_url, read_connection)
    add_freshness_routes(app, read_connection)
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    return app


def _add_routes(app: FastAPI) -> None:
    """The GET routes."""

    @app.get("/api/search", response_model=SearchOut, tags=["search"])
    def search_articles(
        conn: Conn, request: Request, filters: FiltersDep, q: QueryText = "",
        order: Literal["relevance", "newest", "oldest"] = "relevance",
        page: Annotated[int, Query(ge=1, le=1000)] = 1,
        page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
        close_matches: Annotated[bool, Query(
            description="Complete a relevance-ordered page that the articles holding every"
            " word do not fill with articles holding every word but one (partial=true)")] = True,
        cross_language: Annotated[bool, Query(
            description="Russian words also find Kazakh articles and back")] = True,
        stories: Annotated[bool, Query(
            description="One row per story (republications and language versions once)")] = True,
    ) -> SearchOut:
        """Articles matching a query and filters, best first (or newest/oldest first)."""
        offset = (page - 1) * page_size
        request_ = SearchRequest(q, filters, order, page_size, offset, close_matches,
                                 cross_language, stories)
        result = search(conn, request_, with_body=True)
        full = sum(1 for h in result.hits if not h.partial)
        # Beyond the counted total, a full page means there may be more.
        more = offset + full < result.total or (not result.total_exact and full == page_size)
        next_page = None
        if more:
            params = _query_string(request, drop=("page",))
            next_page = f"/api/search?{params}&page={page + 1}".replace("?&", "?")
        return SearchOut(total=result.total, total_exact=result.total_exact, page=page,
                         page_size=page_size,
                         items=[hit_out(h, result.parsed) for h in result.hits], next=next_page,
                         unit="stories" if stories else "articles",
                         also_searched=list(result.parsed.also))

    @app.get("/api/articles/{article_id}", response_model=ArticleOut, tags=["search"])
    def one_article(conn: Conn, article_id: int) -> ArticleOut:
        """One article with its facts, tags and the evidence of each tag."""
        row = get_article(conn, article_id)
        if row is None:
            raise ApiError("no_such_article", 404)
        return article_out(row)

    @app.get("/api/articles/{article_id}/history", response_model=HistoryOut, tags=["search"])
    def article_versions(conn: Conn, article_id: int) -> HistoryOut:
        """The texts an article has had (revisits, re-sent feeds), the changes, its removal."""
        found = history_out(conn, article_id)
        if found is None:
            raise ApiError("no_such_article", 404)
        return found

    @app.get("/api/stats", response_model=StatsOut, tags=["statistics"])
    def statistics(
        conn: Conn, request: Request, filters: FiltersDep, q: QueryText = "",
        by: Annotated[list[Literal["day", "week", "region", "source", "lang"]], Query(
            max_length=5,  # each count once at most
            description="The counts wanted (repeatable); default week, region and source")
        ] = [],  # noqa: B006
        stories: Annotated[bool, Query(description="Count stories, not articles")] = True,
        cross_language: bool = True, ui: UiParam = None, cookie: UiCookie = None,
    ) -> StatsOut:
        """Matching stories (or articles) per day or week (Asia/Almaty, weeks from Monday),
        region, source and language."""
        lang = request_ui(request, ui, cookie)
        wanted = [d for d in ALL_DIMENSIONS if d in by] or list(DIMENSIONS)
        tables = {d: count_by(conn, d, q, filters, stories=stories,
                              cross_language=cross_language) for d in wanted}
        names = catalog()
        return StatsOut(
            topics=list(names.topics),
            topic_names={t: names.name("topics", t, lang) for t in names.topics},
            unit="stories" if stories else "articles",
            **{d: counts_out(tables[d], lang) if d in tables else [] for d in ALL_DIMENSIONS},
        )

    @app.get("/api/catalog", response_model=CatalogOut, tags=["search"])
    def filter_values(conn: Conn, request: Request, ui: UiParam = None,
                      cookie: UiCookie = None) -> CatalogOut:
        """The topics, subtopics, regions, languages and sources the filters accept, with
        names in the interface language (?ui=kk|ru|en, else Accept-Language)."""
        lang = request_ui(request, ui, cookie)
        names = catalog()
        sources = [NamedOut(id=str(r[0]), name=str(r[1]))
                   for r in conn.execute("SELECT id, name FROM sources ORDER BY id")]

        def named(kind: str, ids: tuple[str, ...]) -> list[NamedOut]:
            return [NamedOut(id=i, name=names.name(kind, i, lang)) for i in ids]

        regions = sorted(named("regions", names.regions), key=lambda n: n.name)
        return CatalogOut(
            topics=named("topics", names.topics), subtopics=named("subtopics", names.subtopics),
            regions=regions, languages=named("languages", names.languages), sources=sources,
            agencies=named("agencies", tuple(names.names.get("agencies", {}))),
            max_query_chars=MAX_QUERY_CHARS, max_page_size=MAX_PAGE_SIZE,
        )

    @app.get("/feeds/search.atom", tags=["feeds"], response_class=Response,
             responses={200: {"content": {"application/atom+xml": {}}}})
    def search_feed(conn: Conn, request: Request, filters: FiltersDep,
                    q: QueryText = "", cross_language: bool = True,
                    stories: bool = True) -> Response:
        """An Atom feed of the newest articles matching a saved query (the query string):
        one entry per story, cross-language terms included, as on the page."""
        result = search(conn, SearchRequest(q, filters, "newest", FEED_ENTRIES, 0,
                                            cross_language=cross_language, stories=stories),
                        with_body=True, count=False)
        params = _query_string(request)
        query = f"?{params}" if params else ""
        # Never the request's Host header (the client writes it): the configured address, or
        # links relative to wherever the feed was read.
        base = (load_config().public_url or "").rstrip("/")
        body = atom_feed(
            result, title=_feed_title(q, filters),
            feed_id=f"tag:dozor,2025:feeds/search.atom{query}",
            self_url=f"{base}/feeds/search.atom{query}", alternate_url=f"{base}/{query}",
            article_api=f"{base}/api/articles/",
        )
        return Response(body, media_type="application/atom+xml; charset=utf-8")

    @app.get("/healthz", include_in_schema=False)
    def health(conn: Conn) -> dict[str, str]:
        conn.execute("SELECT 1")
        return {"status": "ok"}
