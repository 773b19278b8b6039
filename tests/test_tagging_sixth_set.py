"""Kinds a sixth real set showed (docs/tagging.md, round 2026.7), in texts written here.

A conviction is crime context; anti-fraud vendors' interviews and drills are no case; spreading
false information is a hoax offence, not money taken by false data; benefits obtained
unlawfully, donors deceived and fake tickets are fraud; the authorities denying a group and a
count of groups stopped are no group case; Russian and Ukrainian regional centres are abroad,
and Kazakhstan's agencies named in Kazakh are home. None of these texts is copied from a
real set.
"""

from __future__ import annotations

import pytest

from crawler.tagging.rules import tag_text


def tagged(text: str, title: str | None = None) -> tuple[set[str], bool]:
    result = tag_text(title, text)
    return set(result.topics), result.kz_related


def test_a_conviction_outweighs_a_figurative_genre_word() -> None:
    # "игроки" (players) is a games word; the court's verdict makes the fraud a case.
    topics, _ = tagged(
        "С государством в азартные игры лучше не играть: такие «игроки» дорого платят. Жительница"
        " села подала заявление на пособие на троих детей и получила 400 тысяч тенге. Суд"
        " признал её виновной в мошенничестве и назначил штраф.")
    assert "fraud" in topics


@pytest.mark.parametrize("text", [
    "Технический директор компании рассказал о рынке решений для банков. Наша антифрод-система"
    " выявляет мошенничество в платежах, а ИТ-решения по импортозамещению уже внедрены в пяти"
    " банках. Выручка компании выросла вдвое, стартап вышел на рынок Узбекистана.",
    "Вендор представил новую продуктовую линейку: антифрод и AML-проверки для финтеха. По словам"
    " технического директора, спрос на защиту от мошенничества растёт.",
])
def test_an_anti_fraud_vendors_interview_is_business_news(text: str) -> None:
    assert "fraud" not in tagged(text)[0]


def test_a_banks_figures_on_stopped_fraud_stay_fraud() -> None:
    # Crime and harm words of real cases outweigh the vendor words.
    topics, _ = tagged(
        "Антифрод-система банка за год остановила 12 тысяч мошеннических переводов. Потерпевшие"
        " всё же лишились 2 млрд тенге: мошенники звонили от имени службы безопасности, полиция"
        " возбудила 300 уголовных дел.")
    assert "fraud" in topics


def test_spreading_false_information_is_no_fraud_by_false_data() -> None:
    topics, _ = tagged(
        "Видео с нападением в подъезде сняли не в Темиртау, а за рубежом, сообщили в полиции."
        " Департамент полиции предупреждает, что за распространение заведомо ложных сведений"
        " предусмотрена уголовная ответственность.")
    assert "fraud" not in topics
    topics, _ = tagged(
        "Жительница Тараза предоставила ложные сведения о доходах и получила пособие на 900"
        " тысяч тенге. Полиция возбудила уголовное дело.")
    assert "fraud" in topics


@pytest.mark.parametrize("text", [
    "Прокуратура области выявила 86 семей, незаконно получивших адресную социальную помощь на 17"
    " млн тенге: они скрыли доходы и имущество.",
    "Прокуратура анықтады: 40 отбасы атаулы әлеуметтік көмекті заңсыз алған, қылмыстық іс"
    " қозғалды.",
])
def test_social_aid_obtained_unlawfully_is_fraud(text: str) -> None:
    assert "fraud" in tagged(text)[0]


def test_donors_deceived_is_fraud() -> None:
    topics, _ = tagged("Волонтеры рассказали о токсичных сборах и громких скандалах.",
                       "Как обманывают благотворителей в Казахстане")
    assert "fraud" in topics


@pytest.mark.parametrize("place", ["В Твери", "В Калуге", "В Херсонской области", "В Самаре",
                                   "В Ярославле"])
def test_russian_and_ukrainian_regional_centres_are_abroad(place: str) -> None:
    topics, kz_related = tagged(f"{place} задержали трёх мошенниц, которые под видом"
                                " соцработников похищали сбережения пенсионеров.")
    assert "fraud" in topics
    assert kz_related is False


def test_yaroslav_is_a_name_not_a_city() -> None:
    _, kz_related = tagged("В Алматы мошенник Ярослав К. обманул пенсионерку на 2 млн тенге,"
                           " полиция задержала его.")
    assert kz_related is True


def test_fake_tickets_sold_at_the_box_office_are_fraud() -> None:
    topics, _ = tagged("Концерт прошёл со скандалом: прямо в кассе зала продавали фальшивые"
                       " билеты, организаторы остались в убытке.")
    assert "fraud" in topics


def test_a_cyber_drills_scenario_is_no_case() -> None:
    topics, _ = tagged(
        "В столице прошли киберучения. По сценарию условный злоумышленник атаковал сайты"
        " госорганов, рассылал фишинговые письма и пытался похитить данные. Специалисты"
        " отразили атаку за два часа.")
    assert "fraud" not in topics


def test_the_authorities_denying_a_group_is_no_group() -> None:
    topics, _ = tagged("По делу задержаны десять человек, возбуждено дело по статье"
                       " «Хулиганство».", "Убийство подростка: в МВД отрицают наличие ОПГ")
    assert "ocg" not in topics


def test_a_count_of_groups_stopped_in_a_speech_is_no_group_case() -> None:
    # A short text, where any sentence would count: the count of groups stopped this year
    # is a results line, not a group case (Kazakh, active voice "жолын кестік").
    topics, _ = tagged(
        "Министр ТМД елдері ішкі істер министрлері кеңесінің отырысында сөз сөйледі. Биыл 13"
        " ұйымдасқан қылмыстық топтың жолын кестік, оның үшеуі трансұлттық. Министрлер"
        " бірлескен операцияларды талқылады.")
    assert "ocg" not in topics


def test_kazakhstans_agencies_named_in_kazakh_are_home() -> None:
    _, kz_related = tagged(
        "ҰҚК көршілес мемлекеттердің арнайы қызметтерімен бірлесіп есірткі арнасының жолын кесті."
        " Мәскеу облысында трансұлттық есірткі тобының 2 мүшесі ұсталды.")
    assert kz_related is True
