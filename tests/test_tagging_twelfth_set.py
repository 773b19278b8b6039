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


# Step 2 (fresh23's `ru-mixed`): a measure against fraudsters is no case; money taken on
# forged papers is theft by deception; a sport item may carry a paragraph-long warning.
MEASURES_AGAINST_FRAUD = [
    "Для борьбы с мошенниками вводится период охлаждения на кредиты свыше 50 000 рублей.",
    "С 1 сентября вступили в силу новые правила борьбы со спамом и мошенниками.",
]
# ... while the police's fight reports its case
A_CASE_IN_THE_FIGHT = ("Для борьбы с мошенниками полиция задержала двух дропперов, которые"
                       " обналичили 5 млн тенге.")

MONEY_ON_FORGED_PAPERS = [
    "Пытаясь завладеть деньгами клиентов, злоумышленники предъявляли в банке поддельные"
    " доверенности. Возбуждено уголовное дело.",
    "По поддельной доверенности она сняла со счета пенсионерки 800 тысяч тенге. Возбуждено"
    " уголовное дело.",
]
# papers forged for something other than money
FORGED_FOR_SOMETHING_ELSE = [
    "Водитель предъявил поддельные права и получил штраф. Возбуждено уголовное дело.",
    "Студент получил диплом по поддельным документам, но деньги за обучение вернули.",
]

# Ten sentences of a match preview; the third to the fifth warn of fake tickets, with the
# noun "предупреждение" and "официальные площадки" as the warning's words.
SPORT_ITEM_WITH_A_WARNING = (
    "Футбольный клуб примет на своем поле чемпиона Испании в сентябре. Главное событие сезона"
    " вызвало ажиотаж среди фанатов. К ним уже обратился с предупреждением сервис по продаже"
    " билетов. Оно связано с ростом случаев мошенничества и продажи поддельных билетов на матч."
    " Единственными официальными площадками для продажи билетов являются сайт клуба и кассы"
    " стадиона. Все новости будут опубликованы на сайте клуба. Тренер назвал состав на игру."
    " Вратарь вернулся после травмы. Полузащитник пропустит встречу. Стадион вмещает 23 тысячи"
    " зрителей.")


@pytest.mark.parametrize("text", MEASURES_AGAINST_FRAUD)
def test_a_measure_brought_in_against_fraudsters_is_no_case(text):
    assert "fraud" not in topics(text)


def test_a_case_told_in_the_words_of_the_fight_stays():
    assert "fraud" in topics(A_CASE_IN_THE_FIGHT)


@pytest.mark.parametrize("text", MONEY_ON_FORGED_PAPERS)
def test_money_taken_on_forged_papers_is_fraud(text):
    assert "fraud" in topics(text)


@pytest.mark.parametrize("text", FORGED_FOR_SOMETHING_ELSE)
def test_papers_forged_for_something_else_are_no_fraud(text):
    assert "fraud" not in topics(text)


def test_a_sport_item_keeps_its_warning_paragraph():
    assert "fraud" in topics(SPORT_ITEM_WITH_A_WARNING)
    assert "fraud" not in topics("Судья вынес игроку предупреждение за грубость в матче.")


# Step 3 (fresh24, a tuning set of groups and of a newsroom's ordinary day): crime figures
# that count what groups did are a police chief's year, and the state's single hotline is
# no scam call-centre.
GROUPS_IN_CRIME_FIGURES = [
    "Начальник полиции отметил: есть рост и тех преступлений, которые были совершены людьми"
    " в составе организованных групп.",
    "Доля преступлений, совершенных ОПГ, снизилась на 12 процентов, сообщил прокурор области.",
]
A_GROUPS_CRIMES = "Участники ОПГ совершили серию преступлений в Алматы, задержаны пять человек."

STATE_HOTLINE = ("Параллельно действовал единый call-центр, куда поступило 60 звонков от"
                 " жителей. Правоохранительные органы приняли обращения.")
SCAM_CALL_CENTRE = "Мошенники из call-центра звонили пенсионерам и похитили 5 млн тенге."


@pytest.mark.parametrize("text", GROUPS_IN_CRIME_FIGURES)
def test_groups_counted_in_crime_figures_are_no_group_reported(text):
    assert "ocg" not in topics(text)


def test_a_groups_own_crimes_are_reported():
    assert "ocg" in topics(A_GROUPS_CRIMES)


def test_the_single_state_hotline_is_no_scam_call_centre():
    assert "fraud" not in topics(STATE_HOTLINE)
    assert "fraud" in topics(SCAM_CALL_CENTRE)
