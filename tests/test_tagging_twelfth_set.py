"""Round 2026.12, in texts written here (docs/tagging.md): fraud told without the usual
words, read off the tuning set fresh23 (collected blind, outside the project), each kind with
a look-alike that stays untagged. Each positive was missed by the rules of 2026.11.
"""

from __future__ import annotations

import pytest

from tests.tagging_helpers import topics

# Step 1: money collected for a cause that was not one, pay for people who do not exist,
# charity money kept, sham charities, and the neighbours' currencies.
FRAUD_WITHOUT_THE_WORD = [
    # collected "for the army" that never got it
    "Шестеро задержанных собирали деньги якобы на нужды армии. Возбуждено уголовное дело.",
    # pensions paid to people who do not exist ("вымышленным", as "фиктивным")
    "Почтальоны начисляли пенсии вымышленным пенсионерам. Возбуждено уголовное дело.",
    # hryvnias are money
    "Мужчина получил 300 гривен за якобы помощь в оформлении документов. Возбуждено"
    " уголовное дело.",
    # charity money kept by those who raised it
    "Председатель фонда присвоил благотворительные взносы. Возбуждено уголовное дело.",
    "Организаторы присваивали средства, собранные на лечение детей. Возбуждено уголовное дело.",
    # sham charities, as "лжеблаготворительный"
    "Представители псевдоблаготворительных фондов задержаны, возбуждено уголовное дело.",
]

NOT_FRAUD = [
    # "якобы" and a collecting verb, no money
    "Следователь собрал якобы все документы, но суд вернул дело прокурору.",
    # a made-up character, not a made-up payee
    "В фильме вымышленный персонаж обманывает банкиров, зрители в восторге.",
    # members' dues embezzled: no one was deceived into giving them (GUIDELINE.md)
    "Председатель кооператива присвоил членские взносы. Возбуждено уголовное дело.",
    # a pen name is no sham
    "Автор пишет под псевдонимом, его роман о банках стал бестселлером.",
    "Пенсионерам выплатили пенсии за декабрь досрочно, сообщили в фонде.",
]


@pytest.mark.parametrize("text", FRAUD_WITHOUT_THE_WORD)
def test_fraud_told_without_the_word(text):
    assert "fraud" in topics(text)


@pytest.mark.parametrize("text", NOT_FRAUD)
def test_its_look_alikes_are_no_fraud(text):
    assert "fraud" not in topics(text)
