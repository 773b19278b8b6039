"""The plain data that flows between Dozor's stages: links, raw pages and articles."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class DiscoveredLink:
    """A link to a probable article, as a feed, sitemap, listing, API or channel gave it."""

    url: str
    published_at: datetime | None = None  # aware datetime when the discovery source states it
    title: str | None = None
    lang: str | None = None  # "kk" | "ru" | "en" when the feed or section says so
    # Full text some discovery sources already carry (Tengrinews' content:encoded, the gov.kz
    # API's "body", a Telegram post): extraction uses it when the page itself is thin.
    body_html: str | None = None
    via: str = ""  # "feed" | "sitemap" | "listing" | "archive" | "api" | "telegram" | "document"
    found_on: str | None = None  # the page that linked it (an article linking a PDF letter)


@dataclass(frozen=True, slots=True)
class RawPage:
    """One fetched response for an article URL, before extraction."""

    source_id: str
    url: str  # canonical URL of the article (the row's key)
    fetched_url: str  # the URL actually fetched (after redirects)
    status: int
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)  # kept out of logs: an error line must not dump a page
    fetched_at: datetime  # aware, UTC
    run_id: int | None = None
    link: DiscoveredLink | None = None
    warc_record: str | None = None  # "<file>#<offset>" of the archived response, when archived
    revisit: bool = False  # fetched again to catch an edit (crawler/revisits.py), not new


@dataclass(slots=True)
class Article:
    """An extracted article: what analysts read and count."""

    source_id: str
    url: str
    title: str | None
    body: str | None
    lang: str | None  # main language: "kk" | "ru" | "en"
    published_at: datetime | None  # aware; shown in Asia/Almaty
    fetched_at: datetime
    lead: str | None = None
    author: str | None = None
    updated_at: datetime | None = None
    languages: tuple[str, ...] = ()  # every language found (a bilingual letter has two)
    date_source: str | None = None  # where published_at came from: jsonld, meta, text, url, feed
    # "minute" when a time of day was given, "day" when only the day was (published_at is then
    # that day's Almaty midnight, to be shown as a day, never as 00:00)
    date_precision: str | None = None
    image_captions: tuple[str, ...] = ()
    # "ok" | "empty" | "not_article" | "paywall" | "video_only" | "broken"; "soft_404" for a
    # not-found page served as if it were the article (crawler/extract/soft_404.py)
    status: str = "ok"
    status_reason: str | None = None
    body_normalized: str | None = None  # Kazakh look-alikes folded: what search and tagging read
    content_hash: str | None = None
    warc_record: str | None = None
    parent_url: str | None = None  # for a document (PDF): the page that published it
    # The validators of the answer the text came from: the first revisit (crawler/revisits.py)
    # asks with them, so an unchanged page costs a 304, not a full download.
    etag: str | None = None
    last_modified: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


def content_hash(title: str | None, body: str | None) -> str:
    """A stable hash of what a reader sees: whitespace-folded title and body."""
    folded = " ".join(f"{title or ''}\n{body or ''}".split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()
