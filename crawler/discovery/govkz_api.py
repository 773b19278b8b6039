"""The gov.kz portal's JSON API: request URLs and headers, news and documents -> links."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import lxml.html

from crawler.discovery.limits import MAX_DOCUMENT_BYTES
from crawler.discovery.sitemaps import parse_w3c_datetime
from crawler.errors import RejectedInputError
from crawler.items import DiscoveredLink

GOVKZ_ORIGIN = "https://www.gov.kz"
GOVKZ_API = f"{GOVKZ_ORIGIN}/api/v1/public/content-manager"
GOVKZ_ENTITIES = f"{GOVKZ_ORIGIN}/memleket/entities"
# Since 2026 the news API answers 400 "notAllowed" unless the session first POSTs here; the
# answer sets a cookie ticket (sources.md, seen in 2026-09 clients). Older clients sent
# "token"/"hash" headers instead.
GOVKZ_TICKET_URL = f"{GOVKZ_ORIGIN}/api/v1/public/_/c/k6"
GOVKZ_TICKET_BODY = b"{}"  # what the portal's own script posts is not recorded; "{}" is a guess


def govkz_news_url(project: str, page: int, size: int = 20) -> str:
    """The news API URL of one page of an agency project, newest first."""
    # No language in the URL: the API picks it from Accept-Language (see
    # govkz_request_headers), and an unknown query parameter may be read as a filter.
    return (
        f"{GOVKZ_API}/news?projects=eq:{quote(project)}&page={page}&size={size}"
        "&sort-by=created_date:DESC"
    )


def govkz_request_headers(project: str, lang: str) -> dict[str, str]:
    """Headers the portal's own news page sends to the API."""
    return {
        "Accept": "application/json",
        "Accept-Language": lang,
        "Referer": f"{GOVKZ_ENTITIES}/{quote(project)}/press/news?lang={lang}",
    }


def govkz_ticket_headers(project: str, lang: str) -> dict[str, str]:
    """Headers for the POST to GOVKZ_TICKET_URL that precedes the news requests."""
    return {
        **govkz_request_headers(project, lang),
        "Content-Type": "application/json",
        "Origin": GOVKZ_ORIGIN,
    }


def is_govkz_not_allowed(status: int, body: bytes) -> bool:
    """Whether a response is the API's refusal for a session without a ticket."""
    # The refusal reads e.g. {"status":400,"message":"notAllowed"}.
    return status == 400 and b"notallowed" in body[:4096].lower()


def govkz_news_page_url(project: str, news_id: int | str, lang: str) -> str:
    """The public page of one news item."""
    return f"{GOVKZ_ENTITIES}/{quote(project)}/press/news/details/{news_id}?lang={lang}"


def govkz_document_page_url(project: str, document_id: int | str, lang: str) -> str:
    """The public page of one document."""
    return f"{GOVKZ_ENTITIES}/{quote(project)}/documents/details/{document_id}?lang={lang}"


def govkz_documents_url(project: str, created_after: datetime) -> str:
    """The documents API URL for a project's documents created after `created_after`."""
    if created_after.tzinfo is None:
        raise ValueError("created_after must be aware")
    stamp = created_after.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{GOVKZ_API}/documents?projects={quote(project)}&created_date=gt:{stamp}"


def _items(body: bytes) -> list[dict[str, Any]]:
    """The items of an API answer: a bare JSON list or a page object {"content": [...]}."""
    if len(body) > MAX_DOCUMENT_BYTES:
        raise RejectedInputError(f"gov.kz API answer of {len(body)} bytes is past the cap")
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RejectedInputError(f"gov.kz API answer is not JSON: {exc}") from exc
    if isinstance(data, dict) and isinstance(data.get("content"), list):
        data = data["content"]
    if not isinstance(data, list):
        shown = str(data)[:200]
        raise RejectedInputError(f"gov.kz API answer is neither a list nor a page: {shown}")
    return [item for item in data if isinstance(item, dict) and item.get("id") is not None]


def _absolute_html(html: object) -> str | None:
    """Item HTML with relative links and images made absolute ("/uploads/2025/2/14/a.jpg")."""
    if not isinstance(html, str) or not html.strip():
        return None
    return str(lxml.html.make_links_absolute(html, GOVKZ_ORIGIN + "/"))


def _title(item: dict[str, Any]) -> str | None:
    """The item's title, whitespace collapsed."""
    title = item.get("title")
    return " ".join(title.split()) or None if isinstance(title, str) else None


def parse_govkz_news(body: bytes, project: str, lang: str) -> list[DiscoveredLink]:
    """News items of one API page as links with date, title and body; [] past the end."""
    return [
        DiscoveredLink(
            url=govkz_news_page_url(project, item["id"], lang),
            published_at=parse_w3c_datetime(str(item.get("created_date") or "")),
            title=_title(item),
            lang=lang,
            body_html=_absolute_html(item.get("body")),
            via="api",
        )
        for item in _items(body)
    ]


def parse_govkz_documents(body: bytes, project: str, lang: str) -> list[DiscoveredLink]:
    """Documents of one API answer as links to their pages, with date and title."""
    return [
        DiscoveredLink(
            url=govkz_document_page_url(project, item["id"], lang),
            published_at=parse_w3c_datetime(str(item.get("created_date") or "")),
            title=_title(item),
            lang=lang,
            body_html=_absolute_html(item.get("body") or item.get("description")),
            via="api",
        )
        for item in _items(body)
    ]
