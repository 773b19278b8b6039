"""Named word lists (vocab/lists.toml): "@money" stands for the same money words in every
rule that needs a sum beside a scheme, so a currency or a sum one rule lacked counts there too.
"""

from __future__ import annotations

import shutil

import pytest

from crawler.tagging.terms import VocabularyError
from crawler.tagging.vocab import VOCAB_DIR, expand_lists, load_vocabulary, read_lists
from tests.tagging_helpers import topics

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
                                              r" list of lists.toml \(money\)"):
        load_vocabulary(folder)


@pytest.mark.parametrize(("tail", "message"), [
    ('\nsums = ["@money"]\n', "cannot name another list"),
    ('\nsums = "тенге*"\n', "must be strings"),
])
def test_a_malformed_list_stops_loading(tmp_path, tail, message):
    with pytest.raises(VocabularyError, match=f"lists.toml#sums: a list {message}"):
        load_vocabulary(_vocab_with(tmp_path, lists_tail=tail))
