"""Never worse than the library it builds on: Dozor's generic path on a public peer benchmark.

Zyte's article-extraction benchmark is read from ../shared (skipped when absent) and scored by
its own evaluate.py; Dozor's generic extraction (a source without hints) must stay at or above
the floors pinned in tests/fixtures/peer_benchmark_floors.json, which are above bare
trafilatura's F1 on the same pages. The full comparison with trafilatura, times and the list of
pages where Dozor's body is shorter is `bench/bench_peer_benchmark.py`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from crawler.extract.peer_benchmark import (
    dozor_generic,
    ground_truth,
    ground_truth_sha256,
    load_scorer,
    pages,
    score,
)
from crawler.items import Article
from tests.shared_data import shared_path

FLOORS = Path(__file__).parent / "fixtures" / "peer_benchmark_floors.json"


@cache
def _run(benchmark: Path) -> dict[str, Article]:
    return {page.key: dozor_generic(page) for page in pages(benchmark)}


def _benchmark() -> Path:
    return shared_path("benchmarks", "article-extraction-benchmark")


@pytest.mark.slow
def test_generic_extraction_stays_above_its_floors_and_bare_trafilatura() -> None:
    benchmark = _benchmark()
    pinned: dict[str, Any] = json.loads(FLOORS.read_text("utf-8"))
    assert ground_truth_sha256(benchmark) == pinned["ground_truth_sha256"], (
        "the benchmark's ground truth changed: run bench/bench_peer_benchmark.py and pin the"
        f" new figures in {FLOORS.name}")
    bodies = {key: article.body for key, article in _run(benchmark).items()}
    got = score(load_scorer(benchmark), ground_truth(benchmark), bodies)
    assert got["f1"] >= pinned["bare_trafilatura_f1"], f"worse than bare trafilatura: {got}"
    low = {name: (round(got[name], 4), floor) for name, floor in pinned["floors"].items()
           if got[name] < floor}
    assert not low, f"below the pinned floors (got, floor): {low}"


@pytest.mark.slow
def test_no_menu_or_teaser_list_is_stored_as_an_article() -> None:
    # The two my6sense.com pages: an article wrapper classed category-…-advertising-… used to
    # be pruned, leaving the menu and teaser links, stored with status ok.
    for article in _run(_benchmark()).values():
        if article.status == "ok":
            assert article.body and len(article.body) >= 200, (article.url, article.body)
        else:
            assert article.status_reason, article.url
