"""The tagging gate on real news: floors per file of ../shared/tagging-dev, held-out and full.

The rules were tuned by reading the misses of each file's tuning half only (`dev_half`): the
held-out figures are the honest ones. A changed file must update its pinned sha256 and
floors by hand (real_floors.json); a floor is never lowered without saying why in the commit.
Skips with a message where ../shared is absent (a user's fresh clone).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.tagging.disputes import applicable, read_disputes, shipped_dispute_files
from crawler.tagging.evaluate import EvaluationReport, evaluate_halves, file_sha256
from jobs.cli import dozor
from tests.shared_data import shared_path

FLOORS = json.loads((Path(__file__).parent / "fixtures" / "tagging" / "real_floors.json")
                    .read_text(encoding="utf-8"))
FILES = sorted(FLOORS["files"])


@cache
def halves(name: str) -> dict[str, EvaluationReport]:
    # Tagged once, counted against the file's labels and, where docs/data/disputes holds
    # some of its labels, against those as blind readers read them ("held+disputes").
    path = shared_path("tagging-dev", name)
    disputes = read_disputes(shipped_dispute_files())
    return evaluate_halves(path, relabel=applicable(disputes, name, file_sha256(path)).relabel)


def report(name: str, half: str | None) -> EvaluationReport:
    return halves(name)[half or "all"]


@pytest.mark.parametrize("name", FILES)
def test_real_file_is_the_pinned_one(name: str) -> None:
    assert file_sha256(shared_path("tagging-dev", name)) == FLOORS["files"][name]["sha256"], (
        f"{name} changed: run `dozor eval-tags`, then update its sha256 and floors in"
        " tests/fixtures/tagging/real_floors.json by hand")


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("half", ["held", None], ids=["held-out", "full"])
def test_worst_topic_language_f1_not_below_floor(name: str, half: str | None) -> None:
    floor = FLOORS["files"][name]["held" if half else "full"]
    r = report(name, half)
    worst, cell = r.worst()
    assert worst >= floor, f"{name} {half or 'full'}: {cell} F1 {worst:.3f} < {floor}\n" + (
        r.format_table())


@pytest.mark.parametrize("name", [n for n in FILES if "held_disputed" in FLOORS["files"][n]])
def test_held_out_half_read_with_the_disputed_labels_not_below_floor(name: str) -> None:
    # A regression gate beside the one above, never instead of it: the file's own labels
    # are what the figures are read on (docs/tagging.md, "Labels in dispute").
    r = halves(name)["held+disputes"]
    worst, cell = r.worst()
    assert worst >= FLOORS["files"][name]["held_disputed"], f"{name}: {cell} F1 {worst:.3f}"


@pytest.mark.parametrize("name", [n for n in FILES if "max_false_ocg" in FLOORS["files"][n]])
def test_false_ocg_not_above_ceiling(name: str) -> None:
    ceiling = FLOORS["files"][name]["max_false_ocg"]
    assert report(name, None).false_positives("ocg") <= ceiling


def test_kazakh_scripts_each_reach_their_floor() -> None:
    r = report("excerpts-kk.jsonl", None)
    for cell, floor in FLOORS["kazakh_scripts_fraud_recall"].items():
        assert r.counts[("fraud", cell)].recall >= floor, cell


@pytest.mark.slow
def test_eval_tags_prints_held_and_full_tables_per_real_file() -> None:
    dev = shared_path("tagging-dev")
    out = CliRunner().invoke(dozor, ["eval-tags", "--dev-dir", str(dev), "--errors"])
    assert out.exit_code == 0, out.output
    for name in FILES:
        assert f"== {name}" in out.output
    lines = out.output.splitlines()
    arab = next(line for line in lines if line.startswith("fraud  kk-arab"))
    assert arab.count("held") == 1 and arab.rstrip().endswith("full")
    assert "== labelled.jsonl" in out.output and "== heldout.jsonl" in out.output
    assert "misses (tuning half)" in out.output
    # The week's two disputed labels read beside its table, never in its place.
    week = out.output.split("== week-tengrinews-2024-04.jsonl")[1].split("== ")[0]
    assert week.index("held: worst") < week.index("   with 2 disputed label(s) as blind readers")
