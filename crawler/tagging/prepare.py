"""One normalisation pass per text: tokens, their stems and skeletons, sentences and parts.

Tagging, facts and search terms all read the `PreparedField` made here, so a word is
normalised once and stemmed once (per distinct word, cached), however many rules look at it.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import compress
from operator import itemgetter
from typing import Any

from crawler.tagging.caches import WordCache, cached_map
from crawler.tagging.normalize import Token, normalize_text, word_spans
from crawler.tagging.scripts import has_arabic, is_latin, looks_kk_latin, skeleton
from crawler.tagging.stem import (
    has_kk_letters,
    search_terms_of_words,
    skeleton_stem,
    stem_en_normalized,
    stem_kk_normalized,
    stem_ru_normalized,
    to_kk_cyrillic,
)
from crawler.tagging.structure import Sentence, sentence_of_tokens, split_sentences

# A field is read as Kazakh in a Latin alphabet when Latin words outnumber Cyrillic ones and
# at least this share of them shows a letter only Kazakh Latin uses (q, dotless i, a-umlaut...): an
# English quote in a Russian text shows almost none, Kazakh Latin prose 30-60 %.
KK_LATIN_SHARE = 0.08


class WordInfo:
    """What matching needs of one word: its form, stems, and skeleton when read as Kazakh.

    Made once per distinct word (cached below); what it says never changes. A plain class
    with slots, not a frozen dataclass: a new word is built 3 times faster, and a retag meets
    millions. `entry` is what the word is to the vocabulary `entry_vocab` (matching.Entry),
    kept on the word by the matcher: it lives as long as the word stays cached, and reading
    it costs no second cache lookup per word.
    """

    __slots__ = ("entry", "entry_vocab", "key", "key_stem", "stems", "surface")

    def __init__(self, surface: str, stems: frozenset[str], key: str, key_stem: str) -> None:
        self.surface = surface  # Kazakh Latin/Arabic read into Cyrillic; else as normalised
        self.stems = stems
        self.key = key  # skeleton of a Latin- or Arabic-script Kazakh word, else ""
        self.key_stem = key_stem
        self.entry: Any = None
        self.entry_vocab: object = None

    def __repr__(self) -> str:
        return (f"WordInfo({self.surface!r}, {set(self.stems)!r}, {self.key!r},"
                f" {self.key_stem!r})")


@dataclass
class PreparedField:
    """A normalised field (title or text): its words with offsets, sentences and parts."""

    name: str
    original: str  # NFC of the input: offsets of words and sentences point into it
    norm: str
    texts: list[str]  # the words as normalised
    starts: list[int]
    ends: list[int]
    words: list[WordInfo]
    sentences: list[Sentence]
    token_sentence: list[int]
    lang: str | None
    # The words are maximal runs of letters and digits of `norm` (no invisible character
    # was dropped inside one): see `number_starts`.
    plain_words: bool = True

    @cached_property
    def number_starts(self) -> list[int] | None:
        """Offsets of the words that start with a digit: where a number not glued to a letter
        before it may start (None when the words were split around invisible characters)."""
        if not self.plain_words:
            return None
        return list(compress(self.starts, map(str.isdecimal, map(_FIRST, self.texts))))

    @property
    def tokens(self) -> list[Token]:
        """The words as Token objects (built on demand)."""
        return [Token(*t) for t in zip(self.texts, self.starts, self.ends, strict=True)]

    def token_span(self, start: int, end: int) -> tuple[int, int]:
        """Words [first, last) that start inside the character span [start, end)."""
        return bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)

    def search_terms(self) -> list[str]:
        """Search stems of this field's words, from the same words tagging read."""
        return search_terms_of_words(self.norm, self.texts, self.starts, self.lang)


_FIRST = itemgetter(0)


def word_info(word: str, kazakh_script: bool) -> WordInfo:
    """Stems of a normalised word: both Kazakh and Russian when it could be either.

    `kazakh_script` says the word is Kazakh in Latin or Arabic letters: it is then read into
    Cyrillic and also compared by skeleton. Not cached here: tagging keeps the words it met
    in _FIELD_WORDS, and a second cache of the same words cost memory and time per new word.
    """
    if word.isdigit():
        return WordInfo(word, frozenset((word,)), "", "")
    if kazakh_script:
        cyr = to_kk_cyrillic(word)
        stems = {stem_kk_normalized(word)}
        if is_latin(word):
            stems.add(stem_en_normalized(word))
        return WordInfo(cyr, frozenset(stems), skeleton(cyr), skeleton_stem(word))
    if is_latin(word):
        return WordInfo(word, frozenset((stem_en_normalized(word), stem_kk_normalized(word))),
                        "", "")
    if has_kk_letters(word):
        return WordInfo(word, frozenset((stem_kk_normalized(word),)), "", "")
    if has_arabic(word):
        return word_info(word, True)
    return WordInfo(word, frozenset((stem_ru_normalized(word), stem_kk_normalized(word))),
                    "", "")


def _field_word(word: str, kk_latin_field: bool) -> WordInfo:
    """WordInfo of a word in a field whose Latin words are (or are not) Kazakh."""
    kazakh_script = has_arabic(word) or (
        is_latin(word) and (kk_latin_field or looks_kk_latin(word)))
    return word_info(word, kazakh_script)


# WordInfo of the words met lately, for fields whose Latin words are not / are Kazakh: a
# text's distinct words are found missing by one set difference and its words looked up by
# one map, both at C speed (see caches.WordCache: a retag meets millions of distinct words).
# A cached word holds about 670 bytes in all (the word, its WordInfo with its vocabulary
# entry, its stems, its slot here), 260 MB for these words; it was 1 090 bytes, 285 MB for
# 262 144 words, when five lru_caches and the vocabulary's own cache kept the same words
# again. More words cached, fewer new ones an article.
FIELD_WORDS_MAX = 393_216
_FIELD_WORDS: tuple[WordCache[str, WordInfo], WordCache[str, WordInfo]] = (
    WordCache(FIELD_WORDS_MAX), WordCache(FIELD_WORDS_MAX))


def _words_of(texts: list[str], kk_latin_field: bool) -> list[WordInfo]:
    """The WordInfo of each word of a field, each distinct word computed once per process."""
    return cached_map(_FIELD_WORDS[kk_latin_field], texts,
                      lambda w: _field_word(w, kk_latin_field))


@lru_cache(maxsize=65_536)
def token_stems(word: str) -> frozenset[str]:
    """Every stem a normalised word may have (search and highlighting use it for queries)."""
    return word_info(word, has_arabic(word) or (is_latin(word) and looks_kk_latin(word))).stems


# A whole word of Latin letters (a Cyrillic word glued to a Latin one is not one): the same
# matches as r"\b[a-z...]+\b", written to start with the letter class (the lookbehind checks
# the character before it) so that the regex engine skips Cyrillic text at C speed.
_LATIN_LETTER = "a-z\u00c0-\u024f\u0259"
_LATIN_WORD_RE = re.compile(rf"[{_LATIN_LETTER}](?<!\w.)[{_LATIN_LETTER}]*(?!\w)")


def _kazakh_latin_field(norm: str, n_words: int, lang: str | None) -> bool:
    """Whether the Latin words of a field are Kazakh (by their letters or the declared lang)."""
    latin = _LATIN_WORD_RE.findall(norm)
    if not latin or 2 * len(latin) < n_words:
        return False
    if lang == "kk":
        return True
    marked = sum(1 for w in latin if looks_kk_latin(w))
    return marked >= 2 and marked >= KK_LATIN_SHARE * len(latin)


def prepare_field(name: str, text: str, lang: str | None = None, *,
                  headless: bool = False) -> PreparedField:
    """Normalise, tokenize, stem and split one field into sentences and parts (`headless`:
    a text without a title, whose own first sentence is most often its headline)."""
    original = unicodedata.normalize("NFC", text)
    norm = normalize_text(original)
    texts, starts, ends, plain = word_spans(norm)
    kk_latin = _kazakh_latin_field(norm, len(texts), lang)
    words = _words_of(texts, kk_latin)
    sentences = split_sentences(original, title=(name == "title"), headless=headless)
    return PreparedField(name, original, norm, texts, starts, ends, words, sentences,
                         sentence_of_tokens(sentences, starts), lang, plain)
