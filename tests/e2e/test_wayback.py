"""Backfill from the Internet Archive end to end: `dozor collect --source zakon_kz --since
2025-01-01 --until 2025-03-31 --from wayback` against a mock Wayback Machine (CDX server and
`id_` captures, tests/mockserver/wayback.py), a real Scrapy crawl into a real PostgreSQL.

The mock holds captures of Zakon.kz (tests/fixtures/wayback/captures.json): the five articles
of the window (one captured twice, one under "http://www.zakon.kz:80/"), one before and one
after it, a 404, an image, the listing and a revisit record, and one URL of a shape the
pattern does not know. It answers at most three rows at a time, so the crawl pages through.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import psycopg
import pytest

from tests.e2e.mock_site import LoggedRequest, crawl_setup, dozor, now, request_log

WAYBACK_DELAY_S = 0.25
IN_WINDOW = {  # canonical URL: capture time
    "https://www.zakon.kz/incident/6298803-lzhe-sotrudniki-knb-vymanili-dengi.html":
        datetime(2025, 1, 15, 9, 15, tzinfo=UTC),
    "https://www.zakon.kz/finansy/6321876-piramida-pod-vidom-investklub.html":
        datetime(2025, 2, 4, 6, 2, 12, tzinfo=UTC),
    "https://www.zakon.kz/incident/6334567-pensionerka-perevela-moshennikam-12-mln.html":
        datetime(2025, 2, 20, 14, 5, tzinfo=UTC),
    "https://www.zakon.kz/pravo/6360318-opg-vymogatelej-osudili-v-shymkente.html":
        datetime(2025, 3, 11, 6, 0, tzinfo=UTC),
    "https://www.zakon.kz/incident/6371045-v-astane-zaderzhali-dropperov.html":
        datetime(2025, 3, 27, 12, 0, tzinfo=UTC),
}
COMMAND = ("collect", "--source", "zakon_kz", "--since", "2025-01-01", "--until", "2025-03-31",
           "--from", "wayback")

pytestmark = pytest.mark.slow



@dataclass(frozen=True)
class Backfill:
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    log: list[LoggedRequest]
    second_log: list[LoggedRequest]
    stored: dict[str, tuple[datetime, datetime | None]]
    runs: list[tuple[object, ...]]
    status: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def backfill(database_url: str, mockserver: str,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backfill]:
    with crawl_setup(database_url, mockserver, tmp_path_factory.mktemp("data"),
                     DOZOR_WAYBACK_DELAY=str(WAYBACK_DELAY_S)):
        started = now()
        first = dozor(*COMMAND)
        middle = now()
        second = dozor(*COMMAND)
        status = dozor("status")
        log = request_log(mockserver, since=started)
        with psycopg.connect(database_url) as conn:
            stored = {str(u): (f, p) for u, f, p in conn.execute(
                "SELECT url, fetched_at, published_at FROM articles")}
            runs = conn.execute("SELECT mode, status, found, new, skipped, failed, stats"
                                " FROM crawl_runs ORDER BY id").fetchall()
    yield Backfill(first, second, [r for r in log if r.t < middle],
                   [r for r in log if r.t >= middle], stored, runs, status)


def test_the_window_s_articles_are_stored_from_their_captures(backfill: Backfill) -> None:
    assert backfill.first.returncode == 0, backfill.first.stderr
    assert set(backfill.stored) == set(IN_WINDOW)
    summary = backfill.first.stdout.splitlines()[1].split()
    assert summary[:4] == ["zakon_kz", "ok", "5", "5"]


def test_each_article_keeps_its_capture_time_and_its_own_date(backfill: Backfill) -> None:
    for url, captured in IN_WINDOW.items():
        fetched, published = backfill.stored[url]
        assert fetched == captured, url
        assert published is not None and published <= captured, url


def test_the_run_is_a_wayback_run_whose_counts_add_up(backfill: Backfill) -> None:
    mode, status, found, new, skipped, failed, _ = backfill.runs[0]
    assert (mode, status, found, new, skipped, failed) == ("wayback", "ok", 5, 5, 0, 0)


def test_only_the_archive_is_asked_never_the_site(backfill: Backfill) -> None:
    assert {r.host for r in backfill.log} == {"web.archive.org"}
    assert backfill.log[0].url == "https://web.archive.org/robots.txt"


def test_the_cdx_query_asks_for_html_captures_of_the_window_one_per_url(
    backfill: Backfill,
) -> None:
    queries = [parse_qs(urlsplit(r.url).query) for r in backfill.log if "/cdx/search/" in r.url]
    hosts = [q["url"][0] for q in queries]
    # Two article hosts; Zakon.kz's www host pages through three answers of three rows.
    assert hosts.count("www.zakon.kz/") == 3 and hosts.count("kaz.zakon.kz/") == 1
    first = queries[0]
    assert first["matchType"] == ["prefix"] and first["collapse"] == ["urlkey"]
    assert first["from"] == ["20241231190000"] and first["to"] == ["20250331185959"]
    assert first["filter"] == ["statuscode:200", "mimetype:text/html"]
    assert first["output"] == ["json"] and first["showResumeKey"] == ["true"]
    www = [q for q in queries if q["url"] == ["www.zakon.kz/"]]
    assert "resumeKey" not in www[0] and all("resumeKey" in q for q in www[1:])


def test_only_article_captures_are_fetched_as_originally_archived(backfill: Backfill) -> None:
    captures = [r.url for r in backfill.log if "/web/" in r.url]
    assert len(captures) == 5
    assert all("id_/" in url for url in captures)
    originals = {url.split("id_/", 1)[1] for url in captures}
    assert "http://www.zakon.kz:80/finansy/6321876-piramida-pod-vidom-investklub.html" in originals


def test_requests_to_the_archive_keep_the_wayback_delay(backfill: Backfill) -> None:
    times = [r.t for r in backfill.log]
    ends = [r.t_end or r.t for r in backfill.log]
    gaps = [later - end for end, later in zip(ends, times[1:], strict=False)]
    assert min(gaps) >= WAYBACK_DELAY_S * 0.9, gaps


def test_a_second_backfill_fetches_no_capture_again(backfill: Backfill) -> None:
    assert backfill.second.returncode == 0, backfill.second.stderr
    assert not [r for r in backfill.second_log if "/web/" in r.url]
    mode, status, found, new, skipped, _, _ = backfill.runs[1]
    assert (mode, status, found, new, skipped) == ("wayback", "ok", 5, 0, 5)


def test_a_url_shape_the_pattern_misses_is_counted_and_status_warns(backfill: Backfill) -> None:
    stats = backfill.runs[0][6]
    assert isinstance(stats, dict) and stats["dozor/off_pattern"] == 1
    assert stats["dozor/off_pattern_examples"] == [
        "https://www.zakon.kz/incident/2025/02/10/moshenniki-pozvonili-ot-imeni-banka-i-pohitili"
        "-sberezheniya"]
    warning = [ln for ln in backfill.status.stdout.splitlines() if "article_url_pattern" in ln]
    assert warning and "1 link" in warning[0] and "zakon.kz/incident/2025/02/10" in warning[0]


def test_a_source_read_through_an_api_is_refused_with_the_reason() -> None:
    result = dozor("collect", "--source", "govkz_qriim", "--since", "2025-01-01", "--from",
                   "wayback")
    assert result.returncode == 2
    assert "govkz_qriim publish through an API or a channel" in result.stderr


def test_a_wayback_backfill_needs_a_window() -> None:
    result = dozor("collect", "--source", "zakon_kz", "--from", "wayback")
    assert result.returncode == 2 and "--from wayback needs --since" in result.stderr
