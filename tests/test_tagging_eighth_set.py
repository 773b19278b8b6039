"""Kinds the eighth to eleventh real sets showed (docs/tagging.md, round 2026.8), in texts
written here.

A photo credit is no lead; an excerpt whose opening reports a crime is about the group a
later sentence names (not about a fraud named there); a search party is no group; a
count of groups in the numbers' neuter form (also among the people detained) is a statistics
line; the police saying no group operates deny one; a group "орудовавшая" is a group;
"афера" is a scam beside a crime; donations kept by those who raised them are fraud; a
disguise is deceit only beside a loss; salaries paid to "dead souls" are budget fraud; a bank
"never calls" is a warning; a debunked fake account is a hoax; the State Duma is abroad. None
of these texts is copied from a real set.
"""

from __future__ import annotations

import pytest

from crawler.tagging.rules import tag_text
from crawler.tagging.structure import split_sentences


def tagged(text: str, title: str | None = None) -> tuple[set[str], bool]:
    result = tag_text(title, text)
    return set(result.topics), result.kz_related


@pytest.mark.parametrize("credit", [
    "Фото: пресс-служба ДП Алматы", "Сурет: polisia.kz", "Фото - Zakon.kz", "Видеодан кадр",
    "Кадр из видео", "Иллюстративное фото", "Photo: Reuters/iiv.uz",
])
def test_a_photo_credit_line_is_an_aside_not_the_lead(credit: str) -> None:
    text = f"Схему раскрыли в Шымкенте\n\n{credit}\nПолиция задержала троих мужчин в центре города."
    parts = [(text[s.start:s.end].strip(), s.part) for s in split_sentences(text, headless=True)]
    assert (credit, "aside") in parts
    assert ("Полиция задержала троих мужчин в центре города.", "lead") in parts


@pytest.mark.parametrize("sentence", [
    "Видео показывает, как мошенники обманули пенсионерку.",
    "Фотографии с места происшествия публикуют очевидцы.",
])
def test_a_sentence_about_a_photo_or_video_stays_a_sentence(sentence: str) -> None:
    text = f"Полиция задержала троих мужчин. {sentence} Суд арестовал всех троих."
    parts = [(text[s.start:s.end].strip(), s.part) for s in split_sentences(text)]
    assert (sentence, "body") in parts


GROUP_CHARGE = "Задержанным предъявлено обвинение в краже, совершённой организованной группой."


def _excerpt(opening: str, later: str) -> str:
    filler = " ".join(f"Житель дома номер {n} рассказал журналистам о том вечере."
                      for n in range(9))
    return f"{opening} {filler} {later} Дело передано в суд."


@pytest.mark.parametrize(("opening", "later"), [
    ("Ночью неизвестные вскрыли банкомат и похитили 30 млн тенге.", GROUP_CHARGE),
    ("Түнде белгісіз адамдар банкоматты бұзып, 30 млн теңге ұрлап кеткен.",
     "Күдіктілерге ұйымдасқан топ құрамында ұрлық жасады деген айып тағылды."),
])
def test_an_excerpt_opening_on_a_crime_is_about_the_group_it_names(opening: str,
                                                                    later: str) -> None:
    assert "ocg" in tagged(_excerpt(opening, later))[0]


def test_an_excerpt_opening_on_a_crime_is_not_about_a_fraud_named_in_one_later_clause() -> None:
    # Fraud that is the subject is named in the lead; further on it is a clause of a list.
    text = _excerpt("Ночью неизвестные вскрыли банкомат и похитили 30 млн тенге.",
                    "Выросла раскрываемость грабежей, краж и фактов мошенничества.")
    assert "fraud" not in tagged(text)[0]


def test_an_excerpt_opening_on_no_crime_keeps_one_later_sentence_an_aside() -> None:
    text = _excerpt("В Павлодаре открыли новую библиотеку для школьников.",
                    GROUP_CHARGE)
    assert "ocg" not in tagged(text)[0]


@pytest.mark.parametrize("text", [
    "Жылқылар жоғалды. Полиция бес іздестіру тобын құрды, жылқылар табылды және иелеріне"
    " қайтарылды.",
    "Алаяқтықпен күрес үшін министрлік жұмыс тобын құрды, деп хабарлады полиция.",
])
def test_a_search_party_or_task_force_set_up_is_no_group(text: str) -> None:
    # The cue "топ құрды" starts on the masked "іздестіру тобы" / "жұмыс тобы" and runs past
    # it: a mask hides every match whose first word it holds.
    assert "ocg" not in tagged(text)[0]


def test_a_mask_leaves_a_match_that_only_ends_inside_it() -> None:
    # "Преступной группой" ends inside the mask "группой лиц", but opens before it.
    topics, _ = tagged("Суд установил, что преступной группой лиц руководил Б., банда"
                       " вымогала деньги у торговцев рынка.")
    assert "ocg" in topics


def test_an_article_with_a_title_is_held_to_its_own_head() -> None:
    # A whole article: a crime in the lead and the group in one body clause is a round-up.
    text = _excerpt("Ночью неизвестные вскрыли банкомат и похитили 30 млн тенге.",
                    GROUP_CHARGE)
    assert "ocg" not in tagged(text, title="Происшествия недели в Павлодаре")[0]


@pytest.mark.parametrize("text", [
    "Министр доложил о работе полиции. Ликвидировано 185 преступных групп, причастных к тяжким"
    " преступлениям. Обсуждались также дороги и школы.",
    "По итогам коллегии: выявлено 12 ОПГ, изъято 3 тонны наркотиков.",
])
def test_a_count_of_groups_is_a_statistics_line(text: str) -> None:
    assert "ocg" not in tagged(text)[0]


@pytest.mark.parametrize("text", [
    "В Алматы ликвидировано преступное сообщество, занимавшееся вымогательством у торговцев.",
    "В Караганде ликвидирована ОПГ, члены которой похищали топливо с поездов.",
    "В Шымкенте задержано 5 членов ОПГ, занимавшейся вымогательством у предпринимателей.",
])
def test_one_group_stopped_is_a_case(text: str) -> None:
    assert "ocg" in tagged(text)[0]


@pytest.mark.parametrize("text", [
    "В полиции отметили, что сейчас в городе не фиксируются ОПГ, специализирующиеся на угонах:"
    " угоны совершают одиночки.",
    "Облыста ұйымдасқан қылмыстық топтар тіркелмеген, деді полиция өкілі.",
])
def test_the_police_saying_no_group_operates_deny_a_group(text: str) -> None:
    assert "ocg" not in tagged(text)[0]


def test_a_group_named_by_where_it_operated_is_a_group() -> None:
    topics, _ = tagged("Полицейские задержали группу, орудовавшую на железнодорожной станции:"
                       " похищено 500 литров топлива, возбуждено уголовное дело.")
    assert "ocg" in topics


def test_an_afera_beside_a_crime_is_fraud_and_alone_is_not() -> None:
    assert "fraud" in tagged("Аферу с путёвками раскрыли в Шымкенте: турагент взял деньги у 40"
                             " клиентов и скрылся.")[0]
    assert "fraud" not in tagged("Критики назвали реформу политической аферой.")[0]


def test_donations_kept_by_those_who_raised_them_are_fraud() -> None:
    topics, _ = tagged("В Караганде супругов обвиняют в присвоении 40 млн тенге, собранных через"
                       " соцсети на лечение дочери.")
    assert "fraud" in topics


@pytest.mark.parametrize(("text", "fraud"), [
    ("Сотрудники полиции назначили встречу продавцу под видом покупателей и задержали его.",
     False),
    ("Мужчина под видом продавца взял предоплату и скрылся, потерпевшая лишилась 200 тысяч"
     " тенге.", True),
])
def test_a_disguise_is_deceit_only_beside_a_loss(text: str, fraud: bool) -> None:
    assert ("fraud" in tagged(text)[0]) is fraud


def test_what_a_bank_never_asks_is_a_warning_that_frames_a_scheme() -> None:
    filler = " ".join(f"Банк напомнил правило номер {n}." for n in range(8))
    text = (f"{filler} Банк ешқашан сұрамайды картаның кодын. Бұл ақпарат алаяқтар үшін ғана"
            " маңызды. Тұтқаны қойыңыз.")
    assert "fraud" in tagged(text)[0]


def test_the_state_duma_is_abroad() -> None:
    topics, kz = tagged("Госдума приняла закон против телефонных мошенников: операторы будут"
                        " блокировать подозрительные звонки.")
    assert "fraud" in topics
    assert kz is False


def test_groups_counted_among_the_people_detained_are_a_statistics_line() -> None:
    topics, _ = tagged("На брифинге подвели итоги года. За квартирные кражи задержано почти 300"
                       " лиц и 7 преступных групп. Раскрываемость выросла.")
    assert "ocg" not in topics
    topics, _ = tagged("В Уральске задержаны пять участников преступной группы, которая"
                       " обворовывала квартиры: возбуждено уголовное дело.")
    assert "ocg" in topics


def test_a_debunked_fake_account_is_a_hoax() -> None:
    topics, _ = tagged("В Атырау умер аким - фейк. На фейковом аккаунте оперативного штаба"
                       " распространяется информация о смерти акима. Информация не является"
                       " достоверной, аким жив и здоров.")
    assert "fraud" not in topics


@pytest.mark.parametrize(("text", "fraud"), [
    ("В школах выявили 41 мёртвую душу: зарплату получали родственники директора, ущерб"
     " бюджету 90 млн тенге.", True),
    ("Мектепте 41 өлі жан анықталып, мемлекетке 90 млн теңге шығын келтірілді.", True),
    ("Гоголь написал «Мёртвые души» в 1842 году.", False),
])
def test_salaries_paid_to_dead_souls_are_budget_fraud(text: str, fraud: bool) -> None:
    assert ("fraud" in tagged(text)[0]) is fraud
