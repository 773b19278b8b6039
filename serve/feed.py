"""An Atom feed (RFC 4287) of a saved search: the newest articles matching a query string."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from serve.highlight import hit_highlights, plain
from serve.hits import Hit, SearchPage
from serve.labels import catalog

ATOM_NS = "http://www.w3.org/2005/Atom"
ET.register_namespace("", ATOM_NS)
# Characters XML 1.0 forbids; a page's stray control character must not break the feed.
_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    """Append an Atom element with text and attributes."""
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        element.text = _NOT_XML_RE.sub("", text)
    return element


def _rfc3339(moment: datetime) -> str:
    """A time as RFC 3339 in UTC, as Atom wants it."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def is_web_link(url: str) -> bool:
    """Whether a stored URL may be a link in the feed: http(s) only, never `javascript:` or
    `data:` (a reader would run them)."""
    return url.lower().startswith(("https://", "http://"))


def _entry(feed: ET.Element, hit: Hit, page: SearchPage, article_api: str,
           fallback: datetime) -> None:
    """One entry: the article's URL as its id, title, date, summary, topics as categories."""
    names = catalog()
    entry = _el(feed, "entry")
    # The canonical URL is the article's key in Dozor and never changes: a stable entry id.
    _el(entry, "id", hit.url)
    _el(entry, "title", hit.title or hit.url, type="text")
    _el(entry, "link", rel="alternate", href=hit.url)
    _el(entry, "link", rel="related", href=f"{article_api}{hit.id}", type="application/json")
    moment = hit.published_at or fallback
    _el(entry, "updated", _rfc3339(moment))
    if hit.published_at:
        _el(entry, "published", _rfc3339(hit.published_at))
    author = _el(entry, "author")
    _el(author, "name", hit.source_id)
    _, body = hit_highlights(hit, page.parsed)
    summary = plain(body) or hit.lead or ""
    _el(entry, "summary", summary, type="text")
    for topic in hit.topics:
        _el(entry, "category", term=topic, label=names.name("topics", topic))
    for region in hit.regions:
        _el(entry, "category", term=f"region:{region}", label=names.name("regions", region))


def atom_feed(
    page: SearchPage, *, title: str, feed_id: str, self_url: str, alternate_url: str,
    article_api: str, now: datetime | None = None,
) -> bytes:
    """The feed document, UTF-8.

    `feed_id` names the saved query whatever address the feed is read at; the links are
    relative unless the caller knows the server's public address (never from a request's Host
    header, which the client writes).
    """
    now = now or datetime.now(UTC)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _el(feed, "id", feed_id)
    _el(feed, "title", title, type="text")
    _el(feed, "subtitle", "Kazakhstan law-enforcement news on fraud and organized crime, "
        "collected by Dozor", type="text")
    dated = [h.published_at for h in page.hits if h.published_at]
    _el(feed, "updated", _rfc3339(max(dated) if dated else now))
    _el(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    _el(feed, "link", rel="alternate", href=alternate_url, type="text/html")
    author = _el(feed, "author")
    _el(author, "name", "Dozor")
    _el(feed, "generator", "Dozor")
    for hit in page.hits:
        if is_web_link(hit.url):
            _entry(feed, hit, page, article_api, now)
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))
