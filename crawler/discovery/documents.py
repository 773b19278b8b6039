"""Article page -> the PDF documents it publishes (an agency's letter, its statistics)."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from crawler.discovery.limits import decode_html, html_root
from crawler.discovery.urls import is_same_site
from crawler.items import DiscoveredLink
from crawler.sources import Source

# A page linking more files than this is an index of documents, not one article's attachments.
MAX_DOCUMENTS_PER_PAGE = 10


def is_document_url(url: str) -> bool:
    """Whether a URL names a PDF file by its path."""
    return urlsplit(url).path.lower().endswith(".pdf")


def discover_document_links(
    body: bytes | str, page_url: str, source: Source, lang: str | None = None,
) -> list[DiscoveredLink]:
    """PDF links of an article page on the source's own hosts, each remembering the page."""
    root = html_root(decode_html(body, page_url))
    if root is None:
        return []
    links: list[DiscoveredLink] = []
    seen: set[str] = set()
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        url = urljoin(page_url, href) if href else ""
        if not is_document_url(url) or url in seen:
            continue
        # Files elsewhere are another publisher's: the source vouches only for its own hosts.
        if not is_same_site(url, source.home, source.allowed_hosts):
            continue
        seen.add(url)
        title = " ".join("".join(anchor.itertext()).split()) or None
        links.append(DiscoveredLink(url=url, title=title, lang=lang, via="document",
                                    found_on=page_url))
        if len(links) == MAX_DOCUMENTS_PER_PAGE:
            break
    return links
