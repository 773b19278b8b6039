"""How alike two articles are: MinHash over body shingles, and Kazakh/Russian translation pairs.

A police press release republished by two newsrooms keeps its paragraphs but gets a new lead
and an attribution line ("..., сообщает Zakon.kz" / "..., передает NUR.KZ"), and one outlet
often drops the closing warning. On such pairs (tests/test_dedup.py) word-trigram Jaccard is
only ~0.6 while ~80% of the shorter text lies inside the longer, and two different fraud
stories sharing the police's standard warning reach Jaccard ~0.35 / containment ~0.5. So a
pair is one story when the Jaccard estimate reaches 0.8 (near-verbatim copies and edits) or
when the estimated containment of the shorter text reaches 0.7.

Translations cannot be compared word by word. A pair of different-language articles of one
source is linked when the site gives both the same numeric id (gov.kz serves one news item as
`.../details/<id>?lang=ru` and `?lang=kk`), or when they appeared within 10 minutes of each
other and carry the same figures (amounts, counts, article numbers survive translation).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import numpy as np
from datasketch import LeanMinHash, MinHash

from crawler.tagging.normalize import normalize_text

# Pinned so signatures stored in the database stay comparable across datasketch versions.
NUM_PERM = 128
MINHASH_SEED = 20251226
MINHASH_SCHEME = "affine32"
SHINGLE_WORDS = 3
# Decisions on the MinHash estimates (see the module docstring for the measured pairs).
JACCARD_SAME_STORY = 0.8
CONTAINMENT_SAME_STORY = 0.7
# Containment is judged only when the shorter text has this many shingles: a two-line item
# followed by a long standard warning would otherwise be "contained" in any story with it.
MIN_SHINGLES_FOR_CONTAINMENT = 50
# LSH finds candidate pairs well below the decision thresholds: a republication with a new
# lead sits near Jaccard 0.5 (datasketch picks 37 bands of 3 rows for 0.3).
LSH_THRESHOLD = 0.3

# Translation pairs.
MIN_URL_ID_DIGITS = 5  # shorter digit runs in URLs are years, pages, sections
URL_ID_MAX_APART = timedelta(days=2)
TRANSLATION_MAX_APART = timedelta(minutes=10)
MIN_SHARED_FIGURES = 3
MIN_FIGURE_JACCARD = 0.5

_WORD = re.compile(r"\w+")
_DIGITS = re.compile(rf"\d{{{MIN_URL_ID_DIGITS},}}")
# "4,2 млн", "31 000 000", "190": a figure is a digit run, decimals joined by "." or ",".
_FIGURE = re.compile(r"\d+(?:[.,]\d+)?")


@dataclass(frozen=True, slots=True)
class Signature:
    """A body's MinHash and how many distinct shingles went into it."""

    minhash: LeanMinHash
    shingles: int

    def to_bytes(self) -> bytes:
        """The hash values, little-endian uint32, for the database."""
        return bytes(np.asarray(self.minhash.hashvalues, dtype="<u4").tobytes())

    @classmethod
    def from_bytes(cls, data: bytes, shingles: int) -> Signature:
        """A signature stored by `to_bytes`."""
        values = np.frombuffer(data, dtype="<u4")
        return cls(LeanMinHash(seed=MINHASH_SEED, hashvalues=values, scheme=MINHASH_SCHEME),
                   shingles)


def body_words(text: str) -> list[str]:
    """Lower-case words of a body, Kazakh look-alikes folded, punctuation dropped."""
    return _WORD.findall(normalize_text(text).lower())


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """Distinct runs of `size` consecutive words; a shorter text is one shingle."""
    words = body_words(text)
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def signature(text: str) -> Signature:
    """The MinHash signature of a body."""
    found = shingles(text)
    minhash = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME)
    minhash.update_batch([s.encode("utf-8") for s in found])
    return Signature(LeanMinHash(minhash), len(found))


def containment(jaccard: float, size_a: int, size_b: int) -> float:
    """Share of the smaller set inside the larger, from their Jaccard index and sizes."""
    if min(size_a, size_b) == 0:
        return 0.0
    shared = jaccard * (size_a + size_b) / (1 + jaccard)
    return min(1.0, shared / min(size_a, size_b))


def same_story_score(a: Signature, b: Signature) -> float | None:
    """The pair's similarity when it is one story (Jaccard or containment), else None."""
    jaccard = float(a.minhash.jaccard(b.minhash))
    if jaccard >= JACCARD_SAME_STORY:
        return jaccard
    if min(a.shingles, b.shingles) >= MIN_SHINGLES_FOR_CONTAINMENT:
        contained = containment(jaccard, a.shingles, b.shingles)
        if contained >= CONTAINMENT_SAME_STORY:
            return contained
    return None


def url_numeric_id(url: str) -> str | None:
    """The longest run of at least 5 digits in a URL's path: the site's article id."""
    runs = _DIGITS.findall(urlsplit(url).path)
    return max(runs, key=len) if runs else None


def figures(text: str) -> set[str]:
    """Numbers of two or more characters in a text ("17", "4.2", "190"), decimals with "."."""
    found = {m.replace(",", ".") for m in _FIGURE.findall(text)}
    return {f for f in found if len(f) >= 2}


@dataclass(frozen=True, slots=True)
class TranslationCandidate:
    """What translation matching reads of an article."""

    id: int
    source_id: str
    url: str
    lang: str | None
    published_at: datetime | None
    body: str


def translation_method(a: TranslationCandidate, b: TranslationCandidate) -> str | None:
    """"url_id" or "time_numbers" when two articles are one text in two languages, else None."""
    if a.source_id != b.source_id or not a.lang or not b.lang or a.lang == b.lang:
        return None
    apart = (abs(a.published_at - b.published_at)
             if a.published_at is not None and b.published_at is not None else None)
    same_id = url_numeric_id(a.url)
    if same_id is not None and same_id == url_numeric_id(b.url) and a.url != b.url:
        # Sites that number each edition separately could reuse an id for another story;
        # two days apart at most keeps such a coincidence out.
        if apart is None or apart <= URL_ID_MAX_APART:
            return "url_id"
    if apart is not None and apart <= TRANSLATION_MAX_APART:
        fa, fb = figures(a.body), figures(b.body)
        shared = len(fa & fb)
        if shared >= MIN_SHARED_FIGURES and shared / len(fa | fb) >= MIN_FIGURE_JACCARD:
            return "time_numbers"
    return None


def translation_partners(
    article: TranslationCandidate, others: Iterable[TranslationCandidate],
) -> list[tuple[TranslationCandidate, str]]:
    """This article's translation in each other language: by shared id, else by an unambiguous
    match of time and figures."""
    by_lang: dict[str, list[tuple[TranslationCandidate, str]]] = {}
    for other in others:
        if other.id != article.id and (method := translation_method(article, other)):
            by_lang.setdefault(str(other.lang), []).append((other, method))
    partners = []
    for found in by_lang.values():
        by_id = [pair for pair in found if pair[1] == "url_id"]
        if by_id:
            partners.append(by_id[0])
        elif len(found) == 1:
            partners.append(found[0])
    return partners
