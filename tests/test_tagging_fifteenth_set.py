"""Round 2026.15, in texts written here (docs/tagging.md): budget money billed on false acts,
a crime's organiser who is no organisation, a monument that is no warning, a group named in
the fraud's own sentence, groups named where none is reported, and places, read off the
tuning sets fresh35 and fresh37 (collected blind, outside the project; labels in docs/data)
and, for the world's places, off the judges' counts; each kind with a look-alike that stays
as it is."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crawler.tagging.rules import VOCAB_DIR, tag_text
from crawler.tagging.terms import VocabularyError
from crawler.tagging.vocab import load_vocabulary
from tests.tagging_helpers import points, topics

# Step 1, from fresh35 `hard` (read in full): budget money paid on papers that lie about the
# work, told without "мошенничество" (GUIDELINE.md: budget money on fictitious data).
BILLED_ON_FALSE_PAPERS = [
    # the false acts far from what they billed
    "Подрядчик предоставил недостоверные акты о приемке выполненных работ на строительстве"
    " школы, а также справки о стоимости работ, которые не были выполнены. Возбуждено"
    " уголовное дело о хищении.",
    # the false data written into the acts
    "Директор подрядчика внес в акты приема выполненных работ ложные сведения и незаконно"
    " получил из бюджета 40 млн тенге. Идет досудебное расследование.",
    # timesheets, and the budget money with a word between
    "Заведующие детскими садами путем внесения недостоверных сведений в табели посещаемости"
    " похитили бюджетные денежные средства на 12 млн тенге, начато расследование.",
    # the same in Kazakh: false data in the acts of work done
    "Мердігер орындалған жұмыстар актісіне жалған мәліметтер енгізіп, бюджеттен 20 млн теңге"
    " алды, қылмыстық іс қозғалды.",
    # paid on documents of work "allegedly" done
    "Подрядчику перечислили 30 млн тенге на основании документов о якобы выполненных"
    " работах, прокуратура возбудила уголовное дело.",
]

NOT_BILLED_ON_FALSE_PAPERS = [
    # a forged certificate is forgery, not budget money on false data
    "Студент предоставил в деканат поддельную справку о болезни, возбуждено уголовное дело.",
    # false figures in a tax return are tax evasion alone
    "Бухгалтер внес ложные сведения в налоговую декларацию, чтобы уменьшить налог; начато"
    " расследование об уклонении от уплаты налогов.",
    # acts of a public body, no lie in them
    "Акимат утвердил акты приемки новой школы, строители завершили работы в срок.",
    # a hoax about a terrorist act, and a service weapon, are no acts of work nor timesheets
    "Полиция задержала мужчину, который сообщил ложную информацию о готовящемся теракте;"
    " акта терроризма не было, возбуждено уголовное дело.",
    "Сотрудник полиции применил табельное оружие после ложного вызова, возбуждено уголовное"
    " дело.",
    "Террористік актіге қатысты ақпарат жалған болып шықты, қылмыстық іс қозғалды.",
]


@pytest.mark.parametrize("text", BILLED_ON_FALSE_PAPERS)
def test_budget_money_billed_on_false_papers_is_fraud(text: str) -> None:
    assert "fraud" in topics(text)


@pytest.mark.parametrize("text", NOT_BILLED_ON_FALSE_PAPERS)
def test_other_false_papers_are_no_fraud(text: str) -> None:
    assert "fraud" not in topics(text)


# From fresh35 `kk` (read in full): "қылмысты ұйымдастырушы" is a crime's organiser, one
# person, and "ұйымдастырушы" starts as "ұйым" (an organisation) does.
def test_a_crimes_organiser_is_no_criminal_organisation() -> None:
    text = ("Қылмысты ұйымдастырушының түсінігі. Қылмысты ұйымдастырушының объективті және"
            " субъективті белгілері. Қылмысты ұйымдастырушыға жаза тағайындау.")
    assert "ocg" not in topics(text, "kk")


def test_a_criminal_organisation_stays_a_group() -> None:
    text = ("Алматыда есірткі сатумен айналысқан қылмыстық ұйымның мүшелері ұсталды, қылмыстық"
            " іс қозғалды.")
    assert "ocg" in topics(text, "kk")


# From fresh35 `kk`: "ескерткіш" (a monument) starts as "ескерту" (to warn) does.
def test_a_monument_is_no_warning() -> None:
    assert not points("Ертедегі түркі жазба ескерткіштерінің бірінде бұл сөз кездеседі.",
                      "kk").get("warning")
    assert points("Полиция тұрғындарды алаяқтардан сақ болуға ескертті.", "kk").get("warning")


# Places, from fresh35: Almaty by its Soviet name, declined, and a Kazakh word
# in Latin letters that reads as Qatar.
@pytest.mark.parametrize(("text", "region"), [
    ("В Алма-Ате задержали мошенника.", "almaty_city"),
    ("Историк рассказал о ворах в законе Алма-Аты семидесятых.", "almaty_city"),
    ("Жители Алма-Атинской области пострадали от мошенников.", "almaty_oblast"),
])
def test_almaty_by_its_soviet_name_is_a_region(text: str, region: str) -> None:
    result = tag_text(None, text, "ru")
    assert result.regions == (region,)
    assert result.kz_related


def test_a_kazakh_latin_word_is_not_qatar() -> None:
    kazakh = tag_text(None, "Alaıaqtar qatarly adamdardy aldap, bankten qaryz aldy.", "kk")
    assert kazakh.kz_related
    english = tag_text(None, "Police in Qatar detained a fraudster, Qatari officials said.",
                       "en")
    assert not english.kz_related


# Step 2, from fresh37 `kz` (read in full): Belarus told by its regional centres and its
# executive committees, not by its name.
@pytest.mark.parametrize("text", [
    "Правоохранители Гомельщины предупреждают о мошенниках, сообщили в УВД Гомельского"
    " облисполкома.",
    "В Бресте задержали мошенника, который выманил у пенсионерки 2 тысячи рублей.",
])
def test_belarus_told_by_its_cities_is_abroad(text: str) -> None:
    assert not tag_text(None, text, "ru").kz_related


def test_a_grave_is_no_mogilev() -> None:
    assert tag_text(None, "Полицейские посетили могилы ветеранов в Алматы.", "ru").kz_related


# From fresh37 `kz`: a sentence that names the fraud and the group running it says who runs the
# article's case, wherever it stands (ocg.toml `qualifies`).
CALL_CENTRES = (
    "Посол заявил, что в стране действуют мошеннические колл-центры, которые заманивают"
    " иностранцев. Люди приезжают работать добровольно. Вакансии публикуются в соцсетях."
    " Мошенники ищут операторов и переводчиков. Соискателям обещают оплатить авиабилет."
    " Требование одно: знание языка. Паспорта у них отбирают. Уехать нельзя."
    " {group} Посольство помогает вернуться домой."
)


def test_a_group_running_the_fraud_of_the_article_is_a_group() -> None:
    text = CALL_CENTRES.format(
        group="Обычно мошенническими колл-центрами руководят преступные группировки.")
    assert topics(text) == {"fraud", "ocg"}


def test_a_group_in_a_sentence_without_the_fraud_stays_a_passing_mention() -> None:
    text = CALL_CENTRES.format(group="Рядом действуют и преступные группировки.")
    assert topics(text) == {"fraud"}


# Step 3, from fresh37 `ocg` (read in full): groups named where none is reported, and a
# service of forged papers that is no service billed and not given.
@pytest.mark.parametrize("text", [
    # slot machines
    "Против компаний, установивших «одноруких бандитов» в подвалах, возбуждены дела о"
    " незаконном предпринимательстве.",
    # a half-year's figures
    "В первом полугодии в области раскрыто 120 преступлений, совершенных в составе"
    " организованных преступных формирований.",
    # a need stated in a minister's criticism of a police unit
    "Министр подчеркнул необходимость выявления преступных групп и освободил от должности"
    " начальника управления.",
    # the name ruled out
    "По словам полицейского, называть задержанных подростков «преступной группой»"
    " юридически некорректно.",
])
def test_groups_named_where_none_is_reported_are_no_group(text: str) -> None:
    assert "ocg" not in topics(text)


def test_a_group_of_a_quarter_ago_reported_today_stays_a_group() -> None:
    text = ("Полиция задержала членов преступной группы, которая в первом квартале похищала"
            " скот в трех районах; возбуждено уголовное дело.")
    assert "ocg" in topics(text)


def test_forged_papers_for_sale_are_no_service_billed() -> None:
    text = ("Задержаны организаторы схемы «посреднических» услуг по изготовлению фиктивных"
            " справок для иностранцев, возбуждено уголовное дело.")
    assert "fraud" not in topics(text)
    billed = ("Клиника выставила фонду фиктивные дорогостоящие услуги на 5 млн тенге,"
              " возбуждено уголовное дело.")
    assert "fraud" in topics(billed)


@pytest.mark.parametrize("named", ['["frauds"]', '["ocg"]'])
def test_qualifies_must_name_another_topic(tmp_path: Path, named: str) -> None:
    folder = tmp_path / "vocab"
    shutil.copytree(VOCAB_DIR, folder)
    ocg = folder / "ocg.toml"
    ocg.write_text(ocg.read_text(encoding="utf-8").replace(
        'qualifies = ["fraud"]', f"qualifies = {named}"), encoding="utf-8")
    with pytest.raises(VocabularyError, match=r"ocg: qualifies .* not another topic"):
        load_vocabulary(folder)


def test_siberia_is_abroad_and_anthrax_is_not() -> None:
    assert not tag_text(None, "Лидер группировки контролировал Усолье-Сибирское и район.",
                        "ru").kz_related
    assert not tag_text(None, "Мошенники из Сибири обманули пенсионеров.", "ru").kz_related
    assert tag_text(None, "В районе выявлена сибирская язва, ввели карантин.", "ru").kz_related


# Step 4, from the judges' counts (`kz_related`): most of their wrong values were foreign
# texts naming no place the rules knew. Countries and capitals further away, in Russian.
@pytest.mark.parametrize("place", [
    "Мексике", "Гонконге", "Риме", "Токио", "Праге", "Мадриде", "Бангкоке", "Дубае",
    "Нью-Йорке", "Бразилии", "Сербии", "Кипре", "Катаре", "Корее", "Тель-Авиве",
])
def test_a_case_in_a_far_country_is_abroad(place: str) -> None:
    assert not tag_text(None, f"Мошенники задержаны в {place}.", "ru").kz_related


@pytest.mark.parametrize("text", [
    # everyday words that look like places: a vein, a cube
    "У пациента тромб в вене, врачи провели операцию.",
    "Объем в кубе равен восьми литрам.",
    # a Kazakhstani club against a club named after its city
    "В рамках группового этапа «Кайрат» уступил мадридскому «Реалу».",
    "Корейцы Казахстана отметили праздник.",
])
def test_words_like_far_places_are_no_place(text: str) -> None:
    assert tag_text(None, text, "ru").kz_related


def test_qualifies_must_be_a_list(tmp_path: Path) -> None:
    folder = tmp_path / "vocab"
    shutil.copytree(VOCAB_DIR, folder)
    ocg = folder / "ocg.toml"
    ocg.write_text(ocg.read_text(encoding="utf-8").replace(
        'qualifies = ["fraud"]', 'qualifies = "fraud"'), encoding="utf-8")
    with pytest.raises(VocabularyError, match=r"ocg\.toml: qualifies 'fraud' must be a list"):
        load_vocabulary(folder)
