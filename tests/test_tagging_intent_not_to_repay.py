"""Abuse of trust told as the court tells it (GUIDELINE.md: theft by deception or abuse of
trust): money or goods taken "не намереваясь возвращать", "заведомо не собираясь исполнять
обязательства", "қайтару ниеті болмаған", with no word of fraud or deceit. Written from the
wording of article 190 and of court reports, not from a labelled text; each with look-alikes
that stay untagged (rules 2026.16, docs/tagging.md)."""

from __future__ import annotations

import pytest

from tests.tagging_helpers import topics

INTENT_NOT_TO_REPAY = [
    "Суд вынес приговор жителю Павлодара: он получил от знакомой 3 млн тенге в долг, не"
    " намереваясь их возвращать. Уголовное дело рассмотрено, назначено три года.",
    "Житель Шымкента взял у соседей 12 млн тенге на покупку скота, заведомо не собираясь"
    " исполнять обязательства. Полиция задержала подозреваемого.",
    "Предприниматель получил предоплату за поставку угля, не имея намерения выполнить"
    " обязательства по договору, и скрылся; возбуждено уголовное дело.",
    "Ақтөбе тұрғыны таныстарынан 5 млн теңге қарызға алып, оны қайтару ниеті болмаған."
    " Қылмыстық іс қозғалды, күдікті ұсталды.",
    "Қарағанды тұрғыны жерлесінен 2 млн теңге алып, қарызды қайтармау ниетімен хабарсыз"
    " кеткен. Полиция қылмыстық іс қозғады.",
]

NOT_INTENT_NOT_TO_REPAY = [
    # disobedience, no money at hand
    "Полиция задержала мужчину: он не намеревался выполнять требования инспектора,"
    " возбуждено дело о неповиновении.",
    # a wanted man not going home
    "Задержанный не собирался возвращаться домой, сообщили в полиции; его разыскивали по"
    " уголовному делу о краже.",
    # a debtor who means to pay, in a civil court
    "Должник заявил в суде, что имеет намерения вернуть долг банку. Суд отложил заседание"
    " по гражданскому иску.",
    # a government's debt policy: no crime and no loss
    "Министр финансов заявил, что правительство заранее не планирует возвращать долг"
    " досрочно, выплаты пойдут по графику.",
    # the Kazakh intent to pay back, stated
    "Кәсіпкер банктен алған несиені қайтару ниеті бар екенін айтты, сот отырысы кейінге"
    " қалдырылды.",
]


@pytest.mark.parametrize("text", INTENT_NOT_TO_REPAY)
def test_money_taken_without_intent_to_repay_is_fraud(text: str) -> None:
    assert "fraud" in topics(text)


@pytest.mark.parametrize("text", NOT_INTENT_NOT_TO_REPAY)
def test_no_intent_without_money_or_crime_is_no_fraud(text: str) -> None:
    assert "fraud" not in topics(text)
