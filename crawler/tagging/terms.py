"""A vocabulary term compiled: the patterns of its words and what it means when it matches."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from crawler.errors import DozorError
from crawler.tagging.normalize import normalize_text
from crawler.tagging.prepare import WordInfo, token_stems
from crawler.tagging.scripts import skeleton
from crawler.tagging.stem import (
    has_kk_letters,
    skeleton_stem,
    stem_kk_normalized,
    to_kk_cyrillic,
)

_TERM_WORD_RE = re.compile(r"[^\s\-\u2010-\u2015]+")
# Prefix terms need this many letters before "*" so that one cannot match half the language.
MIN_PREFIX = 3

Role = Literal["offence", "cue", "qualifier", "negator", ""]
# "negator" is for near rules: the groups' terms together deny the offence in a sentence.
ROLES = ("offence", "cue", "qualifier", "negator")
NEGATOR_SCOPES = ("sentence", "text")
# The context groups of context.toml a `cue` term may need beside it (all, unless its rule
# says `needs = [...]`).
CONTEXT_KINDS = ("crime", "harm", "warning")


class VocabularyError(DozorError, ValueError):
    """Raised when a vocabulary file under crawler/tagging/vocab is malformed, at load time."""


@dataclass(frozen=True)
class WordPattern:
    """One word of a term: stems, surface prefixes or exact forms, and their skeletons."""

    stems: frozenset[str]
    prefixes: tuple[str, ...]
    exact: frozenset[str]
    key_stems: frozenset[str] = frozenset()
    key_prefixes: tuple[str, ...] = ()
    key_exact: frozenset[str] = frozenset()
    # 3-letter skeleton stems of native Kazakh words, with the vowel their suffixes cannot
    # hold: "мың" (back) takes "-да", "-нан", never "-де" ("міндетті" is no thousand).
    short_key_harmony: frozenset[tuple[str, str]] = frozenset()
    # Skeleton stems cut shorter than the Cyrillic stem, with the skeleton a word must begin
    # with to fit: merged letters let suffixes be read off a word's root ("бірыңғай",
    # unified, cuts to the skeleton of "one", which the Latin "bir" has too).
    key_stem_heads: frozenset[tuple[str, str]] = frozenset()

    def matches(self, word: WordInfo) -> bool:
        """Whether a word fits: by surface and stems, or by skeleton for Kazakh Latin/Arabic."""
        surface = word.surface
        if surface in self.exact or not self.stems.isdisjoint(word.stems):
            return True
        if any(surface.startswith(p) for p in self.prefixes):
            return True
        key = word.key
        if not key:
            return False
        if word.key_stem in self.key_stems:
            suffixes = key[len(word.key_stem):]
            if not any(stem == word.key_stem and vowel in suffixes
                       for stem, vowel in self.short_key_harmony) and self._has_head(word):
                return True
        return key in self.key_exact or any(key.startswith(p) for p in self.key_prefixes)

    def _has_head(self, word: WordInfo) -> bool:
        """Whether a word met by a cut skeleton stem begins as the term's Cyrillic stem does
        (or its stem was not cut short: no head is asked)."""
        heads = [head for stem, head in self.key_stem_heads if stem == word.key_stem]
        return not heads or any(word.key.startswith(head) for head in heads)


@dataclass(frozen=True)
class Payload:
    """What a term means when it matches: its group, label, role and weight."""

    # "topic", "near", "crime", "harm", "warning", "negative", "mask", "negator",
    # "region", "agency", "kz", "foreign"
    group: str
    label: str  # topic / negative id / region id / agency id ("*" for a mask of all topics)
    subtopic: str
    weight: float
    rule: str  # readable rule id, e.g. "fraud.phone:колл центр*"
    role: Role = ""
    near_index: int = -1
    near_group: int = -1
    needs: tuple[str, ...] = CONTEXT_KINDS
    # A negator's reach: its own sentence, or ("text") the whole text when it stands in the
    # title or the lead ("Суд оправдал обвиняемых": the group the body goes on to name is
    # the one the court ruled out).
    scope: str = "sentence"


@dataclass(frozen=True)
class Term:
    """A compiled term: its word patterns and what it means."""

    words: tuple[WordPattern, ...]
    payload: Payload


# Letters no Kazakh Latin alphabet has: an English term holding one ("scam", "court") gets
# no skeleton, since its letter would be guessed (Latin c read as Cyrillic tse, then folded
# to es) and the skeleton would fit Kazakh words ("scam*" took "Samara" and "Samuryq").
_NOT_KAZAKH_LATIN = re.compile(r"[cwx]")
# An `=exact` form whose skeleton is this short or shorter gets none (see _compile_word).
SHORT_SKELETON = 3

# Vowel harmony: a Kazakh suffix takes back vowels after a back stem ("мыңдаған") and front
# ones after a front stem. A skeleton merges the two i-like letters, but keeps the open
# vowels apart, so an open front vowel after a back stem (or an open back vowel after a
# front one) says the word is another ("міндетті" is no "мың").
_BACK_VOWELS, _FRONT_VOWELS = set("аоұы"), set("әөүіе")
_OPEN_FRONT, _OPEN_BACK = "\u0435", "\u0430"  # the skeleton's Cyrillic e and a


def _suffix_vowel_it_refuses(word: str) -> str | None:
    """The skeleton vowel a native Kazakh word's suffixes never hold, from the last vowel of
    its stem; None for a word with no Kazakh-only letter (a loan such as "банк" takes the
    front "банкке") or whose last vowel says nothing (the u-like and i-like letters)."""
    if not has_kk_letters(word):
        return None
    for letter in reversed(word):
        if letter in _BACK_VOWELS:
            return _OPEN_FRONT
        if letter in _FRONT_VOWELS:
            return _OPEN_BACK
        if letter in "уи":
            return None
    return None


def _compile_word(spec: str, where: str) -> WordPattern:
    """Compile one term word: `stem`, `prefix*`, `=exact`, alternatives joined by `|`."""
    stems: set[str] = set()
    prefixes: list[str] = []
    exact: set[str] = set()
    key_stems: set[str] = set()
    key_prefixes: list[str] = []
    key_exact: set[str] = set()
    harmony: set[tuple[str, str]] = set()
    free_keys: set[str] = set()  # keys an alternative gives with no harmony to keep
    heads: set[tuple[str, str]] = set()
    headless: set[str] = set()  # keys an alternative gives without cutting its stem short
    for alt in spec.split("|"):
        alt = normalize_text(alt)
        keyed = not _NOT_KAZAKH_LATIN.search(alt)
        if alt.startswith("=") and alt.endswith("*"):
            # "=word*" would be matched as written, star and all: never. It is a prefix or
            # an exact form, not both (a rule that could never fire went unnoticed this way).
            raise VocabularyError(f"{where}: {alt!r} is exact (=) and a prefix (*) at once;"
                                  f" write {alt[1:]!r} or {alt[:-1]!r}")
        if alt.startswith("="):
            exact.add(alt[1:])
            key = skeleton(to_kk_cyrillic(alt[1:]))
            # A short skeleton says too little: "=ммм" would be "м", the Arabic-script
            # initial of a name, and "=аәк" (social aid) "ак", the Latin "aq" (white). An
            # abbreviation that short is matched as written (a Latin or Arabic word is read
            # into Cyrillic first, so "UQT" still meets "=ұқт").
            if len(key) > SHORT_SKELETON and keyed:
                key_exact.add(key)
        elif alt.endswith("*"):
            prefix = alt[:-1]
            if len(prefix) < MIN_PREFIX:
                raise VocabularyError(f"{where}: prefix {alt!r} is shorter than {MIN_PREFIX}")
            prefixes.append(prefix)
            key = skeleton(to_kk_cyrillic(prefix))
            if len(key) >= MIN_PREFIX and keyed:
                key_prefixes.append(key)
        elif alt:
            alt_stems = token_stems(alt)  # its Russian and Kazakh stems
            for stem in alt_stems:
                if len(stem) >= MIN_PREFIX or stem == alt:
                    stems.add(stem)
                elif len(alt) > MIN_PREFIX:
                    # Snowball cuts "заем" to "за", also a preposition: say so at load time.
                    raise VocabularyError(
                        f"{where}: {alt!r} stems to {stem!r}; write it as a prefix or =exact"
                    )
                else:
                    # A short function word, cut below 3 letters by Snowball, is matched as written.
                    exact.add(alt)
            key = skeleton_stem(alt)
            if keyed and len(key) >= MIN_PREFIX:
                key_stems.add(key)
                # The skeleton of the shortest Cyrillic stem (Kazakh or Russian) less its last
                # letter, which may be voiced before a suffix ("кітап", "кітабы"), when the
                # skeleton stem is shorter still.
                head = skeleton(min(alt_stems, key=len))[:-1]
                if len(head) > len(key):
                    heads.add((key, head))
                else:
                    headless.add(key)
                # From the stem, not the form written: "топтың" and "топ" stay one pattern.
                refused = _suffix_vowel_it_refuses(stem_kk_normalized(alt))
                if len(key) == MIN_PREFIX and refused:
                    harmony.add((key, refused))
                else:
                    free_keys.add(key)
            elif keyed and len(key := skeleton(to_kk_cyrillic(alt))) >= 2:
                key_exact.add(key)
        else:
            raise VocabularyError(f"{where}: empty alternative in {spec!r}")
    return WordPattern(frozenset(stems), tuple(prefixes), frozenset(exact),
                       frozenset(key_stems), tuple(key_prefixes), frozenset(key_exact),
                       frozenset((k, v) for k, v in harmony if k not in free_keys),
                       frozenset((k, h) for k, h in heads if k not in headless))


def compile_term(text: str, payload: Payload, where: str) -> Term:
    """Compile a term: words split on spaces and hyphens, as the tokenizer splits text."""
    words = tuple(_compile_word(w, where) for w in _TERM_WORD_RE.findall(text))
    if not words:
        raise VocabularyError(f"{where}: empty term")
    return Term(words, payload)


