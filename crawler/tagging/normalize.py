"""Text normalisation for tagging and search: look-alike folding, NFC, lowercase, tokens."""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

# Latin letters typed inside Cyrillic words, folded to the Cyrillic letter they imitate.
# Kazakh keyboards long lacked ә і һ ө ү, so pages type Latin look-alikes: the seed letter
# 000_6dc13b5a83b65c7e.txt writes "əзірленді" with Latin schwa U+0259 for ә U+04D9;
# "i" for і and "h" for һ are common on regional police sites. Upper-case look-alikes map
# to upper-case Cyrillic before lower-casing, because Latin "H" imitates Н, not һ.
# Written as code points so that RUF001 stays meaningful for the rest of the code.
LATIN_LOOKALIKES: dict[str, str] = {
    "a": "\u0430",  # а
    "c": "\u0441",  # с
    "e": "\u0435",  # е
    "h": "\u04bb",  # һ (Kazakh shha)
    "i": "\u0456",  # і (Kazakh/Ukrainian i)
    "k": "\u043a",  # к
    "o": "\u043e",  # о
    "p": "\u0440",  # р
    "x": "\u0445",  # х
    "y": "\u0443",  # у
    "\u0259": "\u04d9",  # Latin schwa ə -> ә
    "\u01dd": "\u04d9",  # Latin turned e ǝ -> ә
    "\u00f6": "\u04e9",  # ö -> ө, as typed on Turkish layouts
    "\u00fc": "\u04af",  # ü -> ү
    "A": "\u0410",  # А
    "B": "\u0412",  # В
    "C": "\u0421",  # С
    "E": "\u0415",  # Е
    "H": "\u041d",  # Н
    "I": "\u0406",  # І
    "K": "\u041a",  # К
    "M": "\u041c",  # М
    "O": "\u041e",  # О
    "P": "\u0420",  # Р
    "T": "\u0422",  # Т
    "X": "\u0425",  # Х
    "Y": "\u0423",  # У
    "\u018f": "\u04d8",  # Latin capital schwa Ə -> Ә
}

# ё is written as е in nearly all Kazakhstani Russian news; folding keeps stems equal.
YO_FOLD: dict[str, str] = {"\u0451": "\u0435"}

# Characters that may sit inside a word without splitting it: soft hyphen (news CMSs
# insert it for line breaking) and zero-width joiners/spaces pasted from Word documents.
INVISIBLE_IN_WORD = "\u00ad\u200b\u200c\u200d\u2060"

# A word: letters, digits and combining marks, possibly with invisible characters inside;
# hyphens and apostrophes split words so "интернет-алаяқтық" gives two tokens.
_WORD_RE = re.compile(rf"(?:[^\W_]|[{INVISIBLE_IN_WORD}])+")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_LOOKALIKE_WORD_RE = re.compile(r"[^\W_]+")
_INVISIBLE_RE = re.compile(f"[{INVISIBLE_IN_WORD}]")


class Token(NamedTuple):
    """A word of a normalised text with its offsets (end exclusive)."""

    text: str
    start: int
    end: int


def _fold_lookalikes(word: str) -> str:
    """Replace Latin look-alikes in a word that also holds Cyrillic letters."""
    if not _CYRILLIC_RE.search(word):
        return word
    return "".join(LATIN_LOOKALIKES.get(ch, ch) for ch in word)


def _lower_keep_length(text: str) -> str:
    """Lower-case character by character, keeping characters whose lower form is longer."""
    out = []
    for ch in text:
        low = ch.lower()
        out.append(low if len(low) == 1 else ch)
    return "".join(out)


def normalize_text(text: str) -> str:
    """NFC, fold Latin look-alikes inside Cyrillic words, lower-case, ё→е.

    Every step after NFC maps one character to one character, so offsets into the result
    are offsets into ``unicodedata.normalize("NFC", text)`` (the text itself when it is NFC).
    """
    nfc = unicodedata.normalize("NFC", text)
    folded = _LOOKALIKE_WORD_RE.sub(lambda m: _fold_lookalikes(m.group(0)), nfc)
    lowered = _lower_keep_length(folded)
    return lowered.translate(str.maketrans(YO_FOLD))


def tokenize(text: str) -> list[Token]:
    """Split an already normalised text into word tokens, dropping invisible characters."""
    tokens = []
    for m in _WORD_RE.finditer(text):
        word = _INVISIBLE_RE.sub("", m.group(0))
        if word:
            tokens.append(Token(word, m.start(), m.end()))
    return tokens
