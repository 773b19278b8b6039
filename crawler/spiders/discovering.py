"""The news spider's discovery: feeds, sitemaps, listings, day archives; the gov.kz API and
Telegram are read by crawler/spiders/apis.py.

A daily pass is made cheap (bench/bench_incremental.py has the figures):
  - feeds and sitemaps are asked conditionally (an unchanged one answers 304);
  - they are the source's *signals*: its listings, day archives and the gov.kz API's other
    languages (its *followers*) wait for them, and are read only when a signal lists something
    new, fails, or when the follower's last reading is older than DOZOR_LISTING_RECHECK (6 h:
    an item only a listing shows arrives that late at worst). A source without feeds or
    sitemaps reads its listings every pass; a backfill reads everything;
  - paging (listings, API pages, Telegram) stops at the first page holding a stored item:
    pages are newest first, so the ones after it hold nothing new.
When a follower is read, `<its URL>#read` (`<API URL>#<lang>#read` for gov.kz) is saved in
fetch_validators without validators; its `updated_at` says when it was last read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.discovery.feeds import discover_feed_links
from crawler.discovery.limits import maybe_gunzip
from crawler.discovery.listings import discover_listing_links
from crawler.discovery.sitemaps import parse_sitemap
from crawler.discovery.urls import source_hosts
from crawler.errors import RejectedInputError
from crawler.extract.dates import ALMATY
from crawler.items import DiscoveredLink
from crawler.sources import DayArchive, GovKzApi, Listing, Sitemap, Source
from crawler.spiders.pages import text_headers

# Backfill walks listings back page by page; this caps a listing whose dates never get older.
MAX_BACKFILL_PAGES = 2000
# A follower skipped while the signals show nothing new is read anyway past this age.
LISTING_RECHECK_S = 6 * 3600.0

T = TypeVar("T")


def oldest_date(links: list[DiscoveredLink]) -> datetime | None:
    """The oldest stated date among discovered links."""
    return min((link.published_at for link in links if link.published_at), default=None)


def read_key(key: str) -> str:
    """A follower's reading, saved beside the validators: its URL plus a fragment no fetched
    URL has (a sitemap's own row keeps its ETag)."""
    return f"{key}#read"



class DiscoveryMixin:
    """Discovery requests and their callbacks, for NewsSpider."""

    source: Source
    crawler: Crawler
    backfill: bool
    since: date | None
    until: date | None
    validators: dict[str, tuple[str | None, str | None]]
    new_validators: dict[str, tuple[str | None, str | None]]
    read_at: dict[str, datetime]  # followers' last readings, filled by the pipeline at open
    held: list[tuple[str, Callable[[], scrapy.Request]]]  # followers waiting for the signals
    signals_pending: int
    signal_news: bool

    logger: Any  # scrapy.Spider's
    # Defined by NewsSpider and FailureMixin.
    follow_links: Callable[[list[DiscoveredLink]], Iterator[Any]]
    any_known: Callable[[list[DiscoveredLink]], bool]
    count_off_pattern_links: Callable[[Response], None]
    progress: Callable[[str, int, datetime | None], None]
    reached_since: Callable[[datetime | None], bool]
    discovery_failed: Callable[..., Iterator[Any]]
    _reject: Callable[..., None]
    # Defined by ApiDiscoveryMixin (crawler/spiders/apis.py).
    _govkz_ticket_request: Callable[[GovKzApi], scrapy.Request]
    parse_telegram: Callable[..., Iterator[Any]]

    # -- requests -----------------------------------------------------------------------

    def start_requests_list(self) -> Iterator[scrapy.Request]:
        """Every discovery request the source declares: signals first, followers held.

        Requests are built one by one as they are yielded (a bad declaration fails the crawl's
        start after the requests before it went out); followers are held as makers, built
        when released."""
        src = self.source
        signals: list[Callable[[], scrapy.Request]] = [
            partial(self._document_request, feed.url, self.parse_feed, lang=feed.lang)
            for feed in src.feeds]
        followers: list[tuple[str, Callable[[], scrapy.Request]]] = []
        for sitemap in src.sitemaps:
            if signals:  # the feeds (or the first sitemap) speak for the other sitemaps
                followers.append((sitemap.url, partial(self._sitemap_request, sitemap, True)))
            else:
                signals.append(partial(self._sitemap_request, sitemap, False))
        others: list[Callable[[], scrapy.Request]] = []  # asked every pass, on their own
        if src.govkz_apis:
            # One ticket a run: its cookie serves every language of the project; the first
            # language's first page tells whether the others are read (after_govkz_ticket).
            ticket = partial(self._govkz_ticket_request, src.govkz_apis[0])
            (others if signals else signals).append(ticket)
        for listing in src.listings:
            last = listing.first_page + (MAX_BACKFILL_PAGES if self.backfill else listing.pages)
            followers.append((listing.url, partial(self._listing_request, listing,
                                                   listing.first_page, last)))
        for archive in src.day_archives:
            for day in self._archive_days():
                followers.append((archive.url, partial(self._archive_request, archive, day)))
        gating = bool(signals) and not self.backfill
        if gating:
            # Counted before the first goes out: an early answer must not release the others.
            self.held, self.signals_pending = followers, len(signals)
        for make in signals:
            request = make()
            if gating:
                request.meta["dozor_signal"] = True
            yield request
        if not gating:
            yield from (make() for _, make in followers)
        yield from (make() for make in others)
        for channel in src.telegram:
            url = f"https://t.me/s/{channel.channel}"
            yield scrapy.Request(
                url, callback=self.parse_telegram, errback=self.discovery_failed,
                cb_kwargs={"channel": channel, "pages_left": self._pages(channel.pages)},
            )

    def _sitemap_request(self, sitemap: Sitemap, follower: bool) -> scrapy.Request:
        request = self._document_request(sitemap.url, self.parse_sitemap, lang=sitemap.lang,
                                         follow=sitemap.follow)
        if follower:
            request.meta["dozor_follower"] = sitemap.url
        return request

    def _archive_request(self, archive: DayArchive, day: date) -> scrapy.Request:
        return scrapy.Request(
            day.strftime(archive.url), callback=self.parse_listing, errback=self.discovery_failed,
            cb_kwargs={"lang": archive.lang, "link_selector": None},
            meta={"dozor_day_archive": True, "dozor_follower": archive.url},
        )

    def _as_signal(self, request: scrapy.Request) -> scrapy.Request:
        """A request whose answer decides whether the held followers are read."""
        self.signals_pending += 1
        request.meta["dozor_signal"] = True
        return request

    def signal_settled(self, request: scrapy.Request, news: bool) -> Iterator[scrapy.Request]:
        """A signal answered (news: it listed something new, or failed); after the last one,
        the followers that are due, or all of them on news."""
        if not request.meta.get("dozor_signal"):
            return
        self.signals_pending -= 1
        self.signal_news = self.signal_news or news
        if self.signals_pending > 0:
            return
        held, self.held = self.held, []
        for key, make in held:
            if self.signal_news or self._due(key):
                yield make()
            else:
                self.crawler.stats.inc_value("dozor/listings_skipped")

    def _due(self, key: str) -> bool:
        """Whether a follower's last reading is older than the recheck interval (or unknown)."""
        last = self.read_at.get(read_key(key))
        recheck = self.crawler.settings.getfloat("DOZOR_LISTING_RECHECK_S", LISTING_RECHECK_S)
        return last is None or (datetime.now(UTC) - last).total_seconds() >= recheck

    def _read(self, key: str) -> None:
        """Remember that a follower was read (saved with the validators, its updated_at)."""
        self.new_validators[read_key(key)] = (None, None)

    def _pages(self, daily_pages: int) -> int:
        return MAX_BACKFILL_PAGES if self.backfill else daily_pages

    def _archive_days(self) -> list[date]:
        today = datetime.now(ALMATY).date()
        first = self.since or today - timedelta(days=1)
        last = self.until or today
        return [last - timedelta(days=n) for n in range((last - first).days + 1)]

    def _document_request(self, url: str, callback: Any, **cb_kwargs: Any) -> scrapy.Request:
        headers = {}
        etag, last_modified = self.validators.get(url, (None, None))
        if not self.backfill:
            # Conditional request: an unchanged feed costs a 304 and no parsing.
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
        return scrapy.Request(
            url, callback=callback, errback=self.discovery_failed, headers=headers,
            cb_kwargs=cb_kwargs, meta={"handle_httpstatus_list": [304]}, dont_filter=True,
        )

    def _listing_request(self, listing: Listing, page: int, last_page: int) -> scrapy.Request:
        url = listing.url.format(page=page) if "{page}" in listing.url else listing.url
        return scrapy.Request(
            url, callback=self.parse_listing, errback=self.discovery_failed,
            cb_kwargs={"lang": listing.lang, "link_selector": listing.link_selector,
                       "listing": listing, "page": page, "last_page": last_page},
            meta={"dozor_follower": listing.url},
        )

    # -- feeds and sitemaps -------------------------------------------------------------

    def source_hosts(self) -> list[str]:
        """The hosts this source's documents live on (home, article and discovery hosts)."""
        return list(source_hosts(self.source))

    def _remember_validators(self, response: Response) -> None:
        etag = response.headers.get(b"ETag")
        modified = response.headers.get(b"Last-Modified")
        if etag or modified:
            # Keyed by the URL asked for: a redirected feed is asked for by that URL next time.
            self.new_validators[response.request.url if response.request else response.url] = (
                etag.decode("latin-1") if etag else None,
                modified.decode("latin-1") if modified else None,
            )

    def _body(self, response: Response) -> bytes | None:
        """The document bytes, gunzipped with a cap; None (and a count) when refused."""
        try:
            return maybe_gunzip(response.body, response.url, text_headers(response))
        except RejectedInputError as exc:
            self._reject(response.url, str(exc), article=False)
            return None

    def _parse_document(self, response: Response, parse: Callable[[bytes], T]) -> T | None:
        """A feed's or sitemap's parsed content; None when unchanged (304) or refused."""
        if response.status == 304:
            self.crawler.stats.inc_value("dozor/not_modified")
            return None
        body = self._body(response)
        if body is None:
            return None
        try:
            result = parse(body)
        except RejectedInputError as exc:
            self._reject(response.url, str(exc), article=False)
            return None
        self._remember_validators(response)
        return result

    def parse_feed(self, response: Response, lang: str | None) -> Iterator[Any]:
        """Article links from an RSS/Atom feed."""
        links = self._parse_document(
            response, lambda body: discover_feed_links(body, response.url, lang)
        )
        new = list(self.follow_links(links)) if links is not None else []
        yield from new
        # A feed refused (not a 304) says nothing about the listings: they are read.
        yield from self._signal_done(response, bool(new) or (links is None
                                                             and response.status != 304))

    def _signal_done(self, response: Response, news: bool) -> Iterator[scrapy.Request]:
        if response.request is not None:
            yield from self.signal_settled(response.request, news)

    def parse_sitemap(
        self, response: Response, lang: str | None, follow: str | None = None
    ) -> Iterator[Any]:
        """Article links and child sitemaps from a sitemap or sitemap index."""
        if key := response.meta.get("dozor_follower"):
            self._read(key)  # a 304 is a reading too
        result = self._parse_document(
            response, lambda body: parse_sitemap(body, response.url, lang)
        )
        if result is None:
            yield from self._signal_done(response, response.status != 304)
            return
        if result.child_sitemaps:
            # An index can stay the same while its children change: always read it in full,
            # and let each child answer 304 for itself.
            self.new_validators.pop(response.request.url if response.request else "", None)
        signal = response.request is not None and response.request.meta.get("dozor_signal")
        for child in result.child_sitemaps:
            if follow is None or re.search(follow, child):
                request = self._document_request(child, self.parse_sitemap, lang=lang,
                                                 follow=follow)
                yield self._as_signal(request) if signal else request
        new = list(self.follow_links(result.links))
        yield from new
        yield from self._signal_done(response, bool(new))

    # -- listings ---------------------------------------------------------------------

    def parse_listing(
        self, response: Response, lang: str | None, link_selector: str | None,
        listing: Listing | None = None, page: int = 1, last_page: int = 1,
    ) -> Iterator[Any]:
        """Article links from a listing or archive page; pages on while all are new."""
        links = discover_listing_links(
            response.text, response.url, self.source.article_url_pattern, link_selector,
            lang, datetime.now(ALMATY),
        )
        if key := response.meta.get("dozor_follower"):
            self._read(key)
        self.count_off_pattern_links(response)
        yield from self.follow_links(links)
        oldest = oldest_date(links)
        if listing is None:
            self.progress(f"archive {response.url}", len(links), oldest)
        if listing is None or "{page}" not in listing.url or not links:
            return
        if self.backfill:
            host = urlsplit(response.url).hostname
            self.progress(f"listing page {page} of {host}", len(links), oldest)
            if self.reached_since(oldest):
                return
        elif self.any_known(links):
            return  # newest first: the next page holds nothing new either
        if page + 1 < last_page:
            yield self._listing_request(listing, page + 1, last_page)
