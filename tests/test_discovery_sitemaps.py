"""Sitemaps, sitemap indexes and the size and gzip limits every discovery parser applies."""

from __future__ import annotations

import gzip
import logging
import time
import zlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.discovery.limits import (
    MAX_DOCUMENT_BYTES,
    decode_xml,
    gunzip_capped,
    maybe_gunzip,
    refuse_entity_declarations,
)
from crawler.discovery.sitemaps import _parse_xml, parse_sitemap, parse_w3c_datetime
from crawler.errors import RejectedInputError
from crawler.extract.dates import ALMATY
from tests.waiting import patience

FIXTURES = Path(__file__).parent / "fixtures" / "discovery"
PLUS5 = timezone(timedelta(hours=5))
INDEX_URL = "https://tengrinews.kz/sitemap-index.xml"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def gzip_of_zeros(size: int) -> bytes:
    """gzip data expanding to `size` zero bytes, built in 1 MiB steps to spare memory."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    parts = [packer.compress(block) for _ in range(size // len(block))]
    return b"".join([*parts, packer.flush()])


def test_sitemap_index_lists_children_with_lastmod() -> None:
    result = parse_sitemap(fixture("tengrinews_sitemap_index.xml"), INDEX_URL)

    assert result.links == []
    assert result.child_sitemaps == [
        "https://tengrinews.kz/sitemap-news.xml",
        "https://tengrinews.kz/sitemaps/sitemap-2025-08.xml.gz",
        "https://tengrinews.kz/sitemaps/sitemap-tags.xml",
    ]
    assert result.child_lastmod["https://tengrinews.kz/sitemap-news.xml"] == datetime(
        2025, 8, 15, 13, 51, tzinfo=PLUS5
    )
    assert result.child_lastmod["https://tengrinews.kz/sitemaps/sitemap-2025-08.xml.gz"] == (
        datetime(2025, 8, 15, tzinfo=ALMATY)
    )
    assert result.child_lastmod["https://tengrinews.kz/sitemaps/sitemap-tags.xml"] is None
    assert result.recovered_errors == 0


def test_news_sitemap_fields() -> None:
    result = parse_sitemap(fixture("tengrinews_sitemap_news.xml"), INDEX_URL)

    assert result.child_sitemaps == []
    first, second, third = result.links
    assert first.url == (
        "https://tengrinews.kz/crime/internet-moshenniki-pohitili-12-mln-tenge-534120/"
    )
    # news:publication_date wins over the later <lastmod> (an edit, not publication).
    assert first.published_at == datetime(2025, 8, 15, 13, 51, tzinfo=PLUS5)
    assert first.title == "Интернет-мошенники похитили 12 млн тенге у жителя Караганды"
    assert first.lang == "ru"
    assert first.via == "sitemap"
    assert second.lang == "kk"  # <news:language>kz</news:language>
    assert second.published_at == datetime(2025, 8, 15, 8, 0, tzinfo=UTC)
    # A plain entry: <lastmod> as the date hint, no title.
    assert third.published_at == datetime(2025, 8, 14, tzinfo=ALMATY)
    assert third.title is None


def test_declared_language_wins_over_news_language() -> None:
    result = parse_sitemap(fixture("tengrinews_sitemap_news.xml"), INDEX_URL, lang="ru")

    assert {link.lang for link in result.links} == {"ru"}


def test_gzipped_child_sitemap() -> None:
    body = gzip.compress(fixture("tengrinews_sitemap_news.xml"))

    result = parse_sitemap(body, "https://tengrinews.kz/sitemaps/sitemap-2025-08.xml.gz")

    assert len(result.links) == 3


def test_gz_url_already_decompressed_by_the_http_layer() -> None:
    body = fixture("tengrinews_sitemap_news.xml")

    result = parse_sitemap(body, "https://tengrinews.kz/sitemaps/sitemap-2025-08.xml.gz")

    assert len(result.links) == 3


def test_sitemap_without_namespace_and_duplicates() -> None:
    body = b"""<?xml version="1.0"?><urlset>
    <url><loc> https://orda.kz/moshennichestvo-v-almaty-123456/ </loc></url>
    <url><loc>https://orda.kz/moshennichestvo-v-almaty-123456/?utm_source=x</loc></url>
    </urlset>"""

    result = parse_sitemap(body, "https://orda.kz/sitemap/sitemap_news1.xml")

    assert [link.url for link in result.links] == [
        "https://orda.kz/moshennichestvo-v-almaty-123456/"
    ]


def test_broken_sitemap_is_recovered_with_a_count(caplog: pytest.LogCaptureFixture) -> None:
    body = b"""<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://orda.kz/a-123456/</loc><lastmod>2025-08-15</lastmod></url>
<url><loc>https://orda.kz/b-123457/?a=1&b=2</loc></url>
<url><loc>https://orda.kz/c-123458/</loc>"""
    with caplog.at_level(logging.WARNING, logger="crawler.discovery.sitemaps"):
        result = parse_sitemap(body, "https://orda.kz/sitemap.xml")

    assert [link.url for link in result.links][:1] == ["https://orda.kz/a-123456/"]
    assert "https://orda.kz/c-123458/" in [link.url for link in result.links]
    assert result.recovered_errors >= 1
    assert "not well-formed" in caplog.text


@pytest.mark.parametrize(
    "body",
    [b"", b"\x00\x01 not xml at all", b"just text, no markup"],
    ids=["empty", "binary", "text"],
)
def test_unparsable_sitemap_is_refused(body: bytes) -> None:
    with pytest.raises(RejectedInputError):
        parse_sitemap(body, "https://example.kz/sitemap.xml")


def test_rss_is_not_a_sitemap() -> None:
    with pytest.raises(RejectedInputError, match="not a sitemap: root element <rss>"):
        parse_sitemap(fixture("rss10.rdf").replace(b"rdf:RDF", b"rss"), INDEX_URL)


def _as_sitemap(name: str) -> bytes:
    """A hostile fixture rewritten with a <urlset> root."""
    return (
        fixture(name)
        .replace(b'<rss version="2.0"><channel><title>', b"<urlset><url><loc>")
        .replace(b"</title>", b"</loc></url>", 1)
    )


@pytest.mark.parametrize("name", ["billion_laughs.xml", "xxe.xml"])
def test_entity_declarations_are_refused(name: str) -> None:
    started = time.monotonic()
    with pytest.raises(RejectedInputError, match="entity"):
        parse_sitemap(_as_sitemap(name), "https://example.kz/sitemap.xml")
    assert time.monotonic() - started < patience(1.0)  # an expanded bomb takes minutes


def test_lxml_parser_neither_reads_files_nor_expands_bombs(tmp_path: Path) -> None:
    # Second line of defence, should the prolog check ever miss: the parser options.
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    xxe = _as_sitemap("xxe.xml").replace(b"file:///etc/passwd", secret.as_uri().encode())

    root, _ = _parse_xml(xxe, "https://example.kz/sitemap.xml")
    assert b"TOP-SECRET-MARKER" not in _tostring(root)

    root, _ = _parse_xml(_as_sitemap("billion_laughs.xml"), "https://example.kz/sitemap.xml")
    assert len(_tostring(root)) < 10_000


def _tostring(root: object) -> bytes:
    from lxml import etree

    return bytes(etree.tostring(root))


def test_gzip_bomb_is_refused() -> None:
    bomb = gzip_of_zeros(200 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024  # 200 MiB of zeros packs into about 200 KB

    with pytest.raises(RejectedInputError, match=f"gzip bomb: .* past {MAX_DOCUMENT_BYTES} bytes"):
        parse_sitemap(bomb, "https://example.kz/sitemap.xml.gz")


def test_gunzip_capped_allows_exactly_the_limit_and_refuses_one_byte_more() -> None:
    data = gzip.compress(b"x" * 1000)

    assert gunzip_capped(data, 1000) == b"x" * 1000
    with pytest.raises(RejectedInputError, match="expand past 999 bytes"):
        gunzip_capped(data, 999)


def test_gunzip_capped_reads_concatenated_members() -> None:
    data = gzip.compress(b"<urlset>") + gzip.compress(b"</urlset>")

    assert gunzip_capped(data, 100) == b"<urlset></urlset>"


@pytest.mark.parametrize(
    ("data", "message"),
    [(gzip.compress(b"x" * 1000)[:-12], "truncated"), (b"\x1f\x8b\x08garbage", "corrupt")],
    ids=["truncated", "corrupt"],
)
def test_gunzip_capped_refuses_damaged_data(data: bytes, message: str) -> None:
    with pytest.raises(RejectedInputError, match=message):
        gunzip_capped(data, 10_000)


def test_maybe_gunzip_refuses_an_oversized_plain_document() -> None:
    with pytest.raises(RejectedInputError, match="past the 10 cap"):
        maybe_gunzip(b"<urlset/>" * 2, "https://example.kz/s.xml", limit=10)


def test_maybe_gunzip_passes_plain_data_through() -> None:
    assert maybe_gunzip(b"<urlset/>", "https://example.kz/s.xml.gz") == b"<urlset/>"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("<?xml version='1.0'?><a>Қазақ</a>", "utf-8"),
        ("<a>Казах</a>", "cp1251"),
        ('<?xml version="1.0" encoding="koi8-r"?><a>Казах</a>', "koi8-r"),
        ('<?xml version="1.0" encoding="KZ-1048"?><a>Қазақ</a>', "kz1048"),
        ("\ufeff<a>Қ</a>", "utf-16-le"),
    ],
    ids=["utf-8", "cp1251-undeclared", "koi8-r-declared", "kz1048-declared", "utf-16-bom"],
)
def test_decode_xml(text: str, encoding: str) -> None:
    assert decode_xml(text.encode(encoding)) == text.removeprefix("\ufeff")


def test_entity_check_allows_a_plain_doctype() -> None:
    refuse_entity_declarations('<!DOCTYPE rss SYSTEM "rss.dtd"><rss><![CDATA[<!ENTITY>]]></rss>')


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-08-15T13:51:00+05:00", datetime(2025, 8, 15, 13, 51, tzinfo=PLUS5)),
        ("2025-08-15T08:51:00Z", datetime(2025, 8, 15, 8, 51, tzinfo=UTC)),
        ("2025-08-15T13:51:00.123+0500", datetime(2025, 8, 15, 13, 51, 0, 123000, tzinfo=PLUS5)),
        ("2025-08-15", datetime(2025, 8, 15, tzinfo=ALMATY)),
        ("2025-08", datetime(2025, 8, 1, tzinfo=ALMATY)),
        ("2025", datetime(2025, 1, 1, tzinfo=ALMATY)),
        (" 2025-08-15 13:51 ", datetime(2025, 8, 15, 13, 51, tzinfo=ALMATY)),
    ],
)
def test_parse_w3c_datetime(text: str, expected: datetime) -> None:
    assert parse_w3c_datetime(text) == expected


@pytest.mark.parametrize("text", [None, "", "15.08.2025", "2025-13-01", "not a date"])
def test_parse_w3c_datetime_refuses_other_text(text: str | None) -> None:
    assert parse_w3c_datetime(text) is None
