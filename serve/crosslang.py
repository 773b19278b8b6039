"""Cross-language search: a Russian query finds Kazakh articles and back, through crosslang.toml.

A concept lists terms meaning the same thing in Kazakh, Russian and English ("мошенник",
"алаяқ", "fraud"). A query word, or a run of query words, whose stems match one term of a
concept is searched as "that, or any other term of the concept"; the terms added are shown
to the user ("also searched: алаяқ, алаяқтық"). Stems are the index's (crawler.tagging), so
"мошенников" matches the term "мошенник" and the added "алаяқ" finds "алаяқтардың".
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from crawler.tagging.normalize import normalize_text, tokenize
from crawler.tagging.rules import token_stems

VOCABULARY_PATH = Path(__file__).with_name("crosslang.toml")
TERM_LANGUAGES = ("kk", "ru", "en")
MIN_PREFIX_CHARS = 3


@dataclass(frozen=True, slots=True)
class Term:
    """One way of naming a concept: its text, language and each word's possible stems."""

    text: str
    lang: str
    words: tuple[frozenset[str], ...]
    prefix: bool = False  # the last word is a prefix ("алаяқ*")

    def tsquery(self, lexeme: object) -> str:
        """The term as tsquery text: each word any of its stems, words adjacent and in order."""
        parts = []
        for i, stems in enumerate(self.words):
            last_prefix = self.prefix and i == len(self.words) - 1
            options = [lexeme(s, last_prefix) for s in sorted(stems)]  # type: ignore[operator]
            parts.append(options[0] if len(options) == 1 else "(" + " | ".join(options) + ")")
        return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"

    def stems(self) -> frozenset[str]:
        """Every stem of every word (what results mark)."""
        return frozenset(s for word in self.words for s in word)


@dataclass(frozen=True, slots=True)
class Concept:
    """Terms that mean the same thing."""

    terms: tuple[Term, ...]


@dataclass(frozen=True, slots=True)
class Expansion:
    """Query units [start, end) matched a term; `added` are the concept's other terms."""

    start: int
    end: int
    added: tuple[Term, ...]


def _term(text: str, lang: str) -> Term | None:
    prefix = text.endswith("*")
    words = [t.text for t in tokenize(normalize_text(text.rstrip("*")))]
    if not words:
        return None
    stems = [token_stems(w) for w in words]
    if prefix:
        if len(words[-1]) < MIN_PREFIX_CHARS:
            raise ValueError(f"{VOCABULARY_PATH.name}: prefix {text!r} is too short")
        stems[-1] = frozenset((words[-1],))
    return Term(text.rstrip("*"), lang, tuple(stems), prefix)


@cache
def vocabulary() -> tuple[Concept, ...]:
    """The concepts of crosslang.toml."""
    data = tomllib.loads(VOCABULARY_PATH.read_text(encoding="utf-8"))
    concepts = []
    for entry in data.get("concept", []):
        terms = [t for lang in TERM_LANGUAGES for text in entry.get(lang, ())
                 if (t := _term(text, lang)) is not None]
        if len(terms) > 1:
            concepts.append(Concept(tuple(terms)))
    return tuple(concepts)


def _matches(term: Term, units: Sequence[tuple[frozenset[str], ...]], start: int) -> int:
    """How many units from `start` the term covers (0: no match).

    A unit is a query word (one stem set) or a quoted phrase (several); a phrase matches only
    a term of exactly its words.
    """
    position, covered = 0, 0
    for unit in units[start:]:
        if position + len(unit) > len(term.words):
            return 0
        for offset, stems in enumerate(unit):
            wanted = term.words[position + offset]
            if term.prefix and position + offset == len(term.words) - 1:
                if not any(s.startswith(next(iter(wanted))) for s in stems):
                    return 0
            elif not stems & wanted:
                return 0
        position += len(unit)
        covered += 1
        if position == len(term.words):
            return covered
        if len(unit) > 1:  # a phrase is a term on its own, never the start of a longer one
            return 0
    return 0


def expand(units: Sequence[tuple[frozenset[str], ...] | None]) -> list[Expansion]:
    """Longest matches of vocabulary terms over query units, left to right.

    `units[i]` is None for a unit that must not be expanded (an excluded word, a prefix).
    """
    expansions: list[Expansion] = []
    i = 0
    while i < len(units):
        best: tuple[int, Concept, Term] | None = None
        if units[i] is not None:
            run: list[tuple[frozenset[str], ...]] = []
            for unit in units[i:]:
                if unit is None:
                    break
                run.append(unit)
            for concept in vocabulary():
                for term in concept.terms:
                    covered = _matches(term, run, 0)
                    if covered and (best is None or covered > best[0]):
                        best = (covered, concept, term)
        if best is None:
            i += 1
            continue
        covered, concept, matched = best
        typed = frozenset(s for unit in run[:covered] for stems in unit for s in stems)
        added = tuple(t for t in concept.terms
                      if t is not matched and not (len(t.words) == 1 and t.words[0] <= typed))
        if added:
            expansions.append(Expansion(i, i + covered, added))
        i += covered
    return expansions
