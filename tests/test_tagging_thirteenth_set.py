"""Round 2026.13, in texts written here (docs/tagging.md): what a subtopic says, and fraud
told without the usual words, read off the tuning sets fresh27 (collected blind, outside the
project), each kind with a look-alike that stays untagged."""

from __future__ import annotations

import pytest

from crawler.tagging.rules import tag_text


def subtopics(text: str) -> tuple[str, ...]:
    return tag_text(None, text, "ru").topics["fraud"].subtopics


# "пенси*" (a pension, budget money on false data) also met "пенсионерку": the commonest
# scam story, a pensioner deceived, was filed under subsidies beside the deceit.
@pytest.mark.parametrize("text", [
    "Мошенники обманули пенсионерку на 2 млн тенге, возбуждено уголовное дело.",
    "Аферисты обманули лиц пенсионного возраста, возбуждено уголовное дело.",
    "Двое мужчин, представившись сотрудниками газовой службы, проникли в дом пенсионерки и"
    " обманом забрали у неё 1,5 млн тенге.",
])
def test_a_pensioner_deceived_is_no_budget_money(text: str) -> None:
    assert "subsidies" not in subtopics(text)


@pytest.mark.parametrize("text", [
    "Начальник отдела оформлял пенсии вымышленным лицам и присваивал выплаты, возбуждено"
    " уголовное дело.",
    "Пенсионные выплаты получали на подложные документы, возбуждено уголовное дело.",
])
def test_pensions_on_false_papers_stay_budget_money(text: str) -> None:
    assert "subsidies" in subtopics(text)
