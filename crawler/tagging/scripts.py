"""Kazakh in every script it is written in: Latin alphabets and Arabic töte read into Cyrillic.

Kazakh news is written in Cyrillic, in the official Latin alphabets (2018, 2021) and
several site spellings (Qazaq Times, Abai.kz: see kk_morphology.toml for samples), and in
Arabic töte (Kazinform's ar. edition). Words of those scripts are read into Cyrillic here;
the letter tables live in kk_morphology.toml, as data. The `skeleton` forgets the letters
the alphabets disagree on, so a Cyrillic vocabulary term and a word of any script meet
whatever spelling a site chose.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MORPHOLOGY_PATH = Path(__file__).with_name("kk_morphology.toml")

_ARABIC_RE = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN_RE = re.compile(r"[a-z\u00c0-\u024f\u0259\u0130]")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")


@dataclass(frozen=True)
class ScriptTables:
    """Letter tables of kk_morphology.toml: Latin, Arabic and skeleton readings."""

    digest: str
    latin_markers: frozenset[str]
    latin_digraphs: dict[str, str]
    latin_letters: dict[str, str]
    arabic_front_markers: frozenset[str]
    arabic_silent: frozenset[str]
    arabic_back: dict[str, str]
    arabic_front: dict[str, str]
    arabic_letters: dict[str, str]
    skeleton_letters: dict[str, str]
    skeleton_digraphs: dict[str, str]


def _load_tables(path: Path = MORPHOLOGY_PATH) -> ScriptTables:
    """Read the script tables of the Kazakh morphology data file."""
    raw = path.read_bytes()
    data = tomllib.loads(raw.decode("utf-8"))
    latin, arabic, skel = data["latin"], data["arabic"], data["skeleton"]
    return ScriptTables(
        digest=hashlib.sha256(raw).hexdigest()[:8],
        latin_markers=frozenset(latin["marker_letters"]),
        latin_digraphs=dict(latin["digraphs"]),
        latin_letters=dict(latin["letters"]),
        arabic_front_markers=frozenset(arabic["front_markers"]),
        arabic_silent=frozenset(arabic["silent"]),
        arabic_back=dict(arabic["back"]),
        arabic_front=dict(arabic["front"]),
        arabic_letters=dict(arabic["letters"]),
        skeleton_letters=dict(skel["letters"]),
        skeleton_digraphs=dict(skel["digraphs"]),
    )


TABLES = _load_tables()
_SKELETON_TABLE = str.maketrans(TABLES.skeleton_letters)


def has_arabic(word: str) -> bool:
    """Whether a word holds Arabic-script letters."""
    return _ARABIC_RE.search(word) is not None


def is_latin(word: str) -> bool:
    """Whether a word is written in Latin letters (and holds no Cyrillic ones)."""
    return _LATIN_RE.search(word) is not None and _CYRILLIC_RE.search(word) is None


# "q" before "u" and a vowel is English or French ("acquitted", "request", "equipment"):
# Kazakh has no "ұ" before a vowel, so that q marks no Kazakh word.
_ENGLISH_QU_RE = re.compile(r"qu[aeiouy]")


def looks_kk_latin(word: str) -> bool:
    """Whether a Latin-script word shows a letter only Kazakh Latin uses (q, a-umlaut...)."""
    if "qu" in word:
        word = _ENGLISH_QU_RE.sub("", word)
    return any(ch in TABLES.latin_markers for ch in word)


def kk_latin_to_cyrillic(word: str) -> str:
    """Read a Kazakh word in a Latin alphabet (2021, 2018 or a site's own) into Cyrillic."""
    out: list[str] = []
    i = 0
    while i < len(word):
        pair = word[i : i + 2]
        if pair in TABLES.latin_digraphs:
            out.append(TABLES.latin_digraphs[pair])
            i += 2
            continue
        out.append(TABLES.latin_letters.get(word[i], word[i]))
        i += 1
    return "".join(out)


def kk_arabic_to_cyrillic(word: str) -> str:
    """Read a Kazakh word in Arabic töte into Cyrillic, front vowels where the word is front."""
    front = any(ch in TABLES.arabic_front_markers for ch in word)
    vowels = TABLES.arabic_front if front else TABLES.arabic_back
    out: list[str] = []
    for ch in word:
        if ch in TABLES.arabic_silent:
            continue
        if ch in vowels:
            out.append(vowels[ch])
        elif ch == "\u064a" and out and out[-1] in "аәоөұүыіеуи":
            out.append("й")  # yeh after a vowel is the consonant: بويىنشا = бойынша
        else:
            out.append(TABLES.arabic_letters.get(ch, ch))
    return "".join(out)


@lru_cache(maxsize=131_072)
def skeleton(word: str) -> str:
    """A normalised Cyrillic word reduced to the letters every Kazakh spelling agrees on."""
    key = word.translate(_SKELETON_TABLE)
    for pair, repl in TABLES.skeleton_digraphs.items():
        key = key.replace(pair, repl)
    # Doubled letters differ between spellings (2018 "polis-dotless-i-dotless-i-a"): keep one.
    out = [ch for i, ch in enumerate(key) if i == 0 or ch != key[i - 1]]
    return "".join(out)
