"""Stemming for Kazakh (suffix stripping), Russian and English (Snowball) and search terms."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import snowballstemmer

from crawler.tagging.normalize import Token, normalize_text, tokenize

# Kazakh suffixes and letter classes live in a data file: they are Cyrillic, and a data
# file keeps RUF001 meaningful in code and lets a linguist edit them without Python.
KK_MORPHOLOGY_PATH = Path(__file__).with_name("kk_morphology.toml")

# A sentence of an unlabelled text is Kazakh when at least this share of its Cyrillic words
# holds a Kazakh-only letter: Kazakh sentences run 30-70 %, a Russian sentence naming one
# Kazakh person ("Қуандық Алпыс") among 15 words stays near 7 %.
KK_SENTENCE_SHARE = 0.15
# A sentence with no Kazakh-only letter at all but fewer Cyrillic words than this follows the
# declared language; longer ones are Russian, since Kazakh prose nearly always shows a
# Kazakh-only letter.
SHORT_SENTENCE_WORDS = 4

_SENTENCE_END_RE = re.compile(r"[.!?\u2026;\n]+")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_LATIN_RE = re.compile(r"[a-z\u00c0-\u024f]")

_RU = snowballstemmer.stemmer("russian")
_EN = snowballstemmer.stemmer("english")


@dataclass(frozen=True)
class KazakhMorphology:
    """Suffixes and letter classes read from kk_morphology.toml."""

    version: str
    digest: str
    min_stem: int
    protected: frozenset[str]
    specific_letters: frozenset[str]
    vowels: frozenset[str]
    suffixes_by_length: tuple[tuple[int, frozenset[str]], ...]
    devoicing: dict[str, str]
    latin_markers: frozenset[str]
    latin_digraphs: dict[str, str]
    latin_letters: dict[str, str]


def _load_morphology(path: Path = KK_MORPHOLOGY_PATH) -> KazakhMorphology:
    """Read the Kazakh morphology data file."""
    raw = path.read_bytes()
    data = tomllib.loads(raw.decode("utf-8"))
    suffixes: set[str] = set()
    for group in data["suffixes"].values():
        suffixes.update(group)
    lengths = sorted({len(s) for s in suffixes}, reverse=True)
    by_length = tuple((n, frozenset(s for s in suffixes if len(s) == n)) for n in lengths)
    latin = data["latin"]
    return KazakhMorphology(
        version=str(data["version"]),
        digest=hashlib.sha256(raw).hexdigest()[:8],
        min_stem=int(data["min_stem"]),
        protected=frozenset(data["protected"]),
        specific_letters=frozenset(data["specific_letters"]),
        vowels=frozenset(data["vowels"]),
        suffixes_by_length=by_length,
        devoicing=dict(data["final_devoicing"]),
        latin_markers=frozenset(latin["marker_letters"]),
        latin_digraphs=dict(latin["digraphs"]),
        latin_letters=dict(latin["letters"]),
    )


KK = _load_morphology()
# Stored with every stemmed index: a changed suffix list changes stems.
STEMMER_VERSION = f"kk{KK.version}-{KK.digest}"


def _strip_once(word: str) -> str | None:
    """Strip the longest listed suffix that leaves a long-enough stem with a vowel."""
    if word in KK.protected:
        return None
    # A protected stem wins over a longer suffix: облыс-ы, not обл-ысы.
    for length, group in KK.suffixes_by_length:
        if len(word) > length and word[-length:] in group and word[:-length] in KK.protected:
            return word[:-length]
    for length, group in KK.suffixes_by_length:
        if len(word) - length < KK.min_stem:
            continue
        if word[-length:] in group:
            stem = word[:-length]
            if any(ch in KK.vowels for ch in stem):
                if word[-length] in KK.vowels and stem[-1] in KK.devoicing:
                    stem = stem[:-1] + KK.devoicing[stem[-1]]
                return stem
    return None


@lru_cache(maxsize=262_144)
def stem_kk(word: str) -> str:
    """Stem a Kazakh word (Cyrillic, or Latin script read into Cyrillic) by suffix stripping."""
    word = normalize_text(word)
    if _LATIN_RE.search(word) and not _CYRILLIC_RE.search(word):
        word = kk_latin_to_cyrillic(word)
    while True:
        stripped = _strip_once(word)
        if stripped is None:
            break
        word = stripped
    # A bare stem can still end in a voiced consonant (клуб); fold it as the stripped forms are.
    if len(word) > KK.min_stem and word[-1] in KK.devoicing:
        word = word[:-1] + KK.devoicing[word[-1]]
    return word


@lru_cache(maxsize=262_144)
def stem_ru(word: str) -> str:
    """Stem a Russian word with Snowball after normalisation."""
    return str(_RU.stemWord(normalize_text(word)))


@lru_cache(maxsize=65_536)
def stem_en(word: str) -> str:
    """Stem an English (or other Latin-script, non-Kazakh) word with Snowball English."""
    return str(_EN.stemWord(normalize_text(word)))


def kk_latin_to_cyrillic(word: str) -> str:
    """Read a Kazakh word in a Latin alphabet (2021 or 2018) into Cyrillic letters."""
    out: list[str] = []
    i = 0
    while i < len(word):
        pair = word[i : i + 2]
        if pair in KK.latin_digraphs:
            out.append(KK.latin_digraphs[pair])
            i += 2
            continue
        out.append(KK.latin_letters.get(word[i], word[i]))
        i += 1
    return "".join(out)


def has_kk_letters(word: str) -> bool:
    """Whether a normalised word holds a letter only Kazakh uses."""
    return any(ch in KK.specific_letters for ch in word)


def looks_kk_latin(word: str) -> bool:
    """Whether a Latin-script word shows a letter only Kazakh Latin uses (q, a-umlaut...)."""
    return any(ch in KK.latin_markers for ch in word)


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
    return ""


def stem_word(word: str, lang: str | None) -> str:
    """Stem one word in the given language ('kk', 'ru', 'en'), or decide per word when None."""
    word = normalize_text(word)
    chosen = lang if lang in ("kk", "ru", "en") else word_lang(word, None)
    if chosen == "kk":
        return stem_kk(word)
    if chosen == "ru":
        return stem_ru(word)
    if chosen == "en":
        return stem_en(word)
    return word


def sentence_langs(text: str, tokens: list[Token], lang: str | None) -> list[str | None]:
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


def search_terms(text: str, lang: str | None) -> list[str]:
    """Normalised stems of every word of a text, in order, for tagging and full-text search.

    Language is decided per word: a Kazakh-only letter means Kazakh; other Cyrillic words
    follow their sentence (Kazakh when enough of its words are, else Russian, short sentences
    the declared ``lang``); Latin words are Kazakh Latin when they show q, a-umlaut, g-breve...
    or the text is declared Kazakh, else English. Digits are kept as they are.
    """
    norm = normalize_text(text)
    tokens = tokenize(norm)
    langs = sentence_langs(norm, tokens, lang)
    return [
        stem_word(tok.text, word_lang(tok.text, seg))
        for tok, seg in zip(tokens, langs, strict=True)
    ]
