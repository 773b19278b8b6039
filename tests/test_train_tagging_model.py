"""bench/train_tagging_model.py on the project's regression sets: it reports the rules' own
figures beside the models', and the model file it writes is one the tagger loads, records
and obeys, never dropping the rules' evidence."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.tagging.evaluate import evaluate, file_sha256, read_labelled
from crawler.tagging.rules import VOCAB_DIR, load_vocabulary, tag_text

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "tagging"
SETS = [FIXTURES / "labelled.jsonl", FIXTURES / "heldout.jsonl"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Protocol (b) on the two regression sets, and a stems+rules model trained on both."""
    folder = tmp_path_factory.mktemp("vocab") / "vocab"
    shutil.copytree(VOCAB_DIR, folder)
    args = [sys.executable, "bench/train_tagging_model.py", "--protocols", "b", "--c", "1",
            "--write", str(folder / "model.json"), "--kind", "stems+rules"]
    for path in SETS:
        args += ["--labelled", str(path)]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout, folder


def test_the_rules_column_is_what_eval_tags_reports(trained):
    stdout, _ = trained
    for path in SETS:
        worst, cell = evaluate(path, use_model=False).worst()
        row = re.search(rf"^\| \(b\) [^|]+\| {path.stem} \| ([0-9.]+) \(([^)]+)\) \|",
                        stdout, re.MULTILINE)
        assert row, f"no protocol (b) row for {path.stem} in:\n{stdout}"
        assert (float(row[1]), row[2]) == (round(worst, 3), cell)


def test_the_written_model_is_loaded_and_recorded_with_every_tag(trained):
    _, folder = trained
    data = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    assert data["features"] == ["figures", "rules", "stems"] and data["may_add"] is False
    assert data["may_veto"] is True  # "stems+rules" confirms or vetoes; "... add" only adds
    # What it learned from, so eval-tags can mark its figures on those files in-sample.
    assert data["trained_on"] == [{"file": p.name, "sha256": file_sha256(p)} for p in SETS]
    assert any(k.startswith("stem:") for k in data["weights"]["fraud"])
    vocab = load_vocabulary(folder)
    assert vocab.version != load_vocabulary().version
    r = tag_text(None, "Погода в Астане: без осадков.", vocabulary=vocab)
    assert r.model_version.startswith(data["version"] + "+") and r.topics == {}


def test_the_model_only_confirms_or_vetoes_and_keeps_the_rules_evidence(trained):
    _, folder = trained
    vocab = load_vocabulary(folder)
    changed = 0
    for item in read_labelled(SETS[0]):
        rules = tag_text(item.title, item.text, item.lang, use_model=False)
        model = tag_text(item.title, item.text, item.lang, vocabulary=vocab)
        for topic, tag in model.topics.items():
            assert tag.probability is not None
            assert tag.evidence and not any(".model:" in e.rule for e in tag.evidence)
            if topic in rules.topics:
                assert tag.evidence == rules.topics[topic].evidence
        changed += set(model.topics) != set(rules.topics)
    # Trained on these very texts, it keeps almost every decision of rules that score 1.0.
    assert changed <= 3


def test_a_file_read_as_halves_is_scored_half_by_half(tmp_path):
    # The week is the only set of whole articles; --halves lets each half be scored by a
    # model that learned from the other half (and every other file), never from itself.
    args = [sys.executable, "bench/train_tagging_model.py", "--protocols", "b", "--c", "1",
            "--halves", SETS[0].name]
    for path in SETS:
        args += ["--labelled", str(path)]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    files = re.findall(r"^\| \(b\) [^|]+\| (\S+) \|", done.stdout, re.MULTILINE)
    assert sorted(files) == sorted([f"{SETS[0].stem}-held", f"{SETS[0].stem}-tune",
                                    SETS[1].stem]), done.stdout
