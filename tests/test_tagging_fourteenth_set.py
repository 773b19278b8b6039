"""Round 2026.14, in texts written here (docs/tagging.md): fraud told without the usual words
and groups told as history, read off the tuning sets fresh30 (collected blind, outside the
project), each kind with a look-alike that stays untagged."""

from __future__ import annotations

import pytest

from tests.tagging_helpers import genre_points, topics

# Step 1, from fresh30 `ru-hard-pos` (read in full): how a scam is told when no word of
# "мошенничество" or "обман" is in it.
FRAUD_WITHOUT_THE_WORD = [
    # the "safe account" of the call from "the bank"
    "За сутки пятеро жителей области перевели свои и кредитные средства на «безопасные"
    " счета», сообщили в полиции.",
    # a caller posing as the bank's staff, in the instrumental the police use
    "Женщине позвонил мужчина и представился работником банка. Она перевела ему 400 тысяч"
    " тенге, возбуждено уголовное дело.",
    "Поверив, что им звонят представители банков, трое жителей города перевели деньги"
    " незнакомцам. Полиция начала досудебное расследование.",
    # posing as someone else to be given money
    "Двое подростков, прикинувшихся волонтерами, собирали деньги у прохожих; их разыскивает"
    " полиция.",
    "Мужчина представлялся экспертом по живописи и продавал копии картин как подлинники."
    " Ущерб превысил 13 млн рублей, задержан.",
    # the health insurance fund billed for treatment never given
    "Работники клиники отправили в фонд социального медицинского страхования ложные сведения"
    " о лечении 40 пациентов. Материалы переданы в полицию.",
    "Больница провела по фиктивным спискам шесть тысяч пациентов, которые якобы прошли"
    " обучение. Возбуждено уголовное дело.",
    # the misspelling of the word itself
    "Машенники предлагают пенсионерам приборы якобы от вируса, предупреждает полиция.",
    # trust paid for
    "Пенсионерка пострадала от своей доверчивости: незнакомец забрал у нее 300 тысяч тенге,"
    " сообщили в полиции.",
]

NOT_FRAUD = [
    # a real officer presenting himself, no role taken
    "Полицейский представился и показал удостоверение, после чего задержал угонщика.",
    # presented to the police, the dative plural, not posing as them
    "Водитель представил полицейским документы на автомобиль и продолжил путь.",
    # an account of a bank's own service, no scheme
    "Банк открыл клиентам новый сберегательный счет с повышенной ставкой.",
    # a contract dispute taken to a civil court by the customer
    "Как я судилась с подрядчиком, который обманул нас на 1,7 млн при ремонте дома: шесть"
    " заседаний и выигранный иск.",
]


@pytest.mark.parametrize("text", FRAUD_WITHOUT_THE_WORD)
def test_fraud_told_without_the_usual_words_is_tagged(text: str) -> None:
    assert "fraud" in topics(text)


@pytest.mark.parametrize("text", NOT_FRAUD)
def test_look_alikes_stay_untagged(text: str) -> None:
    assert "fraud" not in topics(text)


# Step 1, from fresh30 `ocg-hard` (read in full): bands of the Soviet past told as history,
# and a drug network named by its laboratories.
@pytest.mark.parametrize("text", [
    "Басмачи Ибрагим-бека в годы гражданской войны грабили кишлаки; главарь банды боролся с"
    " советской властью.",
    "В послевоенной Москве два года орудовала банда «Черная кошка», о ней и сейчас пишут"
    " романы, а ее преступления помнят историки.",
])
def test_bands_of_history_are_no_group_reported(text: str) -> None:
    assert "ocg" not in topics(text)
    assert genre_points(text).get("negative.history", 0) >= 2


def test_a_network_of_drug_laboratories_is_a_group() -> None:
    text = ("Полиция ликвидировала сеть нарколабораторий в трех областях, задержан 21 человек;"
            " вербовщики искали новых участников сети.")
    assert "ocg" in topics(text)


def test_a_band_in_the_news_today_stays_a_group() -> None:
    # history words are counted against the crime words: a band reported now keeps its tag
    text = ("Задержаны члены банды, которая грабила дома в Алматинской области; возбуждено"
            " уголовное дело, подозреваемые арестованы.")
    assert "ocg" in topics(text)


# Step 2, from fresh32 `hard` (read in full): a comedy on release, a film review's bandits,
# a group counted or recruited, and the fake shop's ending.
@pytest.mark.parametrize(("text", "topic"), [
    ("14 июня в прокат выходят «Аферисты поневоле», криминальная комедия с сильным составом"
     " актеров. Герои скрываются от кредитора и выстраивают хитрую комбинацию. Сценарий"
     " написал дебютант. Премьера состоится в Алматы. Билеты уже продаются. Показы пройдут"
     " во всех городах. Фильм идет полтора часа. Возрастное ограничение 16+. Критики ждут"
     " успеха.", "fraud"),
    # evidence in the lead: the lead's opening sentence, where the film is named, judges it
    ("Увидев этот фильм, многие подумают, что это обычная черная комедия. Времена"
     " изменились, так же как бандиты и чиновники. Хотя все по-прежнему решают деньги."
     " Симпатию вызывают даже бандиты и милиция. Актеры соответствуют своим ролям. Музыка"
     " подобрана хорошо. Операторская работа на высоте. Финал открытый. Смотреть стоит.",
     "ocg"),
])
def test_films_are_no_case(text: str, topic: str) -> None:
    assert topic not in topics(text)


@pytest.mark.parametrize("text", [
    "Полицейские задержали жителей района, которых подозревают в краже скота. В группу"
    " входили пять человек, они похищали коров с пастбищ.",
    "По данным следствия, организацию преступного бизнеса взяли на себя двое местных"
    " жителей, они вовлекли ещё семерых сообщников.",
])
def test_a_group_counted_or_recruited_is_a_group(text: str) -> None:
    assert "ocg" in topics(text)


def test_a_pair_acting_once_is_no_group() -> None:
    assert "ocg" not in topics("Двое местных жителей украли скот, возбуждено уголовное дело.")


def test_paid_and_never_delivered_is_the_fake_shops_ending() -> None:
    text = ("Мужчина перевёл продавцу с сайта объявлений 7 млн тенге, однако товара не дождался,"
            " а номер оказался заблокирован. Полиция начала расследование.")
    assert "fraud" in topics(text)


# Step 3, from fresh33 `traps` (read in full): a group told by its size, and the war years as
# history.
def test_a_group_of_four_or_more_is_a_group_and_of_three_is_not() -> None:
    assert "ocg" in topics("Полицейские задержали группу из шести человек, подозреваемых в"
                           " вооруженных грабежах и квартирных кражах.")
    assert "ocg" not in topics("Полицейские задержали группу из трех человек, подозреваемых в"
                               " краже из магазина.")


def test_bandits_of_the_war_years_are_history() -> None:
    text = ("Вторая мировая: что творили приезжие бандиты в военной Алма-Ате. В годы войны"
            " алматинцы не видели бомбежек. Зато каждую ночь в городе грабили, вспоминают"
            " ветераны. Бандиты нападали на прохожих. Об этом рассказывают архивы. Город жил"
            " трудно. Эвакуированные заводы работали круглые сутки. Хлеба не хватало.")
    assert "ocg" not in topics(text)
