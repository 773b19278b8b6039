"""The pure parts of history: CDX answers, capture times, URL-shape drift, gzip members of a
WARC stream, revisit requests. (End to end: tests/e2e/test_import.py, test_wayback.py,
test_revisits.py.)"""

from __future__ import annotations

import gzip
import io
from datetime import UTC, date, datetime

import pytest

from crawler.discovery.drift import looks_like_article, unmatched_article_links
from crawler.discovery.wayback import cdx_query_url, memento_time, parse_cdx
from crawler.errors import RejectedInputError
from crawler.revisits import DueRevisit, conditional_headers, is_home_redirect
from crawler.sources import get_source
from crawler.warc_import import gzip_members


def test_a_cdx_answer_gives_captures_and_the_key_of_the_next_page() -> None:
    body = (b'[["urlkey","timestamp","original","mimetype","statuscode"],'
            b'["kz,zakon)/a.html","20250115091500","https://www.zakon.kz/a.html","text/html","200"],'
            b'[],["kz%2Czakon%29%2Fa.html+20250115091500%21"]]')
    page = parse_cdx(body)
    [capture] = page.captures
    assert capture.captured_at == datetime(2025, 1, 15, 9, 15, tzinfo=UTC)
    assert capture.url == "https://web.archive.org/web/20250115091500id_/https://www.zakon.kz/a.html"
    assert page.resume_key == "kz%2Czakon%29%2Fa.html+20250115091500%21"


@pytest.mark.parametrize("body", [b"", b"[]", b"  \n"])
def test_an_empty_cdx_answer_is_no_captures(body: bytes) -> None:
    assert parse_cdx(body).captures == [] and parse_cdx(body).resume_key is None


@pytest.mark.parametrize("body", [b"<html>Too Many Requests</html>", b'{"a": 1}',
                                  b'[["urlkey","mimetype"]]'])
def test_a_cdx_answer_that_is_not_one_is_refused(body: bytes) -> None:
    with pytest.raises(RejectedInputError):
        parse_cdx(body)


def test_the_cdx_window_is_almaty_days_in_utc_and_the_resume_key_is_kept_as_printed() -> None:
    url = cdx_query_url("www.zakon.kz", date(2025, 1, 1), date(2025, 3, 31), "k%2C+1%21")
    assert "from=20241231190000&to=20250331185959" in url
    assert url.endswith("&resumeKey=k%2C+1%21")


def test_the_memento_header_gives_the_capture_time() -> None:
    assert memento_time(b"Wed, 15 Jan 2025 09:15:00 GMT") == datetime(2025, 1, 15, 9, 15,
                                                                        tzinfo=UTC)
    assert memento_time(None) is None and memento_time("yesterday") is None


@pytest.mark.parametrize(("url", "article"), [
    ("https://www.zakon.kz/6385814-sozdateli-filma-532-proigrali.html", True),
    ("https://rus.azattyq.org/a/32552586.html", True),
    ("https://informburo.kz/stati/pochemu-kazaxstancy-veryat-moshennikam-i-kak-byt", True),
    ("https://www.nur.kz/society/2348017-porogovye-bally/", True),
    ("https://www.zakon.kz/news/", False),
    ("https://tengrinews.kz/tag/moshennichestvo-i-dropperstvo-v-kazahstane/", False),
    ("https://www.zakon.kz/pbi/WEBP/2025-03-01/file-12345-abc/800x450.webp", False),
    ("https://tengrinews.kz/news/2025/12/26/", False),
    ("https://www.zakon.kz/reklama-na-sayte/", False),
])
def test_what_looks_like_an_article(url: str, article: bool) -> None:
    assert looks_like_article(url) is article


def test_a_listing_s_off_pattern_article_links_are_found() -> None:
    html = b"""<html><body>
    <a href="/incident/6502034-v-karagande-zaderzhali.html">matches</a>
    <a href="/incident/2026/01/05/moshenniki-pozvonili-ot-imeni-banka-snova">new shape</a>
    <a href="/news/">listing</a>
    <a href="https://ria.ru/20251226/moshenniki-pozvonili-ot-imeni-banka-2065123456.html">other</a>
    </body></html>"""
    assert unmatched_article_links(html, "https://www.zakon.kz/news/", get_source("zakon_kz")) == [
        "https://www.zakon.kz/incident/2026/01/05/moshenniki-pozvonili-ot-imeni-banka-snova"]


def test_a_broken_gzip_member_is_skipped_and_reading_goes_on() -> None:
    members = [gzip.compress(f"record {n} ".encode() * 200) for n in range(3)]
    broken = bytearray(members[1])
    broken[len(broken) // 2:len(broken) // 2 + 8] = bytes(8)
    stream = io.BytesIO(members[0] + b"junk between members" + bytes(broken) + members[2])
    found = list(gzip_members(stream))
    assert [m.data[:8] if m.data else m.problem[:18] for m in found] == [
        b"record 0", "broken gzip member", "broken gzip member", b"record 2"]
    assert found[-1].offset == len(members[0]) + 20 + len(broken)


def test_a_member_cut_off_at_the_end_is_reported() -> None:
    whole = gzip.compress(b"x" * 5000)
    [member] = list(gzip_members(io.BytesIO(whole[:-10])))
    assert member.data is None and member.problem == "cut off at the end of the file"


def test_revisits_ask_conditionally() -> None:
    fetched = datetime(2025, 12, 26, 4, 0, tzinfo=UTC)
    assert conditional_headers(DueRevisit("u", fetched, None, None)) == {
        "If-Modified-Since": "Fri, 26 Dec 2025 04:00:00 GMT"}
    assert conditional_headers(DueRevisit("u", fetched, '"abc"', "Thu, 25 Dec 2025 10:00:00 GMT")
                               ) == {"If-None-Match": '"abc"',
                                     "If-Modified-Since": "Thu, 25 Dec 2025 10:00:00 GMT"}


@pytest.mark.parametrize(("location", "home"), [
    ("https://www.zakon.kz/", "https://www.zakon.kz"), ("https://khabar.kz/ru", "https://khabar.kz"),
    ("https://khabar.kz/ru/", "https://khabar.kz"),
])
def test_a_redirect_to_the_front_page_is_a_removal(location: str, home: str) -> None:
    assert is_home_redirect(location, home)


def test_a_redirect_to_another_article_is_not_a_removal() -> None:
    assert not is_home_redirect("https://www.zakon.kz/incident/6502034-novyi-slug.html",
                                "https://www.zakon.kz")


def test_links_a_source_leaves_out_on_purpose_are_not_drift() -> None:
    from crawler.discovery.drift import is_shape_drift

    inform = get_source("inform_kz")
    assert not is_shape_drift(
        "https://www.inform.kz/en/karaganda-woman-loses-9-million-tenge-to-fake-investment-a4f2d0",
        inform)
    assert is_shape_drift(
        "https://www.inform.kz/ru/2026/01/05/zhitelnica-karagandy-poteryala-9-mln-tenge", inform)
