"""The short ways tagging takes for speed find what the plain ways find.

Each test compares a shortcut with the plain computation it replaced, on the project's
labelled texts and on strings built to reach its edges (soft hyphens, underscores, runs of
dots and look-alikes, glued words). bench/tagging_snapshot.py checks the whole output on the
real texts as well; these name the shortcut that broke.
"""

from __future__ import annotations

import bisect
import functools
import random
import re
from pathlib import Path

import pytest

from crawler.tagging.evaluate import read_labelled
from crawler.tagging.facts import _matches, _number_led
from crawler.tagging.matching import _entry
from crawler.tagging.normalize import (
    INVISIBLE_IN_WORD,
    _fold_mixed_words,
    _mixed_windows,
    normalize_text,
)
from crawler.tagging.prepare import _field_word, prepare_field
from crawler.tagging.structure import LINE_BREAKS, Sentence, _line_breaks, sentence_of_tokens
from crawler.tagging.terms import MIN_PREFIX
from crawler.tagging.vocab import load_vocabulary

EDGES = [
    "ущерб 5 млн тенге, ст. 190 УК: 1,2 млрд теңге; _5 млн тенге; а5 дел; 3 500 000 тенге",
    "1\u00ad5 млн тенге и 2 уголовных дела, 190-бабы, x-12 іс, 7 іс",
    "ТOO «Aлмa» Tengrinews\u0482Tа қазақ\u0301Oo ... ?! 12.5 млн тг\u2028\r\nабв\n\n",
]


@functools.lru_cache(maxsize=1)
def _texts() -> list[str]:
    folder = Path(__file__).parent / "fixtures" / "tagging"
    items = [i for name in ("labelled.jsonl", "heldout.jsonl")
             for i in read_labelled(folder / name)]
    return [*EDGES, *(f"{i.title or ''}\n{i.text}" for i in items)]


def test_number_patterns_are_tried_at_number_words_only() -> None:
    facts = load_vocabulary().facts
    patterns = [facts.article_kk, facts.damage_amount, *facts.cases]
    assert all(map(_number_led, patterns))
    assert not _number_led(facts.article_ru)
    for text in _texts():
        fld = prepare_field("text", text)
        assert fld.plain_words == all(ch not in text for ch in INVISIBLE_IN_WORD)
        for pattern in patterns:
            assert [m.span() for m in _matches(pattern, fld)] == [
                m.span() for m in pattern.finditer(fld.norm)], (pattern.pattern, text[:60])


@pytest.mark.parametrize(("pattern", "led"), [
    (r"(?P<n>\d(?<![\w.,]\d)\d*)", True),
    (r"(?P<n>\d(?<![\w.,]\d)\d*)|x", False),  # an alternative starts anywhere
    (r"(?P<n>\d(?<![^\w]\d))", False),
    (r"(?a)\d(?<![\w]\d)", False),  # ASCII \w: a Cyrillic letter may stand before the digit
    (r"\d(?<![.,]\d)", False),
])
def test_only_patterns_led_by_a_number_after_no_word_character_qualify(
        pattern: str, led: bool) -> None:
    assert _number_led(re.compile(pattern)) is led


def test_lookalikes_are_folded_as_a_whole_text_scan_folds_them() -> None:
    rng = random.Random(7)
    alphabet = "абвгдеқәі acehikopxyABCEHIKMOPTXYəöü bdgnrs._1\u0482\u0483\u00ad\u0301\n"
    strings = [*_texts(), *("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14)))
                            for _ in range(20_000))]
    for text in strings:
        whole = _fold_mixed_words(text, [(0, len(text) + 1)])  # the scan of before
        windows = _mixed_windows(text)
        assert (_fold_mixed_words(text, windows) if windows else text) == whole, repr(text)


def test_line_breaks_are_the_runs_a_class_scan_finds() -> None:
    rng = random.Random(3)
    scan = re.compile(f"[{LINE_BREAKS}]+")
    for _ in range(20_000):
        text = "".join(rng.choice("ab .\n\r\u2028\u2029") for _ in range(rng.randint(0, 20)))
        assert _line_breaks(text) == [m.span() for m in scan.finditer(text)], repr(text)


def test_each_word_gets_the_sentence_a_bisect_per_word_gives() -> None:
    rng = random.Random(1)
    for _ in range(5_000):
        starts = sorted(rng.sample(range(200), rng.randint(0, 30)))
        sentences = [Sentence(s, s + 1, "body", 0)
                     for s in sorted(rng.sample(range(200), rng.randint(0, 8)))]
        later = [s.start for s in sentences[1:]]
        assert sentence_of_tokens(sentences, starts) == [
            bisect.bisect_right(later, s) for s in starts]


def test_a_words_patterns_are_those_that_match_it_in_the_same_order() -> None:
    vocab = load_vocabulary()
    words = {w for text in _texts() for w in re.findall(r"\w+", normalize_text(text))}
    for pattern in vocab.patterns:  # the vocabulary's own words, and words that extend them
        words.update(pattern.stems | pattern.exact)
        words.update(p + suffix for p in pattern.prefixes for suffix in ("", "лар", "ов"))
    for word in words:
        for kk_latin in (False, True):
            info = _field_word(word, kk_latin)
            # The matcher of before, as it was written: every candidate asked.
            found = set(vocab.by_exact.get(info.surface, ()))
            found.update(vocab.by_prefix.get(info.surface[:MIN_PREFIX], ()))
            for s in info.stems:
                found.update(vocab.by_stem.get(s, ()))
            if info.key:
                found.update(vocab.by_key.get(info.key_stem, ()))
                found.update(vocab.by_key.get(info.key, ()))
                found.update(vocab.by_key_prefix.get(info.key[:MIN_PREFIX], ()))
            fits = frozenset(pid for pid in found if vocab.patterns[pid].matches(info))
            # The same set in the same order: the order of the matches follows it.
            assert list(_entry(vocab, info)[0]) == list(fits), word
