"""Finding vocabulary terms in prepared fields, in time linear in the length of the text.

Each word looks up the terms that may start at it (by stem, 3-letter prefix head, exact form
or skeleton), so the work per word is bounded by the vocabulary, not by the text; overlaps
and near rules are resolved by sorting and sweeping, never by comparing every pair.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from itertools import compress, repeat
from operator import attrgetter, is_, is_not
from typing import NamedTuple

from crawler.tagging.prepare import PreparedField, WordInfo, word_info
from crawler.tagging.scripts import has_arabic
from crawler.tagging.terms import MIN_PREFIX
from crawler.tagging.vocab import Vocabulary


# A named tuple, not a frozen dataclass: a text makes dozens of matches, and a tuple is
# built at C speed (same fields, equality and hash).
class Match(NamedTuple):
    """One term occurrence: token span [first, last) in a field, and its sentence."""

    term: int
    field: str
    first: int
    last: int
    sentence: int


# What a word is to the vocabulary (kept on the word: WordInfo.entry): the
# pattern ids it fits, the one-word terms it is, and the longer terms it may start, keyed by
# the pattern id of their second word.
Entry = tuple[frozenset[int], tuple[int, ...], dict[int, tuple[int, ...]]]
_NOTHING: Entry = (frozenset(), (), {})


def _entry(vocab: Vocabulary, w: WordInfo) -> Entry:
    """What a word is to the vocabulary (see Entry).

    The patterns a word fits (WordPattern.matches) are among those it meets by its exact
    form, a 3-letter prefix head, a stem or its skeleton. Those met by exact form or stem fit
    by that alone; one met by its head fits when the word starts with one of its prefixes
    (3 letters or more, all listed under their head in `prefix_pairs`), or by form or stem
    (then met so too); only those met by skeleton are asked. The pattern ids are gathered
    in the same order as ever: the order of the set sets the order of the matches.
    """
    surface = w.surface
    head = surface[:MIN_PREFIX]
    exact = vocab.by_exact.get(surface, ())
    by_head = vocab.by_prefix.get(head, ())
    by_stem = [pids for s in w.stems if (pids := vocab.by_stem.get(s))]
    if not (exact or by_head or by_stem or w.key):
        return _NOTHING  # most words: no pattern to try
    found: set[int] = set(exact)
    found.update(by_head)
    for pids in by_stem:
        found.update(pids)
    if w.key:
        found.update(vocab.by_key.get(w.key_stem, ()))
        found.update(vocab.by_key.get(w.key, ()))
        found.update(vocab.by_key_prefix.get(w.key[:MIN_PREFIX], ()))
    if not found:
        return _NOTHING
    fit: set[int] = set(exact)
    for pids in by_stem:
        fit.update(pids)
    if by_head:
        fit.update(pid for prefix, pid in vocab.prefix_pairs[head] if surface.startswith(prefix))
    if w.key:
        patterns = vocab.patterns
        fit.update(pid for pid in found - fit if patterns[pid].matches(w))
    fits = frozenset(pid for pid in found if pid in fit)
    if not fits:
        return _NOTHING
    starts = sorted(ti for pid in fits for ti in vocab.terms_by_first.get(pid, ()))
    term_patterns = vocab.term_patterns
    by_second: dict[int, list[int]] = {}
    for ti in starts:
        if len(term_patterns[ti]) > 1:
            by_second.setdefault(term_patterns[ti][1], []).append(ti)
    return (fits, tuple(ti for ti in starts if len(term_patterns[ti]) == 1),
            {k: tuple(v) for k, v in by_second.items()})


def patterns_fitting(vocab: Vocabulary, surface: str, *, kazakh_latin: bool = False
                     ) -> frozenset[int]:
    """The ids of the word patterns (`vocab.patterns`) a lone normalised word fits, as
    matching reads it in running text (`kazakh_latin`: in a Kazakh text written in Latin
    letters; Arabic script is always read as Kazakh): what an audit of the vocabulary asks
    of a dictionary's words."""
    return _entry(vocab, word_info(surface, kazakh_latin or has_arabic(surface)))[0]


_ENTRY = attrgetter("entry")
_ENTRY_VOCAB = attrgetter("entry_vocab")


def _entries(vocab: Vocabulary, words: list[WordInfo]) -> list[Entry]:
    """The Entry of each word of a field, kept on the word (WordInfo.entry): the words that
    hold none for this vocabulary found by C-level maps, each computed once, then every word's
    read by one map."""
    if not all(map(is_, map(_ENTRY_VOCAB, words), repeat(vocab))):
        for w in set(compress(words, map(is_not, map(_ENTRY_VOCAB, words), repeat(vocab)))):
            w.entry = _entry(vocab, w)
            w.entry_vocab = vocab
    return list(map(_ENTRY, words))


def find_terms(vocab: Vocabulary, fld: PreparedField) -> list[Match]:
    """Every occurrence of every term in a field."""
    entries = _entries(vocab, fld.words)
    n = len(entries)
    term_patterns = vocab.term_patterns
    sentence_of = fld.token_sentence
    name = fld.name
    found: list[Match] = []
    for i in compress(range(n), map(is_not, entries, repeat(_NOTHING))):
        _fits, single, longer = entries[i]
        if not single and not longer:
            continue  # a word only inside terms ("составе" of "в составе ОПГ")
        for ti in single:
            found.append(Match(ti, name, i, i + 1, sentence_of[i]))
        if not longer or i + 1 >= n:
            continue
        for second in longer.keys() & entries[i + 1][0]:
            for ti in longer[second]:
                pids = term_patterns[ti]
                end = i + len(pids)
                if end <= n and all(pids[j] in entries[i + j][0] for j in range(2, len(pids))):
                    found.append(Match(ti, name, i, end, sentence_of[i]))
    return found


def longest_first(matches: list[Match]) -> list[Match]:
    """Drop matches lying inside a longer match of the same field ("Алматы" in "Алматы облысы").

    Partly overlapping matches both stay: "трансұлттық ұйымдасқан" and "ұйымдасқан
    қылмыстық топ" are two pieces of evidence. Sorted by start, longer first, a match is
    inside an earlier one exactly when the furthest end seen so far reaches past it.
    """
    kept: list[Match] = []
    by_field: dict[str, list[Match]] = defaultdict(list)
    for m in matches:
        by_field[m.field].append(m)
    for name in sorted(by_field, key=lambda f: f != "title"):
        reach, reach_first = -1, -1
        for m in sorted(by_field[name], key=lambda m: (m.first, -(m.last - m.first))):
            inside = reach > m.last or (reach == m.last and reach_first < m.first)
            if not inside:
                kept.append(m)
            if m.last > reach:
                reach, reach_first = m.last, m.first
    return kept


def masked(matches: list[Match], masks: list[Match]) -> list[Match]:
    """Drop matches that start inside a mask (a police unit named after organised crime): the
    word a match opens with belongs to the masked phrase, so "жұмыс тобын құрды" (a task
    force set up) is no "топ құрды" however far the match runs past the mask."""
    if not masks:
        return matches
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for k in masks:
        spans[k.field].append((k.first, k.last))
    starts: dict[str, list[int]] = {}
    reach: dict[str, list[int]] = {}
    for name, items in spans.items():
        items.sort()
        starts[name] = [s for s, _ in items]
        run, out = -1, []
        for _, e in items:
            run = max(run, e)
            out.append(run)
        reach[name] = out
    kept = []
    for m in matches:
        if m.field in starts:
            i = bisect.bisect_right(starts[m.field], m.first) - 1
            if i >= 0 and reach[m.field][i] > m.first:
                continue
        kept.append(m)
    return kept


def near_hits(vocab: Vocabulary, matches: list[Match]) -> dict[int, list[list[Match]]]:
    """Near rules satisfied within one sentence: rule index -> groups of matches satisfying it."""
    by_rule: dict[tuple[int, str, int], dict[int, list[Match]]] = defaultdict(
        lambda: defaultdict(list))
    for m in matches:
        p = vocab.terms[m.term].payload
        by_rule[(p.near_index, m.field, m.sentence)][p.near_group].append(m)
    hits: dict[int, list[list[Match]]] = defaultdict(list)
    for (ri, _field, _sent), groups in by_rule.items():
        rule = vocab.near_rules[ri]
        if len(groups) < rule.groups:
            continue
        ordered = {g: sorted(ms, key=lambda m: m.first) for g, ms in groups.items()}
        firsts = {g: [m.first for m in ms] for g, ms in ordered.items()}
        for anchor in ordered[0]:
            chosen = [anchor]
            for g in range(1, rule.groups):
                close = _nearest(ordered[g], firsts[g], anchor.first, rule.window)
                if close is None:
                    break
                chosen.append(close)
            else:
                hits[ri].append(chosen)
    return hits


def _nearest(ms: list[Match], firsts: list[int], pos: int, window: int) -> Match | None:
    """The match nearest to `pos` (not at it) within `window` words, by binary search."""
    i = bisect.bisect_left(firsts, pos)
    best: Match | None = None
    for j in (i - 1, i, i + 1):
        if 0 <= j < len(ms) and ms[j].first != pos and abs(ms[j].first - pos) <= window:
            if best is None or abs(ms[j].first - pos) < abs(best.first - pos):
                best = ms[j]
    return best
