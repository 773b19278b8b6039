"""A source's template lines, learned from its archive: lines that repeat verbatim across many
of its pages are the site's furniture ("Редакция может не разделять мнение автора", "Если вы
стали свидетелем ДТП, пишите в WhatsApp"), whatever they say and whichever hint missed them.

The table is data, not code: `learn_template_lines` counts, per line, on how many pages of the
source it stands (bodies extracted without any table, so a learned line cannot hide itself
from the next learning); lines on at least `min_pages` pages and `min_share` of them are kept.
Each learning that changes the lines takes the next version. Tables are JSON files in
crawler/sources/template_lines/<source_id>.json, written by `dozor learn-template-lines` from
the WARC archive and reviewed by their git diff like golden pages; extraction reads them as a
plain input (`extract_article(..., template=...)`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

TABLES_DIR = Path(__file__).resolve().parent.parent / "sources" / "template_lines"
# A line seen on fewer pages than this is not a template, however small the archive.
MIN_PAGES = 5
# ...nor one seen on less than this share of the pages (a section's template may sit on a
# fifth of a source's pages; a quote two stories share sits on a thousandth).
MIN_SHARE = 0.02
# Longer lines are paragraphs: a press release reprinted by many pages is text, not template.
MAX_LINE_CHARS = 300
# Lines shorter than this (in letters) say too little to be told apart from text ("Алматы").
MIN_LINE_LETTERS = 8
_SPACES = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]")


def normalize_line(line: str) -> str:
    """The form lines are compared in: lower case, whitespace folded."""
    return _SPACES.sub(" ", line).strip().lower()


@dataclass(frozen=True)
class TemplateLines:
    """One version of a source's learned template lines, with how they were learned."""

    source_id: str
    version: int
    lines: frozenset[str]
    pages: int = 0  # pages the table was learned from
    learned_at: str | None = None  # ISO time of the learning
    counts: dict[str, int] = field(default_factory=dict, compare=False)  # pages per line

    def to_json(self) -> str:
        """The table as the JSON file stored for the source, lines sorted by count."""
        ordered = sorted(self.lines, key=lambda ln: (-self.counts.get(ln, 0), ln))
        data = {"source_id": self.source_id, "version": self.version,
                "learned_at": self.learned_at, "pages": self.pages,
                "min_pages": MIN_PAGES, "min_share": MIN_SHARE,
                "lines": {line: self.counts.get(line, 0) for line in ordered}}
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> TemplateLines:
        """A table read back from its JSON file."""
        data = json.loads(text)
        lines = {normalize_line(str(k)): int(v) for k, v in dict(data["lines"]).items()}
        return cls(source_id=str(data["source_id"]), version=int(data["version"]),
                   lines=frozenset(lines), pages=int(data.get("pages") or 0),
                   learned_at=data.get("learned_at"), counts=lines)


def _is_candidate(line: str) -> bool:
    return len(line) <= MAX_LINE_CHARS and len(_LETTER.findall(line)) >= MIN_LINE_LETTERS


def learn_template_lines(
    source_id: str, bodies: Iterable[str | None], previous: TemplateLines | None = None,
    learned_at: datetime | None = None, min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE,
) -> TemplateLines:
    """Template lines of a source from bodies of its pages, extracted without a table."""
    seen: Counter[str] = Counter()
    pages = 0
    for body in bodies:
        if not body:
            continue
        pages += 1
        seen.update({n for n in map(normalize_line, body.splitlines()) if _is_candidate(n)})
    needed = max(min_pages, min_share * pages)
    counts = {line: count for line, count in seen.items() if count >= needed}
    lines = frozenset(counts)
    version = 1 if previous is None else previous.version + (lines != previous.lines)
    return TemplateLines(source_id=source_id, version=version, lines=lines, pages=pages,
                         learned_at=learned_at.isoformat() if learned_at else None,
                         counts=counts)


def table_path(source_id: str, tables_dir: Path | None = None) -> Path:
    """Where a source's table is kept."""
    return (tables_dir or TABLES_DIR) / f"{source_id}.json"


@cache
def template_lines_for(source_id: str) -> TemplateLines | None:
    """The committed table of a source, or None when none was learned yet."""
    path = table_path(source_id)
    return TemplateLines.from_json(path.read_text("utf-8")) if path.is_file() else None
