"""Articles for the analysts' tests, stored the way the pipeline stores them (real tags, stems).

Written for these tests after the shape of the saved Zakon.kz and Tengrinews pages: a title,
two to four sentences, Kazakh or Russian. Dates are relative to "now" in Asia/Almaty so that
`--since yesterday` and the digest's default day find the same articles on any day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import time_machine

from crawler.extract.body import content_hash
from crawler.items import Article
from crawler.sources import all_sources
from crawler.tagging.apply import analyse_article
from crawler.tagging.normalize import normalize_text
from storage.articles import store_article

ALMATY = ZoneInfo("Asia/Almaty")

# (source id, name, home) rows the articles refer to; the registry may not list them all.
SOURCES = [
    ("zakon_kz", "Zakon.kz", "https://www.zakon.kz"),
    ("tengrinews_kz", "Tengrinews.kz", "https://tengrinews.kz"),
    ("polisia_kz", "Police of Kazakhstan", "https://polisia.kz"),
]


@dataclass(frozen=True)
class SeedArticle:
    """A test article: a key the tests refer to, when (days before today, Almaty time)."""

    key: str
    source_id: str
    lang: str
    days_ago: int
    at: time
    title: str
    body: str


SEED = [
    SeedArticle(
        "kk_phone_karaganda", "zakon_kz", "kk", 1, time(10, 15),
        "Қарағандыда банк қызметкері болып таныстырған телефон алаяқтары ұсталды",
        "Қарағанды облысы полиция департаменті телефон алаяқтарын ұстады. Күдіктілер "
        "зейнеткерлерге қоңырау шалып, банк қызметкері болып таныстырған және карта "
        "деректерін сұраған. Жәбірленушілер 5 миллион теңгеден айырылды. ҚР ҚК 190-бабы "
        "бойынша қылмыстық іс қозғалды.",
    ),
    SeedArticle(
        "ru_phone_karaganda", "tengrinews_kz", "ru", 1, time(12, 30),
        "В Караганде задержали мошенников, звонивших от имени банка",
        "Полицейские Карагандинской области задержали двух мошенников. Злоумышленники "
        "звонили пенсионерам, представлялись сотрудниками службы безопасности банка и "
        "выманивали коды из SMS. Ущерб составил 3,2 миллиона тенге. Возбуждено уголовное "
        "дело по статье 190 УК РК «Мошенничество».",
    ),
    SeedArticle(
        "ru_ocg_almaty", "zakon_kz", "ru", 1, time(15, 0),
        "В Алматы задержаны участники ОПГ, вымогавшие деньги у предпринимателей",
        "Сотрудники полиции Алматы задержали участников организованной преступной группы. "
        "По данным следствия, они вымогали деньги у владельцев кафе и рынков, угрожая "
        "расправой. Возбуждено уголовное дело по статье 262 УК РК, подозреваемые "
        "арестованы.",
    ),
    SeedArticle(
        "kk_ocg_almaty", "polisia_kz", "kk", 3, time(9, 40),
        "Алматыда кәсіпкерлерден ақша бопсалаған ұйымдасқан қылмыстық топ әшкереленді",
        "Алматы қаласы полиция департаменті ұйымдасқан қылмыстық топтың мүшелерін ұстады. "
        "Тергеу деректері бойынша, олар кәсіпкерлерден ақша бопсалаған. ҚР ҚК 262-бабы "
        "бойынша сотқа дейінгі тергеп-тексеру басталды.",
    ),
    SeedArticle(
        "ru_pyramid_astana", "tengrinews_kz", "ru", 10, time(11, 5),
        "АФМ ликвидировала финансовую пирамиду в Астане",
        "Агентство по финансовому мониторингу пресекло деятельность финансовой пирамиды в "
        "Астане. Организаторы обещали вкладчикам доход до 30 процентов в месяц и привлекли "
        "более 400 миллионов тенге. Возбуждено уголовное дело по статье 217 УК РК.",
    ),
    SeedArticle(
        "kk_internet_shymkent", "zakon_kz", "kk", 40, time(18, 20),
        "Шымкентте жалған сайт арқылы ақша алдаған интернет-алаяқ ұсталды",
        "Шымкент қаласының полицейлері интернет-алаяқты ұстады. Ол жалған дүкен сайтын "
        "ашып, тұрғындардан алдын ала төлем алып, тауарды жібермеген. Күдіктіге қатысты "
        "қылмыстық іс қозғалды, залал 2 миллион теңге.",
    ),
    SeedArticle(
        "ru_sport_almaty", "tengrinews_kz", "ru", 1, time(20, 0),
        "«Кайрат» обыграл соперника в матче чемпионата в Алматы",
        "Футбольный клуб «Кайрат» победил со счетом 2:0. Болельщики заполнили стадион, "
        "тренер поблагодарил команду за игру.",
    ),
    SeedArticle(
        "ru_internet_noregion", "polisia_kz", "ru", 2, time(8, 0),
        "Интернет-мошенники взламывают аккаунты в мессенджерах",
        "Полиция предупреждает казахстанцев о новой схеме интернет-мошенничества: "
        "злоумышленники взламывают аккаунты и просят у знакомых деньги в долг. "
        "С начала года зарегистрировано более 300 таких преступлений.",
    ),
]


def seed_now() -> datetime:
    """The current time in Asia/Almaty."""
    return datetime.now(UTC).astimezone(ALMATY)


def analysts_day() -> time_machine.travel:
    """The clock for a module of analysts' tests: noon in Almaty on today's date, running.

    The seed is stored once, relative to "now", and the tests ask for 'yesterday' or the
    digest's default day later: a module that ran across Almaty midnight found yesterday's
    articles two days old. From noon the date holds for twelve hours. Today's date is kept
    so that what reads the real clock beside the test (the browser, a `dozor` subprocess)
    sees the same day in all but a module running across midnight.
    """
    noon = datetime.combine(seed_now().date(), time(12), tzinfo=ALMATY)
    return time_machine.travel(noon, tick=True)


def published_at(seed: SeedArticle, now: datetime) -> datetime:
    """When a seed article was published: `days_ago` days before today, at its Almaty time."""
    return datetime.combine(now.date() - timedelta(days=seed.days_ago), seed.at, tzinfo=ALMATY)


def store_seed(conn: psycopg.Connection[Any], now: datetime | None = None) -> dict[str, int]:
    """Store every seed article (tags and stems computed as in a crawl); return ids by key."""
    now = now or seed_now()
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO sources (id, name, home, languages, kind) VALUES (%s, %s, %s,"
            " '{kk,ru}', 'newsroom') ON CONFLICT (id) DO NOTHING", SOURCES)
    ids: dict[str, int] = {}
    for seed in SEED:
        article = Article(
            source_id=seed.source_id, url=f"https://example.test/{seed.key}.html",
            title=seed.title, body=seed.body, lang=seed.lang, languages=(seed.lang,),
            published_at=published_at(seed, now), fetched_at=now, date_source="jsonld",
            body_normalized=normalize_text(seed.body),
            content_hash=content_hash(seed.title, seed.body),
        )
        store_article(conn, article, analyse_article(article), None)
        row = conn.execute("SELECT id FROM articles WHERE url = %s", (article.url,)).fetchone()
        assert row is not None
        ids[seed.key] = int(row[0])
    return ids


# Sources the seed and the search evaluation corpus refer to.
SEEDED_SOURCE_IDS = ("zakon_kz", "tengrinews_kz", "polisia_kz", "kazpravda_kz")


def empty_tables(conn: psycopg.Connection[Any]) -> None:
    """Remove every article (and its tags) and run, and the sources the registry lacks."""
    conn.execute("TRUNCATE articles, article_tags, article_versions, crawl_runs, stories,"
                 " saved_searches CASCADE")
    all_sources.cache_clear()
    extra = [s for s in SEEDED_SOURCE_IDS if s not in all_sources()]
    conn.execute("DELETE FROM sources WHERE id = ANY(%s)", (extra,))


# One story told three times: a Financial Monitoring Agency release on Zakon.kz in Kazakh and
# in Russian (the same numeric id in both URLs, as the site numbers its editions) and the
# Russian text republished word for word by Tengrinews. `group_stories` makes it one story.
STORY_SEED = [
    (SeedArticle(
        "story_kk_afm_pyramid", "zakon_kz", "kk", 2, time(10, 0),
        "ҚМА Қарағандыда 1,2 миллиард теңге тартқан қаржы пирамидасын жапты",
        "Қаржылық мониторинг агенттігі Қарағанды облысында қаржы пирамидасының қызметін "
        "тоқтатты. Ұйымдастырушылар 3 200 салымшыдан 1,2 миллиард теңге тартқан. ҚР ҚК "
        "217-бабы бойынша қылмыстық іс қозғалды, 4 күдікті ұсталды.",
    ), "https://www.zakon.kz/kk/6473921-afm-piramida.html"),
    (SeedArticle(
        "story_ru_afm_pyramid", "zakon_kz", "ru", 2, time(10, 5),
        "АФМ закрыло финансовую пирамиду в Караганде, привлёкшую 1,2 миллиарда тенге",
        "Агентство по финансовому мониторингу пресекло деятельность финансовой пирамиды в "
        "Карагандинской области. Организаторы привлекли 1,2 миллиарда тенге от 3 200 "
        "вкладчиков. Возбуждено уголовное дело по статье 217 УК РК, задержаны 4 подозреваемых.",
    ), "https://www.zakon.kz/6473921-afm-piramida.html"),
    (SeedArticle(
        "story_ru_afm_pyramid_repost", "tengrinews_kz", "ru", 2, time(11, 30),
        "АФМ закрыло финансовую пирамиду в Караганде, привлёкшую 1,2 миллиарда тенге",
        "Агентство по финансовому мониторингу пресекло деятельность финансовой пирамиды в "
        "Карагандинской области. Организаторы привлекли 1,2 миллиарда тенге от 3 200 "
        "вкладчиков. Возбуждено уголовное дело по статье 217 УК РК, задержаны 4 подозреваемых.",
    ), "https://tengrinews.kz/kazakhstan_news/afm-piramida-karaganda-563201/"),
]


def store_story_seed(conn: psycopg.Connection[Any], now: datetime | None = None
                     ) -> dict[str, int]:
    """Store STORY_SEED and group every stored article into stories; return ids by key."""
    from storage.stories import group_stories

    now = now or seed_now()
    ids: dict[str, int] = {}
    for seed, url in STORY_SEED:
        article = Article(
            source_id=seed.source_id, url=url, title=seed.title, body=seed.body, lang=seed.lang,
            languages=(seed.lang,), published_at=published_at(seed, now), fetched_at=now,
            date_source="jsonld", body_normalized=normalize_text(seed.body),
            content_hash=content_hash(seed.title, seed.body),
        )
        store_article(conn, article, analyse_article(article), None)
        row = conn.execute("SELECT id FROM articles WHERE url = %s", (url,)).fetchone()
        assert row is not None
        ids[seed.key] = int(row[0])
    group_stories(conn)
    return ids
