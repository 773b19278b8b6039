"""Stemming for Kazakh (suffix stripping), Russian and English (Snowball) and search terms."""

from __future__ import annotations

import bisect
import hashlib
import importlib.metadata
import operator
import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import snowballstemmer

from crawler.tagging.caches import WordCache, cached_map
from crawler.tagging.normalize import Token, normalize_text, tokenize_spans
from crawler.tagging.scripts import (
    MORPHOLOGY_PATH,
    has_arabic,
    kk_arabic_to_cyrillic,
    kk_latin_to_cyrillic,
    looks_kk_latin,
    skeleton,
)

__all__ = [
    "KK_MORPHOLOGY_PATH", "SEARCH_TERMS_CODE", "SEARCH_TERMS_VERSION", "STEMMER_VERSION",
    "has_kk_letters", "kk_latin_to_cyrillic", "looks_kk_latin", "search_terms",
    "search_terms_of_tokens", "search_terms_of_words",
    "skeleton_stem", "stem_en", "stem_kk", "stem_ru", "stem_word", "word_lang",
]

# Kazakh suffixes and letter classes live in a data file: they are Cyrillic, and a data
# file keeps RUF001 meaningful in code and lets a linguist edit them without Python.
KK_MORPHOLOGY_PATH = MORPHOLOGY_PATH

# A sentence of an unlabelled text is Kazakh when at least this share of its Cyrillic words
# holds a Kazakh-only letter: Kazakh sentences run 30-70 %, a Russian sentence naming one
# Kazakh person ("Қуандық Алпыс") among 15 words stays near 7 %.
KK_SENTENCE_SHARE = 0.15
# A sentence with no Kazakh-only letter at all but fewer Cyrillic words than this follows the
# declared language; longer ones are Russian, since Kazakh prose nearly always shows a
# Kazakh-only letter.
SHORT_SENTENCE_WORDS = 4

_SENTENCE_END_RE = re.compile(r"[.!?\u2026;\n\u061f]+")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_LATIN_RE = re.compile(r"[a-z\u00c0-\u024f\u0259\u0130]")

_RU = snowballstemmer.stemmer("russian")
_EN = snowballstemmer.stemmer("english")


@dataclass(frozen=True)
class SuffixTable:
    """What suffix stripping needs: protected stems, suffixes by length, letter classes."""

    min_stem: int
    protected: frozenset[str]
    vowels: frozenset[str]
    suffixes_by_length: tuple[tuple[int, frozenset[str]], ...]
    devoicing: dict[str, str]


@dataclass(frozen=True)
class KazakhMorphology:
    """Suffixes and letter classes read from kk_morphology.toml."""

    version: str
    digest: str
    specific_letters: frozenset[str]
    cyrillic: SuffixTable
    skeleton: SuffixTable


def _by_length(suffixes: set[str]) -> tuple[tuple[int, frozenset[str]], ...]:
    lengths = sorted({len(s) for s in suffixes if s}, reverse=True)
    return tuple((n, frozenset(s for s in suffixes if len(s) == n)) for n in lengths)


def _load_morphology(path: Path = KK_MORPHOLOGY_PATH) -> KazakhMorphology:
    """Read the Kazakh morphology data file; derive the same table in skeleton letters."""
    raw = path.read_bytes()
    data = tomllib.loads(raw.decode("utf-8"))
    suffixes: set[str] = set()
    for group in data["suffixes"].values():
        suffixes.update(group)
    protected = frozenset(data["protected"])
    vowels = frozenset(data["vowels"])
    devoicing = dict(data["final_devoicing"])
    min_stem = int(data["min_stem"])
    return KazakhMorphology(
        version=str(data["version"]),
        digest=hashlib.sha256(raw).hexdigest()[:8],
        specific_letters=frozenset(data["specific_letters"]),
        cyrillic=SuffixTable(min_stem, protected, vowels, _by_length(suffixes), devoicing),
        skeleton=SuffixTable(
            min_stem,
            frozenset(skeleton(w) for w in protected),
            frozenset(skeleton(v) for v in vowels if skeleton(v)),
            _by_length({skeleton(s) for s in suffixes}),
            {skeleton(k): skeleton(v) for k, v in devoicing.items()},
        ),
    )


KK = _load_morphology()
_KK_LETTER_RE = re.compile("[" + "".join(sorted(KK.specific_letters)) + "]")
# A changed suffix list changes stems.
STEMMER_VERSION = f"kk{KK.version}-{KK.digest}"


def _snowball_build() -> str:
    """The Snowball package in use and its release: a new release may stem differently."""
    package = "PyStemmer" if type(_RU).__module__ == "Stemmer" else "snowballstemmer"
    return f"{package}{importlib.metadata.version(package)}"


# Bumped by hand when normalising, tokenising or the search stems give other terms for the same
# text (tests/test_search_terms_version.py fails until it is and its fixture says so).
SEARCH_TERMS_CODE = 2
# Stored beside every article's search_terms: `retag` rebuilds only those built otherwise.
SEARCH_TERMS_VERSION = f"{SEARCH_TERMS_CODE}-{STEMMER_VERSION}-{_snowball_build()}"


def _strip_once(word: str, table: SuffixTable) -> str | None:
    """Strip the longest listed suffix that leaves a long-enough stem with a vowel."""
    if word in table.protected:
        return None
    n = len(word)
    # The lengths of the listed suffixes the word ends in, longest first.
    fits = [length for length, group in table.suffixes_by_length
            if n > length and word[-length:] in group]
    # A protected stem wins over a longer suffix: облыс-ы, not обл-ысы.
    for length in fits:
        if word[:-length] in table.protected:
            return word[:-length]
    for length in fits:
        if n - length < table.min_stem:
            continue
        stem = word[:-length]
        if not table.vowels.isdisjoint(stem):  # a vowel in the stem
            if word[-length] in table.vowels and stem[-1] in table.devoicing:
                stem = stem[:-1] + table.devoicing[stem[-1]]
            return stem
    return None


def _strip_all(word: str, table: SuffixTable) -> str:
    """Strip suffixes again and again; fold a voiced final consonant of the bare stem."""
    while (stripped := _strip_once(word, table)) is not None:
        word = stripped
    # A bare stem can still end in a voiced consonant (клуб); fold it as the stripped forms are.
    if len(word) > table.min_stem and word[-1] in table.devoicing:
        word = word[:-1] + table.devoicing[word[-1]]
    return word


# The stems of the words met lately: enough to stem a new word once for its tags and its
# search terms, which read the same text one after the other. The words met over a long run
# are kept, once, in the word caches of tagging (prepare._FIELD_WORDS) and of search terms
# (_SEARCH_WORDS below); a second copy of them here cost memory and time per new word.
STEM_CACHE_MAX = 32_768


def to_kk_cyrillic(norm: str) -> str:
    """A normalised Kazakh word of any script in Cyrillic letters."""
    if has_arabic(norm):
        return kk_arabic_to_cyrillic(norm)
    if _LATIN_RE.search(norm) and not _CYRILLIC_RE.search(norm):
        return kk_latin_to_cyrillic(norm)
    return norm


@lru_cache(maxsize=STEM_CACHE_MAX)
def stem_kk_normalized(norm: str) -> str:
    """Stem an already normalised Kazakh word (any script) by suffix stripping."""
    return _strip_all(to_kk_cyrillic(norm), KK.cyrillic)


def stem_kk(word: str) -> str:
    """Stem a Kazakh word (Cyrillic, Latin or Arabic script) by suffix stripping."""
    return stem_kk_normalized(normalize_text(word))


@lru_cache(maxsize=STEM_CACHE_MAX)
def skeleton_stem(norm: str) -> str:
    """The stem of a normalised Kazakh word (any script) in skeleton letters."""
    return _strip_all(skeleton(to_kk_cyrillic(norm)), KK.skeleton)


@lru_cache(maxsize=STEM_CACHE_MAX)
def stem_ru_normalized(norm: str) -> str:
    """Stem an already normalised Russian word with Snowball."""
    return str(_RU.stemWord(norm))


def stem_ru(word: str) -> str:
    """Stem a Russian word with Snowball after normalisation."""
    return stem_ru_normalized(normalize_text(word))


@lru_cache(maxsize=65_536)
def stem_en_normalized(norm: str) -> str:
    """Stem an already normalised English (or other Latin-script) word with Snowball."""
    return str(_EN.stemWord(norm))


def stem_en(word: str) -> str:
    """Stem an English (or other Latin-script, non-Kazakh) word with Snowball English."""
    return stem_en_normalized(normalize_text(word))


def has_kk_letters(word: str) -> bool:
    """Whether a normalised word holds a letter only Kazakh uses."""
    return _KK_LETTER_RE.search(word) is not None


def word_lang(word: str, context_lang: str | None) -> str:
    """Choose the stemmer for one normalised word: 'kk', 'ru', 'en' or '' (no letters)."""
    if word.isdigit():
        return ""
    if _CYRILLIC_RE.search(word):
        if has_kk_letters(word):
            return "kk"
        return "kk" if context_lang == "kk" else "ru"
    if _LATIN_RE.search(word):
        if context_lang == "kk" or looks_kk_latin(word):
            return "kk"
        return "en"
    if has_arabic(word):
        return "kk"  # Arabic-script pages of Kazakhstani outlets are Kazakh töte
    return ""


def _stem_normalized(norm: str, lang: str) -> str:
    """Stem a normalised word in a chosen language ('' keeps it as it is)."""
    if lang == "kk":
        return stem_kk_normalized(norm)
    if lang == "ru":
        return stem_ru_normalized(norm)
    if lang == "en":
        return stem_en_normalized(norm)
    return norm


def stem_word(word: str, lang: str | None) -> str:
    """Stem one word in the given language ('kk', 'ru', 'en'), or decide per word when None."""
    norm = normalize_text(word)
    chosen = lang if lang in ("kk", "ru", "en") else word_lang(norm, None)
    return _stem_normalized(norm, chosen)


def sentence_langs(text: str, tokens: Sequence[Token], lang: str | None) -> list[str | None]:
    """Give each token the language of its sentence: 'kk', 'ru' or the declared one."""
    ends = [m.end() for m in _SENTENCE_END_RE.finditer(text)]
    result: list[str | None] = []
    start = 0
    sentence_end_idx = 0
    while start < len(tokens):
        limit = ends[sentence_end_idx] if sentence_end_idx < len(ends) else len(text) + 1
        stop = start
        while stop < len(tokens) and tokens[stop].start < limit:
            stop += 1
        sentence_end_idx += 1
        if stop == start:
            continue
        cyrillic = [t.text for t in tokens[start:stop] if _CYRILLIC_RE.search(t.text)]
        kk_words = sum(1 for w in cyrillic if has_kk_letters(w))
        seg: str | None
        if cyrillic and kk_words / len(cyrillic) >= KK_SENTENCE_SHARE:
            seg = "kk"
        elif kk_words == 0 and len(cyrillic) < SHORT_SENTENCE_WORDS:
            seg = lang
        else:
            seg = "ru"
        result.extend([seg] * (stop - start))
        start = stop
    return result


def _search_stem(norm: str, sentence_lang: str | None) -> str:
    """The search stem of a normalised word in a sentence of the given language."""
    return _stem_normalized(norm, word_lang(norm, sentence_lang))


def _cyrillic_kind(word: str) -> int:
    """0: no Cyrillic letter; 1: Cyrillic without a Kazakh-only letter; 2: with one."""
    if not _CYRILLIC_RE.search(word):
        return 0
    return 2 if has_kk_letters(word) else 1


def _sentence_runs(text: str, kinds: Sequence[int], starts: Sequence[int],
                   lang: str | None) -> Iterator[tuple[int, int, str | None]]:
    """(first word, end word, language) of each sentence, from the words' Cyrillic kinds."""
    ends = [m.end() for m in _SENTENCE_END_RE.finditer(text)]
    i, n, e = 0, len(kinds), 0
    while i < n:
        limit = ends[e] if e < len(ends) else len(text) + 1
        e += 1
        j = bisect.bisect_left(starts, limit, i)
        if j == i:
            continue
        sentence = kinds[i:j]
        kk_words = sentence.count(2)
        cyrillic = kk_words + sentence.count(1)
        seg: str | None
        if cyrillic and kk_words / cyrillic >= KK_SENTENCE_SHARE:
            seg = "kk"
        elif kk_words == 0 and cyrillic < SHORT_SENTENCE_WORDS:
            seg = lang
        else:
            seg = "ru"
        yield i, j, seg
        i = j


def sentence_langs_of(text: str, words: Sequence[str], starts: Sequence[int],
                      lang: str | None) -> list[str | None]:
    """`sentence_langs` over words and their start offsets (no Token objects)."""
    out: list[str | None] = []
    for i, j, seg in _sentence_runs(text, list(map(_cyrillic_kind, words)), starts, lang):
        out.extend([seg] * (j - i))
    return out


# Per distinct word: its Cyrillic kind, its search stem in a Kazakh sentence and in any other
# (word_lang reads the sentence's language only for whether it is "kk"). See caches.WordCache.
SEARCH_WORDS_MAX = 262_144
_SEARCH_WORDS: WordCache[str, tuple[int, str, str]] = WordCache(SEARCH_WORDS_MAX)
_KIND = operator.itemgetter(0)
_STEM_IN_KK = operator.itemgetter(1)
_STEM_OTHERWISE = operator.itemgetter(2)


def _search_words(words: Sequence[str]) -> list[tuple[int, str, str]]:
    """(Cyrillic kind, stem in a Kazakh sentence, stem otherwise) of each word."""
    return cached_map(_SEARCH_WORDS, list(words), lambda w: (
        _cyrillic_kind(w), _search_stem(w, "kk"), _search_stem(w, "ru")))


def search_terms_of_words(norm: str, words: Sequence[str], starts: Sequence[int],
                          lang: str | None) -> list[str]:
    """Stems of the words of an already normalised text (see `search_terms`)."""
    infos = _search_words(words)
    out: list[str] = []
    for i, j, seg in _sentence_runs(norm, list(map(_KIND, infos)), starts, lang):
        out += map(_STEM_IN_KK if seg == "kk" else _STEM_OTHERWISE, infos[i:j])
    return out


def search_terms_of_tokens(norm: str, tokens: Sequence[Token], lang: str | None) -> list[str]:
    """Stems of the tokens of an already normalised text (see `search_terms`)."""
    return search_terms_of_words(norm, [t.text for t in tokens], [t.start for t in tokens], lang)


def search_terms(text: str, lang: str | None) -> list[str]:
    """Normalised stems of every word of a text, in order, for tagging and full-text search.

    Language is decided per word: a Kazakh-only letter means Kazakh; other Cyrillic words
    follow their sentence (Kazakh when enough of its words are, else Russian, short sentences
    the declared ``lang``); Latin words are Kazakh Latin when they show q, a-umlaut, g-breve...
    or the text is declared Kazakh, else English; Arabic-script words are Kazakh töte. Digits
    are kept as they are.
    """
    norm = normalize_text(text)
    words, starts, _ends = tokenize_spans(norm)
    return search_terms_of_words(norm, words, starts, lang)
