"""Disputed labels: a real set's label that blind readers, after GUIDELINE.md, read otherwise.

The set's own labels are always scored; disputes add a second reading beside them, never in
their place, and only for the version of the file they were written for.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.config import PROJECT_ROOT
from crawler.errors import LabelledSetError
from crawler.tagging.disputes import applicable, read_disputes, shipped_dispute_files
from crawler.tagging.evaluate import evaluate_halves, file_sha256, read_labelled
from tests.shared_data import shared_path

FRAUD = "Мошенники обманули пенсионера, возбуждено уголовное дело."
WEATHER = "Завтра в Астане ожидается снег и гололёд, сообщает Казгидромет."


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")
    return path


def _set(tmp_path: Path) -> Path:
    # Two frauds and a weather report; "b" is labelled no fraud although it is one, as the
    # week's lending article was by the readers' reading.
    return _write(tmp_path / "set.jsonl", [
        {"id": "a", "lang": "ru", "text": FRAUD, "fraud": True, "ocg": False},
        {"id": "b", "lang": "ru", "text": FRAUD, "fraud": False, "ocg": False},
        {"id": "c", "lang": "ru", "text": WEATHER, "fraud": False, "ocg": False}])


def _dispute(labelled: Path, **change: object) -> dict:
    row = {"file": labelled.name, "file_sha256": file_sha256(labelled), "id": "b",
           "topic": "fraud", "label": False, "read": True, "readers": 3, "agreeing": 3,
           "why": "a fraud reported as the subject"}
    return {**row, **change}


def test_the_same_tags_are_counted_against_both_readings(tmp_path):
    labelled = _set(tmp_path)
    found = applicable(read_disputes([_write(tmp_path / "d.jsonl", [_dispute(labelled)])]),
                       labelled.name, file_sha256(labelled))
    reports = evaluate_halves(labelled, relabel=found.relabel)
    own, read = reports["all"].counts[("fraud", "ru")], reports["all+disputes"].counts[
        ("fraud", "ru")]
    assert (own.tp, own.fp, own.fn) == (1, 1, 0)
    assert (read.tp, read.fp, read.fn) == (2, 0, 0)
    # Each half is read both ways too, and the set's own labels are untouched.
    assert reports["held"].counts[("fraud", "ru")].n + reports["tune"].counts[
        ("fraud", "ru")].n == 3
    assert sum(r.counts[("fraud", "ru")].tp for k, r in reports.items()
               if k in ("held+disputes", "tune+disputes")) == 2
    assert [i.labels["fraud"] for i in read_labelled(labelled)] == [True, False, False]


def test_a_dispute_of_another_version_of_the_set_is_not_applied(tmp_path):
    labelled = _set(tmp_path)
    disputes = read_disputes([_write(tmp_path / "d.jsonl",
                                     [_dispute(labelled, file_sha256="0" * 64)])])
    found = applicable(disputes, labelled.name, file_sha256(labelled))
    assert not found and len(found.stale) == 1
    assert not applicable(disputes, "other.jsonl", file_sha256(labelled)).stale


@pytest.mark.parametrize(("change", "message"), [
    ({"readers": True}, "wrong or missing: readers"),
    ({"why": None}, "wrong or missing: why"),
    ({"topic": "drugs"}, "topic 'drugs' is none of fraud, ocg"),
    ({"read": False}, "label and reading agree; that is no dispute"),
    ({"agreeing": 1}, "1 of 3 readers is no majority against the label"),
    ({"agreeing": 4}, "4 of 3 readers is no majority against the label"),
])
def test_a_wrong_dispute_row_stops_with_its_file_and_line(tmp_path, change, message):
    labelled = _set(tmp_path)
    path = _write(tmp_path / "d.jsonl", [_dispute(labelled), _dispute(labelled, **change)])
    with pytest.raises(LabelledSetError, match=rf"d\.jsonl:2: .*{message}"):
        read_disputes([path])


def test_one_label_disputed_twice_is_refused(tmp_path):
    labelled = _set(tmp_path)
    first = _write(tmp_path / "a.jsonl", [_dispute(labelled)])
    second = _write(tmp_path / "b.jsonl", [_dispute(labelled, agreeing=2)])
    with pytest.raises(LabelledSetError, match=r"b\.jsonl:1: b \(fraud\) of set\.jsonl is"
                                               r" disputed twice"):
        read_disputes([first, second])


def test_a_line_that_is_not_a_dispute_object_is_refused(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('["a list"]\n{not json\n', encoding="utf-8")
    with pytest.raises(LabelledSetError, match=r"d\.jsonl:1: a dispute is a JSON object"):
        read_disputes([path])
    path.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(LabelledSetError, match=r"d\.jsonl:1: not JSON"):
        read_disputes([path])


@pytest.mark.parametrize(("change", "message"), [
    ({"id": "zz"}, "disputed items not in the set: zz \\(fraud\\)"),
    ({"id": "a", "label": True, "read": False, "topic": "ocg"},
     "a is labelled ocg False already; the dispute is out of date"),
])
def test_a_dispute_that_does_not_fit_the_set_stops_the_count(tmp_path, change, message):
    labelled = _set(tmp_path)
    dispute = read_disputes([_write(tmp_path / "d.jsonl", [_dispute(labelled, **change)])])
    found = applicable(dispute, labelled.name, file_sha256(labelled))
    with pytest.raises(LabelledSetError, match=message):
        evaluate_halves(labelled, relabel=found.relabel)


def _eval_tags(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jobs.cli", "eval-tags", *args],
                          capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT)


def test_eval_tags_prints_the_set_then_the_disputed_reading(tmp_path):
    labelled = _set(tmp_path)
    disputes = _write(tmp_path / "d.jsonl", [_dispute(labelled)])
    done = _eval_tags("--labelled", str(labelled), "--disputes", str(disputes))
    assert done.returncode == 0, done.stderr
    table, disputed = done.stdout.split("   with 1 disputed label(s)")
    assert "set: worst" not in disputed and "full: worst topic x language F1" in table
    # Own labels: 1 right fraud, 1 "false"; as read: both right (fewer than 5 positives, so
    # no cell is worst and the figure is 1.000 by definition; the table holds the cells).
    assert "fraud  ru" in table and "0.667" in table
    assert "as blind readers read them (d.jsonl): worst topic x language F1 full" in disputed
    stale = _write(tmp_path / "stale.jsonl", [_dispute(labelled, file_sha256="f" * 64)])
    done = _eval_tags("--labelled", str(labelled), "--disputes", str(stale))
    assert done.returncode == 0, done.stderr
    assert "1 disputed label(s) were written for another version of this file: not applied" \
        in done.stdout and "as blind readers read them" not in done.stdout


def test_eval_tags_refuses_a_wrong_disputes_file_by_name(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"file": "x.jsonl"}\n', encoding="utf-8")
    done = _eval_tags("--labelled", str(_set(tmp_path)), "--disputes", str(bad))
    assert done.returncode != 0
    assert "bad.jsonl:1: a dispute needs file" in done.stdout + done.stderr


# The project's own disputes: they hold no text, and each fits the file it names.

SHIPPED = list(shipped_dispute_files())


def test_the_project_ships_its_disputes_without_third_parties_text():
    assert SHIPPED, "docs/data/disputes holds no file"
    for path in SHIPPED:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n")
                if line.strip()]
        assert rows and all("text" not in row for row in rows), path.name
    assert read_disputes(SHIPPED)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_each_shipped_dispute_names_a_label_its_file_really_has(path: Path):
    for dispute in read_disputes([path]):
        labelled = shared_path("tagging-dev", dispute.file)  # skips without ../shared
        assert file_sha256(labelled) == dispute.file_sha256, (
            f"{dispute.file} changed: its disputes must be read again")
        item = next(i for i in read_labelled(labelled) if i.id == dispute.id)
        assert item.labels[dispute.topic] == dispute.label, dispute.id
