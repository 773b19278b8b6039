"""Round 2026.11, steps 8-11, in texts written here (docs/tagging.md): an audit of the Kazakh
words the one-word terms meet in the tuning halves' text, an audit of `kz_related`'s foreign
markers and of the regions' names against a Russian dictionary, and audits of recall: police
briefs of common schemes and of groups written without the usual words, each beside a
look-alike that must stay untagged; and (steps 12-14) cues a police word alone satisfied: a
pretext, trust gained, posing, going silent, a call-centre, a call, a card handed over,
fraud only with money. None of these texts is copied from a real set.
"""

from __future__ import annotations

import pytest

from crawler.tagging.matching import _entry
from crawler.tagging.prepare import word_info
from crawler.tagging.rules import prepare_fields, read_fields, tag_text
from crawler.tagging.vocab import load_vocabulary
from tests.tagging_helpers import points, topics


@pytest.mark.parametrize("text", [
    "Үкімет жаңа бағдарламаны бекітті.",
    "Жол қозғалысы ережелері өзгерді.",
    "Жастарға жұмыс іздеу оңайлады.",
    "Құрбан айт мерекесі басталды.",
])
def test_kazakh_everyday_words_are_no_crime_or_loss(text: str) -> None:
    assert not {"crime", "harm"} & set(points(text, "kk"))


@pytest.mark.parametrize(("text", "kind"), [
    ("Қылмыстық іс қозғалды.", "crime"),
    ("Сот үкімі шықты.", "crime"),
    ("Күдікті іздеуде жүр.", "crime"),
    ("Алаяқтардың құрбаны болған зейнеткер.", "harm"),
])
def test_kazakh_crime_and_loss_words_still_count(text: str, kind: str) -> None:
    assert kind in points(text, "kk")


def test_a_russian_thousand_does_not_meet_a_kazakh_latin_word() -> None:
    vocab = load_vocabulary()
    word = word_info("tiisti", True)  # "тиісті" (appropriate) in the Latin alphabet
    met = [vocab.patterns[pid] for pid in _entry(vocab, word)[0]]
    assert not [p for p in met if "тыс" in p.prefixes or "тыс" in p.stems]


@pytest.mark.parametrize(("text", "kind"), [
    ("Кітаптың аудармасы шықты.", "warning"),  # a translation, not "аудармаңыз" (don't send)
    ("Ұрылар қақпаны бұзып кірді.", "negative.sport"),  # a gate broken, not a goal
])
def test_a_translation_is_no_warning_and_a_gate_no_goal(text: str, kind: str) -> None:
    assert kind not in points(text, "kk")


def test_a_warning_not_to_send_money_and_a_goalkeeper_still_count() -> None:
    assert "warning" in points("Бейтаныс адамдарға ақша аудармаңыз.", "kk")
    assert "negative.sport" in points("Қақпашы доп өткізбеді.", "kk")


def foreign_markers(text: str) -> list[str]:
    fields = prepare_fields(None, text, "ru")
    reading = read_fields(fields, load_vocabulary())
    return [fields[-1].words[m.first].surface for m in reading.groups["foreign"]]


@pytest.mark.parametrize("text", [
    "В Атырау бурят новые скважины.",  # "бурят" (they drill), not Buryatia
    "Аким района Бухарбаев рассказал о планах.",  # a Kazakh surname, not Bukhara
    "Мошенники позвонили Герману Ивановичу.",  # a first name, not Germany
    "Директор Михаил Львович подписал приказ.",  # a patronymic, not Lviv
])
def test_everyday_words_and_names_are_no_foreign_places(text: str) -> None:
    assert foreign_markers(text) == []


@pytest.mark.parametrize("text", [
    "Задержан гражданин Германии.", "Его задержали в Бухаре.", "Суд в Бурятии вынес приговор.",
    "Полиция Львова задержала мошенников.",
])
def test_foreign_places_are_still_foreign(text: str) -> None:
    assert foreign_markers(text)


def regions(text: str) -> list[str]:
    return list(tag_text(None, text, "ru").regions)


@pytest.mark.parametrize("text", [
    "Составление акта проверки завершено.",  # "акта" (of an act) shares Aktau's stem
    "Мошенники из Петропавловска-Камчатского похитили деньги.",
    "Суд Уральского федерального округа вынес решение.",
])
def test_an_act_and_russias_namesakes_are_no_region_of_kazakhstan(text: str) -> None:
    assert regions(text) == []


def test_aktau_petropavlovsk_and_uralsk_are_still_regions() -> None:
    text = "В Актау задержали мошенника. В Петропавловске полиция ищет вора. Уральск: суд."
    assert set(regions(text)) == {"mangystau", "north_kazakhstan", "west_kazakhstan"}


@pytest.mark.parametrize(("text", "lang"), [
    ("Пенсионерке позвонили и сообщили, что ее сын попал в ДТП; она передала курьеру 2 млн"
     " тенге. Курьера задержали полицейские.", "ru"),
    ("Женщина оформила на знакомых кредиты на 10 млн тенге и не вернула деньги. Полиция начала"
     " расследование.", "ru"),
    ("Житель Шымкента вложил 3 млн тенге в криптовалютную платформу, обещавшую 30% в месяц;"
     " вывести деньги он не смог. Полиция ищет владельцев платформы.", "ru"),
    ("Турагентство продавало путевки в Турцию, собрало деньги с 40 клиентов и закрылось."
     " Возбуждено уголовное дело.", "ru"),
    ("Интернет-магазин принимал оплату за телефоны, но товар покупателям не отправлял."
     " Пострадали 30 человек, возбуждено уголовное дело.", "ru"),
    ("Шетелге жұмысқа жіберемін деп 15 адамнан ақша жинаған ер адам ұсталды.", "kk"),
])
def test_briefs_of_common_schemes_without_a_word_of_fraud(text: str, lang: str) -> None:
    assert "fraud" in topics(text, lang)


@pytest.mark.parametrize("text", [
    "Водитель попал в ДТП, ущерб составил 2 млн тенге. Полиция выясняет обстоятельства.",
    "Очевидцы позвонили в полицию и сообщили, что мужчина попал в ДТП; ущерб составил 500"
    " тысяч тенге.",
    "Вкладчики не смогли вывести деньги из банка после отзыва лицензии. Прокуратура проверяет"
    " руководство банка.",
    "Поставщик не отправил товар вовремя, покупатель подал иск в суд.",
    "Компания получила деньги от акимата и закрылась на ремонт. Прокуратура проверяет закупку.",
    "Депутат пообещал ежемесячные выплаты пенсионерам, а полиция усилила патрулирование.",
    "Бухгалтер оформила на себя кредит в банке. Ее задержали за кражу в магазине.",
])
def test_their_look_alikes_are_no_fraud(text: str) -> None:
    assert "fraud" not in topics(text)


def test_a_drug_shops_couriers_under_a_curator_are_a_network() -> None:
    text = ("Задержаны 12 закладчиков интернет-магазина наркотиков, которым руководил куратор"
            " из-за рубежа.")
    assert "ocg" in topics(text)


def test_a_lone_stash_courier_is_still_no_group() -> None:
    assert "ocg" not in topics("Закладчик наркотиков задержан в Караганде.")


@pytest.mark.parametrize(("text", "lang"), [
    ("Рабочая группа при прокуратуре обсудила меры против ОПГ.", "ru"),
    ("Кеңесте ұйымдасқан қылмыстық топтарға қарсы шаралар талқыланды.", "kk"),
])
def test_measures_discussed_against_groups_are_no_group(text: str, lang: str) -> None:
    assert "ocg" not in topics(text, lang)


@pytest.mark.parametrize("text", [
    "В результате принятых мер задержаны члены ОПГ, вымогавшей деньги у предпринимателей.",
    "Полиция приняла меры против ОПГ: задержаны 12 ее членов, изъято оружие.",
])
def test_measures_taken_against_a_group_report_it(text: str) -> None:
    assert "ocg" in topics(text)


@pytest.mark.parametrize("text", [
    "Ер адам криптовалюта платформасына салған 2 млн теңгесін шығара алмады. Полиция тергеу"
    " бастады.",
    "Туристік агенттік 40 клиенттен ақша жинап, жабылып қалды. Қылмыстық іс қозғалды.",
    "Ұлыңыз жол апатына түсті деп хабарласып, зейнеткерден 2 млн теңге алған күдікті ұсталды.",
])
def test_kazakh_briefs_of_common_schemes_without_a_word_of_fraud(text: str) -> None:
    assert "fraud" in topics(text, "kk")


@pytest.mark.parametrize("text", [
    "Банк лицензиясынан айырылды, салымшылар ақшасын қайтарып ала алмады. Прокуратура"
    " тексеріс бастады.",
    "Жол апатына түскен көліктің иесі полицияға хабарласты, залал 2 млн теңге.",
])
def test_kazakh_look_alikes_of_those_schemes_are_no_fraud(text: str) -> None:
    assert "fraud" not in topics(text, "kk")


@pytest.mark.parametrize("text", [
    "Под предлогом проверки документов полицейские остановили водителя и обнаружили у него"
    " наркотики.",
    "Под предлогом ремонта дороги акимат перекрыл движение, жители пожаловались в прокуратуру.",
    "Задержанный пытался скрыться под предлогом похода в туалет, но полицейские его догнали.",
    "Он вошел в доверие к следствию и дал показания против сообщников. Его освободили.",
])
def test_a_pretext_or_trust_without_money_is_no_fraud(text: str) -> None:
    assert "fraud" not in topics(text)


@pytest.mark.parametrize(("text", "lang"), [
    ("Под предлогом трудоустройства в Южной Корее злоумышленник собрал с 20 человек по 500"
     " тысяч тенге.", "ru"),
    ("Войдя в доверие к пенсионерке, женщина похитила ее сбережения. Ущерб составил 2 млн"
     " тенге.", "ru"),
    ("Зейнеткердің сеніміне кіріп, оның 1 млн теңгесін алып кеткен күдікті ұсталды.", "kk"),
])
def test_a_pretext_or_trust_for_money_is_still_fraud(text: str, lang: str) -> None:
    assert "fraud" in topics(text, lang)


@pytest.mark.parametrize(("text", "lang"), [
    ("В колл-центр полиции поступило 500 звонков о кражах и грабежах.", "ru"),
    ("Министр представил сотрудникам полиции нового начальника департамента.", "ru"),
    ("Выдавая себя за полицейского, задержанный пытался уйти от ответственности за ДТП.", "ru"),
    ("Подросток перестал выходить на связь, родители обратились в полицию. Его нашли через"
     " сутки.", "ru"),
    ("Хабарсыз кеткен бала табылды, деп хабарлады полиция.", "kk"),
])
def test_a_police_call_centre_a_new_chief_and_a_missing_teenager_are_no_fraud(
        text: str, lang: str) -> None:
    assert "fraud" not in topics(text, lang)


@pytest.mark.parametrize(("text", "lang"), [
    ("Продавец получил предоплату 300 тысяч тенге и перестал выходить на связь. Покупатель"
     " обратился в полицию.", "ru"),
    ("Мошенница представилась сотрудником банка и выманила у пенсионерки код из СМС.", "ru"),
    ("Выдавая себя за сотрудника акимата, мужчина собрал с жителей по 50 тысяч тенге. Его"
     " задержали.", "ru"),
    ("Алдын ала төлемді алған сатушы хабарсыз кетті. Полиция іздеуде.", "kk"),
    ("Колл-центр мошенников работал из Алматы, задержаны 20 операторов.", "ru"),
])
def test_posing_as_staff_or_vanishing_with_the_money_is_still_fraud(text: str, lang: str) -> None:
    assert "fraud" in topics(text, lang)


@pytest.mark.parametrize("text", [
    "Участники группы в WhatsApp обсуждали кражу телефона, полиция проверяет сообщения.",
    "Участники группы туристов сообщили в полицию о краже вещей из автобуса.",
])
def test_members_of_a_chat_or_a_tour_group_are_no_gang(text: str) -> None:
    assert "ocg" not in topics(text)


@pytest.mark.parametrize("text", [
    "Участники группы вымогали деньги у предпринимателей, полиция задержала пятерых.",
    "Члены группы похищали скот в трех районах, их задержали.",
])
def test_members_of_a_group_that_commits_crimes_are_still_a_gang(text: str) -> None:
    assert "ocg" in topics(text)


@pytest.mark.parametrize(("text", "lang"), [
    ("Руководитель группы экскурсоводов сообщил в полицию о краже.", "ru"),
    ("Лидер группы «Ласковый май» задержан за нарушение ПДД.", "ru"),
    ("Сотрудники полиции вовлекли подростков в группу юных инспекторов движения.", "ru"),
    ("Әншілер тобының мүшесі жол ережесін бұзғаны үшін ұсталды.", "kk"),
])
def test_a_group_with_a_head_that_did_nothing_together_is_no_gang(text: str, lang: str) -> None:
    assert "ocg" not in topics(text, lang)


@pytest.mark.parametrize(("text", "lang"), [
    ("Организатор группы, занимавшейся кражами скота, задержан вместе с тремя участниками.",
     "ru"),
    ("Лидер группы распределял роли между участниками, которые похищали автомобили.", "ru"),
    ("Топ мүшелері кәсіпкерлерден ақша бопсалаған, полиция олардың бесеуін ұстады.", "kk"),
])
def test_a_group_with_a_head_and_what_it_did_is_a_gang(text: str, lang: str) -> None:
    assert "ocg" in topics(text, lang)


@pytest.mark.parametrize("text", [
    "Сотрудник полиции позвонил матери пропавшего подростка и сообщил, что его нашли.",
    "Кассир передал банковскую карту, забытую клиентом, сотрудникам полиции.",
    "Мужчина позвонил в полицию и сообщил, что сотрудник банка отказал ему в кредите.",
])
def test_a_real_officers_call_or_a_found_card_handed_in_is_no_fraud(text: str) -> None:
    assert "fraud" not in topics(text)


@pytest.mark.parametrize(("text", "lang"), [
    ("Женщине позвонил якобы сотрудник службы безопасности банка и убедил перевести 2 млн тенге"
     " на безопасный счет. Полиция ищет злоумышленника.", "ru"),
    ("Мошенники звонят от имени сотрудников полиции, предупреждает ДП.", "ru"),
    ("Студент за вознаграждение оформил на себя банковскую карту и передал ее третьим лицам."
     " Теперь ему грозит уголовная ответственность.", "ru"),
    ("Студент банк картасын бөгде адамдарға 20 мың теңгеге сатқан. Енді оған қылмыстық"
     " жауапкершілік қарастырылуы мүмкін.", "kk"),
])
def test_a_call_about_the_money_or_a_card_lent_for_pay_is_still_fraud(text: str, lang: str) -> None:
    assert "fraud" in topics(text, lang)
