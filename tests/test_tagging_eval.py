"""The tagging quality gate: F1 per topic and language never drops below pinned floors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.config import PROJECT_ROOT
from crawler.errors import LabelledSetError
from crawler.tagging.evaluate import (
    Counts,
    evaluate,
    f1_interval,
    file_sha256,
    read_labelled,
)
from tests.shared_data import shared_path

FIXTURES = Path(__file__).parent / "fixtures" / "tagging"
LABELLED = FIXTURES / "labelled.jsonl"
FLOORS = json.loads((FIXTURES / "floors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report():
    return evaluate(LABELLED)


def test_labelled_set_is_the_pinned_one():
    assert file_sha256(LABELLED) == FLOORS["labelled_sha256"], (
        "labelled.jsonl changed: re-run crawler.tagging.evaluate, then update "
        "labelled_sha256 and the floors in floors.json by hand"
    )


def test_labelled_set_shape():
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 150
    kk = sum(r["lang"] == "kk" for r in rows)
    assert 0.4 <= kk / len(rows) <= 0.6
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert set(r["labels"]) == {"fraud", "ocg"}
        assert isinstance(r["kz_related"], bool)
    # Hard negatives and foreign cases are what keep precision honest.
    assert sum(not any(r["labels"].values()) for r in rows) >= 40
    assert sum(any(r["labels"].values()) and not r["kz_related"] for r in rows) >= 6


@pytest.mark.parametrize(
    ("topic", "lang"),
    [(t, lang) for t, langs in FLOORS["f1"].items() for lang in langs],
)
def test_f1_not_below_floor(report, topic, lang):
    floor = FLOORS["f1"][topic][lang]
    got = report.f1(topic, lang)
    assert got >= floor, f"{topic}/{lang} F1 {got:.3f} < floor {floor}\n{report.format_table()}"


def test_kz_related_on_positives(report):
    assert report.kz_correct / report.kz_total >= 0.95, report.errors


def test_counts_arithmetic():
    c = Counts(n=10, tp=3, fp=1, fn=2)
    assert (c.precision, c.recall) == (0.75, 0.6)
    assert round(c.f1, 4) == 0.6667
    assert Counts().f1 == 1.0


def test_format_table_lists_every_cell(report):
    table = report.format_table()
    for topic in ("fraud", "ocg"):
        for lang in ("kk", "ru", "all"):
            assert any(line.startswith(f"{topic:<7}{lang:<6}") for line in table.splitlines())


HELDOUT = FIXTURES / "heldout.jsonl"


@pytest.fixture(scope="module")
def heldout_report():
    return evaluate(HELDOUT)


def test_heldout_set_is_the_pinned_one():
    assert file_sha256(HELDOUT) == FLOORS["heldout"]["sha256"], (
        "heldout.jsonl changed: a held-out set is written once, blind; write a new one instead"
    )


@pytest.mark.parametrize(
    ("topic", "lang"),
    [(t, lang) for t, langs in FLOORS["heldout"]["f1"].items() for lang in langs],
)
def test_heldout_f1_not_below_floor(heldout_report, topic, lang):
    floor = FLOORS["heldout"]["f1"][topic][lang]
    got = heldout_report.f1(topic, lang)
    assert got >= floor, (
        f"held-out {topic}/{lang} F1 {got:.3f} < floor {floor}\n{heldout_report.format_table()}"
    )


def test_a_script_named_in_full_groups_with_its_code(tmp_path):
    # A set written by another team may say "cyrillic" where ../shared says "cyrl": both are
    # the same row of the table, not two.
    rows = [{"id": "a", "lang": "kk", "script": "cyrillic", "text": "Алаяқтар ұсталды.",
             "fraud": True, "ocg": False},
            {"id": "b", "lang": "kk", "script": "cyrl", "text": "Ауа райы жылы.",
             "fraud": False, "ocg": False},
            {"id": "c", "lang": "kk", "script": "Latin", "text": "Alaıaqtar ustaldy.",
             "fraud": True, "ocg": False}]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert [i.script for i in read_labelled(path)] == ["cyrl", "cyrl", "latn"]


def test_a_folder_with_a_file_that_is_no_labelled_set_names_the_file_and_line(tmp_path):
    # A labeller's working file beside the set (no ids, no labels) used to end `dozor
    # eval-tags --dev-dir` in a traceback; now one line says which file and line, exit 2.
    good = {"id": "a", "lang": "ru", "text": "Мошенники задержаны.", "fraud": True, "ocg": False}
    (tmp_path / "a-set.jsonl").write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "staging.jsonl").write_text(
        json.dumps({"url": "https://x.kz/1", "text": "…"}) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "jobs.cli", "eval-tags", "--dev-dir",
                           str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().endswith(
        f"{tmp_path / 'staging.jsonl'}:1: a labelled row needs id, text and the labels fraud,"
        " ocg; missing id, fraud, ocg")
    assert "Traceback" not in done.stderr
    with pytest.raises(LabelledSetError, match=r"set.jsonl:2: not a JSON object"):
        (tmp_path / "set.jsonl").write_text(json.dumps(good) + "\n{oops\n", encoding="utf-8")
        read_labelled(tmp_path / "set.jsonl")


def test_hard_cases_get_their_own_row_and_never_decide_the_worst_cell(tmp_path):
    # The independent set has a file of hard cases; a set marking traps `hard` shows how the
    # rules do on them, beside (not instead of) the language's own cell.
    rows = [{"id": "a", "lang": "ru", "text": "Мошенники обманули пенсионера, возбуждено"
             " уголовное дело.", "fraud": True, "ocg": False, "hard": False},
            {"id": "b", "lang": "ru", "text": "Фильм о мошенниках: в ролях известные актёры,"
             " премьера в кинотеатрах.", "fraud": False, "ocg": False, "hard": True},
            {"id": "c", "lang": "ru", "text": "Жил-был человек, который всем верил.",
             "fraud": True, "ocg": False, "hard": True}]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    report = evaluate(path)
    hard = report.counts[("fraud", "ru-hard")]
    assert (hard.n, hard.tp, hard.fp, hard.fn) == (2, 0, 0, 1)
    assert report.counts[("fraud", "ru")].n == 3
    table = report.format_table().splitlines()
    assert [line.split()[1] for line in table[1:4]] == ["ru", "ru-hard", "all"]
    assert report.worst(min_positives=1) == (report.counts[("fraud", "ru")].f1, "fraud/ru")


def test_a_sets_subsets_get_their_own_rows_and_never_decide_the_worst_cell(tmp_path):
    # docs/data's sets are collected in parts ("subset": ru-stream, long-mixed): each part
    # reads on its own row, after the language's, and the worst cell stays a language's.
    rows = [{"id": "a", "lang": "ru", "text": "Мошенники обманули пенсионера, возбуждено"
             " уголовное дело.", "fraud": True, "ocg": False, "subset": "ru-stream"},
            {"id": "b", "lang": "ru", "text": "Жил-был человек, который всем верил.",
             "fraud": True, "ocg": False, "subset": "long-mixed"}]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    report = evaluate(path)
    stream = report.counts[("fraud", "ru/ru-stream")]
    long = report.counts[("fraud", "ru/long-mixed")]
    assert (stream.tp, stream.fn, long.tp, long.fn) == (1, 0, 0, 1)
    table = report.format_table().splitlines()
    assert [line.split()[1] for line in table[1:5]] == ["ru", "ru/long-mixed", "ru/ru-stream",
                                                        "all"]
    assert len({len(line) for line in table[1:5]}) == 1  # the columns line up
    assert report.worst(min_positives=1) == (report.counts[("fraud", "ru")].f1, "fraud/ru")


def test_eval_tags_says_when_the_model_learned_from_the_file_it_scores(tmp_path):
    # A model names the files it learned from by sha256: its figures there are in-sample,
    # and the command says so instead of passing them as honest (here the retired OCG model,
    # given with --model as a candidate would be).
    row = {"id": "a", "lang": "ru", "text": "Мошенники задержаны.", "fraud": True, "ocg": False}
    path = tmp_path / "unseen.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False), encoding="utf-8")
    seen = shared_path("tagging-dev", "excerpts-ru.jsonl")  # skips without ../shared
    retired = PROJECT_ROOT / "bench" / "models" / "ocg-add-2026.6.json"
    done = subprocess.run([sys.executable, "-m", "jobs.cli", "eval-tags", "--model", str(retired),
                           "--labelled", str(path), "--labelled", str(seen)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    unseen_part, seen_part = done.stdout.split("== excerpts-ru.jsonl")
    assert "in-sample" not in unseen_part
    assert "learned from this file: its figures here are in-sample" in seen_part


def test_eval_tags_refuses_a_model_and_rules_only_together(tmp_path):
    retired = PROJECT_ROOT / "bench" / "models" / "ocg-add-2026.6.json"
    done = subprocess.run([sys.executable, "-m", "jobs.cli", "eval-tags", "--rules-only",
                           "--model", str(retired)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "exclude each other" in done.stderr


def test_the_worst_cells_f1_comes_with_a_bootstrap_interval_that_narrows_with_more_texts():
    # The week's held-out fraud cell: 8 positives, 1 false and 1 missed (F1 0.875). One text
    # more or less moves F1 by ~0.06, and the interval says so beside the figure.
    small = Counts(n=171, tp=7, fp=1, fn=1)
    low, high = f1_interval(small)
    assert low < 0.8 < small.f1 < high <= 1.0
    assert f1_interval(small) == (low, high)  # seeded: the same counts, the same interval
    # Ten times the texts at the same rates: the interval is much narrower around the figure.
    large_low, large_high = f1_interval(Counts(n=1710, tp=70, fp=10, fn=10))
    assert low < large_low < 0.875 < large_high < high
    assert large_high - large_low < (high - low) / 2
    # No error at all: nothing to resample but the same figure.
    assert f1_interval(Counts(n=50, tp=10)) == (1.0, 1.0)


def test_eval_tags_prints_the_interval_of_the_worst_cell(tmp_path):
    rows = [{"id": f"r{i}", "lang": "ru", "fraud": i < 6, "ocg": False,
             "text": ("Мошенники обманули пенсионера, возбуждено уголовное дело." if i < 5
                      else "Жил-был человек, который всем верил.")} for i in range(12)]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    report = evaluate(path)
    assert report.worst() == (report.counts[("fraud", "ru")].f1, "fraud/ru")
    low, high = report.worst_interval()
    line = next(x for x in report.format_table().splitlines() if x.startswith("set: worst"))
    assert f"(fraud/ru, 95 % bootstrap {low:.2f}-{high:.2f})" in line
    assert low < report.f1("fraud", "ru") <= high
