"""RSS 0.9x/1.0/2.0 and Atom feeds -> links with titles, dates and, when given, full text."""

from __future__ import annotations

import io
import logging
import re
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urljoin

import feedparser

from crawler.discovery.limits import maybe_gunzip, to_utf8_xml
from crawler.discovery.sitemaps import parse_w3c_datetime
from crawler.discovery.urls import canonicalize_url
from crawler.errors import RejectedInputError
from crawler.extract.dates import ALMATY, parse_date_text
from crawler.items import DiscoveredLink

logger = logging.getLogger(__name__)

# Month names in pubDate as Kazakh and Russian CMSs localise them: "Пт, 15 авг 2025 13:51:00"
# (ru), "15 тамыз 2025" (kk). Keys are the first three letters, lowercased; Russian from
# the genitive and nominative forms, Kazakh from the nominative (қаңтар ... желтоқсан).
MONTHS_BY_PREFIX = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "май": 5, "мая": 5,
    "июн": 6, "июл": 7, "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
    "қаң": 1, "ақп": 2, "нау": 3, "сәу": 4, "мам": 5, "мау": 6,
    "шіл": 7, "там": 8, "қыр": 9, "қаз": 10, "қар": 11, "жел": 12,
}  # fmt: skip
# RFC 822 zone names, plus Moscow time, which Russian-made CMSs print as "MSK".
ZONE_OFFSETS_HOURS = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "MSK": 3,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
}  # fmt: skip
_RFC822 = re.compile(
    r"^(?:\w+\.?,?\s+)?(\d{1,2})[\s-]+(\w+)\.?,?[\s-]+(\d{2,4})"
    r"(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*([+-]\d{2}:?\d{2}|[A-Za-z]{1,5})?$"
)


def _zone(token: str | None) -> timezone | None:
    """The fixed zone an RFC 822 zone token names; None for a missing or unknown one."""
    if not token:
        return None
    if token[0] in "+-":
        digits = token[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return timezone(-offset if token[0] == "-" else offset)
    hours = ZONE_OFFSETS_HOURS.get(token.upper())
    return None if hours is None else timezone(timedelta(hours=hours))


def parse_rfc822_date(text: str) -> datetime | None:
    """An aware datetime from an RFC 822 date, Cyrillic months and missing zones tolerated."""
    match = _RFC822.match(" ".join(text.split()))
    if match is None:
        return None
    day, month_name, year, hour, minute, second, zone = match.groups()
    month = MONTHS_BY_PREFIX.get(month_name[:3].lower())
    if month is None:
        return None
    full_year = int(year) + (2000 if len(year) == 2 else 0)
    try:
        naive = datetime(
            full_year, month, int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError:
        return None
    tz = _zone(zone)
    # A date without a zone was written in local time: "Fri, 15 Aug 2025 13:51:00".
    return naive.replace(tzinfo=tz if tz is not None else ALMATY)


def parse_feed_date(text: str | None, lang: str | None = None) -> datetime | None:
    """An aware datetime from a feed's date text: ISO 8601, RFC 822, then free text."""
    if not text or not text.strip():
        return None
    parsed = parse_w3c_datetime(text) or parse_rfc822_date(text)
    if parsed is not None:
        return parsed
    # e.g. "15 августа 2025, 13:51" in a <pubDate>: not RFC 822, still a date.
    return parse_date_text(text, datetime.now(ALMATY), lang)


def _feed_lang(declared: object) -> str | None:
    """ "kk" | "ru" | "en" from an RSS <language> such as "ru-RU" or "kz"."""
    if not isinstance(declared, str) or not declared.strip():
        return None
    primary = declared.strip().lower().replace("_", "-").split("-")[0]
    return "kk" if primary in ("kk", "kz") else primary


def _entry_body_html(entry: Any) -> str | None:
    """The longest HTML content of an entry: RSS content:encoded or Atom <content>."""
    contents = [
        c.get("value", "")
        for c in entry.get("content", [])
        if c.get("type", "text/html") in ("text/html", "application/xhtml+xml")
    ]
    best = max(contents, key=len, default="")
    return best.strip() or None


def _entry_link(entry: Any, base_url: str) -> str | None:
    """The entry's article URL: <link>, else a permalink <guid>."""
    link = entry.get("link") or ""
    if not link:
        guid = entry.get("id") or ""
        # RSS 2.0: <guid isPermaLink="true"> (the default) is the article URL.
        if guid.startswith(("http://", "https://")) and entry.get("guidislink", True):
            link = guid
    return urljoin(base_url, link.strip()) if link.strip() else None


def _parse(body: bytes, url: str) -> Any:
    """feedparser's result for safe, UTF-8 re-encoded feed bytes."""
    data = to_utf8_xml(maybe_gunzip(body, url), url)
    # A stream, never bytes or str: feedparser.parse() opens a str or bytes that names a
    # file or URL. The headers give relative links a base and keep the XML media type.
    headers = {"content-location": url, "content-type": "application/xml; charset=utf-8"}
    return feedparser.parse(io.BytesIO(data), response_headers=headers)


def discover_feed_links(body: bytes, url: str, lang: str | None = None) -> list[DiscoveredLink]:
    """Links in an RSS or Atom feed, with title, published date and full text when given."""
    result = _parse(body, url)
    entries = result.get("entries", [])
    if not entries and not result.get("version"):
        reason = result.get("bozo_exception") or "no RSS or Atom root element"
        raise RejectedInputError(f"unparsable feed {url}: {reason}")
    if result.get("bozo"):
        logger.warning(
            "feed %s is not well-formed (%s); recovered %d entries",
            url,
            result.get("bozo_exception"),
            len(entries),
        )
    item_lang = lang or _feed_lang(result.get("feed", {}).get("language"))
    links: dict[str, DiscoveredLink] = {}
    for entry in entries:
        link = _entry_link(entry, url)
        if link is None:
            continue
        canonical = canonicalize_url(link)
        if canonical in links:
            continue
        raw_date = entry.get("published") or entry.get("updated") or entry.get("created")
        title = " ".join((entry.get("title") or "").split()) or None
        links[canonical] = DiscoveredLink(
            url=canonical,
            published_at=parse_feed_date(raw_date, item_lang),
            title=title,
            lang=item_lang,
            body_html=_entry_body_html(entry),
            via="feed",
        )
    return list(links.values())
