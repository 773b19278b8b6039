"""Round 2026.11, steps 1-7, in texts written here (docs/tagging.md): an audit of every
one-word term of the vocabulary against a Russian dictionary (every word form it meets), of
the negators, the nineteenth and twentieth real sets' tuning halves, and the bugs they found.

Context words that took everyday senses: the guarantor's "гарант*" also took "гарантированная
доходность", what a pyramid promises, so a swindle promising it was civil law; "следовател*"
took "следовательно", "задерж*" a delay of wages, "оперативн*" the akimat that replied
"оперативно", "советы" any council; the glossary's "итал" was Italy (of the mafia) and
"термин*" a payment terminal, politics' "выборы" any choice, "психолог*" the fraudster's
"психологическое давление", history's "девяност*" the number ninety. Words that decided a topic
alone in a sense crime news also uses: depositors of a failed bank, cash-out through one-day
firms, and "якобы получил взятку". A negator meant for comparisons ("бюджет напоминает
финансовую пирамиду") cancelled any sentence with "напоминает", the police's own word for a
warning, and "похожий на" and "ұқсас", the words of a phishing site. Last, from the tuning
half: a measure's aim ("мера направлена на предотвращение мошенничества") is no case and no
warning. None of these texts is copied from a real set.
"""

from __future__ import annotations

import pytest

from crawler.tagging.rules import prepare_fields, read_fields
from crawler.tagging.structure import split_sentences
from crawler.tagging.vocab import load_vocabulary
from tests.tagging_helpers import points, topics


@pytest.mark.parametrize(("text", "lang"), [
    ("Мошенники обещали гарантированную доходность 50 процентов от вложений в криптовалюту.",
     "ru"),
    ("Компания жоғары табысқа кепілдік беріп, 300 адамның ақшасын жинаған, кейін жоғалып кетті."
     " Полиция қылмыстық іс қозғады.", "kk"),
])
def test_a_guaranteed_income_is_the_lure_of_a_swindle_not_civil_law(text: str, lang: str) -> None:
    assert "fraud" in topics(text, lang)


def test_a_guarantor_is_still_civil_law() -> None:
    assert points("Суд взыскал долг с поручителя и гаранта по кредиту.").get("negative.civil") == 2
    assert "negative.civil" not in points("Банк предлагает вклад с гарантированной доходностью.")


def test_an_alleged_bribe_is_no_service_pretended_for_money() -> None:
    text = ("Бывший аким района якобы получил взятку в размере 5 миллионов тенге за выделение"
            " земельного участка, сообщает антикоррупционная служба.")
    assert "fraud" not in topics(text)


def test_money_taken_for_a_pretended_service_is_still_fraud() -> None:
    text = ("Мужчина получил 3 млн тенге за якобы решение вопроса в суде. Полиция возбудила"
            " уголовное дело.")
    assert "fraud" in topics(text)


def test_cash_out_through_one_day_firms_is_no_fraud() -> None:
    assert "fraud" not in topics(
        "Группа лиц через фирмы-однодневки обналичила 2 миллиарда тенге, установила АФМ.")


def test_a_card_passed_to_strangers_is_still_droppers() -> None:
    text = "Студент передал свою банковскую карту незнакомцам за 20 тысяч тенге. Его задержали."
    assert "fraud" in topics(text)


@pytest.mark.parametrize(("text", "lang"), [
    ("Вкладчики обанкротившегося банка требуют вернуть деньги. Прокуратура возбудила уголовное"
     " дело о растрате против бывшего председателя правления.", "ru"),
    ("Лицензиясынан айырылған банктің салымшылары өтемақы алады. Банк басшыларына қатысты"
     " қылмыстық іс қозғалды.", "kk"),
])
def test_depositors_of_a_failed_bank_are_no_pyramid(text: str, lang: str) -> None:
    assert "fraud" not in topics(text, lang)


def test_depositors_promised_forty_percent_are_a_pyramids() -> None:
    text = "Вкладчики компании, обещавшей 40 процентов в месяц, обратились в полицию."
    assert "fraud" in topics(text)


@pytest.mark.parametrize("text", [
    "Платежный терминал установили в торговом центре.",
    "Делегация из Италии провела переговоры в Астане.",
    "Покупатели сделали выбор в пользу отечественных товаров.",
    "Мошенники используют психологическое давление и спешку.",
    "Аренда обошлась в девяносто тысяч тенге.",
    "Сборный пункт для гуманитарной помощи открыт у акимата.",
    "Власти радикально изменили правила выдачи лицензий.",
])
def test_everyday_senses_are_no_genre_words(text: str) -> None:
    assert not any(k.startswith("negative") for k in points(text))


@pytest.mark.parametrize(("text", "genre"), [
    ("Термин появился в словаре.", "negative.glossary"),
    ("Досрочные выборы назначены на весну.", "negative.politics"),
    ("Психолог советует супругам чаще говорить.", "negative.everyday"),
    ("В лихие девяностые годы бизнес платил бандитам.", "negative.history"),
    ("Сборная Казахстана выиграла матч.", "negative.sport"),
    ("Радикалы призывали к насилию.", "negative.terrorism"),
])
def test_the_genre_words_still_count_in_their_own_sense(text: str, genre: str) -> None:
    assert genre in points(text)


@pytest.mark.parametrize("text", [
    "Следовательно, рост цен замедлится, считают экономисты.",
    "Задержка зарплаты учителям составила два месяца.",
    "Акимат оперативно отреагировал на жалобы жителей.",
])
def test_everyday_words_are_no_crime_context(text: str) -> None:
    assert "crime" not in points(text)


@pytest.mark.parametrize("text", [
    "Следователь допросил свидетеля.",
    "Подозреваемого задержали в аэропорту.",
    "Оперативники провели оперативно-розыскные мероприятия.",
])
def test_the_crime_context_still_counts_in_its_own_sense(text: str) -> None:
    assert points(text).get("crime", 0) >= 1


def test_a_council_is_no_warning_and_advice_is() -> None:
    assert "warning" not in points("Совет директоров утвердил отчет.")
    assert "warning" in points("Специалисты советуют не переходить по ссылкам.")


@pytest.mark.parametrize(("text", "lang"), [
    ("Полиция напоминает о мошенничестве.", "ru"),
    ("В целях профилактики мошенничества полиция напоминает: не сообщайте коды из СМС"
     " посторонним.", "ru"),
    ("Мошенники создали сайт, похожий на сайт банка, и похитили данные карт 40 клиентов.", "ru"),
    ("Алаяқтар банк сайтына ұқсас жалған сайт жасап, 40 адамның ақшасын ұрлаған.", "kk"),
])
def test_the_polices_reminder_and_a_look_alike_site_are_no_comparison(text: str,
                                                                       lang: str) -> None:
    assert "fraud" in topics(text, lang)


@pytest.mark.parametrize(("text", "lang"), [
    ("Эта схема напоминает финансовую пирамиду, считает экономист.", "ru"),
    ("Бюджет фонда похож на пирамиду, заявил депутат.", "ru"),
    ("Бұл жоба қаржы пирамидасына ұқсайды, деді сарапшы.", "kk"),
])
def test_a_comparison_is_still_no_case(text: str, lang: str) -> None:
    assert "fraud" not in topics(text, lang)


@pytest.mark.parametrize(("text", "lang"), [
    ("Закон подписан Президентом. Данная мера направлена на предотвращение мошенничества в"
     " финансовом секторе. Биометрия снизит риск мошеннических операций и защитит данные"
     " заемщиков. Закон вступит в силу через 60 дней.", "ru"),
    ("Проект призван защитить граждан от мошенников, пояснил министр. Документ обсудят в"
     " мажилисе.", "ru"),
    ("Жаңа заң алаяқтықтың алдын алуға бағытталған. Заң қол қойылған күннен бастап күшіне"
     " енеді.", "kk"),
])
def test_a_measures_aim_is_no_case_and_no_warning(text: str, lang: str) -> None:
    assert "fraud" not in topics(text, lang)


@pytest.mark.parametrize("text", [
    "Следователи установили, что средства, направленные на борьбу с пандемией, были похищены"
    " путем обмана.",
    "Чтобы снизить риск стать жертвой мошенников, не переходите по ссылкам из сообщений."
    " Полиция напоминает, что банки никогда не просят коды.",
    "Полиция Алматы предупреждает о новой схеме мошенничества. Злоумышленники звонят от имени"
    " банка и просят назвать код из СМС. За неделю пострадали 12 человек.",
])
def test_money_allocated_and_stolen_and_advice_to_lower_the_risk_stay_fraud(text: str) -> None:
    assert "fraud" in topics(text)


def lead_of(text: str) -> list[str]:
    return [text[s.start:s.end].strip() for s in split_sentences(text, headless=True)
            if s.part == "lead"]


def test_a_page_opening_on_its_menu_and_headline_twice_keeps_its_first_sentence_in_the_lead(
) -> None:
    # a page as a search index keeps it: section menu, headline, source, date, views, the
    # headline again, then the first written sentence
    text = ("Спорт Қазақстан\n$442.05 €474.14\n\nЛиквидирован крупный канал сбыта оружия\n\n"
            "AstanaTV\n12.04.2023г. в 12:50\n2551\nЛиквидирован крупный канал сбыта оружия\n"
            "КНБ РК\n\nСотрудники КНБ задержали преступную группу, которая переделывала"
            " травматическое оружие в боевое.\n\nИзъято 32 автомата и 88 пистолетов. Оружие"
            " продавали на черном рынке.")
    assert "Сотрудники КНБ задержали преступную группу, которая переделывала травматическое" \
           " оружие в боевое." in lead_of(text)
    assert "ocg" in topics(text)


def test_a_headline_and_its_standfirst_leave_the_lead_to_the_first_sentence() -> None:
    text = ("Крупный канал незаконной миграции перекрыли на границе\n"
            "За свои услуги правонарушители получали до 500 тысяч тенге с каждого\n"
            "Полицейские пресекли деятельность преступной группы, организовавшей канал."
            " Задержаны четыре организатора. Изъяты паспорта. Возбуждено дело. Идет следствие."
            " Проверяются связи. Всех допросили. Ведется работа.")
    assert lead_of(text)[-1].startswith("Полицейские пресекли деятельность")


def test_an_excerpt_of_written_sentences_keeps_a_lead_of_two() -> None:
    text = ("Полиция Астаны задержала мужчину у вокзала. Он украл телефон в магазине."
            " Телефон вернули владельцу. Возбуждено уголовное дело.")
    assert lead_of(text) == ["Полиция Астаны задержала мужчину у вокзала.",
                             "Он украл телефон в магазине."]


def test_a_thieves_haul_of_goods_is_no_undelivered_order() -> None:
    text = ("Полицейские пресекли кражу десяти тонн зерна: вывезти товар не успели, ущерб"
            " составил 1,5 млн тенге.")
    assert "fraud" not in topics(text)


def test_goods_that_never_came_are_still_a_fake_shop() -> None:
    text = "Покупательница перевела предоплату, но товар не пришел. Полиция ищет продавца."
    assert "fraud" in topics(text)


def test_a_loan_for_a_car_is_no_loan_in_someone_elses_name() -> None:
    reading = read_fields(prepare_fields(None, "Мужчина оформил кредит на покупку автомобиля.",
                                         "ru"), load_vocabulary())
    rules = [rule for d in reading.decisions if d.topic == "fraud" for _, rule in d.evidence]
    assert not [rule for rule in rules if rule.startswith("fraud.loans:оформил")]


@pytest.mark.parametrize(("text", "lang"), [
    ("В целях пресечения деятельности преступных групп полиция провела спецоперацию, задержаны"
     " 10 членов ОПГ.", "ru"),
    ("С целью пресечения деятельности организованной преступной группы, занимавшейся"
     " вымогательством, полицейские провели обыски у 12 ее участников.", "ru"),
    ("Ұйымдасқан қылмыстық топтың қызметінің жолын кесу мақсатында полиция арнайы операция"
     " жүргізіп, топтың 8 мүшесін ұстады.", "kk"),
])
def test_a_police_operation_against_a_group_is_no_measures_aim(text: str, lang: str) -> None:
    assert "ocg" in topics(text, lang)


@pytest.mark.parametrize(("text", "lang"), [
    ("Новая норма направлена на пресечение деятельности преступных групп, пояснил депутат.",
     "ru"),
    ("Заң ұйымдасқан қылмыстық топтарға қарсы күреске бағытталған, деді депутат.", "kk"),
])
def test_a_laws_aim_against_groups_is_still_no_group(text: str, lang: str) -> None:
    assert "ocg" not in topics(text, lang)


def test_a_group_told_by_its_members_count_beside_a_crime_is_a_group() -> None:
    text = ("Они вымогали деньги у предпринимателей под угрозой расправы. Группа состояла из"
            " пяти мужчин и действовала на территории области. Полицейские задержали троих.")
    assert "ocg" in topics(text)


@pytest.mark.parametrize("text", [
    "Рабочая группа состояла из пяти депутатов. Она подготовила поправки.",
    "Туристическая группа состояла из 12 человек, их эвакуировали спасатели. Полиция"
    " проверяет обстоятельства.",
])
def test_a_working_group_or_tourists_counted_are_no_group(text: str) -> None:
    assert "ocg" not in topics(text)


def test_work_never_done_written_into_the_acts_is_budget_fraud() -> None:
    text = ("Сведения о невыполненных работах подрядчик включал в акт выполненных работ, который"
            " подписывал заказчик. Суд приговорил его к 3 годам.")
    assert "fraud" in topics(text)


@pytest.mark.parametrize("text", [
    "Надежды вкладчиков не оправдались: финансовая пирамида рухнула, полиция возбудила дело."
    " Пострадали 300 человек.",
    "Вложения не оправдали себя. Финансовая пирамида рухнула, полиция возбудила уголовное дело"
    " по факту мошенничества.",
    "Суд не оправдал надежд потерпевших: мошенник получил условный срок.",
])
def test_hopes_not_justified_are_no_acquittal(text: str) -> None:
    assert "fraud" in topics(text)


@pytest.mark.parametrize(("text", "topic"), [
    ("Суд оправдал обвиняемых в мошенничестве. Прокуратура обжалует приговор.", "fraud"),
    ("Обвиняемые в создании ОПГ оправданы судом присяжных.", "ocg"),
])
def test_an_acquittal_still_denies(text: str, topic: str) -> None:
    assert topic not in topics(text)


def test_a_court_that_softened_the_sentence_of_a_gang_still_reports_the_gang() -> None:
    text = "Суд смягчил приговор членам ОПГ, вымогавшим деньги у предпринимателей Шымкента."
    assert "ocg" in topics(text)


def test_a_law_that_toughens_the_punishment_for_groups_is_no_group() -> None:
    assert "ocg" not in topics("Поправки ужесточат наказание за создание ОПГ, сообщил депутат.")


@pytest.mark.parametrize("text", [
    "Определением суда члены ОПГ арестованы на два месяца.",
    "Как объясняют в полиции, члены ОПГ вымогали деньги у торговцев рынка.",
    "Дело переквалифицировали на статью 262 УК - участие в ОПГ, сообщили в прокуратуре.",
    "Члены ОПГ карались по всей строгости: суд приговорил главаря к 15 годам.",
])
def test_a_courts_ruling_or_the_polices_account_is_no_definition_of_a_group(text: str) -> None:
    assert "ocg" in topics(text)


@pytest.mark.parametrize("text", [
    "Что такое ОПГ и как она устроена, объясняем в материале.",
    "Дело переквалифицировали со статьи 262 на мошенничество: признаков ОПГ суд не нашел.",
])
def test_an_explainer_or_a_charge_dropped_still_deny_the_group(text: str) -> None:
    assert "ocg" not in topics(text)


@pytest.mark.parametrize(("text", "lang"), [
    ("Основные признаки финансовой пирамиды: нет лицензии, обещают высокий доход за"
     " привлечение друзей.", "ru"),
    ("Признаки мошенничества: у компании нет лицензии, а доходность обещают в 30 процентов.",
     "ru"),
    ("Қаржы пирамидасының белгілері: лицензиясы жоқ, жоғары табыс уәде етеді.", "kk"),
])
def test_the_signs_of_a_pyramid_listed_are_an_explainer(text: str, lang: str) -> None:
    assert "fraud" in topics(text, lang)


@pytest.mark.parametrize(("text", "lang"), [
    ("Проверка показала, что признаков мошенничества нет, сообщили в полиции.", "ru"),
    ("Признаков мошенничества в действиях компании не установлено, заявили в прокуратуре.",
     "ru"),
    ("Алаяқтық белгілері жоқ, деді полиция өкілі.", "kk"),
])
def test_no_signs_of_fraud_found_is_still_a_denial(text: str, lang: str) -> None:
    assert "fraud" not in topics(text, lang)


def test_a_state_hotline_by_its_number_is_no_scam_call_centre() -> None:
    text = "Сыбайлас жемқорлыққа қарсы жадынама. Call – центр:1424. Пара алу ұятты қылмыс."
    assert "fraud" not in topics(text, "kk")


def test_a_scam_call_centre_is_still_one() -> None:
    text = ("Мошенники из call-центра звонили пенсионерам от имени банка. Полиция задержала 12"
            " операторов.")
    assert "fraud" in topics(text)


def test_a_fake_policeman_who_broke_traffic_rules_is_no_fraud() -> None:
    text = ("На видео мужчина в форме превышает скорость. Как оказалось, это лжеполицейский. Он"
            " задержан за незаконное использование обмундирования.")
    assert "fraud" not in topics(text)


@pytest.mark.parametrize("text", [
    "Лжеполицейский забрал у водителя 300 тысяч тенге. Полиция возбудила дело.",
    "Лжесотрудники банка звонят казахстанцам, предупреждает полиция.",
])
def test_a_fake_policeman_who_takes_money_or_a_warning_of_fake_staff_is_fraud(text: str) -> None:
    assert "fraud" in topics(text)


@pytest.mark.parametrize(("text", "lang"), [
    ("Заведующая центром трудоустраивала несуществующих людей и сама получала деньги за их"
     " труд, сообщили в прокуратуре.", "ru"),
    ("Директор жоқ адамдарды жұмысқа орналастырып, олардың жалақысын өзі алған. Прокуратура"
     " қылмыстық іс қозғады.", "kk"),
])
def test_pay_drawn_for_people_hired_on_paper_is_budget_fraud(text: str, lang: str) -> None:
    assert "fraud" in topics(text, lang)
