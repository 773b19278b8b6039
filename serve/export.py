"""Search results as a readable table, CSV, JSON Lines or an Excel workbook (Asia/Almaty times)."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from serve.labels import catalog
from serve.search import ALMATY, Hit

FORMATS = ("table", "csv", "jsonl", "xlsx")
# Columns of CSV and Excel, in order; the table shows a narrower selection.
COLUMNS = (
    "id", "published", "source", "lang", "topics", "subtopics", "regions", "title", "url",
    "rank", "evidence",
)
TABLE_TITLE_CHARS = 72


def local_time(moment: datetime | None) -> datetime | None:
    """A stored (UTC) time in Asia/Almaty."""
    return moment.astimezone(ALMATY) if moment else None


def hit_record(hit: Hit) -> dict[str, Any]:
    """One hit as a flat, JSON-ready dict; the time is ISO 8601 with Almaty's offset."""
    published = local_time(hit.published_at)
    return {
        "id": hit.id,
        "published": published.isoformat() if published else None,
        "source": hit.source_id,
        "lang": hit.lang,
        "topics": list(hit.topics),
        "subtopics": list(hit.subtopics),
        "regions": list(hit.regions),
        "title": hit.title,
        "url": hit.url,
        "rank": round(hit.rank, 4) if hit.rank is not None else None,
        "evidence": list(dict.fromkeys(e.phrase for t in hit.tags for e in t.evidence)),
    }


def _cell(value: Any) -> Any:
    """A list as 'a; b', other values as they are (CSV and Excel cells)."""
    return "; ".join(str(v) for v in value) if isinstance(value, list) else value


def write_table(hits: Sequence[Hit], out: IO[str], total: int | None = None,
                total_exact: bool = True) -> None:
    """A table for the terminal: date and time in Almaty, source, language, topics, title."""
    out.write(f"{'published (Almaty)':<17} {'source':<16} {'ln':<2} {'topics':<10} title\n")
    shown_close = False
    for hit in hits:
        if hit.partial and not shown_close:
            out.write("-- close matches: every word but one --\n")
            shown_close = True
        published = local_time(hit.published_at)
        when = f"{published:%Y-%m-%d %H:%M}" if published else "undated"
        title = (hit.title or "(no title)").replace("\n", " ")
        if len(title) > TABLE_TITLE_CHARS:
            title = title[: TABLE_TITLE_CHARS - 1] + "\u2026"
        out.write(f"{when:<17} {hit.source_id[:16]:<16} {hit.lang or '-':<2}"
                  f" {','.join(hit.topics) or '-':<10} {title}\n")
    if total is not None:
        shown = f"{total}{'' if total_exact else '+'}"
        full = sum(1 for h in hits if not h.partial)
        out.write(f"\n{full} shown of {shown} articles with every word")
        out.write(f", and {len(hits) - full} close matches.\n" if full < len(hits) else ".\n")


def write_csv(hits: Sequence[Hit], out: IO[str]) -> None:
    """CSV with a header row; lists joined by '; '."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for hit in hits:
        writer.writerow({k: _cell(v) for k, v in hit_record(hit).items()})


def write_jsonl(hits: Sequence[Hit], out: IO[str]) -> None:
    """One JSON object per line, Cyrillic kept readable."""
    for hit in hits:
        out.write(json.dumps(hit_record(hit), ensure_ascii=False) + "\n")


def write_xlsx(hits: Sequence[Hit], target: Path | IO[bytes]) -> None:
    """An Excel workbook: one row per hit, Almaty times as real dates, links clickable."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    names = catalog()
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = "articles"
    headers = [c if c != "published" else "published (Asia/Almaty)" for c in COLUMNS]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for hit in hits:
        record = hit_record(hit)
        published = local_time(hit.published_at)
        # Excel has no time zones: the Almaty wall-clock time, as the header says.
        record["published"] = published.replace(tzinfo=None) if published else None
        record["topics"] = [names.name("topics", t) for t in hit.topics]
        record["regions"] = [names.name("regions", r) for r in hit.regions]
        sheet.append([_cell(record[c]) for c in COLUMNS])
        row = sheet.max_row
        sheet.cell(row=row, column=2).number_format = "yyyy-mm-dd hh:mm"
        url_cell = sheet.cell(row=row, column=COLUMNS.index("url") + 1)
        url_cell.hyperlink = hit.url
    widths = {"id": 8, "published": 17, "title": 70, "url": 40, "evidence": 40}
    for i, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = widths.get(
            column, 14)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    book.save(target)
