"""A query text as a tsquery over Dozor's stems: words, "phrases", -negations, prefixes*,
OR, and the cross-language alternatives (serve/crosslang.toml).

A query word goes through the same stemmers as the index (`crawler.tagging.stem`), Kazakh and
Russian both when its letters do not decide (`token_stems`), so "алаяқтарды" finds "алаяқтық"
and "мошенников" finds "мошенники".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from crawler.tagging.normalize import normalize_text, tokenize
from crawler.tagging.rules import token_stems
from serve.errors import BadQueryError

# A query is a few words.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 24
# A prefix ("алаяқ*") needs this many letters so that it cannot expand to half the language.
MIN_PREFIX_CHARS = 3
# Beyond this many words the "all but one" query would grow too large to be worth it.
MAX_RELAXED_WORDS = 8

STOPWORDS_PATH = Path(__file__).with_name("query_stopwords.txt")

# A query item: an optionally negated "quoted phrase", or a run of non-space characters.
_QUERY_ITEM_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')


# ---------------------------------------------------------------------------------------
# Query text -> tsquery
# ---------------------------------------------------------------------------------------


@cache
def query_stopwords() -> frozenset[str]:
    """Function words dropped from queries outside phrases (query_stopwords.txt)."""
    lines = STOPWORDS_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(normalize_text(w.strip()) for w in lines if w.strip() and w[0] != "#")


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query text as a tsquery over Dozor's stems, and what to highlight in results."""

    tsquery: str | None  # None: the text held no words (filters only)
    stems: frozenset[str] = frozenset()  # stems of the wanted (not excluded) words
    prefixes: tuple[str, ...] = ()  # wanted prefixes ("алаяқ*")
    relaxed: str | None = None  # every wanted word but one (None: fewer than two words)
    any_word: str | None = None  # any wanted word: ranks the close matches
    also: tuple[str, ...] = ()  # terms cross-language search added ("алаяқ", "ҰҚТ")

    def marks(self, stem: str, word: str) -> bool:
        """Whether a word of an article (its stem and normalised form) is one asked for."""
        return stem in self.stems or any(
            stem.startswith(p) or word.startswith(p) for p in self.prefixes
        )


def _lexeme(text: str, prefix: bool = False) -> str:
    """A tsquery lexeme literal: quoted, quotes and backslashes escaped."""
    escaped = text.replace("\\", "\\\\").replace("'", "''")
    return f"'{escaped}'" + (":*" if prefix else "")


def _any_of(options: list[str]) -> str:
    """Options joined by OR, parenthesised when there are several."""
    return options[0] if len(options) == 1 else "(" + " | ".join(options) + ")"


@dataclass
class _Item:
    """One query item while parsing: its tsquery text and how it joins the previous one."""

    expr: str
    negated: bool
    or_previous: bool
    stopword: bool = False
    stems: tuple[str, ...] = ()
    unit: tuple[frozenset[str], ...] | None = None  # per-word stems, for cross-language


def _item_expr(
    text: str, prefix: bool, stems: set[str], prefixes: list[str], wanted: bool
) -> str | None:
    """The tsquery of a word or phrase: OR of candidate stems per word, words in sequence."""
    words = [t.text for t in tokenize(normalize_text(text))]
    if not words:
        return None
    parts = []
    for i, word in enumerate(words):
        candidates = sorted(token_stems(word))
        if prefix and i == len(words) - 1:
            starts = sorted({word, *candidates})
            starts = [s for s in starts if len(s) >= MIN_PREFIX_CHARS]
            if not starts:
                raise BadQueryError("short_prefix", min=MIN_PREFIX_CHARS, value=text)
            parts.append(_any_of([_lexeme(s, prefix=True) for s in starts]))
            if wanted:
                prefixes.extend(starts)
            continue
        parts.append(_any_of([_lexeme(s) for s in candidates]))
        if wanted:
            stems.update(candidates)
    return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"


def parse_query(text: str, cross_language: bool = False) -> ParsedQuery:
    """Read a query: words (all required), "a phrase", -excluded, a OR b, prefix*.

    Each word becomes the OR of its possible stems (Kazakh and Russian when its letters do not
    decide), the same stems the index holds; a phrase keeps its words adjacent and in order.
    Function words ("в", "және") are dropped outside phrases unless nothing else is left.
    With `cross_language`, words the bilingual vocabulary knows also ask for their other
    terms ("мошенники" for "алаяқ", "ОПГ" for "ҰҚТ"), listed in `also`.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise BadQueryError("query_too_long", max=MAX_QUERY_CHARS)
    items: list[_Item] = []
    prefixes: list[str] = []
    or_next = False
    stopwords = query_stopwords()
    for match in _QUERY_ITEM_RE.finditer(text):
        negated, phrase, word = match[1] == "-", match[2], match[3]
        if word in ("OR", "|"):
            or_next = bool(items)
            continue
        prefix = False
        if word is not None:
            if word.startswith("-") and len(word) > 1:
                negated, word = True, word[1:]
            prefix = word.endswith("*")
            phrase = word.rstrip("*")
        stems: set[str] = set()
        expr = _item_expr(phrase or "", prefix, stems, prefixes, wanted=not negated)
        if expr is None:
            continue
        stopword = (word is not None and not prefix and not negated
                    and normalize_text(phrase or "") in stopwords)
        unit = None if negated or prefix else tuple(
            token_stems(t.text) for t in tokenize(normalize_text(phrase or "")))
        items.append(_Item(expr, negated, or_next, stopword, tuple(stems), unit or None))
        or_next = False
    if any(not item.stopword for item in items):
        items = [item for item in items if not item.stopword]
    also: tuple[str, ...] = ()
    if cross_language:
        items, also = _cross_language(items)
    if len(items) > MAX_QUERY_WORDS:
        raise BadQueryError("too_many_words", max=MAX_QUERY_WORDS)
    if not items:
        return ParsedQuery(None)
    if all(item.negated for item in items):
        raise BadQueryError("only_excluded_words")
    groups: list[list[str]] = []
    for item in items:
        expr = f"!{item.expr}" if item.negated else item.expr
        if item.or_previous and groups:
            groups[-1].append(expr)
        else:
            groups.append([expr])
    clauses = [_any_of(group) for group in groups]
    tsquery = " & ".join(clauses)
    wanted = frozenset(s for item in items if not item.negated for s in item.stems)
    positive = [c for c in clauses if not c.startswith("!")]
    negative = [c for c in clauses if c.startswith("!")]
    relaxed = any_word = None
    if 2 <= len(positive) <= MAX_RELAXED_WORDS:
        leave_one_out = [
            "(" + " & ".join(positive[:i] + positive[i + 1 :]) + ")" for i in range(len(positive))
        ]
        relaxed = " & ".join(["(" + " | ".join(leave_one_out) + ")", *negative])
        any_word = " | ".join(positive)
    return ParsedQuery(tsquery, wanted, tuple(dict.fromkeys(prefixes)), relaxed, any_word, also)


def _cross_language(items: list[_Item]) -> tuple[list[_Item], tuple[str, ...]]:
    """Items with the vocabulary's other terms ORed in, and the terms added."""
    from serve.crosslang import expand

    def in_or(i: int) -> bool:
        return items[i].or_previous or (i + 1 < len(items) and items[i + 1].or_previous)

    # A run of words may match a term of several words; a word joined by OR only a term alone.
    expansions = expand([None if in_or(i) else item.unit for i, item in enumerate(items)])
    expansions += [
        type(e)(i, i + 1, e.added)
        for i, item in enumerate(items) if in_or(i) and item.unit
        for e in expand([item.unit])
    ]
    if not expansions:
        return items, ()
    by_start = {e.start: e for e in expansions}
    out: list[_Item] = []
    also: list[str] = []
    i = 0
    while i < len(items):
        expansion = by_start.get(i)
        if expansion is None:
            out.append(items[i])
            i += 1
            continue
        group = items[expansion.start:expansion.end]
        typed = group[0].expr if len(group) == 1 else (
            "(" + " & ".join(item.expr for item in group) + ")")
        # Terms with the same stems ("алаяқ", "алаяқтық") are one alternative, shown once.
        alternatives: dict[str, str] = {}
        for term in expansion.added:
            alternatives.setdefault(term.tsquery(_lexeme), term.text)
        alternatives.pop(typed, None)
        stems = {s for item in group for s in item.stems}
        stems.update(s for term in expansion.added for s in term.stems())
        out.append(_Item("(" + " | ".join([typed, *alternatives]) + ")", False,
                         group[0].or_previous, False, tuple(sorted(stems))))
        also += alternatives.values()
        i = expansion.end
    return out, tuple(dict.fromkeys(also))
