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
from typing import Any, TypeVar
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.config import load_config
from crawler.discovery.documents import discover_document_links
from crawler.discovery.drift import MAX_EXAMPLES, is_shape_drift, unmatched_article_links
from crawler.discovery.feeds import discover_feed_links
from crawler.discovery.govkz_api import (
    GOVKZ_TICKET_BODY,
    GOVKZ_TICKET_URL,
    govkz_news_url,
    govkz_request_headers,
    govkz_ticket_headers,
    is_govkz_not_allowed,
    parse_govkz_news,
)
from crawler.discovery.limits import maybe_gunzip
from crawler.discovery.listings import discover_listing_links
from crawler.discovery.sitemaps import parse_sitemap
from crawler.discovery.telegram import parse_telegram_preview
from crawler.discovery.urls import article_spelling, canonicalize_url, source_hosts
from crawler.errors import RejectedInputError
from crawler.extract.dates import ALMATY
from crawler.items import DiscoveredLink, RawPage
from crawler.politeness import (
    MAX_RETRY_AFTER_S,
    exception_summary,
    record_error,
    retry_after_seconds,
)
from crawler.revisits import DueRevisit
from crawler.sources import GovKzApi, Listing, Source, TelegramChannel, get_source
from crawler.spiders.pages import page_from_response, text_headers
from crawler.spiders.revisiting import RevisitMixin
from crawler.spiders.wayback import WaybackMixin

# Backfill walks listings back page by page; this caps a listing whose dates never get older.
MAX_BACKFILL_PAGES = 2000
# Methods whose links already carry the full text: the page itself is not fetched
# (gov.kz article pages are a JavaScript app; a Telegram post is its own page).
SELF_CONTAINED_VIA = ("api", "telegram")
# Where a run reads a source from: the site itself, or the Internet Archive's captures of it.
ORIGINS = ("site", "wayback")
# Distinct off-pattern URLs counted per run (a site that changed every URL has thousands).
MAX_OFF_PATTERN_KEPT = 1000

T = TypeVar("T")


def _oldest(links: list[DiscoveredLink]) -> datetime | None:
    """The oldest stated date among discovered links."""
    return min((link.published_at for link in links if link.published_at), default=None)


def _status(failure: Failure) -> int | None:
    """The HTTP status of a failed request's response, if it got one."""
    response = getattr(failure.value, "response", None)
    return int(response.status) if response is not None else None


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


class NewsSpider(WaybackMixin, RevisitMixin, scrapy.Spider):
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

    def start_requests_list(self) -> Iterator[scrapy.Request]:
        """Every discovery request the source declares."""
        src = self.source
        for feed in src.feeds:
            yield self._document_request(feed.url, self.parse_feed, lang=feed.lang)
        for sitemap in src.sitemaps:
            yield self._document_request(
                sitemap.url, self.parse_sitemap, lang=sitemap.lang, follow=sitemap.follow
            )
        for listing in src.listings:
            last = listing.first_page + (MAX_BACKFILL_PAGES if self.backfill else listing.pages)
            yield self._listing_request(listing, listing.first_page, last)
        for archive in src.day_archives:
            for day in self._archive_days():
                url = day.strftime(archive.url)
                yield scrapy.Request(
                    url, callback=self.parse_listing, errback=self.discovery_failed,
                    cb_kwargs={"lang": archive.lang, "link_selector": None},
                    meta={"dozor_day_archive": True},
                )
        for api in src.govkz_apis:
            yield self._govkz_ticket_request(api)
        for channel in src.telegram:
            url = f"https://t.me/s/{channel.channel}"
            yield scrapy.Request(
                url, callback=self.parse_telegram, errback=self.discovery_failed,
                cb_kwargs={"channel": channel, "pages_left": self._pages(channel.pages)},
            )

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
        )

    # -- discovery callbacks ------------------------------------------------------------

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

    def _reject(self, url: str, message: str, *, article: bool = False) -> None:
        """A refused document: an article link's outcome, or a failed discovery document."""
        self.logger.error("rejected %s: %s", url, message)
        # Feeds, sitemaps and listings are no article links: they stay out of found's sum.
        self.crawler.stats.inc_value("dozor/rejected" if article else "dozor/discovery_failed")
        record_error(self.crawler, "rejected", url, message)

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
        if links is not None:
            yield from self.follow_links(links)

    def parse_sitemap(
        self, response: Response, lang: str | None, follow: str | None = None
    ) -> Iterator[Any]:
        """Article links and child sitemaps from a sitemap or sitemap index."""
        result = self._parse_document(
            response, lambda body: parse_sitemap(body, response.url, lang)
        )
        if result is None:
            return
        if result.child_sitemaps:
            # An index can stay the same while its children change: always read it in full,
            # and let each child answer 304 for itself.
            self.new_validators.pop(response.request.url if response.request else "", None)
        for child in result.child_sitemaps:
            if follow is None or re.search(follow, child):
                yield self._document_request(child, self.parse_sitemap, lang=lang, follow=follow)
        yield from self.follow_links(result.links)

    def parse_listing(
        self, response: Response, lang: str | None, link_selector: str | None,
        listing: Listing | None = None, page: int = 1, last_page: int = 1,
    ) -> Iterator[Any]:
        """Article links from a listing or archive page; backfill pages on until `since`."""
        links = discover_listing_links(
            response.text, response.url, self.source.article_url_pattern, link_selector,
            lang, datetime.now(ALMATY),
        )
        for url in unmatched_article_links(response.body, response.url, self.source):
            self._count_off_pattern(url)
        yield from self.follow_links(links)
        oldest = _oldest(links)
        if listing is None:
            self._progress(f"archive {response.url}", len(links), oldest)
        if listing is None or "{page}" not in listing.url or not links:
            return
        if self.backfill:
            host = urlsplit(response.url).hostname
            self._progress(f"listing page {page} of {host}", len(links), oldest)
            if self._reached_since(oldest):
                return
        if page + 1 < last_page:
            yield self._listing_request(listing, page + 1, last_page)

    def _reached_since(self, oldest: datetime | None) -> bool:
        """Whether a page's oldest link is older than --since: paging back stops there."""
        start, _ = self._window()
        return start is not None and oldest is not None and oldest < start

    def _progress(self, where: str, links: int, oldest: datetime | None) -> None:
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

    def _govkz_ticket_request(self, api: GovKzApi) -> scrapy.Request:
        # Since 2026 the news API answers 400 "notAllowed" unless the session first POSTs here.
        return scrapy.Request(
            GOVKZ_TICKET_URL, method="POST", body=GOVKZ_TICKET_BODY,
            callback=self.after_govkz_ticket, errback=self.discovery_failed,
            cb_kwargs={"api": api}, dont_filter=True,
            headers=govkz_ticket_headers(api.project, api.lang),
            meta={"handle_httpstatus_list": [400, 403, 404]},
        )

    def after_govkz_ticket(self, response: Response, api: GovKzApi) -> Iterator[Any]:
        """With the ticket cookie set, read the news API's first page."""
        yield self._govkz_page_request(api, 0)

    def _govkz_page_request(self, api: GovKzApi, page: int) -> scrapy.Request:
        return scrapy.Request(
            govkz_news_url(api.project, page, api.page_size),
            headers=govkz_request_headers(api.project, api.lang), callback=self.parse_govkz,
            errback=self.discovery_failed, cb_kwargs={"api": api, "page": page},
            meta={"handle_httpstatus_list": [400]},
            # ru and kk pages share a URL and differ by Accept-Language only.
            dont_filter=True,
        )

    def parse_govkz(self, response: Response, api: GovKzApi, page: int) -> Iterator[Any]:
        """News items from the gov.kz API; pages on while items stay inside the window."""
        if is_govkz_not_allowed(response.status, response.body):
            message = "gov.kz API answered 400 notAllowed: the k6 ticket was not accepted"
            self.logger.error(message)
            self.crawler.stats.inc_value("dozor/discovery_failed")
            record_error(self.crawler, "discovery", response.url, message)
            return
        try:
            links = parse_govkz_news(response.body, api.project, api.lang)
        except RejectedInputError as exc:
            self._reject(response.url, str(exc), article=False)
            return
        yield from self.follow_links(links)
        oldest = _oldest(links)
        self._progress(f"API {api.project} {api.lang} page {page + 1}", len(links), oldest)
        more = page + 1 < self._pages(api.pages)
        if links and more and not self._reached_since(oldest):
            yield self._govkz_page_request(api, page + 1)

    def parse_telegram(
        self, response: Response, channel: TelegramChannel, pages_left: int
    ) -> Iterator[Any]:
        """Posts from a channel's web preview; older pages through ?before=."""
        result = parse_telegram_preview(response.body, response.url, channel.lang)
        yield from self.follow_links(result.links)
        oldest = _oldest(result.links)
        self._progress(f"channel {channel.channel} page", len(result.links), oldest)
        if result.older_page_url and pages_left > 1 and not self._reached_since(oldest):
            yield scrapy.Request(
                result.older_page_url, callback=self.parse_telegram,
                errback=self.discovery_failed,
                cb_kwargs={"channel": channel, "pages_left": pages_left - 1},
            )

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
        if isinstance(response, TextResponse):
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

    # -- failures -----------------------------------------------------------------------

    def callback_failed(self, failure: Failure, response: Response | None) -> None:
        """A parse callback raised (a bug, or input no parser refused cleanly): counted and
        recorded, never only a line in the log. Without a response, the spider's start raised:
        the discovery it was to start is lost, and the crawl closes with 'start_error'."""
        error = failure.value
        if response is None:
            self.crawler.stats.inc_value("dozor/discovery_failed")
            message = f"could not start: {exception_summary(error) if error else failure}"
            record_error(self.crawler, "discovery", self.source.home, message)
            return
        request = response.request
        article_url = request.meta.get("canonical_url") if request is not None else None
        message = f"could not parse: {exception_summary(error) if error else failure}"
        self.crawler.stats.inc_value("dozor/failed" if article_url else "dozor/discovery_failed")
        record_error(self.crawler, "parse", article_url or response.url, message)

    def request_dropped(self, request: scrapy.Request) -> None:
        """A request the duplicate filter refused: one that redirected to a URL already asked
        for. An article's is counted (a loop fails, a redirect onto another article is
        skipped), so no found link goes without an outcome."""
        chain = [*request.meta.get("redirect_urls", ()), request.url]
        article_url = request.meta.get("canonical_url")
        if request.url in chain[:-1]:
            message = f"redirect loop: {' -> '.join(chain)}"
            self.logger.warning("%s: %s", article_url or chain[0], message)
            kind = "fetch" if article_url else "discovery"
            self.crawler.stats.inc_value("dozor/failed" if article_url
                                         else "dozor/discovery_failed")
            record_error(self.crawler, kind, article_url or chain[0], message)
        elif article_url:
            # Two links, one page: the page was fetched (and counted) under the other link.
            self.crawler.stats.inc_value("dozor/redirect_duplicates")
            self.crawler.stats.inc_value("dozor/skipped")

    def _failure_message(self, failure: Failure) -> str:
        value = failure.value
        response = getattr(value, "response", None)
        if response is not None:
            wait = retry_after_seconds(response.headers.get(b"Retry-After"))
            if wait is not None and wait > MAX_RETRY_AFTER_S:
                return (f"HTTP {response.status} with Retry-After {wait:.0f} s, past the"
                        f" {MAX_RETRY_AFTER_S:.0f} s cap: not waited for; the next run tries again")
            return f"HTTP {response.status}"
        if isinstance(value, IgnoreRequest) and "max redirections" in str(value):
            request = failure.request  # type: ignore[attr-defined]
            chain = [*request.meta.get("redirect_urls", ()), request.url]
            limit = self.crawler.settings.getint("REDIRECT_MAX_TIMES")
            what = ("redirect loop" if len(set(chain)) < len(chain)
                    else f"more than {limit} redirects")
            shown = " -> ".join(chain[:4]) + (" -> …" if len(chain) > 4 else "")
            return f"{what}: {shown}"
        if self._is_oversize(failure):
            limit = self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
            detail = str(value).split(" in request ")[0] or "cancelled while reading"
            return f"larger than DOWNLOAD_MAXSIZE ({limit} bytes): {detail}"
        if isinstance(value, BaseException):
            return exception_summary(value)
        return str(value)

    @staticmethod
    def _is_oversize(failure: Failure) -> bool:
        """Whether Scrapy cut the download at DOWNLOAD_MAXSIZE (a refused input, not a failure)."""
        # Scrapy 2.19 raises DownloadCancelledError past the size cap, from the Content-Length
        # ("Expected to receive 52428826 bytes which is larger than download max size") or
        # while reading (an empty message); a gzip-encoded body that inflates past it is an
        # IgnoreRequest from HttpCompressionMiddleware ("... exceeded DOWNLOAD_MAXSIZE ...").
        value = failure.value
        if isinstance(value, DownloadCancelledError):
            return True
        return isinstance(value, IgnoreRequest) and "DOWNLOAD_MAXSIZE" in str(value)

    @staticmethod
    def _is_robots_refusal(failure: Failure) -> bool:
        return isinstance(failure.value, IgnoreRequest) and "robots.txt" in str(failure.value)

    def article_failed(self, failure: Failure) -> None:
        """An article could not be fetched: counted and kept for the run's report."""
        url = failure.request.url  # type: ignore[attr-defined]
        if failure.request.meta.get("dozor_stopped"):  # type: ignore[attr-defined]
            return  # dropped as the crawl stopped: the run counts it among the unfinished
        unreachable = failure.request.meta.get("dozor_robots_unreachable")  # type: ignore[attr-defined]
        if self._is_robots_refusal(failure) and not unreachable:
            # Not fetched by choice, as a known link is not: skipped.
            self.crawler.stats.inc_value("dozor/robots_forbidden")
            self.crawler.stats.inc_value("dozor/skipped")
            return
        if unreachable:
            # Failed with its host, whose robots.txt error is in the run's errors once.
            self.crawler.stats.inc_value("dozor/failed")
            return
        message = self._failure_message(failure)
        if self._is_oversize(failure):
            self._reject(url, message, article=True)
            return
        self.crawler.stats.inc_value("dozor/failed")
        record_error(self.crawler, "fetch", url, message)
        self.logger.warning("article %s failed: %s", url, message)

    def discovery_failed(self, failure: Failure) -> None:
        """A feed, sitemap, listing or API page could not be fetched."""
        url = failure.request.url  # type: ignore[attr-defined]
        if failure.request.meta.get("dozor_stopped"):  # type: ignore[attr-defined]
            return  # dropped as the crawl stopped
        message = self._failure_message(failure)
        if self._is_oversize(failure):
            self._reject(url, message, article=False)
            return
        if self._is_robots_refusal(failure):
            self.crawler.stats.inc_value("dozor/robots_forbidden")
            if failure.request.meta.get("dozor_robots_unreachable"):  # type: ignore[attr-defined]
                return  # the host's failure is counted and recorded once, by robots.txt
            self.crawler.stats.inc_value("dozor/discovery_failed")
        elif _status(failure) == 404 and failure.request.meta.get("dozor_day_archive"):  # type: ignore[attr-defined]
            # A day with no archive page yet (today, early morning) is not a failure.
            self.crawler.stats.inc_value("dozor/day_archive_missing")
            return
        else:
            self.crawler.stats.inc_value("dozor/discovery_failed")
        record_error(self.crawler, "discovery", url, message)
        self.logger.error("discovery %s failed: %s", url, message)
