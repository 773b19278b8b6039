"""Search: query parsing, dates in Asia/Almaty, filters over stored articles, the `dozor search`
and `dozor stats` commands with their outputs, and the pinned Recall@10 / MRR@10 floors."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any, ClassVar

import psycopg
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from crawler.errors import SearchQueryError
from jobs.cli import dozor
from serve.evaluate import corpus_sha256, evaluate, load_corpus, store_corpus
from serve.highlight import hit_highlights
from serve.query import parse_query
from serve.request import ALMATY, Filters, SearchRequest, parse_when
from serve.search import search
from tests.analyst_seed import SEED, empty_tables, published_at, seed_now

FLOORS_PATH = Path(__file__).parent / "fixtures" / "search" / "floors.json"


@pytest.fixture
def conn(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(database_url, autocommit=True) as connection:
        yield connection


def keys_of(ids: dict[str, int], hits: list[Any]) -> list[str]:
    by_id = {v: k for k, v in ids.items()}
    return [by_id[h.id] for h in hits]


# ---------------------------------------------------------------------------------------
# Query text
# ---------------------------------------------------------------------------------------


def test_an_ambiguous_cyrillic_word_asks_for_its_kazakh_and_russian_stems() -> None:
    parsed = parse_query("полиция")
    # No Kazakh-only letter: the index may hold the word stemmed either way.
    assert parsed.tsquery == "('полиц' | 'полиция')"


def test_kazakh_forms_of_one_word_give_one_stem() -> None:
    forms = ["алаяқтар", "алаяқтарды", "алаяқтық", "алаяқтыққа", "алаяқтардың"]
    assert {parse_query(f).tsquery for f in forms} == {"'алаяқ'"}


def test_phrases_exclusions_or_and_prefixes() -> None:
    assert parse_query('"ұйымдасқан топ"').tsquery == "('ұйымдас' <-> 'топ')"
    assert parse_query("алаяқ -телефон").tsquery == "'алаяқ' & !'телефон'"
    assert parse_query("алаяқ OR мошенники").tsquery == "('алаяқ' | ('мошенник' | 'мошенники'))"
    assert parse_query("алаяқ*").tsquery == "'алаяқ':*"


def test_function_words_are_dropped_outside_phrases_only() -> None:
    without = parse_query("мошенники Караганде").tsquery
    assert parse_query("мошенники в Караганде").tsquery == without
    assert "'в'" in str(parse_query('"в Караганде"').tsquery)
    assert parse_query("в").tsquery == "'в'"  # nothing else to search for


@pytest.mark.parametrize("text", ["-алаяқ", "-алаяқ -мошенник", '-"ұйымдасқан топ"'])
def test_a_query_that_only_excludes_is_refused(text: str) -> None:
    with pytest.raises(SearchQueryError, match="only excludes"):
        parse_query(text)


def test_limits_on_query_and_prefix() -> None:
    with pytest.raises(SearchQueryError, match="200 characters"):
        parse_query("а" * 201)
    with pytest.raises(SearchQueryError, match="at least 3 letters"):
        parse_query("ал*")


@pytest.mark.parametrize("text", [
    "'; DROP TABLE articles; --", "a & b | !c", "(((", "\\'", "«Алтын Қазына»", "x:*", "<->",
    "190-бабы", "интернет-алаяқтық", "OR OR", "\"unterminated", "é ä ğ q", "\u200bалаяқ\u00ad",
])
def test_any_text_becomes_a_valid_tsquery_nothing_or_a_clear_refusal(
    conn: psycopg.Connection[Any], text: str
) -> None:
    try:
        parsed = parse_query(text)
    except SearchQueryError as exc:
        assert "prefix" in str(exc) or "excludes" in str(exc)
        return
    for tsquery in (parsed.tsquery, parsed.relaxed, parsed.any_word):
        if tsquery is not None:
            conn.execute("SELECT %s::tsquery", (tsquery,))


# ---------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------

NOW = datetime(2025, 12, 26, 1, 30, tzinfo=UTC)  # 06:30 in Almaty, already the 26th there


def test_relative_days_are_almaty_days() -> None:
    assert parse_when("yesterday", now=NOW) == datetime(2025, 12, 25, tzinfo=ALMATY)
    assert parse_when("today", now=NOW) == datetime(2025, 12, 26, tzinfo=ALMATY)
    assert parse_when("yesterday", end=True, now=NOW) == datetime(2025, 12, 26, tzinfo=ALMATY)
    assert parse_when("7d", now=NOW) == datetime(2025, 12, 19, tzinfo=ALMATY)
    assert parse_when("2 weeks ago", now=NOW) == datetime(2025, 12, 12, tzinfo=ALMATY)


def test_dates_follow_the_2024_time_zone_change() -> None:
    # Kazakhstan moved from UTC+6 to UTC+5 on 2024-03-01.
    assert parse_when("2024-02-29").utcoffset() == timedelta(hours=6)
    assert parse_when("2024-03-02").utcoffset() == timedelta(hours=5)
    assert parse_when("2025-01-10T09:00").isoformat() == "2025-01-10T09:00:00+05:00"
    assert parse_when("2025-01-10T09:00+00:00").utcoffset() == timedelta(0)


@pytest.mark.parametrize("text", ["tomorrowish", "2025-13-01", "32d ago maybe"])
def test_unreadable_dates_say_how_to_write_them(text: str) -> None:
    with pytest.raises(SearchQueryError):
        parse_when(text)


# ---------------------------------------------------------------------------------------
# Search over stored articles
# ---------------------------------------------------------------------------------------


def test_kazakh_word_forms_find_each_other(
    conn: psycopg.Connection[Any], seeded: dict[str, int]
) -> None:
    # The query's form is in none of the articles: they say алаяқтары, алаяқтарын, алаяқ(ты).
    page = search(conn, SearchRequest("алаяқтардың"))
    assert sorted(keys_of(seeded, page.hits)) == ["kk_internet_shymkent", "kk_phone_karaganda"]
    title, snippet = hit_highlights(
        next(h for h in search(conn, SearchRequest("алаяқтардың"), with_body=True).hits
             if h.id == seeded["kk_phone_karaganda"]),
        page.parsed,
    )
    assert [s.text for s in title if s.mark] == ["алаяқтары"]
    assert [s.text for s in snippet if s.mark] == ["алаяқтарын"]


def test_russian_word_forms_find_each_other(
    conn: psycopg.Connection[Any], seeded: dict[str, int]
) -> None:
    page = search(conn, SearchRequest("мошенник"))
    assert sorted(keys_of(seeded, page.hits)) == ["ru_internet_noregion", "ru_phone_karaganda"]


def test_every_word_is_required_and_close_matches_come_after(
    conn: psycopg.Connection[Any], seeded: dict[str, int]
) -> None:
    strict = search(conn, SearchRequest("мошенники Караганде лжесотрудник"))
    assert strict.hits == [] and strict.total == 0
    relaxed = search(conn, SearchRequest("мошенники Караганде лжесотрудник", close_matches=True))
    assert keys_of(seeded, relaxed.hits) == ["ru_phone_karaganda"]
    assert relaxed.hits[0].partial and relaxed.total == 0


@pytest.mark.parametrize(("filters", "expected"), [
    (Filters(topics=("ocg",)), {"ru_ocg_almaty", "kk_ocg_almaty"}),
    (Filters(subtopics=("phone",)), {"kk_phone_karaganda", "ru_phone_karaganda"}),
    (Filters(topics=("ocg",), subtopics=("phone",)), set()),
    (Filters(regions=("almaty_city",)), {"ru_ocg_almaty", "kk_ocg_almaty", "ru_sport_almaty"}),
    (Filters(topics=("fraud",), langs=("kk",)), {"kk_phone_karaganda", "kk_internet_shymkent"}),
    (Filters(sources=("polisia_kz",)), {"kk_ocg_almaty", "ru_internet_noregion"}),
])
def test_filters(
    conn: psycopg.Connection[Any], seeded: dict[str, int], filters: Filters, expected: set[str]
) -> None:
    page = search(conn, SearchRequest(filters=filters))
    assert set(keys_of(seeded, page.hits)) == expected
    assert page.total == len(expected)


def test_date_range_in_almaty_days(conn: psycopg.Connection[Any], seeded: dict[str, int]) -> None:
    since = parse_when("yesterday")
    until = parse_when("yesterday", end=True)
    page = search(conn, SearchRequest(filters=Filters(since=since, until=until)))
    expected = {s.key for s in SEED if s.days_ago == 1}
    assert set(keys_of(seeded, page.hits)) == expected


def test_pages_are_ordered_and_never_overlap(
    conn: psycopg.Connection[Any], seeded: dict[str, int]
) -> None:
    first = search(conn, SearchRequest(order="newest", limit=3))
    second = search(conn, SearchRequest(order="newest", limit=3, offset=3))
    rest = search(conn, SearchRequest(order="newest", limit=3, offset=6))
    hits = first.hits + second.hits + rest.hits
    assert first.total == len(SEED) == len(hits) == len({h.id for h in hits})
    dates = [h.published_at for h in hits]
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]


def test_unknown_filter_values_and_injections_are_refused_not_run(
    conn: psycopg.Connection[Any], seeded: dict[str, int]
) -> None:
    with pytest.raises(SearchQueryError, match="unknown topic 'drugs'; known: fraud, ocg"):
        search(conn, SearchRequest(filters=Filters(topics=("drugs",))))
    with pytest.raises(SearchQueryError, match="not a source id"):
        search(conn, SearchRequest(filters=Filters(sources=("x' OR '1'='1",))))
    with pytest.raises(SearchQueryError, match="page size"):
        search(conn, SearchRequest(limit=101))
    search(conn, SearchRequest("'; DROP TABLE articles; --"))
    assert conn.execute("SELECT count(*) FROM articles").fetchone() == (len(SEED),)


# ---------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------


def run_cli(database_url: str, *args: str) -> str:
    result = CliRunner().invoke(dozor, list(args), env={"DATABASE_URL": database_url,
                                                        "DOZOR_UI_LANG": "en"},
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_search_command_table_since_yesterday(database_url: str, seeded: dict[str, int]) -> None:
    out = run_cli(database_url, "search", "--since", "yesterday", "--topic", "fraud")
    lines = out.splitlines()
    assert lines[0].split() == ["id", "published", "source", "ln", "topics", "title"]
    yesterday = next(s for s in SEED if s.key == "kk_phone_karaganda")
    when = published_at(yesterday, seed_now())
    row = f"{seeded['kk_phone_karaganda']:>7} {when:%Y-%m-%d %H:%M} zakon_kz"
    assert row in out  # the id, then the Almaty wall-clock time
    assert "https://example.test/kk_phone_karaganda.html" in out
    titles = {s.title[:60] for s in SEED if s.days_ago <= 1 and s.key != "ru_sport_almaty"
              and "ocg" not in s.key}
    assert all(any(t in line for line in lines) for t in titles)
    assert "Шымкентте" not in out  # 40 days old
    assert "Stories: 2, shown: 2." in out


class _ClockAtMidnight(datetime):
    """serve.request's clock for one command run at Almaty midnight: the first reading is
    half a second before it, every later one after it."""

    readings: ClassVar[list[datetime]] = []

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _ClockAtMidnight:
        moment = cls.readings.pop(0) if len(cls.readings) > 1 else cls.readings[0]
        return cls.fromtimestamp(moment.timestamp(), tz)


def test_since_and_until_are_read_against_one_clock_reading_at_midnight(
    database_url: str, seeded: dict[str, int], monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Asked at midnight, `--since yesterday --until yesterday` is one day, either one; read
    # twice, the clock gave 'yesterday' from both days and the range held two.
    midnight = datetime.combine(seed_now().date(), time(), tzinfo=ALMATY)
    _ClockAtMidnight.readings = [midnight - timedelta(seconds=0.5),
                                 midnight + timedelta(seconds=0.5)]
    monkeypatch.setattr("serve.request.datetime", _ClockAtMidnight)
    out = run_cli(database_url, "search", "--since", "yesterday", "--until", "yesterday",
                  "--format", "jsonl")
    assert {json.loads(line)["url"] for line in out.splitlines()} == {
        f"https://example.test/{s.key}.html" for s in SEED if s.days_ago == 2}


def test_search_command_csv_jsonl_and_excel(
    database_url: str, seeded: dict[str, int], tmp_path: Path
) -> None:
    rows = list(csv.DictReader(io.StringIO(run_cli(
        database_url, "search", "ұйымдасқан", "қылмыстық", "--format", "csv",
        "--no-cross-language"))))
    assert [r["title"] for r in rows] == [s.title for s in SEED if s.key == "kk_ocg_almaty"]
    assert rows[0]["topics"] == "Organized crime" and rows[0]["regions"] == "Almaty"
    assert rows[0]["published"].endswith("+05:00")

    records = [json.loads(line) for line in run_cli(
        database_url, "search", "--region", "karaganda", "--format", "jsonl").splitlines()]
    assert {r["url"] for r in records} == {
        "https://example.test/kk_phone_karaganda.html", "https://example.test/ru_phone_karaganda.html"}
    assert all(r["subtopics"] == ["phone"] for r in records)

    book_path = tmp_path / "fraud.xlsx"
    run_cli(database_url, "search", "--topic", "fraud", "--format", "xlsx", "-o", str(book_path))
    sheet = load_workbook(book_path).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["id", "Published (Asia/Almaty)", "Source id"]
    assert sheet.max_row == 1 + sum(1 for s in SEED if s.key in {
        "kk_phone_karaganda", "ru_phone_karaganda", "ru_pyramid_astana",
        "kk_internet_shymkent", "ru_internet_noregion"})
    by_title = {row[5]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    seed = next(s for s in SEED if s.key == "ru_pyramid_astana")
    assert by_title[seed.title][1] == published_at(seed, seed_now()).replace(tzinfo=None)


def test_search_command_reports_bad_input_in_one_line(
    database_url: str, seeded: dict[str, int]
) -> None:
    result = CliRunner().invoke(dozor, ["search", "--topic", "nope"],
                                env={"DATABASE_URL": database_url})
    assert isinstance(result.exception, SearchQueryError)
    assert "unknown topic 'nope'" in str(result.exception)


def test_stats_command_table_and_chart(
    database_url: str, seeded: dict[str, int], tmp_path: Path
) -> None:
    chart = tmp_path / "stats.png"
    out = run_cli(database_url, "stats", "--chart", str(chart))
    region = next(line for line in out.splitlines() if line.startswith("Almaty "))
    assert region.split()[1:] == ["3", "0", "2"]  # articles, fraud, ocg
    source = next(line for line in out.splitlines() if line.startswith("polisia_kz"))
    assert source.split()[1:] == ["2", "1", "1"]
    week_rows = [line for line in out.splitlines() if line[:4].isdigit()]
    assert sum(int(line.split()[1]) for line in week_rows) == len(SEED)
    png = chart.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


# ---------------------------------------------------------------------------------------
# Search quality: Recall@10 and MRR@10 on the judged corpus, floors pinned to its hash
# ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_search_quality_stays_above_its_floors(conn: psycopg.Connection[Any]) -> None:
    floors = json.loads(FLOORS_PATH.read_text(encoding="utf-8"))
    assert floors["corpus_sha256"] == corpus_sha256(), (
        "the corpus or its judgments changed: measure again with `python bench/eval_search.py`"
        " and write new floors with `--write-floors` (say why in the commit)")
    docs, judged = load_corpus()
    assert len(docs) >= 300 and len(judged) >= 100
    assert sum(1 for d in docs if d["lang"] == "kk") * 2 >= len(docs)
    empty_tables(conn)
    try:
        store_corpus(conn, docs)
        report = evaluate(conn, judged, articles=len(docs), sha256=corpus_sha256())
    finally:
        empty_tables(conn)
    for system, groups in floors["floors"].items():
        for group, figures in groups.items():
            measured = report.get(system, group)
            assert measured.recall_at_k >= figures["recall_at_10"], (system, group, measured)
            assert measured.mrr_at_k >= figures["mrr_at_10"], (system, group, measured)
    # Stemming is what makes Kazakh search work: plain words find a fraction.
    samelang = report.get("dozor_samelang", "kk").recall_at_k
    assert samelang > 3 * report.get("simple", "kk").recall_at_k
