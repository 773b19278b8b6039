"""The news spider's failures: every request that did not give a page is counted and recorded.

Article failures count as `dozor/failed` (or skipped, when robots.txt forbids the page);
soft-404s (a not-found page, a redirect home: crawler/extract/soft_404.py) as rejected and
`dozor/soft_404`;
discovery failures (feeds, sitemaps, listings, API pages) as `dozor/discovery_failed`; the
run's first errors go to its report through crawler.politeness.record_error.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.extract.soft_404 import redirect_soft_404, soft_404_kind
from crawler.politeness import (
    MAX_RETRY_AFTER_S,
    exception_summary,
    record_error,
    retry_after_seconds,
)
from crawler.sources import Source


def _status(failure: Failure) -> int | None:
    """The HTTP status of a failed request's response, if it got one."""
    response = getattr(failure.value, "response", None)
    return int(response.status) if response is not None else None


class FailureMixin:
    """Errbacks and signal handlers of NewsSpider."""

    crawler: Crawler
    logger: logging.LoggerAdapter[logging.Logger]
    source: Source

    def _reject(self, url: str, message: str, *, article: bool = False) -> None:
        """A refused document: an article link's outcome, or a failed discovery document."""
        self.logger.error("rejected %s: %s", url, message)
        # Feeds, sitemaps and listings are no article links: they stay out of found's sum.
        self.crawler.stats.inc_value("dozor/rejected" if article else "dozor/discovery_failed")
        record_error(self.crawler, "rejected", url, message)

    def soft_404(self, url: str, reason: str) -> None:
        """An article link answered by a not-found page or redirected home (a soft-404): not
        stored; its outcome is rejected (found's sum holds), counted apart as dozor/soft_404."""
        self.logger.warning("%s is a soft-404: %s", url, reason)
        self.crawler.stats.inc_value("dozor/soft_404")
        # By kind too: an operator tells a site that took pages down (not-found pages) from
        # one that sends every old URL home (`dozor status`, the view source_soft_404).
        self.crawler.stats.inc_value(f"dozor/soft_404/{soft_404_kind(reason)}")
        self.crawler.stats.inc_value("dozor/rejected")
        record_error(self.crawler, "soft_404", url, reason.removeprefix("soft 404: "))

    def signal_settled(self, request: scrapy.Request, news: bool) -> Iterator[scrapy.Request]:
        """Defined by DiscoveryMixin: a failed feed releases the listings it stood for."""
        raise NotImplementedError

    def _read(self, key: str) -> None:
        """Defined by DiscoveryMixin: a listing, sitemap or archive was read."""
        raise NotImplementedError

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
        elif article_url and (gone := redirect_soft_404(article_url, request.url, self.source)):
            # Redirected to the home page or a listing this crawl had already read.
            self.soft_404(article_url, gone)
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

    def discovery_failed(self, failure: Failure) -> Iterator[Any]:
        """A feed, sitemap, listing or API page could not be fetched."""
        request = failure.request  # type: ignore[attr-defined]
        self._count_discovery_failure(failure)
        if request.meta.get("dozor_day_archive") and _status(failure) == 404:
            # No archive page for the day yet: read, and nothing there.
            self._read(request.meta["dozor_follower"])
        if not request.meta.get("dozor_stopped"):
            # A feed that could not be read says nothing about the listings: they are read.
            yield from self.signal_settled(request, news=True)

    def _count_discovery_failure(self, failure: Failure) -> None:
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
