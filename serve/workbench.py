"""The workbench's HTTP routes: the pages in three languages, exports, the article view, the
archived page, and saved searches (serve/alerts/routes.py).

Reads go through the app's read-only pool.
"""

# No `from __future__ import annotations` here: the routes' parameter types are given by the
# caller (FastAPI must see the objects, not their names).
import json
import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Cookie, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, Field

from crawler.config import load_config
from serve import export
from serve.alerts.routes import add_saved_search_routes
from serve.article import ArticleView, evidence_rules, load_article_view
from serve.errors import ApiError
from serve.i18n import (
    API_DEFAULT_UI,
    DEFAULT_UI,
    UI_COOKIE,
    UI_LANGUAGES,
    UI_NAMES,
    choose_ui,
    messages,
    ui_language,
)
from serve.labels import catalog
from serve.request import ALMATY, SearchRequest

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).with_name("web")
# The archived page is someone else's HTML: shown in a sandbox without scripts, forms,
# plugins or network (no images or styles from its site either), never as part of this app.
ARCHIVE_POLICY = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:;"
    " font-src 'none'; frame-ancestors 'self'"
)
ARCHIVE_TYPES = ("text/html", "application/xhtml+xml", "application/pdf", "text/plain",
                 "application/xml", "text/xml")


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(WEB_DIR), extensions=["jinja2.ext.i18n"],
                      autoescape=select_autoescape(["html"]))
    return env


ENV = _env()


def request_ui(request: Request, ui: str | None = None, cookie: str | None = None,
               default: str = API_DEFAULT_UI) -> str:
    """The UI language: ?ui=, else the cookie the switch set, else the browser's languages."""
    return choose_ui(ui, cookie, request.headers.get("accept-language"), default)


UiParam = Annotated[str | None, Query(max_length=10, description="Interface language: kk, ru, en"
                                      " (default: the browser's Accept-Language)")]
UiCookie = Annotated[str | None, Cookie(alias=UI_COOKIE, max_length=10)]


def render_page(name: str, ui: str, chosen: str | None, **values: Any) -> HTMLResponse:
    """A page template in one UI language; a ?ui= choice is remembered in a cookie."""
    template = ENV.get_template(name)
    t = messages(ui)
    html = template.render(
        ui=ui, languages=[(code, UI_NAMES[code]) for code in UI_LANGUAGES],
        messages_json=json.dumps(t.web_messages(), ensure_ascii=False).replace("</", "<\\/"),
        _=lambda text, **kw: t(text, **kw), **values)
    response = HTMLResponse(html, headers={"Content-Language": ui,
                                           "Vary": "Accept-Language, Cookie"})
    if chosen:
        response.set_cookie(UI_COOKIE, ui, max_age=365 * 86400, samesite="lax", httponly=True)
    return response


# ---------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------


class MarkOut(BaseModel):
    """A piece of text; `topic` and `rules` set on a tag's evidence."""

    text: str
    topic: str | None = None
    rules: list[str] = []


class RelatedOut(BaseModel):
    """Another article of the story, or a translation on the same site."""

    id: int
    url: str
    title: str | None
    source: str
    source_name: str
    lang: str | None
    published: str | None
    translation: bool


class ChangeOut(BaseModel):
    """Words kept ('='), added ('+') or removed ('-')."""

    op: str
    text: str


class VersionOut(BaseModel):
    """An earlier text and what changed to the next one."""

    version: int
    fetched: str
    title: str | None
    title_changes: list[ChangeOut]
    body_changes: list[ChangeOut]


class RuleOut(BaseModel):
    """A tagging rule that gave evidence, and the phrases it found."""

    topic: str
    topic_name: str
    rule: str
    phrases: list[str]


class ArticleViewOut(BaseModel):
    """What the article page shows besides /api/articles/{id}."""

    id: int
    title_marks: list[MarkOut]
    body_marks: list[MarkOut]
    rules: list[RuleOut]
    facts: dict[str, list[str]] = Field(description="Readable names: regions, agencies,"
                                        " topics, subtopics, Criminal Code articles, damage")
    story: dict[str, Any] | None
    language_versions: list[RelatedOut]
    other_outlets: list[RelatedOut]
    versions: list[VersionOut]
    archived_page: str | None = Field(description="Path of the page as fetched (sandboxed)")


# ---------------------------------------------------------------------------------------
# Conversions
# ---------------------------------------------------------------------------------------


def _iso(moment: Any) -> str | None:
    return moment.astimezone(ALMATY).isoformat() if moment else None


def view_out(view: ArticleView, ui: str) -> ArticleViewOut:
    """An ArticleView as the page reads it, names in the UI language."""
    names = catalog()
    row = view.row
    tags = row["tags"]
    damage = row.get("damage_kzt")
    amounts = damage if isinstance(damage, list | tuple) else ([damage] if damage else [])
    facts = {
        "topics": [names.name("topics", t.topic, ui) for t in tags],
        "subtopics": [names.name("subtopics", s, ui) for t in tags for s in t.subtopics],
        "regions": [names.name("regions", r, ui) for r in row["regions"] or ()],
        "agencies": [names.name("agencies", a, ui) for a in row["agencies"] or ()],
        "criminal_code_articles": list(row["criminal_code_articles"] or ()),
        "damage_kzt": [f"{a:,}".replace(",", "\u202f") for a in amounts if isinstance(a, int)],
        "case_counts": [str(c) for c in row["case_counts"] or ()],
    }
    for key, value in row.items():
        if key.startswith("damage") and key != "damage_kzt" and value:
            facts[key] = [str(v) for v in value] if isinstance(value, list) else [str(value)]

    def related(items: list[Any]) -> list[RelatedOut]:
        return [RelatedOut(id=r.id, url=r.url, title=r.title, source=r.source_id,
                           source_name=r.source_name, lang=r.lang,
                           published=_iso(r.published_at), translation=r.translation)
                for r in items]

    return ArticleViewOut(
        id=row["id"],
        title_marks=[MarkOut(text=m.text, topic=m.topic, rules=list(m.rules))
                     for m in view.title_marks],
        body_marks=[MarkOut(text=m.text, topic=m.topic, rules=list(m.rules))
                    for m in view.body_marks],
        rules=[RuleOut(topic=topic, topic_name=names.name("topics", topic, ui), rule=rule,
                       phrases=phrases) for topic, rule, phrases in evidence_rules(tags)],
        facts=facts,
        story=({"id": view.story["id"], "articles": view.story["article_count"],
                "sources": list(view.story["sources"]),
                "languages": list(view.story["languages"])} if view.story else None),
        language_versions=related(view.language_versions),
        other_outlets=related(view.other_outlets),
        versions=[VersionOut(
            version=v.version, fetched=_iso(v.fetched_at) or "", title=v.title,
            title_changes=[ChangeOut(op=c.op, text=c.text) for c in v.title_changes],
            body_changes=[ChangeOut(op=c.op, text=c.text) for c in v.body_changes])
            for v in view.versions],
        archived_page=f"/archive/{row['id']}" if view.warc_record else None,
    )



def stream_export(pool: Any, request: SearchRequest, fmt: str,
                  options: export.ExportOptions) -> Iterator[bytes]:
    """The export's bytes as they are produced, on a pool connection held for the stream."""
    with pool.connection() as conn:
        records = export.iter_records(conn, request, options)
        if fmt == "csv":
            yield "\ufeff".encode()  # Excel reads Cyrillic CSV as UTF-8 with a byte-order mark
            for chunk in export.csv_chunks(records, options):
                yield chunk.encode("utf-8")
        elif fmt == "jsonl":
            batch: list[str] = []
            for line in export.jsonl_lines(records, options):
                batch.append(line)
                if len(batch) >= export.BATCH_ROWS:
                    yield "".join(batch).encode("utf-8")
                    batch = []
            yield "".join(batch).encode("utf-8")
        else:
            # A workbook is a zip: written row by row to a temporary file, then sent.
            with tempfile.TemporaryFile() as spool:
                export.write_xlsx(records, spool, options)
                spool.seek(0)
                while block := spool.read(1 << 16):
                    yield block


def add_workbench_routes(app: FastAPI, database_url: str, filters_dep: Any, conn_dep: Any,
                         query_type: Any) -> None:
    """Register the pages, exports, article view, archive and saved-search routes."""

    @app.get("/", include_in_schema=False)
    def web_page(request: Request, ui: UiParam = None, cookie: UiCookie = None) -> HTMLResponse:
        lang = request_ui(request, ui, cookie, DEFAULT_UI)
        return render_page("index.html", lang, ui_language(ui))

    @app.get("/article/{article_id}", include_in_schema=False)
    def article_page(request: Request, article_id: int, ui: UiParam = None,
                     cookie: UiCookie = None) -> HTMLResponse:
        lang = request_ui(request, ui, cookie, DEFAULT_UI)
        return render_page("article.html", lang, ui_language(ui), article_id=article_id)

    @app.get("/api/articles/{article_id}/view", response_model=ArticleViewOut, tags=["search"])
    def article_view(conn: conn_dep, request: Request, article_id: int, ui: UiParam = None,
                     cookie: UiCookie = None) -> ArticleViewOut:
        """The article page's data: evidence marked by rule, facts by name, related, versions."""
        view = load_article_view(conn, article_id)
        if view is None:
            raise ApiError("no_such_article", 404)
        return view_out(view, request_ui(request, ui, cookie))

    @app.get("/archive/{article_id}", tags=["search"], response_class=Response)
    def archived(conn: conn_dep, article_id: int) -> Response:
        """The page as it was fetched, from the WARC archive, sandboxed (no scripts, no network)."""
        from crawler.archive import ArchiveReadError, read_response

        row = conn.execute("SELECT warc_record FROM articles WHERE id = %s AND status = 'ok'",
                           (article_id,)).fetchone()
        if not row or not row[0]:
            raise ApiError("no_archived_page", 404)
        try:
            page = read_response(load_config().archive_dir, str(row[0]))
        except ArchiveReadError:
            raise ApiError("archived_page_missing", 404) from None
        kind = page.headers.get("content-type", "").split(";")[0].strip().lower()
        charset = ""
        if "charset=" in page.headers.get("content-type", ""):
            charset = "; charset=" + page.headers["content-type"].split("charset=")[1].split(
                ";")[0].strip()
        media = kind if kind in ARCHIVE_TYPES else "text/plain"
        return Response(page.body, media_type=media + charset, headers={
            "Content-Security-Policy": ARCHIVE_POLICY, "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'inline; filename="dozor-archive-{article_id}"',
            "Cache-Control": "private, max-age=3600"})

    @app.get("/api/export", tags=["search"], response_class=StreamingResponse, responses={
        200: {"content": {m: {} for m in export.MEDIA_TYPES.values()}}})
    def export_all(request: Request, filters: filters_dep, q: query_type = "",
                   format: Literal["csv", "jsonl", "xlsx"] = "csv",
                   order: Literal["relevance", "newest", "oldest"] = "newest",
                   body: bool = False, cross_language: bool = True, stories: bool = False,
                   ui: UiParam = None, cookie: UiCookie = None) -> StreamingResponse:
        """Every article matching the search (no page limit), streamed; X-Total-Count says how
        many. `stories=true` keeps one row per story."""
        lang = request_ui(request, ui, cookie)
        search_request = SearchRequest(q, filters, order, 1, 0, cross_language=cross_language,
                                       stories=stories)
        pool = request.app.state.pool
        with pool.connection() as conn:
            total = export.count_matches(conn, search_request)
        options = export.ExportOptions(with_text=body, ui=lang)
        name = export.export_filename(format)
        return StreamingResponse(
            stream_export(pool, search_request, format, options),
            media_type=export.MEDIA_TYPES[format],
            headers={"Content-Disposition": f'attachment; filename="{name}"',
                     "X-Total-Count": str(total)})

    @app.get("/api/count", tags=["search"])
    def count(conn: conn_dep, filters: filters_dep, q: query_type = "",
              cross_language: bool = True) -> dict[str, int]:
        """Exactly how many articles and stories match (what an export holds)."""
        articles = export.count_matches(conn, SearchRequest(q, filters,
                                                            cross_language=cross_language))
        stories = export.count_matches(conn, SearchRequest(q, filters, stories=True,
                                                           cross_language=cross_language))
        return {"articles": articles, "stories": stories}

    add_saved_search_routes(app, database_url)
