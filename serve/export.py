"""Complete exports of a search: every matching article, streamed, as CSV, JSON Lines or Excel.

Rows come from a server-side cursor in batches, so an export of a hundred thousand articles
holds one batch in memory, never the result. The count is exact (`count_matches`), so the
command line and the web page can say "41 of 41". Times are Asia/Almaty; list cells are
joined by "; ". Regions, topics and agencies are written by name (in the UI language) in CSV
and Excel, and by id in JSON Lines (plus the names), so a program and a person both read them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from serve.hits import tags_from_json
from serve.i18n import N_, messages
from serve.labels import catalog
from serve.query import parse_query
from serve.request import ALMATY, SearchRequest, validate_filters
from serve.search import where_clause as search_where

FORMATS = ("csv", "jsonl", "xlsx")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BATCH_ROWS = 500
# Columns of CSV and Excel, in order; `lead` and `body` only when asked for.
COLUMNS = (
    "id", "published", "source", "source_name", "lang", "title", "url", "topics", "subtopics",
    "regions", "criminal_code_articles", "agencies", "damage_kzt", "case_counts", "story_id",
    "story_outlets", "story_languages", "story_sources", "evidence",
)
TEXT_COLUMNS = ("lead", "body")
# Excel headers, translated (the CSV header keeps these ids: programs read it).
HEADERS = {
    "id": N_("id"), "published": N_("Published (Asia/Almaty)"), "source": N_("Source id"),
    "source_name": N_("Source"), "lang": N_("Language"), "title": N_("Title"), "url": N_("URL"),
    "topics": N_("Topics"), "subtopics": N_("Subtopics"), "regions": N_("Regions"),
    "criminal_code_articles": N_("Criminal Code articles"), "agencies": N_("Agencies"),
    "damage_kzt": N_("Damage, tenge"), "case_counts": N_("Cases"), "story_id": N_("Story"),
    "story_outlets": N_("Articles in the story"), "story_languages": N_("Story languages"),
    "story_sources": N_("Story outlets"), "evidence": N_("Evidence"), "lead": N_("Lead"),
    "body": N_("Text"),
}

EXPORT_SQL = """
SELECT a.id, a.published_at, a.source_id, s.name AS source_name, a.lang, a.title, a.url,
       {text}, a.regions, a.criminal_code_articles, a.agencies, a.case_counts, {damage},
       a.story_id, st.article_count AS story_articles, st.sources AS story_sources,
       st.languages AS story_languages, coalesce(tg.tags, '[]') AS tags
FROM articles a
JOIN sources s ON s.id = a.source_id
LEFT JOIN stories st ON st.id = a.story_id
LEFT JOIN LATERAL (
    SELECT jsonb_agg(jsonb_build_object(
               'topic', t.topic, 'score', t.score, 'subtopics', t.subtopics,
               'evidence', t.evidence) ORDER BY t.topic) AS tags
    FROM article_tags t WHERE t.article_id = a.id
) tg ON true
WHERE {where}
ORDER BY {order}
"""
ORDERS = {
    "newest": "a.published_at DESC NULLS LAST, a.id DESC",
    "oldest": "a.published_at ASC NULLS LAST, a.id ASC",
    "relevance": "ts_rank_cd(a.search_vector, %(tsquery)s::tsquery) DESC,"
                 " a.published_at DESC NULLS LAST, a.id DESC",
}
COUNT_ALL_SQL = "SELECT count(*) FROM articles a WHERE {where}"
COUNT_STORIES_SQL = (
    "SELECT count(DISTINCT coalesce(a.story_id, -a.id)) FROM articles a WHERE {where}")


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """What an export holds besides the columns: the article texts, the names' language."""

    with_text: bool = False
    ui: str = "en"


def damage_columns(conn: psycopg.Connection[Any]) -> list[str]:
    """The articles table's damage columns (the tagger decides them; shown as they are)."""
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'articles'"
        " AND table_schema = current_schema() AND column_name LIKE 'damage%%'"
        " ORDER BY ordinal_position").fetchall()
    return [str(r[0]) for r in rows] or ["damage_kzt"]


def _statement(
    conn: psycopg.Connection[Any], request: SearchRequest, with_text: bool
) -> tuple[sql.Composed, sql.Composed, dict[str, Any], list[str]]:
    validate_filters(request.filters)
    parsed = parse_query(request.text, request.cross_language)
    where, params = search_where(parsed, request.filters, stories=request.stories)
    order = request.order if parsed.tsquery or request.order != "relevance" else "newest"
    damage = damage_columns(conn)
    text = "a.lead, a.body" if with_text else "NULL::text AS lead, NULL::text AS body"
    query = sql.SQL(EXPORT_SQL).format(
        text=sql.SQL(text),
        damage=sql.SQL(", ").join(sql.SQL("a.{}").format(sql.Identifier(c)) for c in damage),
        where=where, order=sql.SQL(ORDERS[order]),
    )
    return query, where, params, damage


def count_matches(conn: psycopg.Connection[Any], request: SearchRequest) -> int:
    """Exactly how many articles (or stories) an export of this request holds."""
    validate_filters(request.filters)
    parsed = parse_query(request.text, request.cross_language)
    where, params = search_where(parsed, request.filters)
    counting = COUNT_STORIES_SQL if request.stories else COUNT_ALL_SQL
    row = conn.execute(sql.SQL(counting).format(where=where), params).fetchone()
    return int(row[0]) if row else 0


def _flat(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def export_record(row: dict[str, Any], damage: list[str], options: ExportOptions
                  ) -> dict[str, Any]:
    """One article as a flat record (ids; the names are added by the writers that want them)."""
    tags = tags_from_json(row["tags"])
    published = row["published_at"].astimezone(ALMATY) if row["published_at"] else None
    record: dict[str, Any] = {
        "id": row["id"], "published": published, "source": row["source_id"],
        "source_name": row["source_name"], "lang": row["lang"], "title": row["title"],
        "url": row["url"], "topics": [t.topic for t in tags],
        "subtopics": list(dict.fromkeys(s for t in tags for s in t.subtopics)),
        "regions": _flat(row["regions"]),
        "criminal_code_articles": _flat(row["criminal_code_articles"]),
        "agencies": _flat(row["agencies"]), "damage_kzt": _flat(row.get("damage_kzt")),
        "case_counts": _flat(row["case_counts"]), "story_id": row["story_id"],
        "story_outlets": int(row["story_articles"] or 1),
        "story_languages": _flat(row["story_languages"]) or _flat(row["lang"]),
        "story_sources": _flat(row["story_sources"]) or [row["source_id"]],
        "evidence": list(dict.fromkeys(e.phrase for t in tags for e in t.evidence)),
    }
    for column in damage:
        if column != "damage_kzt":
            record[column] = row[column]
    if options.with_text:
        record["lead"], record["body"] = row["lead"], row["body"]
    return record


def iter_records(
    conn: psycopg.Connection[Any], request: SearchRequest, options: ExportOptions
) -> Iterator[dict[str, Any]]:
    """Every article matching a request, as records, read in batches by a server-side cursor."""
    query, _where, params, damage = _statement(conn, request, options.with_text)
    with conn.transaction(), conn.cursor(name="dozor_export", row_factory=dict_row) as cur:
        cur.itersize = BATCH_ROWS
        cur.execute(query, params)
        while batch := cur.fetchmany(BATCH_ROWS):
            for row in batch:
                yield export_record(row, damage, options)


def columns(options: ExportOptions, first: dict[str, Any] | None = None) -> list[str]:
    """The columns of a CSV or Excel export (extra damage columns the table holds included)."""
    extra = [k for k in (first or {}) if k not in COLUMNS and k not in TEXT_COLUMNS]
    return [*COLUMNS, *extra, *(TEXT_COLUMNS if options.with_text else ())]


def _named(record: dict[str, Any], ui: str) -> dict[str, Any]:
    """A record's ids replaced by their names in a UI language (CSV and Excel)."""
    names = catalog()
    out = dict(record)
    for field, kind in (("topics", "topics"), ("subtopics", "subtopics"),
                        ("regions", "regions"), ("agencies", "agencies"),
                        ("lang", "languages")):
        value = record[field]
        if isinstance(value, list):
            out[field] = [names.name(kind, v, ui) for v in value]
        elif value:
            out[field] = names.name(kind, value, ui)
    return out


def _cell(value: Any) -> Any:
    """A list as 'a; b', a time as ISO text, other values as they are."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def csv_chunks(records: Iterator[dict[str, Any]], options: ExportOptions) -> Iterator[str]:
    """CSV text in chunks: a header row of column ids, then one row per article."""
    buffer = io.StringIO()
    writer: Any = None
    for n, record in enumerate(records, start=1):
        if writer is None:
            writer = csv.DictWriter(buffer, fieldnames=columns(options, record),
                                    lineterminator="\n", extrasaction="ignore")
            writer.writeheader()
        writer.writerow({k: _cell(v) for k, v in _named(record, options.ui).items()})
        if n % BATCH_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if writer is None:
        csv.DictWriter(buffer, fieldnames=columns(options), lineterminator="\n").writeheader()
    yield buffer.getvalue()


def jsonl_lines(records: Iterator[dict[str, Any]], options: ExportOptions) -> Iterator[str]:
    """One JSON object per article and line: ids, and the regions' names beside them."""
    names = catalog()
    for record in records:
        out = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in record.items()}
        out["region_names"] = [names.name("regions", r, options.ui) for r in record["regions"]]
        yield json.dumps(out, ensure_ascii=False) + "\n"


def write_xlsx(records: Iterator[dict[str, Any]], target: Path | IO[bytes],
               options: ExportOptions) -> int:
    """An Excel workbook written row by row (openpyxl's write-only mode); returns the rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    t = messages(options.ui)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("articles")
    widths = {"id": 8, "published": 17, "title": 70, "url": 40, "evidence": 40, "body": 80}
    written = 0
    names: list[str] | None = None
    for record in records:
        if names is None:
            names = columns(options, record)
            _start_sheet(sheet, names, widths, t, Font(bold=True), WriteOnlyCell)
        named = _named(record, options.ui)
        row = []
        for column in names:
            value = named.get(column)
            if column == "published" and value is not None:
                # Excel has no time zones: the Almaty wall-clock time, as the header says.
                cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
                cell.number_format = "yyyy-mm-dd hh:mm"
                row.append(cell)
            elif column == "url" and value:
                cell = WriteOnlyCell(sheet, value=value)
                cell.hyperlink = value
                row.append(cell)
            else:
                row.append(_cell(value))
        sheet.append(row)
        written += 1
    if names is None:
        _start_sheet(sheet, columns(options), widths, t, Font(bold=True), WriteOnlyCell)
    book.save(target)
    return written


def _start_sheet(sheet: Any, names: list[str], widths: dict[str, int], t: Any, bold: Any,
                 cell_type: Any) -> None:
    """Column widths, a frozen bold header row (write-only sheets take these before rows)."""
    from openpyxl.utils import get_column_letter

    for i, column in enumerate(names, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = widths.get(column, 14)
    sheet.freeze_panes = "A2"
    header = []
    for column in names:
        cell = cell_type(sheet, value=t(HEADERS.get(column, column)))
        cell.font = bold
        header.append(cell)
    sheet.append(header)


def export_filename(fmt: str, now: datetime | None = None) -> str:
    """A download's file name: dozor-<Almaty date>.<format>."""
    moment = (now or datetime.now(ALMATY)).astimezone(ALMATY)
    return f"dozor-{moment:%Y-%m-%d-%H%M}.{fmt}"
