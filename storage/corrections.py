"""Analysts' corrections of topic tags: record a verdict, list them, apply them, export them.

A verdict (confirm or reject a topic of a stored article) is a row of tag_corrections with
the analyst's name and the time; the latest one per article and topic is in force and is
applied to article_tags after every tagging write, so it survives `dozor retag`. Exported
in the format of ../shared/tagging-dev, corrected articles grow the real labelled set.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import psycopg
from psycopg.rows import class_row, dict_row

from crawler.errors import DozorError

Verdict = Literal["confirm", "reject"]
TOPICS = ("fraud", "ocg")
VERDICTS = ("confirm", "reject")
MAX_ANALYST_CHARS = 200
MAX_NOTE_CHARS = 2000


class CorrectionError(DozorError):
    """Raised when a correction names an unknown article, topic or verdict, or no analyst, from
    record_correction; `code` and `values` let the API word it in the analyst's language (the
    codes are serve/errors.py's), the commands print the English text."""

    def __init__(self, message: str, code: str, **values: Any) -> None:
        super().__init__(message)
        self.code = code
        self.values = values


@dataclass(frozen=True, slots=True)
class Correction:
    """One recorded verdict."""

    id: int
    article_id: int
    topic: str
    verdict: str
    analyst: str
    note: str | None
    kz_related: bool | None
    rules_said: bool
    rules_version: str | None
    created_at: datetime


_APPLY_REJECT = """
DELETE FROM article_tags t USING current_tag_corrections c
WHERE c.article_id = t.article_id AND c.topic = t.topic AND c.verdict = 'reject'
  AND t.article_id = ANY(%(ids)s)
"""
_APPLY_CONFIRM = """
INSERT INTO article_tags (article_id, topic, score, subtopics, evidence, rules_version, source,
                          corrected_by, corrected_at)
SELECT c.article_id, c.topic, 0, '{}', '[]', coalesce(a.rules_version, ''), 'analyst',
       c.analyst, c.created_at
FROM current_tag_corrections c JOIN articles a ON a.id = c.article_id
WHERE c.verdict = 'confirm' AND c.article_id = ANY(%(ids)s)
ON CONFLICT (article_id, topic) DO UPDATE
SET corrected_by = EXCLUDED.corrected_by, corrected_at = EXCLUDED.corrected_at
"""


def apply_corrections(conn: psycopg.Connection[Any], article_ids: Sequence[int]) -> None:
    """Make article_tags of these articles follow the verdicts in force."""
    ids = list(article_ids)
    conn.execute(_APPLY_REJECT, {"ids": ids})
    conn.execute(_APPLY_CONFIRM, {"ids": ids})


def _validated(topic: str, verdict: str, analyst: str, note: str | None) -> tuple[str, str | None]:
    """The analyst's name and note, stripped; CorrectionError when anything is off."""
    if topic not in TOPICS:
        raise CorrectionError(f"unknown topic {topic!r}: one of {', '.join(TOPICS)}",
                              "unknown_topic", value=topic, known=", ".join(TOPICS))
    if verdict not in VERDICTS:
        raise CorrectionError(f"unknown verdict {verdict!r}: one of {', '.join(VERDICTS)}",
                              "unknown_verdict", value=verdict, known=", ".join(VERDICTS))
    name = analyst.strip()
    if not name or len(name) > MAX_ANALYST_CHARS:
        raise CorrectionError(f"the analyst's name is required (at most {MAX_ANALYST_CHARS} "
                              "characters)", "analyst_name_required", max=MAX_ANALYST_CHARS)
    note = note.strip() if note else None
    if note and len(note) > MAX_NOTE_CHARS:
        raise CorrectionError(f"the note is longer than {MAX_NOTE_CHARS} characters",
                              "note_too_long", max=MAX_NOTE_CHARS)
    return name, note or None


def record_correction(
    conn: psycopg.Connection[Any], article_id: int, topic: str, verdict: Verdict | str,
    analyst: str, note: str | None = None, kz_related: bool | None = None,
) -> Correction:
    """Record a verdict on an article's topic and apply it to article_tags at once."""
    name, note = _validated(topic, verdict, analyst, note)
    with conn.transaction():
        row = conn.execute(
            "SELECT a.rules_version, EXISTS (SELECT FROM article_tags t WHERE t.article_id = a.id"
            " AND t.topic = %(topic)s AND t.source = 'rules') FROM articles a"
            " WHERE a.id = %(id)s FOR UPDATE", {"id": article_id, "topic": topic}).fetchone()
        if row is None:
            raise CorrectionError(f"no stored article with id {article_id}", "no_such_article")
        with conn.cursor(row_factory=class_row(Correction)) as cur:
            correction = cur.execute(
                "INSERT INTO tag_corrections (article_id, topic, verdict, analyst, note,"
                " kz_related, rules_said, rules_version) VALUES (%(id)s, %(topic)s,"
                " %(verdict)s, %(analyst)s, %(note)s, %(kz)s, %(said)s, %(version)s)"
                " RETURNING *",
                {"id": article_id, "topic": topic, "verdict": verdict, "analyst": name,
                 "note": note, "kz": kz_related, "said": bool(row[1]), "version": row[0]},
            ).fetchone()
        apply_corrections(conn, [article_id])
    assert correction is not None
    return correction


def list_corrections(conn: psycopg.Connection[Any], article_id: int | None = None,
                     limit: int = 1000) -> list[Correction]:
    """Recorded verdicts, newest first (of one article when given)."""
    with conn.cursor(row_factory=class_row(Correction)) as cur:
        return cur.execute(
            "SELECT * FROM analyst_tag_corrections"
            " WHERE %(id)s::bigint IS NULL OR article_id = %(id)s"
            " ORDER BY created_at DESC, id DESC LIMIT %(limit)s",
            {"id": article_id, "limit": limit}).fetchall()


# Read through the analysts' views only, so the read-only API can export too.
_EXPORT = """
SELECT a.id, a.url, a.source_id, a.lang, a.title, coalesce(a.body, '') AS text,
       a.published_at, a.kz_related AS tagged_kz_related, a.topics,
       (SELECT jsonb_object_agg(c.topic, jsonb_build_object(
                'verdict', c.verdict, 'analyst', c.analyst, 'note', c.note,
                'kz_related', c.kz_related, 'rules_said', c.rules_said, 'at', c.created_at))
        FROM (SELECT DISTINCT ON (topic) * FROM analyst_tag_corrections
              WHERE article_id = a.id ORDER BY topic, created_at DESC, id DESC) c) AS verdicts
FROM analyst_articles a
WHERE a.id IN (SELECT article_id FROM analyst_tag_corrections)
ORDER BY a.id
"""


def export_rows(conn: psycopg.Connection[Any]) -> Iterator[dict[str, Any]]:
    """Corrected articles in the format of ../shared/tagging-dev (one dict per article).

    `fraud` and `ocg` are the topics in force (the analyst's verdict where there is one,
    the rules' tag otherwise); `labelled_by` says which; `hard` marks a verdict that
    overruled the rules; `why` joins the analysts' notes.
    """
    with conn.cursor(row_factory=dict_row) as cur:
        for row in cur.execute(_EXPORT):
            verdicts: dict[str, dict[str, Any]] = row["verdicts"] or {}
            labels = {t: t in row["topics"] for t in TOPICS}
            kz = next((v["kz_related"] for v in verdicts.values()
                       if v.get("kz_related") is not None), row["tagged_kz_related"])
            notes = [f"{t}: {v['note']}" for t, v in sorted(verdicts.items()) if v.get("note")]
            yield {
                "id": f"dozor-{row['id']}", "url": row["url"], "source": row["source_id"],
                "lang": row["lang"], "title": row["title"], "text": row["text"],
                "date_text": row["published_at"].isoformat() if row["published_at"] else None,
                "fraud": labels["fraud"], "ocg": labels["ocg"],
                "kz_related": bool(kz) if kz is not None else True,
                "hard": any((v["verdict"] == "confirm") != v["rules_said"]
                            for v in verdicts.values()),
                "why": "; ".join(notes) or "analyst verdict",
                "labelled_by": {t: (f"analyst:{verdicts[t]['analyst']}" if t in verdicts
                                    else "rules") for t in TOPICS},
            }
