"""The optional linear model: a versioned JSON file beside the vocabularies, recorded per tag,
deciding only where the rules found evidence; without it the rules decide alone."""

import json
import shutil

import pytest

from crawler.config import PROJECT_ROOT
from crawler.tagging.model import ModelError
from crawler.tagging.rules import VOCAB_DIR, load_vocabulary, tag_text, token_stems

RETIRED = PROJECT_ROOT / "bench" / "models" / "ocg-add-2026.6.json"
TEXT = "Полиция задержала участников ОПГ, которые обманывали пенсионеров по телефону."
FLOOD = ("Вода в Петропавловске продолжает прибывать, сообщили в штабе. Спасатели эвакуировали"
         " жителей трех улиц. В пунктах временного размещения находятся 400 человек. Волонтеры"
         " привезли воду и продукты. Синоптики обещают потепление к выходным. ")


def _vocab_with_model(tmp_path, model):
    folder = tmp_path / "vocab"
    shutil.copytree(VOCAB_DIR, folder)
    (folder / "model.json").write_text(json.dumps(model), encoding="utf-8")
    return load_vocabulary(folder)


def test_the_rules_decide_alone_since_the_ocg_model_was_retired():
    # docs/tagging.md, round 2026.7: on text collected after it was fixed the add-only OCG
    # model added 7 right OCG tags and 10 wrong ones, so no model ships beside the rules.
    assert not (VOCAB_DIR / "model.json").exists()
    r = tag_text(None, TEXT)
    assert set(r.topics) == {"fraud", "ocg"} and r.model_version is None


def test_the_retired_model_only_adds_ocg_where_the_rules_judged_a_sentence_an_aside(tmp_path):
    # bench/models/ocg-add-2026.6.json: asked only where the rules found an OCG sentence but
    # judged the text not about it; a topic the rules decided is never touched.
    retired = json.loads(RETIRED.read_text(encoding="utf-8"))
    assert (retired["may_add"], retired["may_veto"], set(retired["weights"])) == (
        False, False, {"ocg"})
    vocab = _vocab_with_model(tmp_path, retired)
    r = tag_text(None, TEXT, vocabulary=vocab)
    assert set(r.topics) == {"fraud", "ocg"} and r.model_version.startswith("2026.6+")
    assert "probability" not in r.to_dict()["topics"]["ocg"]  # the rules decided it
    rules_only = tag_text(None, TEXT, vocabulary=vocab, use_model=False)
    assert rules_only.model_version is None and set(rules_only.topics) == {"fraud", "ocg"}


def test_an_add_only_model_adds_where_the_rules_found_evidence_and_never_vetoes(tmp_path):
    vocab = _vocab_with_model(tmp_path, {
        "version": "add-1", "may_veto": False,
        "weights": {"ocg": {"bias": 30.0}, "fraud": {"bias": -30.0}},
        "thresholds": {"ocg": 0.5, "fraud": 0.5},
    })
    # Fraud decided by the rules stays, though the model's bias says no.
    assert set(tag_text(None, TEXT, vocabulary=vocab).topics) == {"fraud", "ocg"}
    # One OCG sentence in the body of a long article: the rules say "an aside", the model
    # may add it, with the rules' evidence and its probability.
    article = FLOOD * 3 + "Полиция задержала участников ОПГ, вымогавших деньги у торговцев. "
    assert "ocg" not in tag_text("Паводок в области", article).topics
    added = tag_text("Паводок в области", article, vocabulary=vocab).topics["ocg"]
    assert added.probability == 1.0
    assert any(e.phrase == "ОПГ" for e in added.evidence)
    # No rule evidence, nothing to add.
    assert tag_text(None, "Погода в Астане: без осадков.", vocabulary=vocab).topics == {}


def test_a_model_weighs_rule_figures_and_is_recorded_with_every_tag(tmp_path):
    vocab = _vocab_with_model(tmp_path, {
        "version": "test-1",
        "weights": {"ocg": {"bias": -30.0}, "fraud": {"bias": 30.0}},
        "thresholds": {"ocg": 0.5, "fraud": 0.5},
    })
    r = tag_text(None, TEXT, vocabulary=vocab)
    assert set(r.topics) == {"fraud"}
    assert r.model_version.startswith("test-1+")
    assert r.to_dict()["model_version"] == r.model_version
    assert r.topics["fraud"].probability == 1.0
    assert vocab.version != load_vocabulary().version  # the model file is part of the version
    # A model cannot invent a topic the rules found no evidence for.
    assert tag_text(None, "Погода в Астане: без осадков.", vocabulary=vocab).topics == {}


def test_a_malformed_model_file_is_refused_with_its_name(tmp_path):
    vocab = _vocab_with_model(tmp_path, {"weights": {"ocg": {"bias": "x"}}})
    with pytest.raises(ModelError, match=r"model\.json"):
        tag_text(None, TEXT, vocabulary=vocab)


def test_a_stem_model_vetoes_by_a_word_and_keeps_the_rules_evidence(tmp_path):
    # "пенсионер" weighs against ocg: the ocg tag goes, fraud stays with the rules' evidence.
    stem = next(iter(token_stems("пенсионеров") & token_stems("пенсионер")))
    vocab = _vocab_with_model(tmp_path, {
        "version": "stems-1", "features": ["figures", "rules", "stems"],
        "weights": {"ocg": {"bias": 5.0, f"stem:{stem}": -10.0}, "fraud": {"bias": 5.0}},
    })
    rules = tag_text(None, TEXT)
    r = tag_text(None, TEXT, vocabulary=vocab)
    assert set(r.topics) == {"fraud"}
    assert r.topics["fraud"].evidence == rules.topics["fraud"].evidence


def test_a_model_that_may_add_a_topic_quotes_the_words_that_drove_it(tmp_path):
    # A mechanism test: the word is neutral, so the rules never find an offence here.
    text = "Концерт в Алматы перенесли на субботу."
    assert tag_text(None, text).topics == {}
    stem = next(iter(token_stems("концерт")))
    vocab = _vocab_with_model(tmp_path, {
        "version": "stems-open-1", "features": ["stems"], "may_add": True,
        "weights": {"fraud": {"bias": -3.0, f"stem:{stem}": 6.0}},
    })
    tag = tag_text(None, text, vocabulary=vocab).topics["fraud"]
    assert [(e.phrase, e.rule) for e in tag.evidence] == [("Концерт", f"fraud.model:stem:{stem}")]
    assert tag.probability is not None and tag.probability > 0.9
    # Without the stem the model adds nothing.
    assert tag_text(None, "Погода в Астане: без осадков.", vocabulary=vocab).topics == {}


def test_a_model_naming_an_unknown_feature_kind_is_refused(tmp_path):
    vocab = _vocab_with_model(tmp_path, {"version": "x", "features": ["words"], "weights": {}})
    with pytest.raises(ModelError, match="unknown feature kinds"):
        tag_text(None, TEXT, vocabulary=vocab)
