"""One article as an analyst reads it: text with the tags' evidence marked by rule, facts,
language versions and other outlets of its story, earlier versions with what changed, and
the archived page as it was fetched.

Used by the API (/api/articles/{id}, /archive/{id}) and by `dozor show ID|URL`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

from serve.hits import Tag
from serve.search import get_article

# A version diff longer than this many words is cut (an article rewritten whole says so).
MAX_DIFF_WORDS = 4_000
_WORDS_RE = re.compile(r"\s+|[^\s]+")

RELATED_SQL = """
SELECT a.id, a.url, a.title, a.source_id, s.name AS source_name, a.lang, a.published_at,
       EXISTS (SELECT FROM article_translations tr
               WHERE (tr.article_id = %(id)s AND tr.translation_id = a.id)
                  OR (tr.translation_id = %(id)s AND tr.article_id = a.id)) AS translation
FROM articles a JOIN sources s ON s.id = a.source_id
WHERE a.status = 'ok' AND a.id <> %(id)s
  AND ((%(story)s::bigint IS NOT NULL AND a.story_id = %(story)s)
       OR a.id IN (SELECT translation_id FROM article_translations WHERE article_id = %(id)s
                   UNION SELECT article_id FROM article_translations
                   WHERE translation_id = %(id)s))
ORDER BY a.published_at NULLS LAST, a.id
LIMIT 100
"""
VERSIONS_SQL = """
SELECT version, title, body, fetched_at FROM article_versions
WHERE article_id = %(id)s ORDER BY version
"""
STORY_SQL = "SELECT article_count, sources, languages FROM stories WHERE id = %(id)s"
EXTRA_SQL = "SELECT warc_record, story_id, status FROM articles WHERE id = %(id)s"


@dataclass(frozen=True, slots=True)
class Mark:
    """A piece of text; with `topic`, evidence for that topic found by `rules`."""

    text: str
    topic: str | None = None
    rules: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Related:
    """Another article of the same story (or its translation on the same site)."""

    id: int
    url: str
    title: str | None
    source_id: str
    source_name: str
    lang: str | None
    published_at: datetime | None
    translation: bool


@dataclass(frozen=True, slots=True)
class Change:
    """A run of words of a diff: kept ('='), added ('+') or removed ('-')."""

    op: str
    text: str


@dataclass(frozen=True, slots=True)
class Version:
    """An earlier text of the article and what changed from it to the next one."""

    version: int
    fetched_at: datetime
    title: str | None
    title_changes: list[Change]
    body_changes: list[Change]


@dataclass
class ArticleView:
    """Everything the article page and `dozor show` display."""

    row: dict[str, Any]
    title_marks: list[Mark]
    body_marks: list[Mark]
    language_versions: list[Related] = field(default_factory=list)
    other_outlets: list[Related] = field(default_factory=list)
    versions: list[Version] = field(default_factory=list)
    story: dict[str, Any] | None = None
    warc_record: str | None = None


def find_article_id(conn: psycopg.Connection[Any], reference: str) -> int | None:
    """An article id from an id or a URL (as stored, or with/without a trailing slash)."""
    text = reference.strip()
    if text.isdigit():
        return int(text)
    candidates = [text, text.rstrip("/"), text.rstrip("/") + "/"]
    row = conn.execute("SELECT id FROM articles WHERE url = ANY(%s) ORDER BY id LIMIT 1",
                       (candidates,)).fetchone()
    return int(row[0]) if row else None


def evidence_marks(text: str | None, tags: tuple[Tag, ...], field_name: str) -> list[Mark]:
    """A text cut into plain pieces and evidence pieces, each with its topic and rules."""
    if not text:
        return []
    nfc = unicodedata.normalize("NFC", text)
    spans: list[tuple[int, int, str, str]] = sorted(
        (e.start, e.end, tag.topic, e.rule)
        for tag in tags for e in tag.evidence
        if e.field == field_name and 0 <= e.start < e.end <= len(nfc)
    )
    marks: list[Mark] = []
    pos = 0
    i = 0
    while i < len(spans):
        start, end, topic, rule = spans[i]
        if start < pos:  # overlapping evidence: extend the mark already made
            i += 1
            continue
        rules = [rule]
        j = i + 1
        while j < len(spans) and spans[j][0] < end:
            end = max(end, spans[j][1])
            rules.append(spans[j][3])
            j += 1
        if start > pos:
            marks.append(Mark(nfc[pos:start]))
        marks.append(Mark(nfc[start:end], topic, tuple(dict.fromkeys(rules))))
        pos, i = end, j
    if pos < len(nfc):
        marks.append(Mark(nfc[pos:]))
    return marks


def word_diff(old: str | None, new: str | None) -> list[Change]:
    """What changed from one text to the next, word by word, equal runs kept whole."""
    a = _WORDS_RE.findall(old or "")[:MAX_DIFF_WORDS]
    b = _WORDS_RE.findall(new or "")[:MAX_DIFF_WORDS]
    changes: list[Change] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            changes.append(Change("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            changes.append(Change("-", "".join(a[i1:i2])))
        if j2 > j1:
            changes.append(Change("+", "".join(b[j1:j2])))
    return changes


def load_article_view(conn: psycopg.Connection[Any], article_id: int) -> ArticleView | None:
    """An article with its marks, related articles and versions, or None."""
    row = get_article(conn, article_id)
    if row is None:
        return None
    with conn.cursor(row_factory=dict_row) as cur:
        extra = cur.execute(EXTRA_SQL, {"id": article_id}).fetchone() or {}
        story_id = extra.get("story_id")
        related = [Related(**r) for r in cur.execute(
            RELATED_SQL, {"id": article_id, "story": story_id}).fetchall()]
        old = cur.execute(VERSIONS_SQL, {"id": article_id}).fetchall()
        story = cur.execute(STORY_SQL, {"id": story_id}).fetchone() if story_id else None
    view = ArticleView(
        row=row, title_marks=evidence_marks(row["title"], row["tags"], "title"),
        body_marks=evidence_marks(row["body"], row["tags"], "text"),
        story=dict(story, id=story_id) if story else None,
        warc_record=extra.get("warc_record"),
    )
    for other in related:
        if other.lang and other.lang != row["lang"]:
            view.language_versions.append(other)
        else:
            view.other_outlets.append(other)
    texts = [*old, {"version": row["version"], "title": row["title"], "body": row["body"]}]
    for earlier, later in pairwise(texts):
        view.versions.append(Version(
            version=int(earlier["version"]), fetched_at=earlier["fetched_at"],
            title=earlier["title"], title_changes=word_diff(earlier["title"], later["title"]),
            body_changes=word_diff(earlier["body"], later["body"]),
        ))
    return view


def evidence_rules(tags: tuple[Tag, ...]) -> list[tuple[str, str, list[str]]]:
    """(topic, rule, phrases) for every rule that gave evidence, in the order of the tags."""
    found: dict[tuple[str, str], list[str]] = {}
    for tag in tags:
        for e in tag.evidence:
            phrases = found.setdefault((tag.topic, e.rule), [])
            if e.phrase not in phrases:
                phrases.append(e.phrase)
    return [(topic, rule, phrases) for (topic, rule), phrases in found.items()]


def archived_page(archive_dir: Path, reference: str) -> tuple[bytes, str]:
    """The archived response body and its content type (raises ArchiveReadError)."""
    from crawler.archive import read_response

    response = read_response(archive_dir, reference)
    return response.body, response.headers.get("content-type", "application/octet-stream")

