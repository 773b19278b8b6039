"""RSS and Atom feeds: links, dates, full text, encodings, broken and hostile XML."""

from __future__ import annotations

import gzip
import io
import logging
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import feedparser
import pytest

from crawler.discovery.feeds import discover_feed_links, parse_feed_date, parse_rfc822_date
from crawler.errors import RejectedInputError
from crawler.extract.dates import ALMATY
from tests.waiting import patience

FIXTURES = Path(__file__).parent / "fixtures" / "discovery"
PLUS5 = timezone(timedelta(hours=5))


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_rss_with_full_text_gives_links_dates_and_body() -> None:
    links = discover_feed_links(fixture("tengrinews_news.rss"), "https://tengrinews.kz/news.rss")

    assert [link.url for link in links] == [
        "https://tengrinews.kz/crime/internet-moshenniki-pohitili-12-mln-tenge-534120/",
        "https://tengrinews.kz/kazakhstan_news/v-shymkente-zaderzhali-uchastnikov-piramidy-534121/",
    ]
    first, second = links
    assert first.title == "Интернет-мошенники похитили 12 млн тенге у жителя Караганды"
    assert first.published_at == datetime(2025, 8, 15, 13, 51, tzinfo=PLUS5)
    assert first.lang == "ru"
    assert first.via == "feed"
    assert first.body_html is not None
    assert "статье 190 УК РК" in first.body_html
    # The relative picture path in content:encoded is resolved against the feed's URL.
    assert "https://tengrinews.kz/userdata/news/2025/news_534120/photo.jpg" in first.body_html
    # "Пт, 15 авг 2025 10:38:00": Russian names, no zone -> Almaty local time.
    assert second.published_at == datetime(2025, 8, 15, 10, 38, tzinfo=ALMATY)


def test_atom_feed() -> None:
    links = discover_feed_links(fixture("atom.xml"), "https://polisia.kz/feed/atom/", lang="kk")

    assert [link.url for link in links] == [
        "https://polisia.kz/alayaktyk-boiynsha-kudikti-ustaldy/",
        "https://polisia.kz/qarzhy-piramidasy-ashkerelendi/",
    ]
    first, second = links
    assert first.title == "Алаяқтық бойынша күдікті ұсталды"
    assert first.published_at == datetime(2025, 8, 15, 9, 15, tzinfo=PLUS5)
    assert first.body_html is not None and "күдіктіні ұстады" in first.body_html
    assert first.lang == "kk"
    # Only <updated>: it stands in for the publication date; no <content>: no body.
    assert second.published_at == datetime(2025, 8, 14, 18, 40, tzinfo=UTC)
    assert second.body_html is None


def test_rss_1_0_with_dc_date() -> None:
    links = discover_feed_links(fixture("rss10.rdf"), "https://www.kazpravda.kz/rss")

    assert len(links) == 1
    assert links[0].url == "https://www.kazpravda.kz/n/v-astane-osudili-organizatora-opg/"
    assert links[0].published_at == datetime(2025, 12, 26, 11, 8, tzinfo=PLUS5)


def test_rss_0_91_with_netscape_doctype_is_accepted() -> None:
    body = b"""<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
  "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old</title><link>https://old.kz/</link>
<item><title>Old item</title><link>https://old.kz/news/1.html</link></item>
</channel></rss>"""
    links = discover_feed_links(body, "https://old.kz/rss")

    assert [link.url for link in links] == ["https://old.kz/news/1.html"]
    assert links[0].published_at is None


def _cp1251_feed(prolog: str) -> bytes:
    text = f"""{prolog}<rss version="2.0"><channel><title>Лада</title><language>ru</language>
<item><title>Мошенничество в Актау</title>
<link>https://www.lada.kz/aktau_news/criminal/123456-moshennichestvo.html</link>
<pubDate>Fri, 15 Aug 2025 13:51:00 +0500</pubDate></item></channel></rss>"""
    return text.encode("cp1251")


@pytest.mark.parametrize(
    "prolog",
    ['<?xml version="1.0"?>\n', "", '<?xml version="1.0" encoding="windows-1251"?>\n'],
    ids=["undeclared", "no-prolog", "declared"],
)
def test_windows_1251_feed(prolog: str) -> None:
    links = discover_feed_links(_cp1251_feed(prolog), "https://www.lada.kz/rss.xml")

    assert [link.title for link in links] == ["Мошенничество в Актау"]


def test_feed_language_kz_means_kazakh() -> None:
    body = fixture("tengrinews_news.rss").replace(b"<language>ru", b"<language>kz-KZ")
    links = discover_feed_links(body, "https://kaz.tengrinews.kz/news.rss")

    assert {link.lang for link in links} == {"kk"}


def test_broken_feed_is_recovered_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="crawler.discovery.feeds"):
        links = discover_feed_links(fixture("broken.rss"), "https://www.lada.kz/rss.xml")

    assert [link.url for link in links] == [
        "https://www.lada.kz/aktau_news/criminal/123456-moshennichestvo-v-aktau.html",
        "https://www.lada.kz/aktau_news/criminal/123457-zaderzhan-dropper.html",
    ]
    assert links[0].published_at == datetime(2025, 8, 15, 13, 51, tzinfo=PLUS5)
    assert "not well-formed" in caplog.text
    assert "recovered 2 entries" in caplog.text


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body><p>Not a feed</p></body></html>",
        b"\x00\x01\x02 binary garbage \xff\xfe",
        b'{"json": true}',
        b"/etc/passwd",  # feedparser.parse() would open a path given as bytes; a stream is not
    ],
    ids=["html", "binary", "json", "path-like"],
)
def test_unparsable_feed_is_refused(body: bytes) -> None:
    with pytest.raises(RejectedInputError, match="unparsable feed"):
        discover_feed_links(body, "https://example.kz/rss")


def test_empty_feed_gives_no_links() -> None:
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>E</title></channel></rss>'

    assert discover_feed_links(body, "https://example.kz/rss") == []


def test_billion_laughs_is_refused_quickly() -> None:
    started = time.monotonic()
    with pytest.raises(RejectedInputError, match="entity"):
        discover_feed_links(fixture("billion_laughs.xml"), "https://example.kz/rss")
    assert time.monotonic() - started < patience(1.0)  # an expanded bomb takes minutes


def test_external_entity_is_refused() -> None:
    with pytest.raises(RejectedInputError, match="entity"):
        discover_feed_links(fixture("xxe.xml"), "https://example.kz/rss")


def test_entity_hidden_after_a_comment_in_the_prolog_is_refused() -> None:
    body = fixture("xxe.xml").replace(b"<!DOCTYPE", b"<!-- <rss> -->\n<!DOCTYPE", 1)

    with pytest.raises(RejectedInputError, match="entity"):
        discover_feed_links(body, "https://example.kz/rss")


def test_utf16_feed_with_entities_is_refused() -> None:
    body = fixture("xxe.xml").decode("ascii").replace('<?xml version="1.0"?>', "")

    with pytest.raises(RejectedInputError, match="entity"):
        discover_feed_links(b"\xff\xfe" + body.encode("utf-16-le"), "https://example.kz/rss")


def test_feedparser_itself_does_not_read_external_entities(tmp_path: Path) -> None:
    # Second line of defence, should the prolog check ever miss: feedparser turns off
    # external general entities, so a secret file stays unread.
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    body = fixture("xxe.xml").replace(b"file:///etc/passwd", secret.as_uri().encode())

    result = feedparser.parse(io.BytesIO(body))

    assert "TOP-SECRET-MARKER" not in repr(result)


def test_gzipped_feed_is_read() -> None:
    body = gzip.compress(fixture("rss10.rdf"))

    links = discover_feed_links(body, "https://www.kazpravda.kz/rss.gz")

    assert len(links) == 1


def test_gzip_bomb_feed_is_refused() -> None:
    body = gzip.compress(b"<rss>" + b" " * 60_000_000, compresslevel=9)

    with pytest.raises(RejectedInputError, match="gzip bomb"):
        discover_feed_links(body, "https://example.kz/rss")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fri, 15 Aug 2025 13:51:00 +0500", datetime(2025, 8, 15, 13, 51, tzinfo=PLUS5)),
        ("Fri, 15 Aug 2025 08:51:00 GMT", datetime(2025, 8, 15, 8, 51, tzinfo=UTC)),
        ("15 Aug 2025 13:51 +05:00", datetime(2025, 8, 15, 13, 51, tzinfo=PLUS5)),
        ("Fri, 15 Aug 2025 13:51:00", datetime(2025, 8, 15, 13, 51, tzinfo=ALMATY)),
        ("Пт, 15 авг 2025 13:51:00 +0500", datetime(2025, 8, 15, 13, 51, tzinfo=PLUS5)),
        ("15 мая 2025 09:00:00", datetime(2025, 5, 15, 9, 0, tzinfo=ALMATY)),
        ("15 тамыз 2025 09:15", datetime(2025, 8, 15, 9, 15, tzinfo=ALMATY)),
        ("Fri, 15 Aug 25 11:51:00 MSK", datetime(2025, 8, 15, 8, 51, tzinfo=UTC)),
        # Before 2024-03-01 Almaty was UTC+6; the zone data knows it.
        ("Mon, 15 Jan 2024 13:51:00", datetime(2024, 1, 15, 7, 51, tzinfo=UTC)),
    ],
)
def test_parse_rfc822_date(text: str, expected: datetime) -> None:
    assert parse_rfc822_date(text) == expected


@pytest.mark.parametrize("text", ["", "yesterday-ish", "31 Feb 2025 10:00:00", "15 Foo 2025"])
def test_parse_rfc822_date_refuses_non_dates(text: str) -> None:
    assert parse_rfc822_date(text) is None


def test_parse_feed_date_falls_back_to_free_text() -> None:
    parsed = parse_feed_date("15 августа 2025, 13:51", "ru")

    assert parsed == datetime(2025, 8, 15, 13, 51, tzinfo=ALMATY)
