"""URL-shape drift: links on a source's own hosts that look like articles but fail its pattern.

A site that changes its article URLs ("/incident/crime/2245871-…/" becoming "/society/2348017-…/")
makes every new article fail `article_url_pattern`: nothing is requested and nothing fails.
Counting the links that look like articles but do not match shows the change the first day.
"Looks like an article" is a guess from the path alone: a slug of five words or more, or a
numeric id of five digits or more beside a word ("6385814-sozdateli-…", "/a/32552586.html").
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit

from crawler.discovery.limits import decode_html, html_root
from crawler.discovery.urls import (
    article_spelling,
    canonicalize_url,
    is_same_site,
    source_hosts,
)
from crawler.sources import Source

# Path segments of pages that list or describe articles rather than being one.
NOT_ARTICLE_SEGMENTS = frozenset({
    "tag", "tags", "category", "categories", "author", "authors", "page", "search", "rubric",
    "rubrics", "theme", "themes", "user", "users", "login", "static", "media", "uploads",
    "images", "img", "assets", "files", "feed", "rss", "sitemap", "archive", "itemlist",
})  # fmt: skip
ASSET_SUFFIXES = (
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".ico", ".css", ".js", ".json", ".xml",
    ".rss", ".gz", ".zip", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".mp3", ".mp4", ".txt",
    ".woff", ".woff2",
)
PAGE_SUFFIX = re.compile(r"\.(html?|php|aspx?)$")
MIN_SLUG_WORDS = 5
NUMERIC_ID = re.compile(r"\d{5,}")
MAX_EXAMPLES = 5


def looks_like_article(url: str) -> bool:
    """Whether a URL's path has an article's shape: a long slug, or an id beside a word."""
    segments = [s for s in unquote(urlsplit(url).path).lower().split("/") if s]
    if not segments or any(s in NOT_ARTICLE_SEGMENTS for s in segments):
        return False
    last = segments[-1]
    if last.endswith(ASSET_SUFFIXES):
        return False
    stem = PAGE_SUFFIX.sub("", last)
    words = [w for w in re.split(r"[-_]+", stem) if w]
    if NUMERIC_ID.search(stem):
        return len(words) >= 2 or stem.isdigit()
    return len(words) >= MIN_SLUG_WORDS


def is_shape_drift(url: str, source: Source) -> bool:
    """Whether `url`, failing the source's pattern, is on its hosts and looks like an article
    (and is not one of the links the source leaves out on purpose)."""
    if source.ignored_url_pattern and re.search(source.ignored_url_pattern, url):
        return False
    return is_same_site(url, source.home, source_hosts(source)) and looks_like_article(url)


def unmatched_article_links(body: bytes | str, url: str, source: Source) -> list[str]:
    """Links of a page on the source's hosts that look like articles but fail its pattern."""
    root = html_root(decode_html(body, url))
    if root is None:
        return []
    base = urljoin(url, (root.xpath("string(//base/@href)") or "").strip())
    pattern = re.compile(source.article_url_pattern)
    main_host = urlsplit(source.home).hostname
    found: dict[str, None] = {}
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        canonical = canonicalize_url(urljoin(base, href), main_host)
        if article_spelling(canonical, pattern) is None and is_shape_drift(canonical, source):
            found[canonical] = None
    return list(found)
