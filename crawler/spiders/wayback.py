"""The news spider's Wayback backfill: `collect --source ID --since D --until D --from wayback`.

Instead of the source's own discovery, the Internet Archive's CDX server lists the captures of
each of the source's article hosts in the window (status 200, HTML, one per URL); captures whose
URL passes the source's article pattern are fetched as originally archived (`id_`), at a
per-host delay of its own for web.archive.org (DOZOR_WAYBACK_DELAY), under web.archive.org's
robots.txt, which is the host asked. The article keeps its canonical URL on the source's site
and the capture time as its fetch time, so "вчера, 18:40" resolves against the capture day.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.config import load_config
from crawler.discovery.wayback import (
    WAYBACK_HOST,
    cdx_query_url,
    memento_time,
    parse_cdx,
)
from crawler.errors import RejectedInputError
from crawler.items import DiscoveredLink, RawPage
from crawler.politeness import host_delays
from crawler.sources import Source
from crawler.spiders.pages import page_from_response

log = logging.getLogger(__name__)


class WaybackMixin:
    """CDX discovery and capture fetching, for NewsSpider."""

    source: Source
    run_id: int | None
    crawler: Crawler
    since: date | None
    until: date | None

    def article_hosts(self) -> list[str]:
        """The hosts the source's articles live on: its home's and its allowed ones."""
        hosts = [urlsplit(self.source.home).hostname or "", *self.source.allowed_hosts]
        return [h for h in dict.fromkeys(hosts) if h]

    def wayback_requests(self) -> Iterator[scrapy.Request]:
        """The first CDX query of each article host."""
        assert self.since is not None and self.until is not None
        delays = host_delays(self.crawler)
        floor = load_config().wayback_delay_s
        delays.crawl_delay[WAYBACK_HOST] = max(delays.crawl_delay.get(WAYBACK_HOST, 0.0), floor)
        for host in self.article_hosts():
            yield self._cdx_request(host, None)

    def _cdx_request(self, host: str, resume_key: str | None) -> scrapy.Request:
        assert self.since is not None and self.until is not None
        return scrapy.Request(
            cdx_query_url(host, self.since, self.until, resume_key), callback=self.parse_cdx,
            errback=self.discovery_failed, cb_kwargs={"host": host}, dont_filter=True,
        )

    def parse_cdx(self, response: Response, host: str) -> Iterator[Any]:
        """Capture requests for the article URLs a CDX page lists; then its next page."""
        try:
            page = parse_cdx(response.body)
        except RejectedInputError as exc:
            self._reject(response.url, str(exc))
            return
        by_original = {capture.original: capture for capture in page.captures}
        links = [DiscoveredLink(original, via="wayback") for original in by_original]
        fetched = 0
        for url, link in self.accepted_links(links):
            capture = by_original[link.url]
            fetched += 1
            yield scrapy.Request(
                capture.url, callback=self.parse_capture, errback=self.article_failed,
                meta={"link": link, "canonical_url": url, "captured_at": capture.captured_at},
            )
        # `dozor collect` shows "backfill <source>: ..." lines as they come (jobs/crawl_process.py).
        log.info("backfill %s: Wayback CDX page of %s, %d captures, %d new articles"
                         " to fetch", self.source.id, host, len(page.captures), fetched)
        if page.resume_key:
            yield self._cdx_request(host, page.resume_key)

    def parse_capture(self, response: Response) -> Iterator[RawPage]:
        """A capture's original bytes as the article page, fetched when it was captured."""
        captured_at = memento_time(response.headers.get(b"Memento-Datetime"))
        yield page_from_response(response, self.source.id, self.run_id,
                                 fetched_at=captured_at or response.meta["captured_at"])

    if TYPE_CHECKING:  # provided by NewsSpider
        def accepted_links(
            self, links: list[DiscoveredLink],
        ) -> Iterator[tuple[str, DiscoveredLink]]: ...
        def discovery_failed(self, failure: Any) -> Iterator[Any]: ...
        def article_failed(self, failure: Any) -> None: ...
        def _reject(self, url: str, message: str, *, article: bool = False) -> None: ...
