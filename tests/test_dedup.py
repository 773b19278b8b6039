"""Stories: one police release republished by two newsrooms is one story, edits stay in it,
its Kazakh version is linked, and different stories sharing the police's boilerplate are not."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest
from click.testing import CliRunner

from crawler.extract.body import content_hash
from crawler.extract.similarity import (
    Signature,
    TranslationCandidate,
    same_story_score,
    signature,
    translation_method,
)
from crawler.items import Article
from crawler.tagging.apply import analyse_article
from jobs.cli import dozor
from storage.articles import store_article
from storage.stories import group_stories

ALMATY = ZoneInfo("Asia/Almaty")
DAY = datetime(2025, 12, 26, tzinfo=ALMATY)

# A police press release (texts written for the project after the shape of ДП Алматы releases).
P1 = ("Сотрудники управления по противодействию киберпреступности департамента полиции Алматы"
      " задержали 24-летнего жителя города, подозреваемого в интернет-мошенничестве.")
P2 = ("По данным полиции, с сентября по ноябрь подозреваемый размещал на сайте объявлений"
      " фиктивные объявления о продаже смартфонов по заниженным ценам. Покупатели переводили"
      " предоплату на банковские карты, после чего продавец переставал выходить на связь.")
P3 = ("Установлено 17 потерпевших из разных регионов страны, общий ущерб составил более 4,2 млн"
      " тенге. Для получения денег злоумышленник использовал карты дропперов, которых находил"
      " через Telegram-каналы.")
P4 = ("Начато досудебное расследование по части 2 статьи 190 УК РК «Мошенничество»."
      " Подозреваемый водворен в изолятор временного содержания, решается вопрос о мере"
      " пресечения.")
P5 = ("Полиция призывает граждан не вносить предоплату незнакомым продавцам и пользоваться"
      " безопасной сделкой на площадках объявлений.")
# Zakon.kz: its own lead with the attribution, the whole release.
ZAKON = "\n\n".join([
    "Алматинские полицейские задержали интернет-мошенника, который обманул 17 человек, сообщает"
    " Zakon.kz со ссылкой на пресс-службу ДП Алматы.", P1, P2, P3, P4, P5])
# NUR.KZ: another lead and attribution, the second paragraph reworded, the warning dropped.
NUR = "\n\n".join([
    "Жертвами 24-летнего алматинца стали 17 человек из разных регионов, передает NUR.KZ со"
    " ссылкой на МВД РК.", P1,
    P2.replace("По данным полиции, с сентября по ноябрь подозреваемый",
               "Как сообщили в полиции, с сентября по ноябрь мужчина"), P3, P4])
# kaz.zakon.kz: the same news in Kazakh, five minutes after the Russian one.
ZAKON_KK = "\n\n".join([
    "Алматы полицейлері 17 адамды алдаған интернет-алаяқты ұстады, деп хабарлайды Zakon.kz.",
    "Алматы қаласы полиция департаментінің киберқылмысқа қарсы іс-қимыл басқармасының"
    " қызметкерлері интернет-алаяқтық жасады деген күдікпен 24 жастағы қала тұрғынын ұстады.",
    "Полицияның мәліметінше, қыркүйектен қарашаға дейін күдікті хабарландырулар сайтында"
    " смартфондарды арзан бағамен сату туралы жалған хабарландырулар орналастырған.",
    "Елдің түрлі өңірлерінен 17 жәбірленуші анықталды, жалпы залал 4,2 млн теңгеден асты.",
    "ҚР ҚК-нің 190-бабының 2-бөлігі («Алаяқтық») бойынша сотқа дейінгі тергеп-тексеру басталды."])

# Two different frauds in the same newsroom's house style, ending in the same police warning.
WARNING = ("Полиция напоминает: сотрудники банков никогда не звонят клиентам с просьбой назвать"
           " код из SMS или перевести деньги на «безопасный счет». Если вам поступил такой звонок,"
           " прервите разговор и сообщите по номеру 102.")
KARAGANDA = "\n\n".join([
    "В Караганде задержали мошенницу, которая звонила пенсионерам от имени службы безопасности"
    " банка, сообщает Zakon.kz со ссылкой на пресс-службу ДП Карагандинской области.",
    "По данным полиции, 31-летняя жительница Темиртау убеждала пожилых людей, что их сбережения"
    " пытаются похитить, и просила оформить кредит, а деньги перевести на указанный ею счет.",
    "Жертвами стали пять человек, общий ущерб превысил 12 млн тенге.",
    "Начато досудебное расследование по части 2 статьи 190 УК РК «Мошенничество»."
    " Подозреваемая водворена в изолятор временного содержания.", WARNING])
SHYMKENT = "\n\n".join([
    "В Шымкенте полицейские раскрыли схему с поддельными инвестиционными платформами, сообщает"
    " Zakon.kz со ссылкой на пресс-службу ДП Шымкента.",
    "По данным полиции, двое местных жителей предлагали вкладывать деньги в криптовалюту через"
    " сайт, обещая доходность до 30% в месяц. Вывести средства вкладчики не могли.",
    "Пострадали девять человек, ущерб составил 8,7 млн тенге.",
    "Начато досудебное расследование по части 2 статьи 190 УК РК «Мошенничество»."
    " Подозреваемые водворены в изолятор временного содержания.", WARNING])
# A Kazakh story published minutes after KARAGANDA: same site, other languages, other figures.
ATYRAU_KK = ("Атырау облысында қаржы пирамидасын ұйымдастырған 35 жастағы ер адам ұсталды."
             " Оған 120-дан астам адам ақша салған, залал 640 млн теңгеге жетті.")

GOVKZ = "https://www.gov.kz/memleket/entities/qriim/press/news/details/{id}?lang={lang}"
GOV_RU = ("Министерство внутренних дел сообщает о ликвидации колл-центра, сотрудники которого"
          " звонили гражданам от имени банков. Задержаны 11 человек, изъято 40 сим-карт.")
GOV_KK = ("Ішкі істер министрлігі банк атынан азаматтарға қоңырау шалған колл-орталықтың жойылғанын"
          " хабарлайды. 11 адам ұсталды, 40 сим-карта алынды.")

SOURCES = ("zakon_kz", "nur_kz", "govkz_qriim")


@pytest.fixture
def sources_rows(db: psycopg.Connection[tuple[object, ...]]) -> Iterator[None]:
    """The source rows these articles belong to, added for the test if the registry lacks them."""
    added = [
        source_id for source_id in SOURCES
        if db.execute(
            "INSERT INTO sources (id, name, home, languages, kind) VALUES (%s, %s, %s, %s, %s)"
            " ON CONFLICT DO NOTHING RETURNING id",
            (source_id, source_id, "https://example.test", ["ru", "kk"], "newsroom"),
        ).fetchone()
    ]
    yield
    if added:
        db.execute("DELETE FROM articles WHERE source_id = ANY(%s)", (added,))
        db.execute("DELETE FROM sources WHERE id = ANY(%s)", (added,))


def _store(db: psycopg.Connection[tuple[object, ...]], source_id: str, url: str, title: str,
           body: str, lang: str, minutes: int) -> str:
    article = Article(
        source_id=source_id, url=url, title=title, body=body, lang=lang,
        published_at=DAY + timedelta(hours=10, minutes=minutes),
        fetched_at=DAY + timedelta(hours=12),
        languages=(lang,), content_hash=content_hash(title, body),
    )
    return store_article(db, article, analyse_article(article), None)


def _story(db: psycopg.Connection[tuple[object, ...]], url: str) -> tuple[object, ...]:
    row = db.execute("SELECT story_id, story_match FROM articles WHERE url = %s", (url,)).fetchone()
    assert row is not None, url
    return row


ZAKON_URL = "https://www.zakon.kz/incident/6502201-v-almaty-zaderzhali-prodavca-smartfonov.html"
NUR_URL = "https://www.nur.kz/incident/crime/2290117-moshennik-iz-almaty-prodaval-smartfony/"
ZAKON_KK_URL = "https://kaz.zakon.kz/oqighalar/6502209-almatyda-smartfon-satqan-alayaq-ustaldy.html"
KARAGANDA_URL = "https://www.zakon.kz/incident/6502240-v-karagande-zaderzhali-moshennicu.html"
SHYMKENT_URL = "https://www.zakon.kz/incident/6502251-v-shymkente-raskryli-shemu.html"
ATYRAU_URL = "https://kaz.zakon.kz/oqighalar/6502244-atyrauda-qarzhy-piramidasy.html"


def test_republication_with_another_lead_is_one_story_and_shared_boilerplate_is_not() -> None:
    zakon, nur = signature(ZAKON), signature(NUR)
    assert same_story_score(zakon, nur) is not None
    assert same_story_score(nur, zakon) == same_story_score(zakon, nur)
    assert same_story_score(signature(KARAGANDA), signature(SHYMKENT)) is None
    assert same_story_score(zakon, signature(KARAGANDA)) is None
    # A signature survives the trip through the database unchanged.
    back = Signature.from_bytes(zakon.to_bytes(), zakon.shingles)
    assert same_story_score(back, nur) == same_story_score(zakon, nur)


def _candidate(n: int, url: str, lang: str, minutes: int, body: str,
               source: str = "zakon_kz") -> TranslationCandidate:
    return TranslationCandidate(n, source, url, lang, DAY + timedelta(minutes=minutes), body)


def test_translations_by_shared_id_or_by_time_and_figures() -> None:
    ru = _candidate(1, GOVKZ.format(id=1159001, lang="ru"), "ru", 0, GOV_RU, "govkz_qriim")
    kk = _candidate(2, GOVKZ.format(id=1159001, lang="kk"), "kk", 0, GOV_KK, "govkz_qriim")
    other = _candidate(3, GOVKZ.format(id=1159002, lang="kk"), "kk", 0, ATYRAU_KK, "govkz_qriim")
    assert translation_method(ru, kk) == "url_id"
    assert translation_method(ru, other) is None

    zakon = _candidate(4, ZAKON_URL, "ru", 0, ZAKON)
    zakon_kk = _candidate(5, ZAKON_KK_URL, "kk", 5, ZAKON_KK)
    assert translation_method(zakon, zakon_kk) == "time_numbers"
    # The same pair an hour apart is not claimed: figures alone are too weak.
    assert translation_method(zakon, _candidate(5, ZAKON_KK_URL, "kk", 60, ZAKON_KK)) is None
    # Minutes apart but other figures: another story.
    assert translation_method(_candidate(6, KARAGANDA_URL, "ru", 0, KARAGANDA),
                              _candidate(7, ATYRAU_URL, "kk", 3, ATYRAU_KK)) is None
    # Another outlet's Kazakh text is never a translation of this one.
    assert translation_method(_candidate(8, NUR_URL, "ru", 0, NUR, "nur_kz"), zakon_kk) is None


def test_grouping_after_each_crawl_builds_stories_incrementally(
    db: psycopg.Connection[tuple[object, ...]], sources_rows: None,
) -> None:
    # First crawl: Zakon.kz's Russian story and two other frauds in its house style.
    assert _store(db, "zakon_kz", ZAKON_URL, "В Алматы задержали продавца несуществующих"
                  " смартфонов", ZAKON, "ru", 20) == "new"
    _store(db, "zakon_kz", KARAGANDA_URL, "В Караганде задержали мошенницу", KARAGANDA, "ru", 60)
    _store(db, "zakon_kz", SHYMKENT_URL, "В Шымкенте раскрыли схему с инвестициями", SHYMKENT,
           "ru", 90)
    first = group_stories(db)
    assert (first.articles, first.new_stories, first.near) == (3, 3, 0)

    # Later crawls: NUR.KZ republishes, kaz.zakon.kz translates, the Atyrau story appears.
    _store(db, "nur_kz", NUR_URL, "Мошенник из Алматы продавал несуществующие смартфоны", NUR,
           "ru", 45)
    _store(db, "zakon_kz", ZAKON_KK_URL, "Алматыда смартфон сатқан алаяқ ұсталды", ZAKON_KK,
           "kk", 25)
    _store(db, "zakon_kz", ATYRAU_URL, "Атырауда қаржы пирамидасы әшкереленді", ATYRAU_KK, "kk", 62)
    # A syndicated copy: the NUR.KZ text word for word under another URL.
    _store(db, "nur_kz", NUR_URL.replace("2290117", "2290118"), "Мошенник из Алматы продавал"
           " несуществующие смартфоны", NUR, "ru", 50)
    second = group_stories(db)
    assert (second.articles, second.near, second.exact, second.translations) == (4, 1, 1, 1)

    story, match = _story(db, ZAKON_URL)
    assert match == "first"
    assert _story(db, NUR_URL) == (story, "near")
    assert _story(db, NUR_URL.replace("2290117", "2290118")) == (story, "exact")
    assert _story(db, ZAKON_KK_URL)[0] == story
    assert db.execute(
        "SELECT a.url, t.url, p.method FROM article_translations p"
        " JOIN articles a ON a.id = p.article_id JOIN articles t ON t.id = p.translation_id"
    ).fetchall() == [(ZAKON_URL, ZAKON_KK_URL, "time_numbers")]
    summary = db.execute("SELECT article_count, sources, languages, title FROM stories"
                         " WHERE id = %s", (story,)).fetchone()
    assert summary == (4, ["nur_kz", "zakon_kz"], ["kk", "ru"],
                       "В Алматы задержали продавца несуществующих смартфонов")
    # Shared boilerplate did not make the other frauds one story, nor join them to this one.
    others = {_story(db, url)[0] for url in (KARAGANDA_URL, SHYMKENT_URL, ATYRAU_URL)}
    assert len(others) == 3 and story not in others

    # Updated in place: same row, same story, the earlier text kept as a version.
    assert _store(db, "zakon_kz", ZAKON_URL, "В Алматы задержали продавца несуществующих"
                  " смартфонов", ZAKON + "\n\nОбновлено: подозреваемый арестован на два месяца.",
                  "ru", 20) == "updated"
    third = group_stories(db)
    assert third.articles == 0
    assert _story(db, ZAKON_URL) == (story, "first")
    assert db.execute("SELECT count(*) FROM article_versions v JOIN articles a"
                      " ON a.id = v.article_id WHERE a.url = %s", (ZAKON_URL,)).fetchone() == (1,)

    # The Russian and Kazakh versions of one gov.kz item share its id.
    _store(db, "govkz_qriim", GOVKZ.format(id=1159001, lang="ru"), "Ликвидирован колл-центр",
           GOV_RU, "ru", 0)
    _store(db, "govkz_qriim", GOVKZ.format(id=1159001, lang="kk"), "Колл-орталық жойылды",
           GOV_KK, "kk", 0)
    result = CliRunner().invoke(dozor, ["dedup"])
    assert result.exit_code == 0, result.output
    assert "grouped 2 articles: 2 new stories" in result.output
    assert "1 translation pairs, 1 stories merged" in result.output
    ru_story = _story(db, GOVKZ.format(id=1159001, lang="ru"))[0]
    assert _story(db, GOVKZ.format(id=1159001, lang="kk"))[0] == ru_story

    listing = CliRunner().invoke(dozor, ["stories", "--since", "2025-12-26"])
    assert listing.exit_code == 0, listing.output
    assert "nur_kz,zakon_kz: В Алматы задержали продавца несуществующих смартфонов" in (
        listing.output)
    assert "govkz_qriim: Ликвидирован колл-центр" in listing.output
