"""How the vocabulary's files fit together: named word lists (vocab/lists.toml: "@money"
stands for the same money words in every rule that needs a sum beside a scheme, so a currency
or a sum one rule lacked counts there too), and a topic written over several files (its
`files`), which reads exactly as one file would.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from crawler.tagging.evaluate import read_labelled
from crawler.tagging.rules import tag_text
from crawler.tagging.terms import VocabularyError
from crawler.tagging.vocab import VOCAB_DIR, load_vocabulary
from crawler.tagging.vocab_files import expand_lists, read_lists
from tests.tagging_helpers import topics

FIXTURES = Path(__file__).parent / "fixtures" / "tagging"

# Each sentence names its money in words that some of the eight money lists of fraud.toml
# lacked before they became one list (dollars, savings, "миллион", Kazakh "миллион жинаған").
SCHEMES_WITH_THEIR_MONEY = [
    "Пенсионерке позвонили и сообщили, что ее сын попал в ДТП; она отдала все сбережения."
    " Возбуждено уголовное дело.",
    "Мужчина получил 500 долларов за якобы помощь в оформлении визы. Возбуждено уголовное дело.",
    "Жителю Караганды позвонил сотрудник банка, после разговора мужчина лишился двух"
    " миллионов. Полиция начала расследование.",
    "Пообещав устроить на работу в Корею, женщина получила от земляков 5000 долларов."
    " Возбуждено уголовное дело.",
    "Шетелге жұмысқа жіберемін деп 15 адамнан 20 миллион жинаған. Қылмыстық іс қозғалды.",
]

# The same words beside no scheme: a bag thrown on a seat, a bank reminding of a debt.
MONEY_WITHOUT_A_SCHEME = [
    "Водитель кинул сумку на сиденье, в ней было 300 долларов. Полиция начала расследование.",
    "Сотрудник банка позвонил клиенту и напомнил о долге в два миллиона. Суд взыскал долг.",
]


@pytest.mark.parametrize("text", SCHEMES_WITH_THEIR_MONEY)
def test_a_scheme_counts_with_any_money_word(text):
    assert "fraud" in topics(text)


@pytest.mark.parametrize("text", MONEY_WITHOUT_A_SCHEME)
def test_money_alone_is_no_scheme(text):
    assert "fraud" not in topics(text)


def test_a_list_stands_in_place_of_its_name():
    lists = {"money": ("тенге*", "=сом")}
    assert expand_lists(["курьер*", "@money", "=cvv"], lists, "x") == [
        "курьер*", "тенге*", "=сом", "=cvv"]


def test_the_shipped_money_list_is_read():
    money = read_lists(VOCAB_DIR)["money"]
    assert {"тенге*", "теңге*", "рубл*", "доллар*", "мың"} <= set(money)
    assert "средств*" not in money  # also "means": rules that want it list it themselves


def _vocab_with(tmp_path, fraud_tail: str = "", lists_tail: str = ""):
    folder = tmp_path / "vocab"
    shutil.copytree(VOCAB_DIR, folder)
    with (folder / "fraud.toml").open("a", encoding="utf-8") as fh:
        fh.write(fraud_tail)
    with (folder / "lists.toml").open("a", encoding="utf-8") as fh:
        fh.write(lists_tail)
    return folder


def test_an_unknown_list_stops_loading_with_the_rule_named(tmp_path):
    folder = _vocab_with(tmp_path, '\n[[near]]\nweight = 3.0\nwindow = 5\n'
                                   'groups = [["якобы"], ["@monies"]]\n')
    with pytest.raises(VocabularyError, match=r"fraud.toml#near\[\d+\]: '@monies' names no"
                                              r" list of lists.toml"
                                              r" \(acquittal, money, no_acquittal\)"):
        load_vocabulary(folder)


@pytest.mark.parametrize("term", ["получил* =деньги|@money", "@money тенге"])
def test_a_list_named_inside_a_term_stops_loading(tmp_path, term):
    folder = _vocab_with(tmp_path, f'\n[[near]]\nweight = 3.0\nwindow = 5\n'
                                   f'groups = [["якобы"], ["{term}"]]\n')
    with pytest.raises(VocabularyError, match="a list's name stands alone as a term"):
        load_vocabulary(folder)


@pytest.mark.parametrize(("tail", "message"), [
    ('\nsums = ["@money"]\n', "cannot name another list"),
    ('\nsums = "тенге*"\n', "must be strings"),
])
def test_a_malformed_list_stops_loading(tmp_path, tail, message):
    with pytest.raises(VocabularyError, match=f"lists.toml#sums: a list {message}"):
        load_vocabulary(_vocab_with(tmp_path, lists_tail=tail))


def _copy(tmp_path):
    folder = tmp_path / "vocab"
    shutil.copytree(VOCAB_DIR, folder)
    return folder


def _evidence(vocabulary, texts):
    return [
        {t: (tag.score, [(e.rule, e.start) for e in tag.evidence])
         for t, tag in tag_text(it.title, it.text, it.lang, vocabulary=vocabulary).topics.items()}
        for it in texts]


def test_a_topic_over_several_files_reads_as_one_file(tmp_path):
    # Put each topic's files back into its head, in order, as the rules stood before the
    # split: every tag, score and evidence id (near[15] counts over the whole topic) agrees.
    folder = _copy(tmp_path)
    for head in ("fraud.toml", "ocg.toml"):
        text = (folder / head).read_text(encoding="utf-8")
        names = tomllib.loads(text)["files"]
        lines = [ln for ln in text.split("\n") if not ln.startswith("files = ")]
        for name in names:
            lines.append((folder / name).read_text(encoding="utf-8"))
            (folder / name).unlink()
        (folder / head).write_text("\n".join(lines), encoding="utf-8")
    texts = read_labelled(FIXTURES / "labelled.jsonl")
    one_file = load_vocabulary(folder)
    assert len(one_file.terms) == len(load_vocabulary().terms)
    assert _evidence(one_file, texts) == _evidence(None, texts)
    assert any("near[" in rule for tags in _evidence(None, texts) for _, ev in tags.values()
               for rule, _ in ev)


def test_a_file_no_topic_names_stops_loading(tmp_path):
    folder = _copy(tmp_path)
    (folder / "fraud-extra.toml").write_text('[[rules]]\nweight = 3.0\nterms = ["афер*"]\n',
                                             encoding="utf-8")
    with pytest.raises(VocabularyError, match=r"fraud-extra\.toml is read by nothing"):
        load_vocabulary(folder)


def test_a_named_file_that_is_missing_stops_loading(tmp_path):
    folder = _copy(tmp_path)
    (folder / "ocg-kinds.toml").unlink()
    with pytest.raises(VocabularyError, match=r"ocg\.toml: files names 'ocg-kinds\.toml'"):
        load_vocabulary(folder)


def test_a_topics_setting_outside_its_first_file_stops_loading(tmp_path):
    folder = _copy(tmp_path)
    part = folder / "fraud-phone.toml"
    part.write_text("threshold = 1.0\n" + part.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(VocabularyError, match=r"fraud-phone\.toml: threshold belong"):
        load_vocabulary(folder)


def test_an_audit_asks_which_patterns_a_lone_word_fits():
    # bench/audit_terms.py reads every dictionary word this way (round 2026.11's audit).
    from crawler.tagging.matching import patterns_fitting
    vocab = load_vocabulary()

    def spelled(surface):
        return {p for pid in patterns_fitting(vocab, surface) for p in
                (*vocab.patterns[pid].prefixes, *vocab.patterns[pid].exact)}

    assert "мошенни" in spelled("мошенничество")
    assert "тенге" in spelled("тенге")  # "@money" is read as its words
    # the investigator's own forms, written out since "следовател*" met "следовательно"
    assert "следователем" in spelled("следователь") - spelled("следовательно")
