"""The extraction gate: body precision, recall and F1 on the gold corpus stay at their floors."""

from __future__ import annotations

import re
from functools import cache

import pytest

from crawler.errors import DozorError
from crawler.extract.evaluate import (
    Counts,
    ExtractionReport,
    PageScore,
    draft_gold,
    floor_failures,
    score,
)
from jobs.commands.extraction import FLOORS_FILE, evaluate_golden_corpus, pinned_floors, read_floors

REPIN = ("run `.venv/bin/dozor eval-extraction --update-floors` and review the diff of"
         f" {FLOORS_FILE.name}")


@cache
def _report() -> ExtractionReport:
    return evaluate_golden_corpus()


def test_the_gold_corpus_is_the_one_the_floors_were_pinned_on() -> None:
    pinned = read_floors()
    assert pinned, f"no floors yet: {REPIN}"
    assert _report().sha256 == pinned["corpus_sha256"], (
        f"golden pages or their gold text changed since the floors were pinned: {REPIN}")


def test_no_extraction_figure_falls_below_its_floor() -> None:
    floors = read_floors().get("floors")
    assert isinstance(floors, dict) and floors
    failures = floor_failures(_report(), floors)
    assert not failures, (
        "extraction got worse on the gold corpus: " + "; ".join(failures)
        + f". {_report().format_table().splitlines()[-2]}")


def test_the_score_counts_each_token_as_often_as_both_texts_have_it() -> None:
    counts = score("Полиция задержала мошенника. Полиция напоминает",
                   "полиция задержала мошенника. Читайте также: полиция")
    assert (counts.gold, counts.extracted, counts.overlap) == (5, 6, 4)
    assert counts.precision == pytest.approx(4 / 6)
    assert counts.recall == pytest.approx(4 / 5)
    # A page that must not become an article: nothing extracted is perfect, anything is not.
    assert score("", None).f1 == 1.0
    assert score("", "Главная Новости").precision == 0.0


def _report_with(f1_tokens: tuple[int, int, int]) -> ExtractionReport:
    return ExtractionReport("x", [PageScore("zakon_kz:page", "zakon_kz", Counts(*f1_tokens))])


def test_a_floor_is_never_lowered_without_the_flag() -> None:
    old = pinned_floors(_report_with((10, 10, 10)), {}, allow_lower=False)
    worse = _report_with((10, 10, 8))
    with pytest.raises(DozorError, match=re.escape("f1 zakon_kz: 0.8 < 1.0")):
        pinned_floors(worse, old, allow_lower=False)
    lowered = pinned_floors(worse, old, allow_lower=True)
    assert lowered["floors"]["f1"]["zakon_kz"] == 0.8  # type: ignore[index]


def test_the_draft_lists_paragraphs_outside_header_menus_and_footer() -> None:
    page = ("<html><body><header><p>Главная</p></header><nav><li>Новости</li></nav><article>"
            "<h1>Заголовок</h1><div><p>Первый абзац.</p><p>Второй <b>абзац</b>.</p></div>"
            "</article><footer><p>© 2025</p></footer></body></html>")
    assert draft_gold(page) == "Первый абзац.\nВторой абзац."
    assert draft_gold("<html><body><div>Пост<br>в две строки</div></body></html>") == (
        "Пост\nв две строки")
