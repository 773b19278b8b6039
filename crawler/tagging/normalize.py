"""Text normalisation for tagging and search: look-alike folding, NFC, lowercase, tokens."""

from __future__ import annotations

import itertools
import re
import unicodedata
from typing import NamedTuple

# Latin letters typed inside Cyrillic words, folded to the Cyrillic letter they imitate.
# Kazakh keyboards long lacked the letters schwa, byelorussian-ukrainian i, shha, barred o
# and straight u, so pages type Latin look-alikes: the seed letter 000_6dc13b5a83b65c7e.txt
# writes Latin schwa U+0259 for Cyrillic schwa U+04D9 ("<U+0259>зірленді"); Latin "i" for
# U+0456 and "h" for U+04BB are common on regional police sites. Upper-case look-alikes map
# to upper-case Cyrillic before lower-casing, because Latin "H" imitates EN, not SHHA.
# Written as code points, named by Unicode, so that RUF001-3 stay meaningful in this code.
LATIN_LOOKALIKES: dict[str, str] = {
    "a": "\u0430",  # CYRILLIC SMALL A
    "c": "\u0441",  # CYRILLIC SMALL ES
    "e": "\u0435",  # CYRILLIC SMALL IE
    "h": "\u04bb",  # CYRILLIC SMALL SHHA
    "i": "\u0456",  # CYRILLIC SMALL BYELORUSSIAN-UKRAINIAN I
    "k": "\u043a",  # CYRILLIC SMALL KA
    "o": "\u043e",  # CYRILLIC SMALL O
    "p": "\u0440",  # CYRILLIC SMALL ER
    "x": "\u0445",  # CYRILLIC SMALL HA
    "y": "\u0443",  # CYRILLIC SMALL U
    "\u0259": "\u04d9",  # LATIN SMALL SCHWA -> CYRILLIC SMALL SCHWA
    "\u01dd": "\u04d9",  # LATIN SMALL TURNED E -> CYRILLIC SMALL SCHWA
    "\u00f6": "\u04e9",  # o with diaeresis -> CYRILLIC SMALL BARRED O (Turkish layouts)
    "\u00fc": "\u04af",  # u with diaeresis -> CYRILLIC SMALL STRAIGHT U
    "A": "\u0410",  # CYRILLIC CAPITAL A
    "B": "\u0412",  # CYRILLIC CAPITAL VE
    "C": "\u0421",  # CYRILLIC CAPITAL ES
    "E": "\u0415",  # CYRILLIC CAPITAL IE
    "H": "\u041d",  # CYRILLIC CAPITAL EN
    "I": "\u0406",  # CYRILLIC CAPITAL BYELORUSSIAN-UKRAINIAN I
    "K": "\u041a",  # CYRILLIC CAPITAL KA
    "M": "\u041c",  # CYRILLIC CAPITAL EM
    "O": "\u041e",  # CYRILLIC CAPITAL O
    "P": "\u0420",  # CYRILLIC CAPITAL ER
    "T": "\u0422",  # CYRILLIC CAPITAL TE
    "X": "\u0425",  # CYRILLIC CAPITAL HA
    "Y": "\u0423",  # CYRILLIC CAPITAL U
    "\u018f": "\u04d8",  # LATIN CAPITAL SCHWA -> CYRILLIC CAPITAL SCHWA
}

# Cyrillic io is written as ie in nearly all Kazakhstani Russian news; folding keeps stems equal.
YO_FOLD: dict[str, str | int | None] = {"\u0451": "\u0435"}

# Characters that may sit inside a word without splitting it: soft hyphen (news CMSs
# insert it for line breaking), zero-width joiners/spaces pasted from Word documents, and
# the combining acute and grave accents of stress marks (encyclopedias write "Рэ́кет").
INVISIBLE_IN_WORD = "\u00ad\u200b\u200c\u200d\u2060\u0300\u0301"

# A word: letters, digits and combining marks, possibly with invisible characters inside;
# hyphens and apostrophes split words so "интернет-алаяқтық" gives two tokens.
_WORD_RE = re.compile(rf"(?:[^\W_]|[{INVISIBLE_IN_WORD}])+")
# The same words in a text without invisible characters (nearly every text): one character
# class, no alternation per character, so the scan costs half as much.
_PLAIN_WORD_SPLIT_RE = re.compile(r"([^\W_]+)")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_LOOKALIKE_WORD_RE = re.compile(r"[^\W_]+")
_INVISIBLE_RE = re.compile(f"[{INVISIBLE_IN_WORD}]")
_LOOKALIKE_CLASS = "".join(LATIN_LOOKALIKES)
# A look-alike inside a Cyrillic word touches a Cyrillic letter; most texts have none, and
# checking first skips the per-word pass.
_MIXED_RE = re.compile(rf"[\u0400-\u04ff][{_LOOKALIKE_CLASS}]|[{_LOOKALIKE_CLASS}][\u0400-\u04ff]")
# Runs of look-alikes: every match of _MIXED_RE holds one, at the start or the end of a run.
_LOOKALIKE_RUN_RE = re.compile(f"[{_LOOKALIKE_CLASS}]+")


class Token(NamedTuple):
    """A word of a normalised text with its offsets (end exclusive)."""

    text: str
    start: int
    end: int


_LOOKALIKE_TABLE = str.maketrans(LATIN_LOOKALIKES)


def _fold_lookalikes(word: str) -> str:
    """Replace Latin look-alikes in a word that also holds Cyrillic letters."""
    if not _CYRILLIC_RE.search(word):
        return word
    return word.translate(_LOOKALIKE_TABLE)


def _mixed_windows(text: str) -> list[tuple[int, int]]:
    """Spans of the text outside which _MIXED_RE cannot match: each run of look-alikes with
    the character before and after it, overlapping ones merged.

    A match is a Cyrillic letter beside a look-alike, so it lies in the span of the run that
    holds its look-alike; searched span by span, finditer finds what it finds over the whole
    text (no match starts between spans, and merged spans keep a match that ends inside the
    next one). Searched over the whole text, every Cyrillic letter of it is tried as the
    start of a match (45 us an article); look-alikes are rare, found by one class scan.
    """
    windows: list[tuple[int, int]] = []
    for run in _LOOKALIKE_RUN_RE.finditer(text):
        start, end = max(run.start() - 1, 0), run.end() + 1
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def _fold_mixed_words(text: str, windows: list[tuple[int, int]]) -> str:
    """Fold look-alikes in the words where a Latin look-alike touches a Cyrillic letter.

    Only those words are rewritten: a text with one glued Cyrillic-and-Latin word must
    not send its other 2 000 words through Python one by one.
    """
    pieces: list[str] = []
    done = 0
    mixed = (m for start, end in windows for m in _MIXED_RE.finditer(text, start, end))
    for m in mixed:
        if m.start() < done:
            continue
        word = _LOOKALIKE_WORD_RE.search(text, max(done, _word_start(text, m.start())))
        if word is None:
            break
        pieces += [text[done : word.start()], _fold_lookalikes(word.group(0))]
        done = word.end()
    pieces.append(text[done:])
    return "".join(pieces)


def _word_start(text: str, pos: int) -> int:
    """Offset where the word holding `pos` starts."""
    while pos > 0 and (text[pos - 1].isalnum()):
        pos -= 1
    return pos


def _lower_keep_length(text: str) -> str:
    """Lower-case character by character, keeping characters whose lower form is longer."""
    lowered = text.lower()
    # Same length: no character grew (and no Greek capital sigma, which str.lower() turns into
    # a final sigma by context), so it equals the character-by-character result, at C speed.
    if len(lowered) == len(text) and "\u03a3" not in text:
        return lowered
    out = []
    for ch in text:
        low = ch.lower()
        out.append(low if len(low) == 1 else ch)
    return "".join(out)


def normalize_text(text: str) -> str:
    """NFC, fold Latin look-alikes inside Cyrillic words, lower-case, fold io to ie.

    Every step after NFC maps one character to one character, so offsets into the result
    are offsets into ``unicodedata.normalize("NFC", text)`` (the text itself when it is NFC).
    """
    nfc = unicodedata.normalize("NFC", text)
    windows = _mixed_windows(nfc)
    folded = _fold_mixed_words(nfc, windows) if windows else nfc
    lowered = folded.lower()
    # str.lower() maps a few characters to two ("İ" -> "i" + dot above); only then go
    # character by character, so that offsets stay those of the input.
    if len(lowered) != len(folded):
        lowered = _lower_keep_length(folded)
    # ё is the only fold: str.replace runs in C, str.translate with a table does not.
    return lowered.replace("\u0451", "\u0435")


def tokenize_spans(text: str) -> tuple[list[str], list[int], list[int]]:
    """Words of a normalised text with their start and end offsets, as three lists.

    The same words as `tokenize`, without a Token object per word: tagging reads a million
    articles' worth of words, and the lists are built by C-level maps.
    """
    words, starts, ends, _plain = word_spans(text)
    return words, starts, ends


def word_spans(text: str) -> tuple[list[str], list[int], list[int], bool]:
    """`tokenize_spans`, and whether the words are maximal runs of letters and digits of the
    text as it is (no invisible character inside a word was dropped or joined over)."""
    if _INVISIBLE_RE.search(text):
        tokens = tokenize(text)
        return ([t.text for t in tokens], [t.start for t in tokens], [t.end for t in tokens],
                False)
    # Split keeps the words (the captured group) between the gaps: [gap, word, gap, ..., gap].
    # The running sum of the pieces' lengths gives every offset, all at C speed, with no
    # Match object per word.
    pieces = _PLAIN_WORD_SPLIT_RE.split(text)
    bounds = list(itertools.accumulate(map(len, pieces)))
    return pieces[1::2], bounds[:-1:2], bounds[1::2], True


def tokenize(text: str) -> list[Token]:
    """Split an already normalised text into word tokens, dropping invisible characters."""
    if not _INVISIBLE_RE.search(text):
        return [Token(m.group(0), m.start(), m.end()) for m in _WORD_RE.finditer(text)]
    tokens = []
    for m in _WORD_RE.finditer(text):
        word = _INVISIBLE_RE.sub("", m.group(0))
        if word:
            tokens.append(Token(word, m.start(), m.end()))
    return tokens
