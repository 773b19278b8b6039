"""XML sitemaps and sitemap indexes (news sitemaps, gzip) -> links and child sitemaps."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

from lxml import etree

from crawler.discovery.limits import maybe_gunzip, to_utf8_xml
from crawler.discovery.urls import canonicalize_url
from crawler.errors import RejectedInputError
from crawler.extract.dates import ALMATY
from crawler.items import DiscoveredLink

logger = logging.getLogger(__name__)

# W3C Datetime's shortest forms, which datetime.fromisoformat() refuses: "2025", "2025-08".
_YEAR_MONTH = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


@dataclass(frozen=True, slots=True)
class SitemapResult:
    """What one sitemap document gave: article links and the sitemaps it points to."""

    links: list[DiscoveredLink]
    child_sitemaps: list[str]
    # <lastmod> of each child sitemap, so a daily pass can skip children unchanged since.
    child_lastmod: dict[str, datetime | None] = field(default_factory=dict)
    recovered_errors: int = 0  # XML errors skipped in recover mode; 0 for a well-formed file


def parse_w3c_datetime(text: str | None) -> datetime | None:
    """An aware datetime from W3C Datetime / ISO 8601 text; no zone means Asia/Almaty."""
    if not text or not text.strip():
        return None
    value = text.strip()
    short = _YEAR_MONTH.match(value)
    try:
        if short:
            parsed = datetime(int(short.group(1)), int(short.group(2) or 1), 1)
        else:
            parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=ALMATY)


def _local(tag: object) -> str:
    """An element's tag without its namespace; "" for comments and processing instructions."""
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(element: etree._Element, *path: str) -> str | None:
    """Stripped text of the first descendant along `path` of local names."""
    current: etree._Element | None = element
    for name in path:
        if current is None:
            return None
        current = next((c for c in current if _local(c.tag) == name), None)
    if current is None or current.text is None:
        return None
    return current.text.strip() or None


def _parse_xml(data: bytes, url: str) -> tuple[etree._Element, int]:
    """The root element and the count of errors recover mode skipped."""
    options = {
        "resolve_entities": False,
        "no_network": True,
        "huge_tree": False,
        "load_dtd": False,
        "remove_comments": True,
        "remove_pis": True,
    }
    try:
        return etree.fromstring(data, etree.XMLParser(**options)), 0
    except etree.XMLSyntaxError as exc:
        first_error = exc
    parser = etree.XMLParser(recover=True, **options)
    root = etree.fromstring(data, parser)
    if root is None:
        raise RejectedInputError(f"unparsable sitemap {url}: {first_error}")
    errors = len(parser.error_log)
    logger.warning(
        "sitemap %s is not well-formed (%s); recovered past %d errors", url, first_error, errors
    )
    return root, max(errors, 1)


def _news_lang(declared: str | None) -> str | None:
    """ "kk" | "ru" | "en" from <news:language>, which some sites fill with "kz"."""
    if not declared:
        return None
    primary = declared.lower().split("-")[0]
    return "kk" if primary in ("kk", "kz") else primary


def _url_entry(element: etree._Element, base: str, lang: str | None) -> DiscoveredLink | None:
    """A link from one <url> entry, preferring news sitemap fields over <lastmod>."""
    loc = _child_text(element, "loc")
    if loc is None:
        return None
    published = parse_w3c_datetime(_child_text(element, "news", "publication_date"))
    return DiscoveredLink(
        url=canonicalize_url(urljoin(base, loc)),
        published_at=published or parse_w3c_datetime(_child_text(element, "lastmod")),
        title=_child_text(element, "news", "title"),
        lang=lang or _news_lang(_child_text(element, "news", "publication", "language")),
        via="sitemap",
    )


def parse_sitemap(body: bytes, url: str, lang: str | None = None) -> SitemapResult:
    """Links of a <urlset> or child sitemaps of a <sitemapindex>, plain or gzipped."""
    root, errors = _parse_xml(to_utf8_xml(maybe_gunzip(body, url), url), url)
    kind = _local(root.tag)
    if kind == "sitemapindex":
        lastmod: dict[str, datetime | None] = {}
        for element in root:
            loc = _child_text(element, "loc") if _local(element.tag) == "sitemap" else None
            if loc is not None:
                lastmod.setdefault(
                    urljoin(url, loc), parse_w3c_datetime(_child_text(element, "lastmod"))
                )
        return SitemapResult([], list(lastmod), lastmod, errors)
    if kind != "urlset":
        raise RejectedInputError(f"{url} is not a sitemap: root element <{kind}>")
    links: dict[str, DiscoveredLink] = {}
    for element in root:
        link = _url_entry(element, url, lang) if _local(element.tag) == "url" else None
        if link is not None and link.url not in links:
            links[link.url] = link
    return SitemapResult(list(links.values()), [], {}, errors)
