"""Listing pages and load-more fragments -> article links, with the date shown beside each."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urljoin

from cssselect import HTMLTranslator
from lxml import etree

from crawler.discovery.limits import decode_html, html_root
from crawler.discovery.sitemaps import parse_w3c_datetime
from crawler.discovery.urls import canonicalize_url
from crawler.extract.dates import ALMATY, parse_date_text
from crawler.items import DiscoveredLink
from crawler.sources import Listing

# Elements whose class names a date or time: Zakon's "13:51, 15 августа 2025",
# Tengrinews' "Вчера 10:38", Informburo's <time class="article-time">13:51</time>.
_DATE_ELEMENTS = etree.XPath(
    ".//time | .//*[contains(translate(@class, 'DATEIM', 'dateim'), 'date')"
    " or contains(translate(@class, 'DATEIM', 'dateim'), 'time')]"
)
# Informburo groups the day's links under <h2 class="date-heading">Сегодня</h2> and prints
# only the clock beside each link; the nearest heading before the link names the day.
_DAY_HEADING = etree.XPath(
    "preceding::*[self::h2 or self::h3 or self::h4"
    " or contains(translate(@class, 'DATEHING', 'datehing'), 'date-heading')][1]"
)
_TITLE_ELEMENTS = etree.XPath(
    ".//*[contains(translate(@class, 'TITLE', 'title'), 'title')] | .//h1 | .//h2 | .//h3 | .//h4"
)
_CLOCK_ONLY = re.compile(r"^\s*\d{1,2}:\d{2}\s*$")
# A short text that carries a clock or a numeric date is a date stamp, not a headline.
_DATE_STAMP = re.compile(r"\d{1,2}:\d{2}|\d{1,2}\.\d{2}\.\d{4}")
_MAX_STAMP_CHARS = 40
# An item is a few levels deep at most ("li > div > a"); higher up lies the page itself.
_MAX_ITEM_DEPTH = 4


def _text(element: etree._Element) -> str:
    """The element's text with whitespace collapsed."""
    return " ".join("".join(element.itertext()).split())


def _selected_anchors(root: etree._Element, link_selector: str | None) -> Iterator[etree._Element]:
    """<a href> elements the selector picks (or that lie inside what it picks)."""
    if link_selector is None:
        yield from root.iter("a")
        return
    for element in root.xpath(HTMLTranslator().css_to_xpath(link_selector)):
        yield from (element,) if element.tag == "a" else element.iter("a")


Anchors = list[tuple[etree._Element, str]]


def _item_containers(anchors: Anchors) -> dict[etree._Element, etree._Element]:
    """For each anchor, its widest ancestor that links to no other article: the list item."""
    urls_under: dict[etree._Element, set[str]] = {}
    for anchor, url in anchors:
        for ancestor in anchor.iterancestors():
            urls_under.setdefault(ancestor, set()).add(url)
    containers = {}
    for anchor, url in anchors:
        container = anchor
        for depth, ancestor in enumerate(anchor.iterancestors(), start=1):
            if depth > _MAX_ITEM_DEPTH or ancestor.tag in ("body", "html"):
                break
            if urls_under[ancestor] != {url}:
                break
            container = ancestor
        containers[anchor] = container
    return containers


def _date_near(container: etree._Element, now: datetime, lang: str | None) -> datetime | None:
    """The publication date the listing prints inside one item."""
    for element in _DATE_ELEMENTS(container):
        machine = element.get("datetime")
        found = parse_w3c_datetime(machine) if machine else None
        text = _text(element)
        if found is None and text:
            found = parse_date_text(text, now, lang)
        if found is None and _CLOCK_ONLY.match(text):
            headings = _DAY_HEADING(element)
            if headings:
                found = parse_date_text(f"{_text(headings[0])}, {text.strip()}", now, lang)
        if found is not None:
            return found
    # Markup without date classes: a short text node such as "13:51, 15 августа 2025".
    for node in container.xpath(".//text()[not(ancestor::h1 or ancestor::h2 or ancestor::h3)]"):
        stamp = " ".join(str(node).split())
        if len(stamp) <= _MAX_STAMP_CHARS and _DATE_STAMP.search(stamp):
            found = parse_date_text(stamp, now, lang)
            if found is not None:
                return found
    return None


def _title_of(anchor: etree._Element, container: etree._Element) -> str | None:
    """The headline of an item: a title element, a heading, the link text or its title."""
    for scope in (anchor, container):
        for element in _TITLE_ELEMENTS(scope):
            if title := _text(element):
                return title
    return _text(anchor) or (anchor.get("title") or "").strip() or None


def discover_listing_links(
    body: bytes | str,
    url: str,
    article_url_pattern: str,
    link_selector: str | None = None,
    lang: str | None = None,
    now: datetime | None = None,
) -> list[DiscoveredLink]:
    """Article links on a listing page or fragment, de-duplicated, in page order."""
    root = html_root(decode_html(body, url))
    if root is None:
        return []
    base = urljoin(url, (root.xpath("string(//base/@href)") or "").strip())
    pattern = re.compile(article_url_pattern)
    anchors: Anchors = []
    for anchor in _selected_anchors(root, link_selector):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        absolute = urljoin(base, href)
        canonical = canonicalize_url(absolute)
        if pattern.search(absolute) or pattern.search(canonical):
            anchors.append((anchor, canonical))
    clock = now or datetime.now(ALMATY)
    containers = _item_containers(anchors)
    links: dict[str, DiscoveredLink] = {}
    for anchor, canonical in anchors:
        container = containers[anchor]
        found = DiscoveredLink(
            url=canonical,
            published_at=_date_near(container, clock, lang),
            title=_title_of(anchor, container),
            lang=lang,
            via="listing",
        )
        seen = links.get(canonical)
        # An item often links twice (picture, then headline): keep what either one gave.
        links[canonical] = (
            found
            if seen is None
            else DiscoveredLink(
                url=canonical,
                published_at=seen.published_at or found.published_at,
                title=seen.title or found.title,
                lang=lang,
                via="listing",
            )
        )
    return list(links.values())


def listing_page_url(listing: Listing, page: int) -> str | None:
    """The URL of page `page` of a listing; None past the first when it has no `{page}`."""
    if "{page}" not in listing.url:
        return listing.url if page == listing.first_page else None
    # str.replace, not str.format: a URL may hold other braces.
    return listing.url.replace("{page}", str(page))


def next_page_url(listing: Listing, current_page: int) -> str | None:
    """The URL of the page after `current_page`, e.g. Zakon's "?handler=LoadMoreNews&p=N"."""
    return listing_page_url(listing, current_page + 1)
