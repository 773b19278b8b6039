"""Date parsing on the date strings the sources print (sources.md, "Dates" and the table)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine

from crawler.extract import dates
from crawler.extract.date_words import month_number
from crawler.extract.dates import (
    ALMATY,
    date_from_url,
    find_date_in_text,
    parse_date_text,
    parse_iso_datetime,
    read_date_text,
)
from tests.shared_data import shared_path

# The clock of every case: Friday 2025-12-26 15:00 in Almaty (UTC+5), the day of seed 004.
NOW = datetime(2025, 12, 26, 15, 0, tzinfo=ALMATY)


def local(*parts: int) -> datetime:
    """An Almaty datetime."""
    return datetime(*parts, tzinfo=ALMATY)  # type: ignore[misc]


PARSE_CASES: list[tuple[str, datetime | None]] = [
    # Numeric, Zakon.kz / Khabar / 24.kz style
    ("26.12.2025 11:08", local(2025, 12, 26, 11, 8)),
    ("26.12.2025", local(2025, 12, 26)),
    ("26.12.2025, 11:08", local(2025, 12, 26, 11, 8)),
    ("26.12.2025 в 11:08", local(2025, 12, 26, 11, 8)),
    ("11:08 26.12.2025", local(2025, 12, 26, 11, 8)),
    ("13:51 | 26.12.2025", local(2025, 12, 26, 13, 51)),
    ("1.2.2025", local(2025, 2, 1)),
    ("26/12/2025 08:05:30", local(2025, 12, 26, 8, 5, 30)),
    ("Новости Zakon.kz от 26.12.2025 10:33", local(2025, 12, 26, 10, 33)),
    ("Zakon.kz жаңалық 26.12.2025 11:08 Фото: Zakon.kz", local(2025, 12, 26, 11, 8)),
    ("Дата публикации: 05.11.2025 09:00", local(2025, 11, 5, 9, 0)),
    # Russian month names (Kazpravda, Tengrinews, Zakon.kz listings)
    ("26 декабря 2025", local(2025, 12, 26)),
    ("26 декабря 2025, 11:08", local(2025, 12, 26, 11, 8)),
    ("26 декабря 2025 года в 11:08", local(2025, 12, 26, 11, 8)),
    ("26 декабря 2025 г. 11:08", local(2025, 12, 26, 11, 8)),
    ("13:51, 15 августа 2025", local(2025, 8, 15, 13, 51)),
    ("15 апреля 2024 23:51", local(2024, 4, 15, 23, 51)),
    ("1 января 2025", local(2025, 1, 1)),
    ("3 февраля 2025", local(2025, 2, 3)),
    ("8 марта 2025", local(2025, 3, 8)),
    ("9 мая 2025", local(2025, 5, 9)),
    ("12 июня 2025", local(2025, 6, 12)),
    ("6 июля 2025", local(2025, 7, 6)),
    ("1 сентября 2025", local(2025, 9, 1)),
    ("25 октября 2025", local(2025, 10, 25)),
    ("16 ноября 2025", local(2025, 11, 16)),
    ("26 дек. 2025", local(2025, 12, 26)),
    ("7 сент. 2025, 10:00", local(2025, 9, 7, 10, 0)),
    ("26\u00a0декабря\u00a02025", local(2025, 12, 26)),
    ("ДЕКАБРЬ: 26 ДЕКАБРЯ 2025", local(2025, 12, 26)),
    # Russian nominative month on Kazakh sites (Kazinform kk listings)
    ("15 Август 2025", local(2025, 8, 15)),
    ("13:51, 15 Август 2025", local(2025, 8, 15, 13, 51)),
    ("2 Қазан 2025", local(2025, 10, 2)),
    # Kazakh month names with their case endings
    ("26 желтоқсан 2025 ж.", local(2025, 12, 26)),
    ("26 желтоқсан 2025 ж. 11:08", local(2025, 12, 26, 11, 8)),
    ("2025 жылғы 26 желтоқсан", local(2025, 12, 26)),
    ("2025 жылғы 23 желтоқсаннан бастап", local(2025, 12, 23)),
    ("2025 жылғы 26-желтоқсанда", local(2025, 12, 26)),
    ("26-желтоқсан 2025 жыл", local(2025, 12, 26)),
    ("5 қаңтар 2025", local(2025, 1, 5)),
    ("14 ақпан 2025", local(2025, 2, 14)),
    ("22 наурыз 2025", local(2025, 3, 22)),
    ("5 сәуір 2025", local(2025, 4, 5)),
    ("5 сəуiр 2025", local(2025, 4, 5)),  # Latin ə and i, as typed in official PDFs
    ("7 мамыр 2025", local(2025, 5, 7)),
    ("1 маусым 2025", local(2025, 6, 1)),
    ("6 шілде 2025", local(2025, 7, 6)),
    ("30 тамыз 2025", local(2025, 8, 30)),
    ("1 қыркүйек 2025", local(2025, 9, 1)),
    ("16 қараша 2025", local(2025, 11, 16)),
    ("26 желтоксан 2025", local(2025, 12, 26)),  # typed on a Russian keyboard
    # English (en.tengrinews.kz)
    ("15 April 2024", local(2024, 4, 15)),
    ("April 15, 2024", local(2024, 4, 15)),
    ("Dec 26, 2025 11:08", local(2025, 12, 26, 11, 8)),
    # Relative words with a time (listings)
    ("сегодня, 13:51", local(2025, 12, 26, 13, 51)),
    ("Сегодня 09:00", local(2025, 12, 26, 9, 0)),
    ("вчера, 18:40", local(2025, 12, 25, 18, 40)),
    ("Вчера 10:38", local(2025, 12, 25, 10, 38)),
    ("позавчера, 07:05", local(2025, 12, 24, 7, 5)),
    ("бүгін, 09:15", local(2025, 12, 26, 9, 15)),
    ("Бүгiн, 09:15", local(2025, 12, 26, 9, 15)),  # Latin i inside a Cyrillic word
    ("кеше, 18:40", local(2025, 12, 25, 18, 40)),
    ("Today, 13:51", local(2025, 12, 26, 13, 51)),
    ("Yesterday 21:15", local(2025, 12, 25, 21, 15)),
    ("13:51, сегодня", local(2025, 12, 26, 13, 51)),
    ("вчера", local(2025, 12, 25)),
    # "N ... ago"
    ("2 часа назад", local(2025, 12, 26, 13, 0)),
    ("час назад", local(2025, 12, 26, 14, 0)),
    ("15 минут назад", local(2025, 12, 26, 14, 45)),
    ("3 дня назад", local(2025, 12, 23)),  # a day, not "15:00": the time is not known
    ("3 сағат бұрын", local(2025, 12, 26, 12, 0)),
    ("40 минут бұрын", local(2025, 12, 26, 14, 20)),
    ("2 hours ago", local(2025, 12, 26, 13, 0)),
    ("an hour ago", local(2025, 12, 26, 14, 0)),
    # ISO strings (gov.kz API, nur.kz JSON-LD)
    ("2025-12-26T06:08:00Z", local(2025, 12, 26, 11, 8)),
    ("2025-12-26T06:08:00.000Z", local(2025, 12, 26, 11, 8)),
    ("2025-12-26T11:08:00+05:00", local(2025, 12, 26, 11, 8)),
    ("2025-12-26T11:08:00+0500", local(2025, 12, 26, 11, 8)),
    ("2025-12-26 11:08", local(2025, 12, 26, 11, 8)),
    ("2025-12-26", local(2025, 12, 26)),
    # A day without a year takes now's year, or the year before if that is in the future
    ("15 августа", local(2025, 8, 15)),
    ("15 августа, 13:51", local(2025, 8, 15, 13, 51)),
    ("27 декабря", local(2025, 12, 27)),  # tomorrow: clocks differ, still this year
    ("31 декабря", local(2024, 12, 31)),
    ("Сегодня, 15 августа", local(2025, 8, 15)),
    ("29 февраля", local(2024, 2, 29)),  # the last leap year
    # Impossible or unsure: None, never `now`
    ("26.13.2025", None),
    ("32.12.2025", None),
    ("31.02.2025", None),
    ("26.12.1985", None),
    ("1 января 1985", None),
    ("29 декабря 2025", None),  # three days ahead of now
    ("01.01.2027", None),
    ("25:61 26.12.2025", local(2025, 12, 26)),  # a broken time is ignored, not the date
    ("несколько часов назад", None),
    ("только что", None),
    ("13:51", None),
    ("", None),
    ("Читайте также", None),
    ("Статья 190 УК РК", None),
    ("2025-13-01T10:00:00Z", None),
]


@pytest.mark.parametrize(
    ("text", "expected"), PARSE_CASES, ids=[c[0] or "empty" for c in PARSE_CASES]
)
def test_parse_date_text(text: str, expected: datetime | None) -> None:
    assert parse_date_text(text, NOW) == expected


def test_enough_cases() -> None:
    assert len(PARSE_CASES) >= 60


@pytest.mark.parametrize(("text", "_"), [c for c in PARSE_CASES if c[1] is not None])
def test_results_are_almaty_aware(text: str, _: datetime) -> None:
    parsed = parse_date_text(text, NOW)
    assert parsed is not None and parsed.tzinfo is ALMATY


# --- the change from UTC+6 to UTC+5 on 2024-03-01 ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("29.02.2024 12:00", datetime(2024, 2, 29, 6, 0, tzinfo=UTC)),
        ("2 марта 2024, 12:00", datetime(2024, 3, 2, 7, 0, tzinfo=UTC)),
        ("2024-02-29T12:00:00", datetime(2024, 2, 29, 6, 0, tzinfo=UTC)),
        ("2024-03-02T12:00:00", datetime(2024, 3, 2, 7, 0, tzinfo=UTC)),
        ("29 ақпан 2024 ж. 12:00", datetime(2024, 2, 29, 6, 0, tzinfo=UTC)),
    ],
)
def test_almaty_offset_on_both_sides_of_2024_03_01(text: str, utc: datetime) -> None:
    assert parse_date_text(text, NOW) == utc


def test_almaty_zone_knows_the_change() -> None:
    assert datetime(2024, 2, 29, 12, tzinfo=ALMATY).utcoffset() == timedelta(hours=6)
    assert datetime(2024, 3, 2, 12, tzinfo=ALMATY).utcoffset() == timedelta(hours=5)


def test_stale_system_zone_falls_back_to_tzdata_package(monkeypatch: pytest.MonkeyPatch) -> None:
    class StaleZoneInfo(ZoneInfo):
        """A system tz database from before 2024a: Almaty still at UTC+6."""

        def __new__(cls, key: str) -> StaleZoneInfo:  # type: ignore[misc]
            return timezone(timedelta(hours=6))  # type: ignore[return-value]

    monkeypatch.setattr(dates, "ZoneInfo", StaleZoneInfo)
    zone = dates._load_almaty()
    assert datetime(2024, 3, 2, 12, tzinfo=zone).utcoffset() == timedelta(hours=5)
    assert datetime(2024, 2, 29, 12, tzinfo=zone).utcoffset() == timedelta(hours=6)


# --- the clock --------------------------------------------------------------------------------


def test_relative_dates_follow_the_frozen_clock() -> None:
    # Listings call parse_date_text with datetime.now(ALMATY): frozen, "вчера" resolves the same.
    with time_machine.travel(datetime(2025, 12, 26, 10, 0, tzinfo=UTC), tick=False):
        assert parse_date_text("вчера, 18:40", datetime.now(ALMATY)) == local(2025, 12, 25, 18, 40)


def test_relative_date_crosses_midnight_in_almaty_not_utc() -> None:
    # 2025-12-26 20:00 UTC is already 2025-12-27 01:00 in Almaty.
    now_utc = datetime(2025, 12, 26, 20, 0, tzinfo=UTC)
    assert parse_date_text("сегодня, 00:30", now_utc) == local(2025, 12, 27, 0, 30)


def test_naive_now_is_almaty_time() -> None:
    assert parse_date_text("вчера, 18:40", NOW.replace(tzinfo=None)) == local(2025, 12, 25, 18, 40)


def test_year_less_date_in_january_goes_back_a_year() -> None:
    assert parse_date_text("30 декабря", local(2026, 1, 2, 9, 0)) == local(2025, 12, 30)


# --- parse_iso_datetime -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-12-26T06:08:00Z", datetime(2025, 12, 26, 6, 8, tzinfo=UTC)),
        ("2025-12-26T06:08:00.123456789z", datetime(2025, 12, 26, 6, 8, 0, 123456, tzinfo=UTC)),
        ("2025-12-26T11:08:00+05:00", local(2025, 12, 26, 11, 8)),
        ("2025-12-26T11:08+05:00", local(2025, 12, 26, 11, 8)),
        ("2025-12-26T12:08:00+06", local(2025, 12, 26, 11, 8)),
        ("2025-12-26T01:08:00-05:00", local(2025, 12, 26, 11, 8)),
        ("2025-12-26T11:08:00", local(2025, 12, 26, 11, 8)),
        ("2025-12-26 11:08:00", local(2025, 12, 26, 11, 8)),
        ("  2025-12-26  ", local(2025, 12, 26)),
        ("2025-12-26", local(2025, 12, 26)),
        ("2025-02-30", None),
        ("2025-12-26T24:00:00", None),
        ("2025-12-26T11:08:00+15:00", None),
        ("1985-01-01", None),
        ("26.12.2025", None),
        ("not a date", None),
        ("", None),
    ],
)
def test_parse_iso_datetime(value: str, expected: datetime | None) -> None:
    assert parse_iso_datetime(value) == expected


# --- date_from_url ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://kz.kursiv.media/2025-12-26/zhmk-fraud-schemes/", local(2025, 12, 26)),
        ("https://kursiv.media/kk/2025-12-26/slug/", local(2025, 12, 26)),
        ("https://tengrinews.kz/news/2025/12/26/", local(2025, 12, 26)),
        ("https://tengrinews.kz/news/2025/12/26", local(2025, 12, 26)),
        ("https://tengrinews.kz/news/2025/1/5/?page=2", local(2025, 1, 5)),
        ("https://tengrinews.kz/news/2025/13/26/", None),
        ("https://www.zakon.kz/proisshestviia/6500123-moshenniki.html", None),
        ("https://tengrinews.kz/crime/moshenniki-2025-562345/", None),
        ("https://example.kz/page?date=2025-12-26", None),
    ],
)
def test_date_from_url(url: str, expected: datetime | None) -> None:
    assert date_from_url(url) == expected


# --- find_date_in_text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" date 2025-12-26 #Халық заңгері\nОқиғалар", local(2025, 12, 26)),
        (
            "полиция, ЦОУ, сурет - Zakon.kz жаңалық 26.12.2025 11:08 Фото",
            local(2025, 12, 26, 11, 8),
        ),
        ("Новости Zakon.kz от 26.12.2025 10:33. Фото: полиция", local(2025, 12, 26, 10, 33)),
        ("Вчера полицейские задержали мошенника. 26 декабря 2025", local(2025, 12, 26)),
        ("Вчера полицейские задержали мошенника.", None),  # relative: the event, not the page
        ("12 июля т.г. проведено межведомственное совещание", None),  # no year: the event
        ("Криминальный кодекс, статья 190, 3 года лишения свободы", None),
        ("Соңғы 3 жылда 65%-ға өсті (2019ж. – 7 769; 2020ж. – 14 220)", None),
    ],
)
def test_find_date_in_text(text: str, expected: datetime | None) -> None:
    assert find_date_in_text(text, NOW) == expected


def test_find_date_in_seed_004() -> None:
    seed = shared_path("seeds", "004_8174cd7c9bc6a617.txt").read_text(encoding="utf-8")
    assert find_date_in_text(seed, NOW, "kk") == local(2025, 12, 26)


# --- month names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "number"),
    [
        ("января", 1),
        ("Январь", 1),
        ("январе", 1),
        ("янв.", 1),
        ("мая", 5),
        ("май", 5),
        ("Август", 8),
        ("сент", 9),
        ("дек", 12),
        ("қаңтар", 1),
        ("ақпанда", 2),
        ("наурыздың", 3),
        ("сәуір", 4),
        ("мамырда", 5),
        ("маусымнан", 6),
        ("шілдеде", 7),
        ("тамызда", 8),
        ("қыркүйекте", 9),
        ("қазанның", 10),
        ("қарашада", 11),
        ("желтоқсанда", 12),
        ("желтоксан", 12),
        ("December", 12),
        ("sept", 9),
        ("человек", None),
        ("года", None),
        ("қазақстан", None),
        ("март2", None),
        ("м", None),
    ],
)
def test_month_number(word: str, number: int | None) -> None:
    assert month_number(word) == number


# --- precision and stated offsets (issue 15) -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("26 декабря 2025", local(2025, 12, 26), "day"),
        ("26 декабря 2025, 11:08", local(2025, 12, 26, 11, 8), "minute"),
        ("26 декабря 2025 11:08", local(2025, 12, 26, 11, 8), "minute"),
        ("26 декабря 2025 г., 11:08", local(2025, 12, 26, 11, 8), "minute"),
        ("11:08, 26 декабря 2025", local(2025, 12, 26, 11, 8), "minute"),
        ("11:08 26 декабря 2025", local(2025, 12, 26, 11, 8), "minute"),
        ("26.12.2025", local(2025, 12, 26), "day"),
        ("Сегодня, 10:38", local(2025, 12, 26, 10, 38), "minute"),
        ("Сегодня в 10:38", local(2025, 12, 26, 10, 38), "minute"),
        ("Бүгін 09:15", local(2025, 12, 26, 9, 15), "minute"),
        ("Бүгін, сағат 09:15", local(2025, 12, 26, 9, 15), "minute"),
        ("Вчера 10:38", local(2025, 12, 25, 10, 38), "minute"),
        ("Вчера, 10:38", local(2025, 12, 25, 10, 38), "minute"),
        ("Кеше сағат 18:40", local(2025, 12, 25, 18, 40), "minute"),
        ("вчера", local(2025, 12, 25), "day"),
        ("2 часа назад", local(2025, 12, 26, 13, 0), "minute"),
        ("3 дня назад", local(2025, 12, 23), "day"),
        ("26 желтоқсан 2025 ж. 11:08", local(2025, 12, 26, 11, 8), "minute"),
        ("26 желтоқсанда 2025 жылы, 11:08", local(2025, 12, 26, 11, 8), "minute"),
        ("2025-12-26", local(2025, 12, 26), "day"),
        ("2025-12-26T11:08:00+05:00", local(2025, 12, 26, 11, 8), "minute"),
        # Kazinform prints the offset after the date: "13:51, 15 Август 2025 | GMT +5".
        ("13:51, 15 Август 2025 | GMT +5", local(2025, 8, 15, 13, 51), "minute"),
        ("13:51, 15 августа 2025 | GMT+5", local(2025, 8, 15, 13, 51), "minute"),
        ("15.08.2025 13:51 (UTC+5)", local(2025, 8, 15, 13, 51), "minute"),
        # Before 2024-03-01 Almaty was UTC+6: a page that printed "GMT +6" then is Almaty time,
        # one that printed "GMT +5" (Aktobe, Atyrau, the west) is an hour later in Almaty.
        ("13:51, 15 августа 2023 | GMT +6", local(2023, 8, 15, 13, 51), "minute"),
        ("13:51, 15 августа 2023 | GMT +5", local(2023, 8, 15, 14, 51), "minute"),
    ],
)
def test_read_date_text_gives_the_minute_or_says_day(
    text: str, expected: datetime, precision: str,
) -> None:
    found = read_date_text(text, NOW)
    assert found is not None
    assert (found.value, found.precision) == (expected, precision)
    assert found.value.tzinfo is ALMATY


def test_every_date_tengrinews_printed_in_a_week_reads_to_the_minute() -> None:
    # The real date strings of ../shared/tagging-dev/week-tengrinews-2024-04.jsonl: "15 апреля
    # 2024 23:51" and, on 64 rows, "Вчера 10:38", which a crawl on 18 April 2024 saw.
    rows = [json.loads(line) for line in shared_path(
        "tagging-dev", "week-tengrinews-2024-04.jsonl").read_text("utf-8").split("\n") if line]
    crawled = datetime(2024, 4, 18, 12, 0, tzinfo=ALMATY)
    read = 0
    for row in rows:
        text = row["date_text"]
        found = read_date_text(text, crawled)
        assert found is not None and found.precision == "minute", text
        hour, minute = map(int, re.search(r"(\d{1,2}):(\d{2})", text).groups())  # type: ignore[union-attr]
        day = 17 if text.lower().startswith("вчера") else int(text.split()[0])
        assert (found.value.day, found.value.hour, found.value.minute) == (day, hour, minute)
        assert found.value.utcoffset() == timedelta(hours=5)  # UTC+5 since 2024-03-01
        read += 1
    assert read == len(rows) >= 300
