"""The gov.kz news and documents API: request shapes and answers -> links."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.discovery.govkz_api import (
    GOVKZ_TICKET_URL,
    govkz_documents_url,
    govkz_news_url,
    govkz_request_headers,
    govkz_ticket_headers,
    is_govkz_not_allowed,
    parse_govkz_documents,
    parse_govkz_news,
)
from crawler.errors import RejectedInputError

FIXTURES = Path(__file__).parent / "fixtures" / "discovery"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_news_url() -> None:
    assert govkz_news_url("qriim", 2, 20) == (
        "https://www.gov.kz/api/v1/public/content-manager/news"
        "?projects=eq:qriim&page=2&size=20&sort-by=created_date:DESC"
    )


def test_request_and_ticket_headers() -> None:
    headers = govkz_request_headers("mvd-atyrau", "kk")
    ticket = govkz_ticket_headers("mvd-atyrau", "kk")

    assert headers == {
        "Accept": "application/json",
        "Accept-Language": "kk",
        "Referer": "https://www.gov.kz/memleket/entities/mvd-atyrau/press/news?lang=kk",
    }
    assert ticket["Content-Type"] == "application/json"
    assert ticket["Origin"] == "https://www.gov.kz"
    assert ticket["Accept-Language"] == "kk"
    assert GOVKZ_TICKET_URL == "https://www.gov.kz/api/v1/public/_/c/k6"


def test_bare_list_answer() -> None:
    links = parse_govkz_news(fixture("govkz_news_list.json"), "qriim", "ru")

    assert [link.url for link in links] == [
        "https://www.gov.kz/memleket/entities/qriim/press/news/details/1159012?lang=ru",
        "https://www.gov.kz/memleket/entities/qriim/press/news/details/1159001?lang=ru",
    ]  # the item without an id is skipped
    first, second = links
    assert first.published_at == datetime(2026, 2, 14, 4, 31, 22, 512000, tzinfo=UTC)
    assert first.published_at is not None and first.published_at.utcoffset() == timedelta(0)
    assert first.title == "Полиция предупреждает о новых схемах интернет-мошенничества"
    assert (first.lang, first.via) == ("ru", "api")
    assert first.body_html is not None
    assert 'src="https://www.gov.kz/uploads/2026/2/14/a1b2c3_original.jpg"' in first.body_html
    assert 'href="https://www.gov.kz/memleket/entities/qriim/press/news?lang=ru"' in first.body_html
    assert second.title == "Задержаны участники ОПГ"
    assert second.body_html is None  # "body": ""


def test_page_object_answer() -> None:
    links = parse_govkz_news(fixture("govkz_news_page.json"), "prokuror", "kk")

    assert len(links) == 1
    assert links[0].url == (
        "https://www.gov.kz/memleket/entities/prokuror/press/news/details/942017?lang=kk"
    )
    assert links[0].published_at == datetime(
        2025, 2, 10, 11, 0, tzinfo=timezone(timedelta(hours=5))
    )


@pytest.mark.parametrize("body", [b"[]", b'{"content": [], "last": true}'], ids=["list", "page"])
def test_empty_answer_means_past_the_end(body: bytes) -> None:
    assert parse_govkz_news(body, "qriim", "ru") == []


@pytest.mark.parametrize(
    "body",
    [b"<html>502 Bad Gateway</html>", b'{"status": 400, "message": "notAllowed"}', b"\xff\xfe"],
    ids=["html", "refusal-object", "not-utf8"],
)
def test_non_list_answer_is_refused(body: bytes) -> None:
    with pytest.raises(RejectedInputError, match=r"gov\.kz API answer"):
        parse_govkz_news(body, "qriim", "ru")


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (400, b'{"status":400,"message":"notAllowed"}', True),
        (400, b"notAllowed", True),
        (400, b'{"message":"Bad page number"}', False),
        (200, b'[{"id": 1, "title": "notAllowed"}]', False),
    ],
)
def test_is_govkz_not_allowed(status: int, body: bytes, expected: bool) -> None:
    assert is_govkz_not_allowed(status, body) is expected


def test_documents_url() -> None:
    since = datetime(2025, 1, 1, 5, 0, tzinfo=timezone(timedelta(hours=5)))

    assert govkz_documents_url("afm", since) == (
        "https://www.gov.kz/api/v1/public/content-manager/documents"
        "?projects=afm&created_date=gt:2025-01-01T00:00:00Z"
    )
    with pytest.raises(ValueError, match="aware"):
        govkz_documents_url("afm", datetime(2025, 1, 1))


def test_documents_answer() -> None:
    body = json.dumps(
        {
            "content": [
                {
                    "id": 501234,
                    "title": "Статистика по статье 190 УК РК",
                    "created_date": "2025-03-01T03:00:00Z",
                    "description": "<p>Письмо <a href='/uploads/doc.pdf'>PDF</a></p>",
                }
            ]
        }
    ).encode()

    links = parse_govkz_documents(body, "afm", "ru")

    assert [link.url for link in links] == [
        "https://www.gov.kz/memleket/entities/afm/documents/details/501234?lang=ru"
    ]
    assert links[0].published_at == datetime(2025, 3, 1, 3, 0, tzinfo=UTC)
    assert links[0].body_html is not None
    assert "https://www.gov.kz/uploads/doc.pdf" in links[0].body_html
