"""Snippets with marked words: the query's words found through the stemmer, or tag evidence.

PostgreSQL's ts_headline cannot mark Kazakh word forms (it would need the index's stems), so
a result's text is stemmed again here, each word to its possible Kazakh and Russian stems as
the query's words were, and the words whose stems the query asked for are marked. Without a
query, the stored evidence offsets of the tags are marked instead.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from crawler.tagging.normalize import normalize_text, tokenize
from crawler.tagging.rules import token_stems
from serve.hits import EvidenceSpan, Hit
from serve.query import ParsedQuery

# Characters of body text shown around the marked words, and before the first of them.
SNIPPET_CHARS = 260
LEAD_IN_CHARS = 60
ELLIPSIS = "\u2026"
# Words are looked for in this many first characters of a body: the snippet comes from the
# opening paragraphs anyway, and a page of 100 long articles stays cheap to mark.
MARK_WITHIN_CHARS = 4_000


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of a snippet: plain text, or (mark=True) a word to highlight."""

    text: str
    mark: bool = False
    kind: str = "hit"  # what a mark is: "hit" (a word searched) or "evidence" (why tagged)


def query_spans(text: str, parsed: ParsedQuery) -> list[tuple[int, int]]:
    """Character spans of the words of `text` (NFC) that the query asked for."""
    if not parsed.stems and not parsed.prefixes:
        return []
    nfc = unicodedata.normalize("NFC", text)[:MARK_WITHIN_CHARS]
    return [
        (tok.start, tok.end)
        for tok in tokenize(normalize_text(nfc))
        if any(parsed.marks(stem, tok.text) for stem in token_stems(tok.text))
    ]


def evidence_spans(evidence: list[EvidenceSpan], field: str) -> list[tuple[int, int]]:
    """Spans of the stored evidence that lie in one field ('title' or 'text')."""
    return sorted({(e.start, e.end) for e in evidence if e.field == field and e.end > e.start})


def _segments(text: str, spans: list[tuple[int, int]], start: int, end: int,
              kind: str = "hit") -> list[Segment]:
    """Text[start:end] cut into plain and marked segments."""
    out: list[Segment] = []
    pos = start
    for s, e in spans:
        if e <= pos or s >= end:
            continue
        s, e = max(s, pos), min(e, end)
        if s > pos:
            out.append(Segment(text[pos:s]))
        out.append(Segment(text[s:e], mark=True, kind=kind))
        pos = e
    if pos < end:
        out.append(Segment(text[pos:end]))
    return out


def mark_all(text: str | None, spans: list[tuple[int, int]], kind: str = "hit") -> list[Segment]:
    """A whole short text (a title) with its spans marked."""
    if not text:
        return []
    nfc = unicodedata.normalize("NFC", text)
    return _segments(nfc, sorted(spans), 0, len(nfc), kind)


def snippet(
    text: str | None, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS,
    kind: str = "hit",
) -> list[Segment]:
    """About `width` characters of a text around its densest run of marked spans."""
    if not text:
        return []
    nfc = unicodedata.normalize("NFC", text)
    spans = sorted(spans)
    if not spans:
        start = 0
    else:
        # The window starting at a span that covers the most spans within `width` characters.
        best = max(range(len(spans)),
                   key=lambda i: (sum(1 for s, _ in spans[i:] if s < spans[i][0] + width), -i))
        start = max(0, spans[best][0] - LEAD_IN_CHARS)
        space = nfc.rfind(" ", 0, start + 1)
        start = space + 1 if start > 0 and space >= 0 else start
    end = min(len(nfc), start + width)
    if end < len(nfc):
        space = nfc.rfind(" ", start, end)
        end = space if space > start else end
    segments = _segments(nfc, spans, start, end, kind)
    if start > 0:
        segments.insert(0, Segment(ELLIPSIS))
    if end < len(nfc):
        segments.append(Segment(ELLIPSIS))
    return segments


def plain(segments: list[Segment]) -> str:
    """A snippet as plain text."""
    return "".join(s.text for s in segments)


def hit_highlights(hit: Hit, parsed: ParsedQuery) -> tuple[list[Segment], list[Segment]]:
    """A hit's title and body snippet, the query's words marked (else its tag evidence)."""
    evidence = [e for tag in hit.tags for e in tag.evidence]
    title_spans, title_kind = query_spans(hit.title or "", parsed), "hit"
    if not title_spans:
        title_spans, title_kind = evidence_spans(evidence, "title"), "evidence"
    title = mark_all(hit.title, title_spans, title_kind)
    if not hit.body:
        return title, snippet(hit.lead, [])
    body_spans, body_kind = query_spans(hit.body, parsed), "hit"
    if not body_spans:
        body_spans, body_kind = evidence_spans(evidence, "text"), "evidence"
    return title, snippet(hit.body, body_spans, kind=body_kind)
