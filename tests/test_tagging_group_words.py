"""Group words meet role and member words of their own language; population words are no gang.

Written after kinds a fresh real set (docs/tagging.md, round 2026.6) showed: the Russian "топ"
(top) paired with Russian role or member words as if it were the Kazakh "топ" (group); the
Kazakh "тоб*" fitting the town of Tobyl and the Tobol; and the mask for an ethnic group (a
population term) hiding "преступная этническая группа" and "этническая группировка".
"""

from __future__ import annotations

import pytest

from crawler.tagging.rules import tag_text


def topics(text: str) -> set[str]:
    return set(tag_text(None, text).topics)


@pytest.mark.parametrize("text", [
    "Топ-5 мошеннических схем этого лета: как не попасться на уловки аферистов.",
    "Топ-менеджеры и руководители банка задержаны, возбуждено уголовное дело о хищении.",
    "В Тобыле мошенники обманули владельца ИП на 24 млн тенге. Подразделение по борьбе с"
    " киберпреступностью установило четырёх дропперов, возбуждено уголовное дело.",
    "Болельщики «Тобола» пожаловались на мошенников, продававших поддельные билеты на матч.",
])
def test_a_top_list_a_top_manager_and_tobyl_are_no_group(text: str) -> None:
    assert "ocg" not in topics(text)


@pytest.mark.parametrize("text", [
    "Алаяқтар тобы ұсталды, қылмыстық іс қозғалды.",
    "Есірткі сатумен айналысқан топ мүшелері ұсталды, қылмыстық іс қозғалды.",
    "Топтың жетекшісі мен мүшелері ұсталды, қылмыстық іс қозғалды.",
    "Мал ұрлаушылар тобының мүшелері ұсталды, қылмыстық іс қозғалды.",
    "Группа мошенников задержана, возбуждено уголовное дело.",
    "Организатор группы распределил роли между участниками, возбуждено уголовное дело.",
    "В Москве задержаны четыре члена преступной этнической группы, подозреваемые в нападениях"
    " на инкассаторов.",
    "Этническая группировка контролировала рынок, задержан её лидер, возбуждено уголовное дело.",
])
def test_groups_in_each_language_and_ethnic_gangs_stay_ocg(text: str) -> None:
    assert "ocg" in topics(text)


def test_a_crowd_snatching_shields_is_no_group_drawing_people_into_crime() -> None:
    # "тартып алған" (snatched) is no "тартқан" (drew in): only drawing into crime counts.
    assert "ocg" not in topics("Ашулы топ полицейлердің қалқанын тартып алған, қылмыстық іс"
                               " қозғалды.")
    assert "ocg" in topics("Топ басшысы жастарды қылмысқа тартқан, оның мүшелері ұсталды,"
                           " қылмыстық іс қозғалды.")


def test_an_ethnic_group_of_the_population_is_still_no_gang() -> None:
    assert "ocg" not in topics("Перепись: казахи остаются крупнейшей этнической группой области;"
                               " уголовных дел о мошенничестве стало меньше.")


def test_an_acquittal_in_the_head_denies_the_group_the_body_retells() -> None:
    assert "ocg" not in topics(
        "Мосгорсуд оправдал обвиняемых в контрабанде кокаина через порт. Им грозило пожизненное"
        " лишение свободы за организацию ОПГ с целью наркотрафика. Подсудимых освободили в зале"
        " суда.")
    # One acquitted in the body, the group convicted in the lead: still a group case.
    assert "ocg" in topics(
        "Суд приговорил пятерых членов ОПГ к срокам от 8 до 12 лет за вымогательство. Одного из"
        " подсудимых суд оправдал. Группа действовала в Шымкенте с 2019 года.")


def test_a_partial_acquittal_in_the_lead_denies_only_its_own_sentence() -> None:
    # Acquitted of the group, convicted of fraud: the acquittal does not reach the fraud the
    # next sentence tells.
    got = topics("Суд оправдал подсудимых по статье о создании ОПГ, но признал их виновными в"
                 " мошенничестве. Они обманули 40 пенсионеров на 20 млн тенге.")
    assert got == {"fraud"}


def test_an_acquittal_of_the_group_in_the_lead_leaves_the_fraud_the_body_reports() -> None:
    # The lead acquits of the group and names no fraud; the body reports a fraud case under
    # investigation: the acquittal rules out the group only.
    got = topics("Суд оправдал пятерых жителей Шымкента, обвинявшихся в создании ОПГ. Отдельно"
                 " полиция расследует мошенничество: по данным департамента, двое из них"
                 " обманули 30 пенсионеров на 15 млн тенге, возбуждено уголовное дело.")
    assert got == {"fraud"}


def test_an_acquittal_naming_no_charge_in_the_title_still_denies_what_the_body_retells() -> None:
    got = topics("Суд оправдал экс-акима района\n\nЕго обвиняли в мошенничестве: по версии"
                 " следствия, он обманул фермеров на 40 млн тенге. Суд не нашёл доказательств.")
    assert "fraud" not in got
