"""Kinds the twelfth to fourteenth real sets' tuning halves showed (docs/tagging.md, round
2026.9), in texts written here.

Budget money paid on inflated figures, for work never done or as pay to people who never
worked is fraud beside a crime or a loss, and overpricing is not; an outlet retelling its own
earlier story ("Ранее «…» писала") points to that story, while the police's earlier
statement stays a sentence; a police warning in the lead of a sport item is about fraud, and
a film's lead stays a film; the head is one unit for context; the relative-in-trouble scheme
is phone fraud; a telecom network and a code article's name are no group. None of these
texts is copied from a real set.
"""

from __future__ import annotations

import pytest

from crawler.tagging.rules import tag_text
from crawler.tagging.structure import split_sentences
from crawler.tagging.vocab import VocabularyError, _excerpt_case


def topics(text: str, title: str | None = None) -> set[str]:
    return set(tag_text(title, text).topics)


@pytest.mark.parametrize(("text", "fraud"), [
    ("Прокуратура выявила хищение бюджетных средств. Поставщик завышал количество часов"
     " оказанных услуг, по актам ему оплатили 40 млн тенге.", True),
    ("В ходе следствия установлено, что часть оплаченных по актам работ фактически не"
     " выполнена. Ущерб государству превысил 200 млн тенге.", True),
    ("Тергеу барысында жұмыстардың бір бөлігі іс жүзінде орындалмағаны анықталды. Мемлекетке"
     " 200 млн теңге залал келтірілді.", True),
    ("Аудит нәтижесінде оқушылар саны қолдан көбейтілгені анықталды. Мемлекетке миллиардтаған"
     " теңге шығын келді, материалдар құқық қорғау органдарына жолданды.", True),
    # Overpricing is no false data: prices are no part of the rule.
    ("Подрядчик завысил цены на стройматериалы, установила прокуратура. Акимат расторг договор.",
     False),
    # Without a crime or a loss, an inflated plan is planning.
    ("Министр заявил, что объемы работ в планах на год завышены. Работы начнутся весной.",
     False),
])
def test_budget_money_on_inflated_figures_or_work_never_done_is_fraud(text: str,
                                                                        fraud: bool) -> None:
    assert ("fraud" in topics(text)) is fraud


@pytest.mark.parametrize("pointer", [
    "Ранее «Живая Кубань» писала, что в крае мошенники обналичили пять миллиардов рублей.",
    "Ранее Zakon.kz сообщал, что в Алматы задержали лидера ОПГ.",
    "Ранее издание Orda.kz рассказывало, что пенсионерка лишилась 3 млн тенге.",
    "Бұған дейін Tengrinews.kz Алматыда алаяқтар зейнеткерді алдағанын жазған болатын.",
])
def test_an_outlet_retelling_its_earlier_story_is_a_pointer(pointer: str) -> None:
    text = f"Полиция задержала троих мужчин. Им предъявлено обвинение в краже.{pointer}"
    parts = [(text[s.start:s.end].strip(), s.part) for s in split_sentences(text)]
    assert (pointer, "aside") in parts


def test_a_pointer_glued_to_the_last_sentence_no_longer_makes_the_text_about_fraud() -> None:
    text = ("ОПГ вымогала деньги у предпринимателей края. Трое мужчин задержаны. Им предъявлено"
            " обвинение в вымогательстве.Ранее «Живая Кубань» писала, что в крае мошенники"
            " обналичили пять миллиардов рублей.")
    assert topics(text) == {"ocg"}


def test_an_earlier_statement_of_the_police_stays_a_sentence() -> None:
    sentence = "Ранее полиция сообщала, что мошенники похитили у пенсионерки 2 млн тенге."
    parts = [(sentence[s.start:s.end].strip(), s.part) for s in split_sentences(sentence)]
    assert parts == [(sentence, "lead")]
    assert "fraud" in topics(sentence)


SPORT_BODY = (" Матч пройдет на Центральном стадионе. Команда провела открытую тренировку."
              " Главный тренер назвал состав на игру. Футболисты готовятся к турниру с сентября."
              " Болельщики ждут игру с «Реалом». Клуб впервые играет в основном этапе Лиги"
              " чемпионов. Стадион вмещает 23 тысячи зрителей. Следующий матч команда сыграет"
              " в Лондоне.")


def test_a_police_warning_in_the_lead_of_a_sport_item_is_about_fraud() -> None:
    text = ("Полиция предупредила болельщиков о риске мошенничества при покупке билетов на матч"
            " Лиги чемпионов. «Покупайте билеты только в официальных кассах», — предупредили в"
            " МВД. Не переводите предоплату незнакомцам в мессенджерах." + SPORT_BODY)
    assert "fraud" in topics(text)


def test_a_film_in_the_lead_stays_a_film_however_sporty_the_rest() -> None:
    text = ("В прокат выходит комедия о мошенниках, которые обманывают богачей на курорте."
            " Режиссер фильма рассказал о съемках, актеры провели на площадке три месяца."
            + SPORT_BODY)
    assert "fraud" not in topics(text)


# Step 2, from the thirteenth set's tuning half.

def test_a_telecom_network_is_no_criminal_network() -> None:
    text = ("Оператор проверяет звонки с признаками мошенничества, а также мошеннических действий"
            " на сетях связи, в том числе через GSM-шлюзы. Приказ вступил в силу.")
    assert topics(text) == {"fraud"}


def test_a_fraud_network_is_still_a_group() -> None:
    text = "Полиция ликвидировала мошенническую сеть из 12 человек, похищавших деньги граждан."
    assert "ocg" in topics(text)


@pytest.mark.parametrize("text", [
    "Пенсионерке позвонила неизвестная, представившись внучкой, и попросила денег на лечение."
    " Женщина лишилась 800 тысяч тенге.",
    "Собеседница утверждала, что сбила человека, и для решения проблемы нужно передать"
    " курьеру 800 тысяч рублей. Пенсионерка лишилась всех сбережений.",
    "Зейнеткер ақшаны курьерге беріп жіберген. Ол 2 млн теңгесінен айырылды.",
])
def test_the_relative_in_trouble_scheme_is_fraud(text: str) -> None:
    assert "fraud" in topics(text)


def test_a_courier_without_a_loss_is_a_delivery() -> None:
    text = "Заказ можно передать курьеру или забрать в пункте выдачи. Доставка бесплатная."
    assert "fraud" not in topics(text)


def test_kaskunem_is_a_crime_word_like_zloumyshlennik() -> None:
    # "алдап" (deceiving) is a cue that needs a crime or a loss beside it
    assert "fraud" in topics("Қаскүнемдер азаматтарды алдап түсіреді. Сақ болыңыздар.")
    assert "fraud" not in topics("Бұл фильмде кейіпкер досын алдап түсіреді. Сақ болыңыздар.")


LONG_BODY = " ".join(f"В районе номер {n} прошли проверки школ и детских садов." for n in range(9))


@pytest.mark.parametrize("head", [
    # a headless excerpt: headline, byline, then the lead's cue
    "Воровали миллиарды: сотни чиновников под следствием\nАвтор: Иван Петров\n"
    "Чиновники оформляли фиктивные зарплаты на родственников и знакомых.",
])
def test_a_cue_in_the_lead_has_the_headlines_crime_however_many_lines_apart(head: str) -> None:
    assert "fraud" in topics(f"{head}\n{LONG_BODY}")


def test_a_cue_in_the_body_still_needs_its_own_neighbours() -> None:
    text = ("Сотни чиновников под следствием.\n" + LONG_BODY
            + " Чиновники оформляли фиктивные зарплаты на родственников. " + LONG_BODY)
    assert "fraud" not in topics(text)


# Step 3, from the fourteenth set's tuning half.

def test_a_code_articles_name_with_alternatives_is_no_group() -> None:
    text = ("Возбуждено дело по части 4 статьи 159 («Мошенничество, совершенное организованной"
            " группой либо в особо крупном размере»). Ущерб составил 290 млн рублей.")
    assert topics(text) == {"fraud"}


def test_a_fraud_by_an_organised_group_is_still_a_group() -> None:
    text = "Мошенничество совершено организованной группой из шести человек, установил суд."
    assert "ocg" in topics(text)


@pytest.mark.parametrize(("text", "fraud"), [
    ("Бухгалтеры начисляли зарплату родственникам, которые не работали в школах, а деньги"
     " присваивали. Ущерб составил 3 млрд тенге.", True),
    ("Мектепте жұмыс істемейтін туыстарының карталарына ақша аударып келген. Олар сотталды,"
     " бюджетке залал келтірілді.", True),
    ("Банкомат не работал, поэтому зарплату выдали наличными. Полиция проверила кассу.", False),
])
def test_pay_sent_to_people_who_never_worked_is_budget_fraud(text: str, fraud: bool) -> None:
    assert ("fraud" in topics(text)) is fraud


# Step 4: the excerpt rule for fraud, after a lead that reports a loss.

PORCH_BODY = " ".join(f"Соседка номер {n} видела двух женщин у подъезда." for n in range(9))


def test_an_excerpt_opening_on_a_loss_is_about_the_fraud_it_names_later() -> None:
    text = ("После знакомства с двумя незнакомками пенсионерка лишилась своих накоплений."
            f" {PORCH_BODY} Мошенницы пообещали снять порчу и подменили пакет с деньгами.")
    assert "fraud" in topics(text)


def test_an_excerpt_opening_on_a_crime_without_a_loss_keeps_a_later_list_clause_aside() -> None:
    text = ("Полиция задержала подозреваемого в разбойном нападении на магазин."
            f" {PORCH_BODY} Ранее он был судим за грабежи, кражи и мошенничество.")
    assert "fraud" not in topics(text)


def test_an_article_with_a_title_keeps_its_own_head_after_a_loss() -> None:
    text = ("Пенсионерка лишилась своих накоплений." f" {PORCH_BODY}"
            " Мошенницы пообещали снять порчу и подменили пакет с деньгами.")
    assert "fraud" not in topics(text, title="Хроника происшествий за неделю")


@pytest.mark.parametrize("value", [["loss"], [], "harm", 3])
def test_excerpt_case_must_name_context_kinds(value: object) -> None:
    with pytest.raises(VocabularyError, match="excerpt_case"):
        _excerpt_case(value, "fraud.toml")


@pytest.mark.parametrize(("text", "fraud"), [
    ("За неделю зарегистрировано 15 грабежей, 40 краж и 12 фактов мошенничества.", False),
    ("Задержан мужчина, ранее судимый за грабежи, кражи и мошенничество.", False),
    ("Биыл облыста тонау, ұрлық және алаяқтық деректері азайды.", False),
    ("Ему предъявлено обвинение в мошенничестве и подделке документов.", True),
    ("Мошенники похитили у пенсионерки 2 млн тенге, сообщили в полиции.", True),
])
def test_fraud_listed_beside_a_robbery_and_a_theft_is_a_category(text: str, fraud: bool) -> None:
    assert ("fraud" in topics(text)) is fraud


# Step 5, from the fifteenth set's tuning half.

@pytest.mark.parametrize("text", [
    "Следствием установлено фактическое отсутствие ряда работ, которые ранее были приняты и"
    " оплачены по актам. Ущерб государству превысил 212 млн тенге.",
    "Учреждение выплатило центру за невыполненную работу 250 тысяч рублей, возбуждено"
    " уголовное дело.",
    "Против директора центра возбуждено уголовное дело за фиктивные услуги.",
])
def test_money_paid_for_work_never_done_is_budget_fraud(text: str) -> None:
    assert "fraud" in topics(text)


def test_work_not_done_without_a_crime_or_a_loss_is_a_delay() -> None:
    text = "Подрядчик не выполнил работы в срок из-за дождей. Акимат продлил договор до весны."
    assert "fraud" not in topics(text)
