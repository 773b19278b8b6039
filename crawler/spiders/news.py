"""The one generic spider: `scrapy crawl news -a source=zakon_kz [-a since=2025-01-01]`.

It reads the source's declaration, discovers article links through each declared method,
skips URLs already stored, and yields a RawPage per article for the pipeline. A daily run also
revisits recent articles (crawler/spiders/revisiting.py); `-a origin=wayback` backfills the
window from the Internet Archive instead of the site (crawler/spiders/wayback.py). Links on the
source's hosts that look like articles but fail its pattern are counted (`dozor/off_pattern`).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse

from crawler.config import load_config
from crawler.discovery.documents import discover_document_links
from crawler.discovery.drift import MAX_EXAMPLES, is_shape_drift, unmatched_article_links
from crawler.discovery.urls import article_spelling, canonicalize_url
from crawler.extract.dates import ALMATY
from crawler.extract.soft_404 import redirect_soft_404
from crawler.items import DiscoveredLink, RawPage
from crawler.revisits import DueRevisit
from crawler.sources import Source, get_source
from crawler.spiders.apis import ApiDiscoveryMixin
from crawler.spiders.discovering import DiscoveryMixin
from crawler.spiders.failures import FailureMixin
from crawler.spiders.pages import page_from_response
from crawler.spiders.revisiting import RevisitMixin
from crawler.spiders.wayback import WaybackMixin

# Methods whose links already carry the full text: the page itself is not fetched
# (gov.kz article pages are a JavaScript app; a Telegram post is its own page).
SELF_CONTAINED_VIA = ("api", "telegram")
# Where a run reads a source from: the site itself, or the Internet Archive's captures of it.
ORIGINS = ("site", "wayback")
# Distinct off-pattern URLs counted per run (a site that changed every URL has thousands).
MAX_OFF_PATTERN_KEPT = 1000


def page_from_link(
    source_id: str, url: str, link: DiscoveredLink, fetched_at: datetime,
    run_id: int | None = None,
) -> RawPage:
    """The page of a self-contained link (a gov.kz API item, a Telegram post), from its text."""
    # Golden cases of API items and posts build their page here too (tests/golden.py).
    title = f"<title>{link.title}</title>" if link.title else ""
    html = f"<html><head>{title}</head><body><article>{link.body_html}</article></body></html>"
    return RawPage(
        source_id=source_id, url=url, fetched_url=link.url, status=200,
        headers={"content-type": "text/html; charset=utf-8"}, body=html.encode(),
        fetched_at=fetched_at, run_id=run_id, link=link,
    )


def _parse_day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} must be a date like 2025-01-31, got {value!r}") from None


class NewsSpider(WaybackMixin, RevisitMixin, DiscoveryMixin, ApiDiscoveryMixin, FailureMixin,
                 scrapy.Spider):
    """Discovers and fetches one source's articles."""

    name = "news"

    def __init__(
        self, source: str, run_id: str | None = None, since: str | None = None,
        until: str | None = None, origin: str = "site", **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.source: Source = get_source(source)
        self.run_id = int(run_id) if run_id else None
        self.since = _parse_day(since, "since")
        self.until = _parse_day(until, "until")
        self.backfill = self.since is not None
        if origin not in ORIGINS:
            raise ValueError(f"origin must be one of {', '.join(ORIGINS)}, got {origin!r}")
        self.from_wayback = origin == "wayback"
        if self.from_wayback and self.since is None:
            raise ValueError("a Wayback backfill needs --since")
        if self.from_wayback and self.until is None:
            self.until = datetime.now(ALMATY).date()
        self.revisits: list[DueRevisit] = []  # filled by the pipeline from PostgreSQL at open
        self.revisiting = not (self.backfill or self.from_wayback or load_config().replay_warcs
                               or not self.source.reads_pages)
        self.off_pattern: dict[str, None] = {}
        self.article_pattern = re.compile(self.source.article_url_pattern)
        # m.<host> and <host> without "www." fold into the home's host: one row per article.
        self.main_host = urlsplit(self.source.home).hostname
        self.known: set[str] = set()  # filled by the pipeline from PostgreSQL at open
        self.seen: set[str] = set()
        self.validators: dict[str, tuple[str | None, str | None]] = {}
        self.new_validators: dict[str, tuple[str | None, str | None]] = {}
        # Listings wait for the feeds (crawler/spiders/discovering.py).
        self.read_at: dict[str, datetime] = {}  # filled by the pipeline from PostgreSQL at open
        self.held: list[tuple[str, Callable[[], scrapy.Request]]] = []
        self.signals_pending = 0
        self.signal_news = False
        self.started_at = datetime.now(UTC)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.callback_failed, signal=signals.spider_error)
        return spider

    # -- window -------------------------------------------------------------------------

    def _window(self) -> tuple[datetime | None, datetime | None]:
        start = datetime.combine(self.since, time.min, ALMATY) if self.since else None
        end = (
            datetime.combine(self.until + timedelta(days=1), time.min, ALMATY)
            if self.until else None
        )
        return start, end

    def in_window(self, link: DiscoveredLink) -> bool:
        """Whether a link's date (when known) falls inside --since/--until."""
        start, end = self._window()
        when = link.published_at
        if when is None:
            return True  # undated links are fetched; extraction finds the date
        return (start is None or when >= start) and (end is None or when < end)

    # -- start --------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.from_wayback:
            for request in self.wayback_requests():
                yield request
            return
        for request in self.start_requests_list():
            yield request
        # After discovery: a run's new articles go first, its revisits fill in behind.
        for request in self.revisit_requests():
            yield request

    # -- backfill progress -------------------------------------------------------------

    def reached_since(self, oldest: datetime | None) -> bool:
        """Whether a page's oldest link is older than --since: paging back stops there."""
        start, _ = self._window()
        return start is not None and oldest is not None and oldest < start

    def progress(self, where: str, links: int, oldest: datetime | None) -> None:
        """A backfill's progress line; `dozor collect --since` shows these as they come."""
        if not self.backfill:
            return
        stats = self.crawler.stats
        stored = sum(int(stats.get_value(f"dozor/{k}", 0) or 0)
                     for k in ("new", "updated", "unchanged"))
        self.logger.info(
            "backfill %s: %s, %d links, oldest %s; %d found, %d stored so far%s",
            self.source.id, where, links,
            oldest.astimezone(ALMATY).date() if oldest else "undated",
            int(stats.get_value("dozor/found", 0) or 0), stored, self._eta(oldest),
        )

    def _eta(self, oldest: datetime | None) -> str:
        """How far back the walk has come through the window, and the time left at this pace."""
        if oldest is None or self.since is None:
            return ""
        end = self.until or datetime.now(ALMATY).date()
        span = (end - self.since).days + 1
        done = min(max((end - oldest.astimezone(ALMATY).date()).days, 0), span)
        if done <= 0:
            return ""
        elapsed = (datetime.now(UTC) - self.started_at).total_seconds()
        left = elapsed * (span - done) / done
        when = f"about {left / 60:.0f} min left" if left >= 90 else f"about {left:.0f} s left"
        return f", {100 * done // span}% of the window, {when}"

    # -- articles -----------------------------------------------------------------------

    def accepted_links(
        self, links: list[DiscoveredLink],
    ) -> Iterator[tuple[str, DiscoveredLink]]:
        """(canonical URL, link) of each new in-window article link; the others counted."""
        for link in links:
            canonical = canonicalize_url(link.url, self.main_host)
            # The source's article pattern settles a trailing slash the link got wrong.
            url = article_spelling(canonical, self.article_pattern)
            if url is None:
                if is_shape_drift(canonical, self.source):
                    self._count_off_pattern(canonical)
                continue
            if url in self.seen or not self.in_window(link):
                continue
            self.seen.add(url)
            self.crawler.stats.inc_value("dozor/found")
            if url in self.known:
                self.crawler.stats.inc_value("dozor/skipped")
                continue
            yield url, link

    def any_known(self, links: list[DiscoveredLink]) -> bool:
        """Whether a page lists an article already stored (paging stops there)."""
        for link in links:
            url = article_spelling(canonicalize_url(link.url, self.main_host),
                                   self.article_pattern)
            if url is not None and url in self.known:
                return True
        return False

    def count_off_pattern_links(self, response: Response) -> None:
        """Links on a listing that look like the source's articles but fail its pattern."""
        for url in unmatched_article_links(response.body, response.url, self.source):
            self._count_off_pattern(url)

    def _count_off_pattern(self, url: str) -> None:
        """A link on the source's hosts that looks like an article but fails its pattern."""
        if url in self.off_pattern or len(self.off_pattern) >= MAX_OFF_PATTERN_KEPT:
            return
        self.off_pattern[url] = None
        stats = self.crawler.stats
        stats.set_value("dozor/off_pattern", len(self.off_pattern))
        if len(self.off_pattern) <= MAX_EXAMPLES:
            stats.set_value("dozor/off_pattern_examples", list(self.off_pattern))
            self.logger.warning("%s looks like a %s article but fails its article_url_pattern",
                                url, self.source.id)

    def follow_links(self, links: list[DiscoveredLink]) -> Iterator[Any]:
        """A request (or a ready RawPage) per new in-window article link."""
        for url, link in self.accepted_links(links):
            if link.via in SELF_CONTAINED_VIA and link.body_html:
                yield self._page_from_link(url, link)
                continue
            # The canonical URL, not the link: no AMP copy, no m. host, no utm_ parameters.
            yield scrapy.Request(
                url, callback=self.parse_article, errback=self.article_failed,
                meta={"link": link, "canonical_url": url},
            )

    def _page_from_link(self, url: str, link: DiscoveredLink) -> RawPage:
        return page_from_link(self.source.id, url, link, datetime.now(UTC), self.run_id)

    def parse_article(self, response: Response) -> Iterator[Any]:
        """One article response as a RawPage, and requests for the PDFs it publishes."""
        yield page_from_response(response, self.source.id, self.run_id)
        # Redirected to the home page or a listing (a soft-404): its PDFs are not this article's.
        gone = redirect_soft_404(response.meta["canonical_url"], response.url, self.source)
        if isinstance(response, TextResponse) and not gone:
            yield from self.follow_documents(response)

    def follow_documents(self, response: TextResponse) -> Iterator[scrapy.Request]:
        """A request per new PDF the page links to; the PDF remembers the page (found_on)."""
        link = response.meta.get("link")
        lang = link.lang if isinstance(link, DiscoveredLink) else None
        for document in discover_document_links(response.body, response.url, self.source, lang):
            url = canonicalize_url(document.url)
            if url in self.seen:
                continue
            self.seen.add(url)
            self.crawler.stats.inc_value("dozor/documents_found")
            self.crawler.stats.inc_value("dozor/found")  # a document is an article link too
            if url in self.known:
                self.crawler.stats.inc_value("dozor/skipped")
                continue
            yield scrapy.Request(
                document.url, callback=self.parse_article, errback=self.article_failed,
                meta={"link": document, "canonical_url": url},
            )

