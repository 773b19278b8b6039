"""Sentences of a field and the part of the article each stands in: title, lead, body, aside.

Aboutness depends on where evidence stands: a headline or a lead names the subject, a body
sentence adds to it, an aside (a "read also" pointer, a related-news headline pasted into
the body) names another article. Sentence ends are found on the text as written, because
scraped bodies glue paragraphs ("…имущества.Сейчас он…") and only the capital tells.
"""

from __future__ import annotations

import bisect
import itertools
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, NamedTuple

PARTS_PATH = Path(__file__).with_name("vocab") / "parts.toml"

Part = Literal["title", "lead", "body", "aside"]

# A sentence ends at . ! ? ... (and the Arabic question mark) with closing quotes, when
# what follows is a space and then neither a lower-case letter nor a digit (an
# abbreviation such as "ст. 190" stays whole), or directly a capital letter (paragraphs
# glued by a scraper). Line and paragraph separators always end one.
_LOWER = "a-z\u0430-\u044f\u0451\u04d9\u0493\u049b\u04a3\u04e9\u04b1\u04af\u04bb\u0456"
_UPPER = "A-Z\u0410-\u042f\u0401\u04d8\u0492\u049a\u04a2\u04e8\u04b0\u04ae\u04ba\u0406"
_SENTENCE_END_RE = re.compile(
    rf"[.!?\u2026\u061f]+[\"'\u00bb\u201d\u2019)\]]*(?=\s+[^\s\d{_LOWER}]|[{_UPPER}]|\s*$)"
)
LINE_BREAKS = "\n\r\u2028\u2029"
_END_MARKS = frozenset(".!?:;\u2026\u061f\"'\u00bb\u201d")
_LOWER_START_RE = re.compile(rf"[{_LOWER}]")
# The lead ends with the first sentence of at least this many words with a lower-case letter
# (a dateline's city and agency are written in capitals, as Kazinform's and Sputnik's are),
# or with a letter of the Arabic script, which has no capitals (Kazakh töte).
LEAD_MIN_WORDS = 4
_WORDS_RE = re.compile(rf"[^\W\d_]*[{_LOWER}\u0620-\u064a\u066e-\u06d3][^\W\d_]*")
# A dateline opens with a city in capitals and a comma or full stop ("MOSCOW, 14 Jan - RIA
# Novosti, Maria Ivanova.", in Cyrillic): however many words follow, it is not the lead.
_DATELINE_RE = re.compile(rf"\s*[{_UPPER}]{{3,}}[,.]")
# A sentence longer than this is cut at the next comma or space: a body without any
# punctuation (a scraped table, a word list) must not become one "sentence" that covers it.
MAX_SENTENCE_CHARS = 1500
# A pointer that closes a sentence (parts.toml `read_also_tail`, phrases under 50 characters)
# is looked for in its last characters only: searched from the sentence start, the pattern
# was tried at every character of every sentence.
TAIL_CHARS = 160


# A named tuple, not a frozen dataclass: a text has dozens of sentences, and a tuple is
# built at C speed (same fields, equality and hash).
class Sentence(NamedTuple):
    """A sentence: character span in its field, the part it stands in, its paragraph."""

    start: int
    end: int
    part: Part
    paragraph: int


@dataclass(frozen=True)
class PartPatterns:
    """The patterns of vocab/parts.toml, compiled."""

    read_also: re.Pattern[str]
    read_also_tail: re.Pattern[str]
    keyword_caption: re.Pattern[str]
    credit: re.Pattern[str]
    bullet: str
    bullet_date: re.Pattern[str]
    bullet_lead: re.Pattern[str]
    no_end: re.Pattern[str]


@lru_cache(maxsize=1)
def part_patterns(path: Path = PARTS_PATH) -> PartPatterns:
    """Read and compile vocab/parts.toml once per process."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return PartPatterns(
        read_also=re.compile(data["read_also"]),
        read_also_tail=re.compile(data["read_also_tail"]),
        keyword_caption=re.compile(data["keyword_caption"]),
        credit=re.compile(data["credit"]),
        bullet=str(data["bullet"]),
        bullet_date=re.compile(data["bullet_date"]),
        bullet_lead=re.compile(data["bullet_lead"]),
        no_end=re.compile(data["no_end"]),
    )


def _aside_spans(text: str, pats: PartPatterns) -> list[tuple[int, int]]:
    """Related-news items ("■Headline 13 апреля 2024 17:48") and the word that opens them."""
    spans: list[tuple[int, int]] = []
    pos = text.find(pats.bullet)
    while pos >= 0:
        nxt = text.find(pats.bullet, pos + 1)
        limit = min(x for x in (nxt, text.find("\n", pos), pos + 400, len(text)) if x > pos)
        date = pats.bullet_date.search(text, pos, limit)
        end = date.end() if date else limit
        start = pos
        lead = pats.bullet_lead.search(text, max(0, pos - 40), pos)
        if lead and (not spans or lead.start() >= spans[-1][1]):
            start = lead.start()
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        pos = nxt if nxt > end else text.find(pats.bullet, end)
    return spans


def _line_breaks(text: str) -> list[tuple[int, int]]:
    """Spans of the runs of line and paragraph separators, in text order.

    Found by str.find, a C loop over the text per separator; a regex scan for the class
    tested every character one at a time (17 us an article, for a dozen breaks).
    """
    at = []
    for ch in LINE_BREAKS:
        i = text.find(ch)
        while i >= 0:
            at.append(i)
            i = text.find(ch, i + 1)
    at.sort()
    runs: list[tuple[int, int]] = []
    for i in at:
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs


def _soft_wrap(text: str, start: int, end: int) -> bool:
    """A single line break inside a sentence: no end mark before it, a lower-case letter
    after (a press office's line wrapped at a fixed width), as hard-wrapped pages and feeds
    are scraped. It ends no sentence and starts no paragraph."""
    return (text[start:end] in ("\n", "\r\n") and 0 < start and end < len(text)
            and text[start - 1] not in _END_MARKS and _LOWER_START_RE.match(text, end) is not None)


def _raw_sentences(text: str, cuts: list[int]) -> list[tuple[int, int, int]]:
    """(start, end, paragraph) of every sentence, also cutting at the given offsets."""
    bounds: set[int] = set(cuts)
    paragraph_starts = [0]
    for start, end in _line_breaks(text):
        if _soft_wrap(text, start, end):
            continue
        bounds.update((start, end))
        paragraph_starts.append(end)
    no_end = part_patterns().no_end
    bounds.update(m.end() for m in _SENTENCE_END_RE.finditer(text)
                  if text[m.start()] != "." or not no_end.search(text, max(0, m.start() - 8),
                                                                  m.start()))
    bounds.update((0, len(text)))
    ordered = sorted(bounds)
    if ordered[0] < 0 or ordered[-1] > len(text):
        ordered = [b for b in ordered if 0 <= b <= len(text)]
    out: list[tuple[int, int, int]] = []
    para = 0
    for start, end in itertools.pairwise(ordered):
        while para + 1 < len(paragraph_starts) and paragraph_starts[para + 1] <= start:
            para += 1
        while end - start > MAX_SENTENCE_CHARS:
            cut = text.rfind(" ", start + 1, start + MAX_SENTENCE_CHARS)
            cut = cut if cut > start else start + MAX_SENTENCE_CHARS
            out.append((start, cut, para))
            start = cut
        if text[start:end].strip():
            out.append((start, end, para))
    return out


def _ends_with_pointer(sentence: str, pats: PartPatterns) -> bool:
    """Whether a sentence closes with a pointer to another article (`read_also_tail`)."""
    return pats.read_also_tail.search(sentence, max(0, len(sentence) - TAIL_CHARS)) is not None


def _headline_line(text: str, start: int, end: int) -> bool:
    """A line of its own without an end mark: a headline or a standfirst, not a sentence."""
    piece = text[start:end].rstrip()
    return (bool(piece) and piece[-1] not in _END_MARKS
            and (end >= len(text) or text[end] in LINE_BREAKS)
            and (start == 0 or text[start - 1] in LINE_BREAKS))


def split_sentences(text: str, *, title: bool = False, headless: bool = False) -> list[Sentence]:
    """The sentences of a title or a text, each with the part of the article it stands in.

    A `headless` text (no title given: an excerpt, a page's text) most often opens with its
    own headline, so its lead runs to the second sentence of LEAD_MIN_WORDS words."""
    if title:
        return [Sentence(s, e, "title", p) for s, e, p in _raw_sentences(text, [])]
    pats = part_patterns()
    asides = _aside_spans(text, pats)
    cuts = [x for span in asides for x in span]
    sentences: list[Sentence] = []
    leads_left = 2 if headless else 1
    lead_sentences = 0  # sentences of LEAD_MIN_WORDS words so far in the lead
    ai = 0
    for start, end, para in _raw_sentences(text, cuts):
        while ai < len(asides) and asides[ai][1] <= start:
            ai += 1
        piece = text[start:end]
        in_aside = ai < len(asides) and asides[ai][0] <= start < asides[ai][1]
        part: Part
        if (in_aside or pats.read_also.search(piece.lstrip())
                or _ends_with_pointer(piece.rstrip(), pats)
                or pats.keyword_caption.search(piece.lstrip())
                or pats.credit.search(piece.strip())):
            part = "aside"
        elif leads_left:
            # A dateline is no lead by itself: the lead runs to the first sentence of
            # LEAD_MIN_WORDS words. In a page given without a title, a second headline line
            # (a standfirst, the headline repeated under the site's menu) is no lead either:
            # the lead runs on to the first written sentence.
            part = "lead"
            if (len(_WORDS_RE.findall(piece)) >= LEAD_MIN_WORDS
                    and not _DATELINE_RE.match(piece)):
                if not (headless and lead_sentences and _headline_line(text, start, end)):
                    leads_left -= 1
                lead_sentences += 1
        else:
            part = "body"
        sentences.append(Sentence(start, end, part, para))
    return sentences


def sentence_of_tokens(sentences: list[Sentence], starts: list[int]) -> list[int]:
    """Index of the sentence each word starts in, from the words' start offsets."""
    # A word's sentence index is the number of later sentences starting at or before it (0
    # for a word before the second one). Words and sentences are both in text order, so
    # sentence k holds the words from the first one at or past its start to the first one at
    # or past the next sentence's start: one bisect per sentence, not one per word.
    out: list[int] = []
    done = 0
    for k, sentence in enumerate(sentences[1:]):
        first = bisect.bisect_left(starts, sentence.start, done)
        out += [k] * (first - done)
        done = first
    out += [max(len(sentences) - 1, 0)] * (len(starts) - done)
    return out
