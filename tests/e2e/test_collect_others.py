"""Every other source end to end: one real Scrapy crawl per source, from the saved sites into a
real PostgreSQL. Newsrooms through feeds, sitemaps and listings; the gov.kz agencies through the
news API behind its k6 ticket; the police channel through its Telegram web preview."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime
from urllib.request import urlopen
from zoneinfo import ZoneInfo

import psycopg
import pytest

from jobs.tasks import collect

Conn = psycopg.Connection[tuple[object, ...]]
Requests = list[dict[str, object]]  # the mock server's log of this crawl's requests
ALMATY = ZoneInfo("Asia/Almaty")
KAZPRAVDA = "https://kazpravda.kz/n/"
KHABAR = "https://khabar.kz/"
LADA = "https://www.lada.kz/aktau_news/"
AZATTYQ_RU = "https://rus.azattyq.org/a/"
AZATTYQ_KK = "https://www.azattyq.org/a/"
GOVKZ = "https://www.gov.kz/memleket/entities/"
TELEGRAM = "https://t.me/POLICE_of_KZ/"
KZ24_RU = "https://24.kz/ru/news/proisshestviya/item/"
KZ24_KK = "https://24.kz/kz/zhanalyqtar/oqighalar/item/"

# What one crawl of each saved site must store, each URL once: url -> (lang, title).
# Each source also has a story that is neither fraud nor a criminal group (weather, buses, ...).
EXPECTED: dict[str, dict[str, tuple[str, str]]] = {
    "kazpravda_kz": {
        KAZPRAVDA + "v-almaty-osudili-organizatorov-koll-tsentra-telefonnyh-moshennikov/": (
            "ru", "В Алматы осудили организаторов колл-центра телефонных мошенников"),
        KAZPRAVDA + "v-karagandinskoy-oblasti-likvidirovana-opg-vymogavshaya-dengi-u"
        "-predprinimateley/": (
            "ru", "В Карагандинской области ликвидирована ОПГ, вымогавшая деньги у"
            " предпринимателей"),
        KAZPRAVDA + "v-kostanae-postroili-vodoprovod-k-trem-prigorodnym-selam/": (
            "ru", "В Костанае построили водопровод к трем пригородным селам"),
    },
    "khabar_kz": {
        KHABAR + "ru/news/162418-v-pavlodare-zaderzhali-dropperov-obnalichivavshih-dengi"
        "-zhertv-moshennikov": (
            "ru", "В Павлодаре задержали дропперов, обналичивавших деньги жертв мошенников"),
        KHABAR + "ru/news/162401-moshenniki-sozdali-feykovyy-sayt-sotsialnyh-vyplat": (
            "ru", "Мошенники создали фейковый сайт «социальных выплат»: полиция предупреждает"),
        KHABAR + "ru/news/162395-shtormovoe-preduprezhdenie-obyavleno-v-pyati-oblastyah": (
            "ru", "Штормовое предупреждение объявлено в пяти областях"),
        KHABAR + "kk/news/162420-pavlodarda-alayaqtardyn-aqshasyn-shygharyp-bergen-dropperler"
        "-ustaldy": (
            "kk", "Павлодарда алаяқтардың ақшасын шығарып берген дропперлер ұсталды"),
        KHABAR + "kk/news/162388-shymkentte-kolik-urlaghan-uyymdasqan-qylmystyq-top-ashkerelendi": (
            "kk", "Шымкентте көлік ұрлаған ұйымдасқан қылмыстық топ әшкереленді"),
    },
    "lada_kz": {
        LADA + "criminal/158601-v-aktau-zaderzhali-zhenschinu-vymanivshuyu-u-znakomyh-24-mln"
        "-tenge.html": (
            "ru", "В Актау задержали женщину, выманившую у знакомых 24 млн тенге под видом"
            " инвестиций"),
        LADA + "criminal/158588-v-zhanaozene-zaderzhany-uchastniki-opg-oblagavshie-danyu"
        "-perevozchikov.html": (
            "ru", "В Жанаозене задержаны участники ОПГ, обкладывавшие данью перевозчиков"),
        LADA + "society/158570-v-aktau-zapustili-tri-novyh-avtobusnyh-marshruta.html": (
            "ru", "В Актау запустили три новых автобусных маршрута"),
        # These two only on page 2 of the crime listing.
        LADA + "criminal/158497-v-aktau-osudili-zakladchika-sinteticheskih-narkotikov.html": (
            "ru", "В Актау осудили закладчика синтетических наркотиков"),
        LADA + "criminal/158512-zhitelnica-aktau-lishilas-3-mln-tenge-posle-zvonka-sotrudnika"
        "-sotovoy-svyazi.html": (
            "ru", "Жительница Актау лишилась 3 млн тенге после звонка «сотрудника сотовой связи»"),
    },
    "azattyq_org": {
        AZATTYQ_RU + "33612345.html": (
            "ru", "Звонок с «биржи»: как фальшивые брокеры выманивают у казахстанцев сбережения"),
        AZATTYQ_RU + "opg-shymkent-sud/33611872.html": (
            "ru", "В Шымкенте начался суд над 14 фигурантами дела о преступной группе"),
        AZATTYQ_RU + "33611790.html": (
            "ru", "Смог над Алматы: уровень загрязнения воздуха стал самым высоким с начала"
            " сезона"),
        AZATTYQ_KK + "33612410.html": (
            "kk", "Қаржы пирамидасы: «Алтын инвест» салымшылары ақшасын қайтаруды талап етіп"
            " отыр"),
        AZATTYQ_KK + "telefon-alayaqtary/33611955.html": (
            "kk", "Телефон алаяқтары зейнеткерлерді қалай алдайды"),
    },
    "govkz_qriim": {
        GOVKZ + "qriim/press/news/details/1123456?lang=ru": (
            "ru", "Полиция предупреждает: мошенники звонят от имени «службы безопасности» банков"),
        GOVKZ + "qriim/press/news/details/1123456?lang=kk": (
            "kk", "Полиция ескертеді: алаяқтар банктің «қауіпсіздік қызметі» атынан хабарласуда"),
        GOVKZ + "qriim/press/news/details/1123201?lang=ru": (
            "ru", "МВД: в 2025 году по фактам создания и участия в ОПГ возбуждено 70 уголовных"
            " дел"),
        GOVKZ + "qriim/press/news/details/1123201?lang=kk": (
            "kk", "ІІМ: 2025 жылы ұйымдасқан қылмыстық топ құру және оған қатысу фактілері бойынша"
            " 70 іс қозғалды"),
        GOVKZ + "qriim/press/news/details/1123150?lang=kk": (
            "kk", "Қысқы жолдағы қауіпсіздік: полиция жүргізушілерге ескерту жасады"),
    },
    "govkz_prokuror": {
        GOVKZ + "prokuror/press/news/details/1123470?lang=ru": (
            "ru", "Прокуроры добились возврата 1,2 млрд тенге вкладчикам финансовых пирамид"),
        GOVKZ + "prokuror/press/news/details/1123470?lang=kk": (
            "kk", "Прокурорлар қаржы пирамидаларының салымшыларына 1,2 миллиард теңгені қайтарды"),
        GOVKZ + "prokuror/press/news/details/1123322?lang=ru": (
            "ru", "Осуждены участники транснациональной ОПГ, выводившей деньги жертв через"
            " дропперов"),
        GOVKZ + "prokuror/press/news/details/1123322?lang=kk": (
            "kk", "Жәбірленушілердің ақшасын дропперлер арқылы шығарған трансұлттық ҰҚТ мүшелері"
            " сотталды"),
        GOVKZ + "prokuror/press/news/details/1123290?lang=ru": (
            "ru", "Генеральный прокурор провел личный прием граждан в Кызылорде"),
        # The bilingual letter (seed 000): Kazakh first, so its main language is Kazakh.
        GOVKZ + "prokuror/press/news/details/412087?lang=ru": (
            "kk", "Ответ на депутатский запрос о противодействии интернет-мошенничествам"),
    },
    "govkz_afm": {
        GOVKZ + "afm/press/news/details/1123480?lang=ru": (
            "ru", "АФМ пресекла деятельность финансовой пирамиды с ущербом более 3 млрд тенге"),
        GOVKZ + "afm/press/news/details/1123480?lang=kk": (
            "kk", "ҚМА залалы 3 миллиард теңгеден асатын қаржы пирамидасының қызметін тоқтатты"),
        GOVKZ + "afm/press/news/details/1123350?lang=ru": (
            "ru", "В ЗКО задержаны организаторы сети дропперов, обналичивших 900 млн тенге"),
        GOVKZ + "afm/press/news/details/1123350?lang=kk": (
            "kk", "БҚО-да 900 миллион теңгені қолма-қол ақшаға айналдырған дропперлер желісін"
            " ұйымдастырушылар ұсталды"),
        GOVKZ + "afm/press/news/details/1123310?lang=ru": (
            "ru", "АФМ провела день открытых дверей для студентов экономических вузов"),
    },
    "govkz_anticorruption": {
        GOVKZ + "anticorruption/press/news/details/1123490?lang=ru": (
            "ru", "Задержан заместитель акима района, входивший в преступную группу по хищению"
            " бюджетных средств"),
        GOVKZ + "anticorruption/press/news/details/1123490?lang=kk": (
            "kk", "Бюджет қаражатын ұрлаған қылмыстық топқа кірген аудан әкімінің орынбасары"
            " ұсталды"),
        GOVKZ + "anticorruption/press/news/details/1123360?lang=ru": (
            "ru", "Мошенники представляются сотрудниками Антикора: агентство предупреждает"
            " граждан"),
        GOVKZ + "anticorruption/press/news/details/1123360?lang=kk": (
            "kk", "Алаяқтар Антикор қызметкері болып таныстырады: агенттік азаматтарды ескертеді"),
        GOVKZ + "anticorruption/press/news/details/1123300?lang=kk": (
            "kk", "Астанада «Адал ұрпақ» клубтарының оқушылары арасында олимпиада өтті"),
    },
    "tg_police_of_kz": {
        TELEGRAM + "4821": ("ru", "❗️Осторожно: «выигрыш» в новогодней лотерее"),
        TELEGRAM + "4822": ("kk", "❗️Абай болыңыз: жаңа жылдық ұтыс ойыны"),
        TELEGRAM + "4823": (
            "ru", "🚔 Полиция переходит на усиленный режим службы в новогодние праздники"),
        # These three only on the older page, ?before=4821.
        TELEGRAM + "4817": (
            "ru", "Ликвидирована ОПГ, занимавшаяся вымогательством в Алматинской области"),
        TELEGRAM + "4818": ("kk", "Алматы облысында бопсалаумен айналысқан ҰҚТ жойылды"),
        TELEGRAM + "4820": ("kk", "Дроппер болмаңыз!"),
    },
    "khabar24_kz": {
        KZ24_RU + "712455-v-astane-zaderzhali-podozrevaemyh-v-moshennichestve-cherez-feykovye"
        "-internet-magaziny": (
            "ru", "В Астане задержали подозреваемых в мошенничестве через фейковые"
            " интернет-магазины"),
        KZ24_RU + "712431-v-semee-vynesen-prigovor-chlenam-opg-pohischavshim-skot": (
            "ru", "В Семее вынесен приговор членам ОПГ, похищавшим скот"),
        KZ24_RU + "712420-aeroport-almaty-za-god-obsluzhil-rekordnye-11-mln-passazhirov": (
            "ru", "Аэропорт Алматы за год обслужил рекордные 11 млн пассажиров"),
        KZ24_KK + "712460-astanada-zhalghan-internet-dukender-arqyly-alayaqtyq-zhasaghan"
        "-kudiktiler-ustaldy": (
            "kk", "Астанада жалған интернет-дүкендер арқылы алаяқтық жасады деген күдіктілер"
            " ұсталды"),
        KZ24_KK + "712440-semeyde-mal-urlaghan-uqt-musheleryne-ukim-shyqty": (
            "kk", "Семейде мал ұрлаған ҰҚТ мүшелеріне үкім шықты"),
    },
}


def _almaty(db: Conn, url: str) -> datetime:
    row = db.execute("SELECT published_at FROM articles WHERE url = %s", (url,)).fetchone()
    assert row is not None and isinstance(row[0], datetime), url
    return row[0].astimezone(ALMATY)


def check_kazpravda(db: Conn, requests: Requests) -> None:
    # The page prints only "26 декабря 2025": the clock comes from the RSS item (11:20), and
    # the sitemap's <lastmod> for the article that left the feed (10:30).
    first, *_ = EXPECTED["kazpravda_kz"]
    assert _almaty(db, first).isoformat() == "2025-12-26T11:20:00+05:00"
    water = KAZPRAVDA + "v-kostanae-postroili-vodoprovod-k-trem-prigorodnym-selam/"
    assert _almaty(db, water).isoformat() == "2025-12-24T10:30:00+05:00"


def check_lada(db: Conn, requests: Requests) -> None:
    bodies = [str(body) for (body,) in db.execute(
        "SELECT body FROM articles WHERE source_id = 'lada_kz'")]
    # The "translate into Kazakh" link that opens every page is not article text.
    assert bodies and not any("Қазақ тіліне аудару" in body for body in bodies)
    openings = ("Полицейские", "В Жанаозене", "С 24 декабря", "В Актау 61", "Суд Актау")
    assert all(body.startswith(openings) for body in bodies), (
        "the headline and the date line stay out of the body")


def check_govkz_ticket(project: str) -> Callable[[Conn, Requests], None]:
    """The crawl POSTed the k6 ticket, then read the news API in both languages with it."""
    def check(db: Conn, requests: Requests) -> None:
        news = [entry for entry in requests if entry["method"] == "GET"
                and "content-manager/news" in str(entry["path"])]
        assert news and all(f"projects=eq:{project}&" in str(entry["path"]) for entry in news)
        assert all("k6ticket" in str(entry["cookie"]) for entry in news), (
            "a news API request went out without the ticket cookie")
        assert {str(entry["accept_language"]) for entry in news} == {"ru", "kk"}
        tickets = [float(str(entry["t"])) for entry in requests if entry["method"] == "POST"
                   and str(entry["path"]).endswith("/api/v1/public/_/c/k6")]
        assert tickets and min(tickets) < min(float(str(entry["t"])) for entry in news), (
            "the first news request went out before the ticket")
        # The item's body HTML names images by relative path; none is fetched.
        assert not any("/uploads/" in str(entry["path"]) for entry in requests)
    return check


def check_prokuror_letter(db: Conn, requests: Requests) -> None:
    check_govkz_ticket("prokuror")(db, requests)
    row = db.execute(
        "SELECT languages, body, published_at FROM articles WHERE url = %s",
        (GOVKZ + "prokuror/press/news/details/412087?lang=ru",),
    ).fetchone()
    assert row is not None
    languages, body, published_at = row
    assert languages == ["kk", "ru"]
    text = str(body)
    assert text.index("Құрметті депутаттар!") < text.index("Уважаемые депутаты!")
    assert isinstance(published_at, datetime)
    # "created_date": "2022-08-03T09:40:00.000Z": Almaty was still UTC+6 then (+5 since 2024-03).
    assert published_at.astimezone(ALMATY).isoformat() == "2022-08-03T15:40:00+06:00"


def check_telegram(db: Conn, requests: Requests) -> None:
    row = db.execute("SELECT body FROM articles WHERE url = %s", (TELEGRAM + "4822",)).fetchone()
    assert row is not None
    # 4822 replies to 4821: the quoted Russian line is the other post's text, not this one's.
    assert str(row[0]).startswith("❗️Абай болыңыз") and "Осторожно" not in str(row[0])
    assert _almaty(db, TELEGRAM + "4821").isoformat() == "2025-12-26T09:12:05+05:00"
    # The post pages themselves were never fetched: the preview carries the text.
    assert not any(str(entry["path"]).startswith("/t.me/POLICE_of_KZ/") for entry in requests)
    assert any(str(entry["path"]) == "/t.me/s/POLICE_of_KZ?before=4821" for entry in requests)


def check_khabar24(db: Conn, requests: Requests) -> None:
    url = KZ24_RU + ("712455-v-astane-zaderzhali-podozrevaemyh-v-moshennichestve-cherez-feykovye"
                     "-internet-magaziny")
    row = db.execute("SELECT body FROM articles WHERE url = %s", (url,)).fetchone()
    assert row is not None
    # K2 keeps the lead apart (div.itemIntroText); it is the body's first paragraph.
    assert str(row[0]).startswith("Полицейские столицы задержали троих подозреваемых")
    assert _almaty(db, url).isoformat() == "2025-12-26T12:30:00+05:00"


CHECKS: dict[str, Callable[[Conn, Requests], None]] = {
    "khabar24_kz": check_khabar24,
    "tg_police_of_kz": check_telegram,
    "govkz_qriim": check_govkz_ticket("qriim"),
    "govkz_prokuror": check_prokuror_letter,
    "govkz_afm": check_govkz_ticket("afm"),
    "govkz_anticorruption": check_govkz_ticket("anticorruption"),
    "kazpravda_kz": check_kazpravda,
    "lada_kz": check_lada,
}


@pytest.mark.parametrize("source_id", sorted(EXPECTED))
def test_one_crawl_stores_every_expected_article_once(
    source_id: str, crawl_env: dict[str, str], db: Conn, mockserver: str
) -> None:
    started = time.time()
    [(_, outcome)] = collect([source_id])
    assert outcome.status == "ok", outcome.message
    assert outcome.run is not None
    expected = EXPECTED[source_id]
    assert (outcome.run.new, outcome.run.failed) == (len(expected), 0), outcome.run.errors

    rows = db.execute(
        "SELECT url, lang, title FROM articles WHERE source_id = %s", (source_id,)
    ).fetchall()
    stored = {str(url): (lang, title) for url, lang, title in rows}
    assert len(rows) == len(stored), "an article was stored twice"
    assert stored == expected
    if source_id in CHECKS:
        CHECKS[source_id](db, _requests_since(mockserver, started))


def _requests_since(mockserver: str, started: float) -> Requests:
    """The requests the mock server received from `started` on: this crawl's."""
    with urlopen(f"{mockserver}/_log", timeout=10) as answer:
        entries: Requests = json.loads(answer.read())
    return [entry for entry in entries if float(str(entry["t"])) >= started]
