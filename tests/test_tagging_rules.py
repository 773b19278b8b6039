"""Rule tagging: topics, context, kz_related, regions, facts, evidence, versions, vocab errors."""

import json
import shutil

import pytest

from crawler.tagging.rules import (
    VOCAB_DIR,
    TagResult,
    VocabularyError,
    load_vocabulary,
    rules_version,
    tag_text,
)
from tests.shared_data import shared_path


def test_fraud_with_subtopic_facts_and_evidence():
    title = "В Караганде задержан телефонный мошенник"
    text = (
        "Полиция Карагандинской области задержала мужчину, который звонил пенсионерам "
        "от имени службы безопасности банка. Ущерб составил 3,4 млн тенге. "
        "Возбуждено уголовное дело по ч. 2 ст. 190 УК РК."
    )
    r = tag_text(title, text)
    assert set(r.topics) == {"fraud"}
    fraud = r.topics["fraud"]
    assert "phone" in fraud.subtopics
    assert fraud.score >= 3
    for e in fraud.evidence:
        source = title if e.field == "title" else text
        assert source[e.start : e.end] == e.phrase
    assert any(e.rule == "fraud.article:190" for e in fraud.evidence)
    assert r.regions == ("karaganda",)
    assert r.criminal_code_articles == ("190",)
    assert r.damage_kzt == (3_400_000,)
    assert r.agencies == ("mvd",)
    assert r.kz_related is True


def test_kazakh_ocg_with_inflected_forms():
    text = (
        "Шымкентте полиция ұйымдасқан қылмыстық топтың 5 мүшесін ұстады. Олар кәсіпкерлерден "
        "ақша бопсалаған. ҚР ҚК-нің 262-бабы бойынша 2 қылмыстық іс қозғалды."
    )
    r = tag_text(None, text, "kk")
    assert set(r.topics) == {"ocg"}
    assert "group" in r.topics["ocg"].subtopics
    assert r.regions == ("shymkent",)
    assert r.criminal_code_articles == ("262",)
    assert r.case_counts == (2,)


def test_both_topics():
    text = (
        "Полиция Астаны задержала участников организованной преступной группы, которые "
        "обманывали граждан через колл-центр. Дела возбуждены по статьям 190 и 262 УК РК."
    )
    r = tag_text(None, text)
    assert set(r.topics) == {"fraud", "ocg"}
    assert r.criminal_code_articles == ("190", "262")


@pytest.mark.parametrize(
    "text",
    [
        "«Это просто мошенничество со стороны судьи», — заявил тренер после матча, "
        "болельщики освистали арбитра.",
        "Режиссер снял сериал об ОПГ 90-х: сюжет о боксере, актеры убедительны, "
        "второй сезон выйдет весной.",
        "«Бұл нағыз алаяқтық», – деді команданың жаттықтырушысы матчтан кейін, "
        "жанкүйерлер төрешіні сынады.",
        "В топ-10 профессий вошли инженеры, сообщили аналитики.",
        "Группа альпинистов покорила пик, сообщила федерация.",
        "В Экибастузе задержан мужчина, укравший из магазина коньяк; возбуждено дело о краже.",
    ],
)
def test_hard_negatives_get_no_topic(text):
    assert tag_text(None, text).topics == {}


def test_fraud_without_law_enforcement_context_is_not_tagged():
    assert (
        tag_text(None, "Мошенничество — тема новой выставки современного искусства.").topics == {}
    )


def test_fraud_abroad_is_tagged_not_kz_related():
    r = tag_text(
        "В Москве задержали телефонных мошенников",
        "Сотрудники МВД России задержали участников колл-центра, ущерб превысил 30 млн рублей.",
    )
    assert "fraud" in r.topics
    assert r.kz_related is False


def test_kazakhstani_victim_abroad_stays_kz_related():
    r = tag_text(None, "Казахстанца обманули мошенники в Турции, полиция возбудила дело.")
    assert r.kz_related is True


@pytest.mark.parametrize(
    ("text", "regions"),
    [
        ("Алматы облысында алаяқ ұсталды", ("almaty_oblast",)),
        ("Алматыда алаяқ ұсталды", ("almaty_city",)),
        ("в Алматинской области и в Алматы", ("almaty_oblast", "almaty_city")),
        ("в Нур-Султане и в Нұр-Сұлтан қаласында", ("astana",)),
        ("Шығыс Қазақстан және Ұлытау облысы аумағында", ("east_kazakhstan", "ulytau")),
        ("полиция ВКО и ЗКО", ("east_kazakhstan", "west_kazakhstan")),
        ("Абай облысы мен Жетісу облысы", ("abai", "jetisu")),
        ("в Южно-Казахстанской области", ("turkistan",)),
        ("проспект Абая", ()),
    ],
)
def test_regions(text, regions):
    assert tag_text(None, text).regions == regions


@pytest.mark.parametrize(
    ("text", "articles"),
    [
        ("по ч. 4 ст. 190 УК РК", ("190",)),
        ("по признакам статьи 190", ("190",)),
        ("ст.ст. 190, 217 УК", ("190", "217")),
        ("ҚР ҚК-нің 190-бабы 4-бөлігі", ("190",)),
        ("190-бап бойынша", ("190",)),
        ("статьи 190 Налогового кодекса", ()),
        ("статьи 5 Закона о полиции", ()),
        ("Салық кодексінің 190-бабына сәйкес", ()),
    ],
)
def test_criminal_code_articles(text, articles):
    assert tag_text(None, text).criminal_code_articles == articles


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("Ущерб 5 млн тенге.", (5_000_000,)),
        ("Залал 1,2 млрд теңге.", (1_200_000_000,)),
        ("Алаяқ 500 мың теңге алдап алған.", (500_000,)),
        ("Мошенник похитил 3 500 000 тенге.", (3_500_000,)),
        ("Ущерб — 15 тыс. тг.", (15_000,)),
        ("Базовая пенсия выросла до 60 000 тенге.", ()),
    ],
)
def test_damage_kzt(text, amounts):
    assert tag_text(None, text).damage_kzt == amounts


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("Возбуждено 70 уголовных дел.", (70,)),
        ("по 4 делам сроки продлены", (4,)),
        ("70 іс қозғалған, ал 10 іс тіркелген", (70, 10)),
        ("2 қылмыстық іс бойынша", (2,)),
        ("Возбуждено уголовное дело.", ()),
    ],
)
def test_case_counts(text, counts):
    assert tag_text(None, text).case_counts == counts


def test_agencies_in_order_of_mention():
    r = tag_text(None, "АФМ совместно с КНБ и прокуратурой; суд вынес приговор.")
    assert r.agencies == ("afm", "knb", "prosecutor", "court")


def test_latin_script_kazakh():
    r = tag_text(None, "Aqtaýda polısııa uıymdasqan qylmystyq toptyń múshelerin ustady.")
    assert "ocg" in r.topics


def test_seed_letters():
    seed = shared_path("seeds", "000_6dc13b5a83b65c7e.txt")
    letter = tag_text(None, seed.read_text(encoding="utf-8"))
    assert "fraud" in letter.topics and {"internet", "phone"} <= set(
        letter.topics["fraud"].subtopics
    )
    article = shared_path("seeds", "004_8174cd7c9bc6a617.txt")
    ocg = tag_text(None, article.read_text(encoding="utf-8"))
    assert "ocg" in ocg.topics and "transnational" in ocg.topics["ocg"].subtopics
    assert ocg.case_counts == (70, 10)


def test_to_json_round_trip():
    r = tag_text("Мошенники в Астане", "Полиция задержала мошенников.")
    data = json.loads(r.to_json())
    assert data == r.to_dict()
    assert list(data["topics"]) == ["fraud"]
    assert isinstance(r, TagResult)


def test_rules_version_has_version_and_hash():
    version = rules_version()
    stated = (VOCAB_DIR / "VERSION").read_text(encoding="utf-8").strip()
    assert version.startswith(stated + "+") and len(version.split("+")[1]) == 8


def _copy_vocab(tmp_path):
    folder = tmp_path / "vocab"
    shutil.copytree(VOCAB_DIR, folder)
    return folder


def test_edit_without_bump_changes_version(tmp_path):
    folder = _copy_vocab(tmp_path)
    with (folder / "fraud.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[[rules]]\nsubtopic = ""\nweight = 3.0\nterms = ["надувательств*"]\n')
    edited = load_vocabulary(folder)
    assert edited.version != rules_version()
    assert edited.version.split("+")[0] == rules_version().split("+")[0]
    text = "Полиция задержала подозреваемого в надувательстве."
    assert "fraud" in tag_text(None, text, vocabulary=edited).topics
    assert "fraud" not in tag_text(None, text).topics


def test_load_vocabulary_is_cached():
    assert load_vocabulary() is load_vocabulary(VOCAB_DIR)


@pytest.mark.parametrize(
    ("term", "message"),
    [('"ма*"', "shorter than"), ('"заем"', "stems to"),
     ('"на =него|=родственник*"', "exact .=. and a prefix")],
)
def test_vocabulary_errors_name_the_file(tmp_path, term, message):
    folder = _copy_vocab(tmp_path)
    with (folder / "ocg.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n[[rules]]\nsubtopic = ""\nweight = 1.0\nterms = [{term}]\n')
    with pytest.raises(VocabularyError, match=message):
        load_vocabulary(folder)


def test_missing_version_file(tmp_path):
    folder = _copy_vocab(tmp_path)
    (folder / "VERSION").unlink()
    with pytest.raises(VocabularyError, match="VERSION"):
        load_vocabulary(folder)


def test_a_bad_vocabulary_is_one_of_dozors_errors():
    # The CLI prints a DozorError as one line ("dozor: fraud.toml#mask[0]: prefix 'ер*' is
    # shorter than 3"), not a traceback: an analyst editing a vocabulary file meets this.
    from crawler.errors import DozorError
    from crawler.tagging.facts import FactsError
    from crawler.tagging.model import ModelError
    assert all(issubclass(e, DozorError) and issubclass(e, ValueError)
               for e in (VocabularyError, FactsError, ModelError))


@pytest.mark.parametrize("table", ['[[negator]]\nscope = "paragraph"', '[[mask]]\nscope = "text"'])
def test_a_scope_other_than_a_negators_sentence_or_text_is_refused(tmp_path, table):
    folder = _copy_vocab(tmp_path)
    with (folder / "ocg.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n{table}\nterms = ["оправдан*"]\n')
    with pytest.raises(VocabularyError, match=r"ocg.toml#(negator|mask)\[\d+\]: scope"):
        load_vocabulary(folder)
