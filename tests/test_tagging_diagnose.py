"""Wrong decisions counted by mechanism: what kind of change could help, without a text read."""

import json
import shutil
import subprocess
import sys

from crawler.tagging.evaluate import evaluate_halves, format_mechanisms
from crawler.tagging.rules import VOCAB_DIR, load_vocabulary

FLOOD = ("Вода в Петропавловске продолжает прибывать, сообщили в штабе. Спасатели эвакуировали"
         " жителей трех улиц. В пунктах временного размещения находятся 400 человек. Волонтеры"
         " привезли воду и продукты. Синоптики обещают потепление к выходным. ")
ROWS = [
    # a fake volunteer told without a word of the offence
    ("none", "Парень представлялся волонтером и собирал деньги на лечение девочки, но"
             " родители ничего не получили.", True),
    # one fraud sentence in the body of a long article about floods
    ("aside", FLOOD * 2 + "Полиция задержала мошенников, которые обманули пенсионерку на"
              " 2 млн тенге. " + FLOOD, True),
    # two fraud sentences far apart in a long article about floods
    ("apart", FLOOD * 2 + "Полиция задержала мошенников, которые обманули пенсионерку на"
              " 2 млн тенге. " + FLOOD * 2 + "Мошенники обманули пенсионера на 3 млн тенге. "
              + FLOOD * 2, True),
    # a film review: the plot's swindlers are vetoed by the genre words
    ("veto", "Рецензия на фильм: в сериале главный герой мошенник обманывает банкиров. Режиссер"
             " снял кассовый хит, сюжет держит зрителя до финала сезона.", True),
    # a fraud case in the lead, labelled not fraud (a deliberate wrong label)
    ("head", "Полиция задержала мошенников, обманувших пенсионеров на 5 млн тенге. " + FLOOD * 2,
     False),
    ("right", "Полиция задержала мошенников, обманувших пенсионеров на 5 млн тенге.", True),
]


def _set(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps({"id": i, "lang": "ru", "text": text, "fraud": fraud,
                                          "ocg": False}, ensure_ascii=False)
                              for i, text, fraud in ROWS), encoding="utf-8")
    return path


def test_each_wrong_decision_is_counted_by_its_mechanism(tmp_path):
    report = evaluate_halves(_set(tmp_path), mechanisms=True)["all"]
    assert dict(report.mechanisms) == {
        ("fraud", "missed", "no offence or cue word"): 1,
        ("fraud", "missed", "one sentence of a long text's body"): 1,
        ("fraud", "missed", "a few sentences apart in a long text's body"): 1,
        ("fraud", "missed", "vetoed by genre words"): 1,
        ("fraud", "false", "in the title or the lead"): 1,
    }
    assert format_mechanisms(report).splitlines() == [
        "fraud missed: 1 a few sentences apart in a long text's body, 1 no offence or cue word,"
        " 1 one sentence of a long text's body, 1 vetoed by genre words",
        "fraud false: 1 in the title or the lead",
    ]
    # Not asked, not counted: mechanisms cost a second reading of each wrong text.
    assert not evaluate_halves(_set(tmp_path))["all"].mechanisms


def test_eval_tags_prints_the_mechanisms_of_a_set(tmp_path):
    done = subprocess.run([sys.executable, "-m", "jobs.cli", "eval-tags", "--mechanisms",
                           "--labelled", str(_set(tmp_path))],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "wrong decisions by mechanism, whole set:" in done.stdout
    assert "fraud false: 1 in the title or the lead" in done.stdout


def test_a_models_add_and_veto_are_named_as_the_models(tmp_path):
    folder = tmp_path / "vocab"
    shutil.copytree(VOCAB_DIR, folder)
    (folder / "model.json").write_text(json.dumps({
        "version": "t-1", "weights": {"ocg": {"bias": 30.0}, "fraud": {"bias": -30.0}},
        "thresholds": {"ocg": 0.5, "fraud": 0.5}}), encoding="utf-8")
    rows = [{"id": "add", "lang": "ru", "text": FLOOD * 3 + "Полиция задержала участников ОПГ,"
             " вымогавших деньги у торговцев. ", "fraud": False, "ocg": False},
            {"id": "veto", "lang": "ru", "text": "Полиция задержала мошенников, обманувших"
             " пенсионеров на 5 млн тенге.", "fraud": True, "ocg": False}]
    path = tmp_path / "model.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    report = evaluate_halves(path, load_vocabulary(folder), mechanisms=True)["all"]
    assert dict(report.mechanisms) == {("ocg", "false", "added by a model"): 1,
                                       ("fraud", "missed", "vetoed by a model"): 1}
