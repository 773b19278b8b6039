"""Round 2026.13, in texts written here (docs/tagging.md): what a subtopic says, and fraud
told without the usual words, read off the tuning sets fresh27 (collected blind, outside the
project), each kind with a look-alike that stays untagged."""

from __future__ import annotations

import pytest

from crawler.tagging.rules import tag_text
from tests.tagging_helpers import points, topics


def subtopics(text: str) -> tuple[str, ...]:
    return tag_text(None, text, "ru").topics["fraud"].subtopics


# Step 1: "пенси*" (a pension, budget money on false data) also met "пенсионерку": the commonest
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


# Step 2, from the tuning sets fresh27 (`ru-hard-pos`, read in full): fraud told without
# the usual words, and the police's denial of a rumour taken for the crime it denies.
FRAUD_WITHOUT_THE_WORD = [
    # a collection asked "якобы на" a cause, in a warning
    "Муфтий предупредил: неизвестные размещают объявления с просьбой перечислить деньги"
    " якобы на строительство мечети.",
    # work written into the reports that was never done
    "Должностные лица похитили 450 млн сумов путем внесения в отчёты работ, которые"
    " фактически не были выполнены. Возбуждено уголовное дело.",
    "Подрядчик оформил документы о завершении ремонта, хотя работы выполнены не были."
    " Возбуждено уголовное дело.",
    # the memo against the bank's "security service" call
    "Сотрудники банков никогда не звонят клиентам и не просят сообщить им какие-либо"
    " сведения, касающиеся как их персональных данных, так и банковской карты. Об этом"
    " напомнили в полиции.",
]

NOT_FRAUD = [
    # "якобы" beside money in politics, with nothing of a crime, a loss or a warning
    "Депутат якобы перечислил деньги на счет партии, пишут блогеры.",
    # an audit's report of work behind schedule, no crime
    "В отчете комитета говорится, что часть работ выполнена не была из-за погоды.",
    # a bank's own call about a loan: no "never", no card data asked
    "Сотрудники банка звонят клиентам, чтобы напомнить о дате платежа по кредиту.",
    # the hoax law that closes a denial of a rumour, not false data given to a victim
    "Полиция опровергла слухи о похищениях детей. Распространение заведомо ложной"
    " информации влечет уголовную ответственность.",
]


@pytest.mark.parametrize("text", FRAUD_WITHOUT_THE_WORD)
def test_fraud_told_without_the_usual_words_is_tagged(text: str) -> None:
    assert "fraud" in topics(text)


@pytest.mark.parametrize("text", NOT_FRAUD)
def test_look_alikes_stay_untagged(text: str) -> None:
    assert "fraud" not in topics(text)


def test_false_data_given_for_a_loan_stays_deceit() -> None:
    # The hoax law's "заведомо ложной информации" is masked; false data in an application is not.
    assert "fraud" in topics("Заемщик представил заведомо ложные сведения о доходах и получил"
                             " кредит на 5 млн тенге. Возбуждено уголовное дело.")


@pytest.mark.parametrize("text", [
    # the rumour's "group" (OCG before)
    "Полиция опровергла сообщения о якобы действующей в районе банде. За распространение"
    " заведомо ложной информации предусмотрена уголовная ответственность, напомнили в"
    " ведомстве.",
    # the hoax law's "заведомо ложных сведений" (fraud before)
    "Министерство внутренних дел заявило, что в мессенджерах распространяются ложные сведения"
    " о якобы действующих в городе группах. Распространение непроверенных и заведомо ложных"
    " сведений может повлечь ответственность, напомнили в МВД.",
])
def test_the_police_denying_a_rumour_report_neither_fraud_nor_a_group(text: str) -> None:
    assert topics(text) == set()


def test_a_group_spreading_word_of_a_scheme_is_still_a_group() -> None:
    text = ("Члены организованной преступной группы распространяли информацию о якобы выгодных"
            " вложениях; задержаны пятеро участников ОПГ.")
    assert "ocg" in topics(text)


def test_a_memos_infinitives_are_warnings_and_a_reply_withheld_is_not() -> None:
    # Police memos list their rules in the infinitive ("Не сообщать ...", "Не переходить по
    # ссылкам"); "в полиции не сообщают подробностей" withholds a detail, it warns of nothing.
    assert points("Не сообщать неизвестным коды из СМС. Не переходить по ссылкам.").get("warning")
    assert not points("Подробностей в полиции не сообщают.").get("warning")


# Step 3, from the tuning set fresh29 (`ocg-hard`, read in full): courts acquitting as a
# habit and a charge the prosecution dropped rule the crime out, as an acquittal does.
@pytest.mark.parametrize("text", [
    "Российские суды стали чаще оправдывать обвиняемых в бандитизме и создании преступного"
    " сообщества. В 2019 году наказания избежала треть обвиняемых по этим статьям.",
    "Прокуратура сняла с подсудимых обвинение в бандитизме из-за недостатка доказательств."
    " Им вменяют участие в массовых беспорядках.",
    "Гособвинитель отказался от обвинения в мошенничестве: суд переквалифицировал дело на"
    " самоуправство.",
])
def test_a_charge_dropped_or_acquittals_counted_report_no_crime(text: str) -> None:
    assert topics(text) == set()


def test_a_sentence_that_convicts_too_keeps_its_group() -> None:
    assert "ocg" in topics("Суд приговорил участников банды к 12 годам; обвинение в"
                           " вымогательстве с одного из них снято.")


@pytest.mark.parametrize(("text", "topic"), [
    ("Суд признал оправданным решение банка о закрытии счетов членов преступной группировки,"
     " которые вымогали деньги у предпринимателей.", "ocg"),
    ("Суд признал оправданными расходы компании; мошенники, обманувшие клиентов на 5 млн"
     " тенге, задержаны.", "fraud"),
])
def test_found_justified_is_no_acquittal(text: str, topic: str) -> None:
    # "оправданным" is also "justified": a decision or expenses found so acquit no one.
    assert topic in topics(text)
