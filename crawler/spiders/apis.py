"""The news spider's discovery through APIs: the gov.kz news API (a ticket first, then its pages
in each language) and Telegram channels' web previews.

The gov.kz API's first language is a signal like a feed (crawler/spiders/discovering.py): its
other languages wait for it as followers. Paging stops at the first page holding a stored item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from functools import partial
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.discovery.govkz_api import (
    GOVKZ_TICKET_BODY,
    GOVKZ_TICKET_URL,
    govkz_news_url,
    govkz_request_headers,
    govkz_ticket_headers,
    is_govkz_not_allowed,
    parse_govkz_news,
)
from crawler.discovery.telegram import parse_telegram_preview
from crawler.errors import RejectedInputError
from crawler.items import DiscoveredLink
from crawler.politeness import record_error
from crawler.sources import GovKzApi, Source, TelegramChannel
from crawler.spiders.discovering import oldest_date


def govkz_key(api: GovKzApi) -> str:
    """What a gov.kz API language's last reading is remembered under (one URL, two languages)."""
    return f"{govkz_news_url(api.project, 0, api.page_size)}#{api.lang}"


class ApiDiscoveryMixin:
    """gov.kz API and Telegram requests and their callbacks, for NewsSpider."""

    source: Source
    crawler: Crawler
    backfill: bool
    held: list[tuple[str, Callable[[], scrapy.Request]]]  # followers waiting for the signals

    logger: Any  # scrapy.Spider's
    # Defined by NewsSpider, DiscoveryMixin and FailureMixin.
    follow_links: Callable[[list[DiscoveredLink]], Iterator[Any]]
    any_known: Callable[[list[DiscoveredLink]], bool]
    progress: Callable[[str, int, datetime | None], None]
    reached_since: Callable[[datetime | None], bool]
    discovery_failed: Callable[..., Iterator[Any]]
    _reject: Callable[..., None]
    _as_signal: Callable[[scrapy.Request], scrapy.Request]
    _signal_done: Callable[[Response, bool], Iterator[scrapy.Request]]
    _read: Callable[[str], None]
    _pages: Callable[[int], int]

    def _govkz_ticket_request(self, api: GovKzApi) -> scrapy.Request:
        # Since 2026 the news API answers 400 "notAllowed" unless the session first POSTs here.
        return scrapy.Request(
            GOVKZ_TICKET_URL, method="POST", body=GOVKZ_TICKET_BODY,
            callback=self.after_govkz_ticket, errback=self.discovery_failed,
            dont_filter=True, headers=govkz_ticket_headers(api.project, api.lang),
            meta={"handle_httpstatus_list": [400, 403, 404]},
        )

    def after_govkz_ticket(self, response: Response) -> Iterator[Any]:
        """With the ticket cookie set, read the news API's first page (in every language,
        or in the first while the others wait as followers)."""
        first, *others = self.source.govkz_apis
        signal = response.request is not None and response.request.meta.get("dozor_signal")
        if signal:
            yield self._as_signal(self._govkz_page_request(first, 0))
            self.held += [(govkz_key(api), partial(self._govkz_page_request, api, 0))
                          for api in others]
            yield from self._signal_done(response, False)
            return
        for api in self.source.govkz_apis:
            yield self._govkz_page_request(api, 0)

    def _govkz_page_request(self, api: GovKzApi, page: int) -> scrapy.Request:
        return scrapy.Request(
            govkz_news_url(api.project, page, api.page_size),
            headers=govkz_request_headers(api.project, api.lang), callback=self.parse_govkz,
            errback=self.discovery_failed, cb_kwargs={"api": api, "page": page},
            meta={"handle_httpstatus_list": [400], "dozor_follower": govkz_key(api)},
            # ru and kk pages share a URL and differ by Accept-Language only.
            dont_filter=True,
        )

    def parse_govkz(self, response: Response, api: GovKzApi, page: int) -> Iterator[Any]:
        """News items from the gov.kz API; pages on while items are new and in the window."""
        if is_govkz_not_allowed(response.status, response.body):
            message = "gov.kz API answered 400 notAllowed: the k6 ticket was not accepted"
            self.logger.error(message)
            self.crawler.stats.inc_value("dozor/discovery_failed")
            record_error(self.crawler, "discovery", response.url, message)
            yield from self._signal_done(response, True)
            return
        try:
            links = parse_govkz_news(response.body, api.project, api.lang)
        except RejectedInputError as exc:
            self._reject(response.url, str(exc), article=False)
            yield from self._signal_done(response, True)
            return
        if page == 0:
            self._read(govkz_key(api))
        new = list(self.follow_links(links))
        yield from new
        oldest = oldest_date(links)
        self.progress(f"API {api.project} {api.lang} page {page + 1}", len(links), oldest)
        more = page + 1 < self._pages(api.pages)
        stop = self.reached_since(oldest) if self.backfill else self.any_known(links)
        if links and more and not stop:
            yield self._govkz_page_request(api, page + 1)
        yield from self._signal_done(response, bool(new))

    def parse_telegram(
        self, response: Response, channel: TelegramChannel, pages_left: int
    ) -> Iterator[Any]:
        """Posts from a channel's web preview; older pages through ?before=."""
        result = parse_telegram_preview(response.body, response.url, channel.lang)
        yield from self.follow_links(result.links)
        oldest = oldest_date(result.links)
        self.progress(f"channel {channel.channel} page", len(result.links), oldest)
        stop = self.reached_since(oldest) if self.backfill else self.any_known(result.links)
        if result.older_page_url and pages_left > 1 and not stop:
            yield scrapy.Request(
                result.older_page_url, callback=self.parse_telegram,
                errback=self.discovery_failed,
                cb_kwargs={"channel": channel, "pages_left": pages_left - 1},
            )
