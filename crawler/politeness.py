"""What Scrapy leaves out of politeness: Crawl-delay, Retry-After, backoff, robots.txt errors.

Scrapy reads robots.txt Allow/Disallow but ignores `Crawl-delay`, retries 429/503 at once
ignoring `Retry-After`, and treats an unreachable robots.txt as "allow all". Dozor follows
RFC 9309 instead: robots.txt answering 5xx or unreachable means "disallow all" for this run
(§2.3.1.4) unless a copy kept by an earlier run exists (§2.4), a 4xx robots.txt means no rules
(§2.3.1.3); an answer is kept for 24 h and spares the next runs the request
(crawler/robots_cache.py). A host's Crawl-delay and backoff are
floors under its download slot's delay, counted from its last answer, which AutoThrottle
(FlooredAutoThrottle here) may not go below.
"""

from __future__ import annotations

import email.utils
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

from crawler.robots_cache import MAX_AGE_S, RobotsCache, RobotsCopy

log = logging.getLogger(__name__)

# A Retry-After longer than this is not waited for inside a run: the next run tries again.
MAX_RETRY_AFTER_S = 600.0
MAX_CRAWL_DELAY_S = 120.0  # a robots.txt asking for more is capped: one page per 2 min
# 429/5xx without Retry-After: 2, 4, 8 … seconds between requests (DOZOR_BACKOFF_BASE sets the
# first wait; tests shorten it).
BACKOFF_BASE_S = 2.0
BACKOFF_MAX_S = 60.0


@dataclass
class HostDelays:
    """Per-host floors under the download delay that AutoThrottle may not go below."""

    crawl_delay: dict[str, float] = field(default_factory=dict)  # from robots.txt, whole run
    backoff_until: dict[str, tuple[float, float]] = field(default_factory=dict)  # host: (t, delay)

    def floor(self, host: str, now: float) -> float:
        """The smallest delay allowed between two requests to `host` now."""
        floor = self.crawl_delay.get(host, 0.0)
        until, delay = self.backoff_until.get(host, (0.0, 0.0))
        if now < until:
            floor = max(floor, delay)
        return floor


def host_delays(crawler: Crawler) -> HostDelays:
    """The run's shared HostDelays, created on first use."""
    delays = getattr(crawler, "_dozor_host_delays", None)
    if delays is None:
        delays = HostDelays()
        crawler._dozor_host_delays = delays  # type: ignore[attr-defined]
    return delays


def apply_delay_floor(crawler: Crawler, request: Request) -> None:
    """Raise the download slot's delay to the host's floor (AutoThrottle may have lowered it)."""
    engine = crawler.engine
    if engine is None:
        return
    host = urlparse_cached(request).hostname or ""
    floor = host_delays(crawler).floor(host, time.monotonic())
    if floor <= 0:
        return
    downloader = engine.downloader
    key = downloader.get_slot_key(request)
    # A slot dropped after a minute idle is re-created from DOWNLOAD_SLOTS: keep the floor there.
    # No jitter under a floor: ±50% would put two requests half a Crawl-delay apart.
    downloader.per_slot_settings.setdefault(key, {}).update({"delay": floor, "jitter": 0.0})
    slot = downloader.slots.get(key)
    if slot is not None:
        slot.jitter = 0.0
        slot.delay = max(slot.delay, floor)


def slowdown_wait(response: Response, attempt: int, base_s: float = BACKOFF_BASE_S) -> float:
    """Seconds to leave a host alone after a 429/5xx: its Retry-After, else 2, 4, 8 … s."""
    wait = retry_after_seconds(response.headers.get(b"Retry-After"))
    return wait if wait is not None else min(base_s * 2 ** (attempt - 1), BACKOFF_MAX_S)


def backoff_base(crawler: Crawler) -> float:
    """The first backoff wait of this crawl (DOZOR_BACKOFF_BASE_S setting)."""
    return crawler.settings.getfloat("DOZOR_BACKOFF_BASE_S", BACKOFF_BASE_S)


def hold_host(crawler: Crawler, request: Request, wait: float) -> None:
    """Send nothing more to the request's host for `wait` s from now, and go slower after."""
    host = urlparse_cached(request).hostname or ""
    host_delays(crawler).backoff_until[host] = (time.monotonic() + wait * 2, wait)
    apply_delay_floor(crawler, request)
    restart_host_clock(crawler, request)


def restart_host_clock(crawler: Crawler, request: Request) -> None:
    """Count the host's delay from now, when its answer came, not from when the request left."""
    # Scrapy times the gap from the previous request's departure; a site asking for a
    # Crawl-delay or a Retry-After means the time between its answer and our next request.
    engine = crawler.engine
    slot = engine.downloader.slots.get(engine.downloader.get_slot_key(request)) if engine else None
    if slot is not None:
        slot.lastseen = max(slot.lastseen, time.monotonic())


class FlooredAutoThrottle(AutoThrottle):
    """AutoThrottle that never lowers a host's delay below its Crawl-delay or backoff."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.slowdown_codes = {int(code) for code in crawler.settings.getlist("RETRY_HTTP_CODES")}

    # Overrides AutoThrottle's response_downloaded handler (Scrapy 2.19), connected by name.
    def _response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        super()._response_downloaded(response, request, spider)
        # A signal handler runs before the downloader sends the host's next queued request;
        # a middleware's process_response would run after it, one request too late.
        if response.status in self.slowdown_codes and not request.meta.get("dont_retry"):
            wait = slowdown_wait(response, int(request.meta.get("retry_times", 0)) + 1,
                                 backoff_base(self.crawler))
            if wait <= MAX_RETRY_AFTER_S:
                hold_host(self.crawler, request, wait)
        apply_delay_floor(self.crawler, request)
        host = urlparse_cached(request).hostname or ""
        if host_delays(self.crawler).floor(host, time.monotonic()) > 0:
            restart_host_clock(self.crawler, request)


class _DisallowAll(RobotParser):
    """A robots parser standing for an unreachable robots.txt: nothing may be fetched."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    @classmethod
    def from_crawler(cls, crawler: Crawler, robotstxt_body: bytes) -> _DisallowAll:
        return cls("built directly")

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return False


class PoliteRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware plus Crawl-delay, RFC 9309's handling of errors, and
    copies kept between runs for up to 24 h (crawler/robots_cache.py)."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.crawler = crawler
        folder = crawler.settings.get("DOZOR_ROBOTS_CACHE_DIR")
        max_age = crawler.settings.getfloat("DOZOR_ROBOTS_MAX_AGE_S", MAX_AGE_S)
        self.cache = RobotsCache(Path(folder), max_age) if folder and max_age > 0 else None
        self._asking: dict[str, Request] = {}

    async def robot_parser(self, request: Request) -> RobotParser | None:
        url = urlparse_cached(request)
        # The first request to each host, for a fallback copy's Crawl-delay if robots.txt fails.
        self._asking.setdefault(url.netloc, request)
        if url.netloc not in self._parsers and self.cache is not None:
            copy = self.cache.fresh(url.scheme, url.netloc)
            if copy is not None:
                # No request at all: the host answered within the last 24 h.
                self._parsers[url.netloc] = Deferred()
                self.crawler.stats.inc_value("dozor/robots_cached")
                self._install_copy(copy, url.netloc, request)
        return await super().robot_parser(request)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        # 429 is a server asking for mercy, not a missing file: treated as 5xx, as Google does.
        if response.status >= 500 or response.status == 429:
            self._unreadable(netloc, request, f"robots.txt answered HTTP {response.status}")
            return
        if self.cache is not None:
            try:
                self.cache.save(urlparse_cached(request).scheme, netloc, response.status,
                                response.body)
            except OSError as exc:  # a full disk costs the next run one request, no more
                log.warning("robots.txt of %s not kept: %s", netloc, exc)
        if 400 <= response.status < 500:
            response = response.replace(body=b"")  # 4xx: no rules at all (RFC 9309 §2.3.1.3)
        await super()._parse_robots(response, netloc, request)
        parser = self._parsers.get(netloc)
        if isinstance(parser, RobotParser):
            self._apply_crawl_delay(parser, netloc, request)

    def _apply_crawl_delay(self, parser: RobotParser, netloc: str, request: Request) -> None:
        agent = self._robotstxt_useragent or self.crawler.settings.get("USER_AGENT")
        delay = parser.crawl_delay(agent)
        if delay:
            host = urlparse_cached(request).hostname or netloc
            capped = min(float(delay), MAX_CRAWL_DELAY_S)
            delays = host_delays(self.crawler)
            # A floor set before (the Wayback delay) is never lowered by robots.txt.
            delays.crawl_delay[host] = max(capped, delays.crawl_delay.get(host, 0.0))
            restart_host_clock(self.crawler, request)  # the first gap counts too
            log.info("robots.txt of %s asks Crawl-delay %s s; using %s s", host, delay, capped)

    def _install_copy(self, copy: RobotsCopy, netloc: str, request: Request) -> None:
        """Answer the host's waiting requests from a kept robots.txt."""
        body = copy.body if copy.status < 400 else b""  # a kept 4xx: no rules
        parser = build_from_crawler(self._parserimpl, self.crawler, body)
        pending = self._parsers.get(netloc)
        self._parsers[netloc] = parser
        self._apply_crawl_delay(parser, netloc, request)
        if isinstance(pending, Deferred) and not pending.called:
            pending.callback(parser)

    def _unreadable(self, netloc: str, request: Request | None, reason: str) -> None:
        """robots.txt could not be read: a kept copy of any age, else the host is refused."""
        scheme = urlparse_cached(request).scheme if request is not None else "https"
        copy = self.cache.load(scheme, netloc) if self.cache is not None else None
        if copy is None or request is None:
            self._refuse_host(netloc, reason)
            return
        # RFC 9309 §2.4: a cached copy may outlive 24 h while robots.txt is unreachable.
        log.warning("%s: using the copy of %s/robots.txt kept %.1f h ago", reason, netloc,
                    copy.age_s() / 3600)
        self.crawler.stats.inc_value("dozor/robots_stale_used")
        self._install_copy(copy, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        # Not super(): Scrapy's version answers the waiting requests with "no parser", which
        # lets the host's first request through before the refusal is in place.
        self.crawler.stats.inc_value(f"robotstxt/exception_count/{type(exc).__name__}")
        request = self._asking.get(netloc)
        self._unreadable(netloc, request, f"robots.txt unreachable ({exception_summary(exc)})")

    def _refuse_host(self, netloc: str, reason: str) -> None:
        message = f"{reason}: {netloc} skipped this run (RFC 9309: treat as disallow all)"
        log.error(message)
        self.crawler.stats.inc_value("dozor/robots_refused_hosts")
        self.crawler.stats.inc_value("dozor/discovery_failed")  # a whole host unread
        record_error(self.crawler, "robots", f"https://{netloc}/robots.txt", message)
        pending = self._parsers.get(netloc)
        refusal = _DisallowAll(reason)
        self._parsers[netloc] = refusal
        if isinstance(pending, Deferred) and not pending.called:
            pending.callback(refusal)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        if isinstance(rp, _DisallowAll):
            # Refused because robots.txt could not be read, not because it forbids the page:
            # the spider counts such an article as failed, not skipped.
            request.meta["dozor_robots_unreachable"] = rp.reason
        super().process_request_2(rp, request)
        apply_delay_floor(self.crawler, request)


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds a Retry-After header asks to wait (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class RetryAfterMiddleware(RetryMiddleware):
    """Retries 429/5xx after the server's Retry-After, or with exponential backoff."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler.settings)
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        wait = slowdown_wait(response, int(request.meta.get("retry_times", 0)) + 1,
                             backoff_base(self.crawler))
        if wait > MAX_RETRY_AFTER_S:
            # The response goes on to the request's errback, which records it with the reason.
            log.warning("%s answered %d with Retry-After %.0f s, past the %.0f s cap: not waiting",
                        request.url, response.status, wait, MAX_RETRY_AFTER_S)
            self.crawler.stats.inc_value("dozor/retry_after_refused")
            return response
        retry = self._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response  # retries used up: the errback records the failure
        log.info("%s answered %d: asking again in %.1f s", request.url, response.status, wait)
        hold_host(self.crawler, request, wait)  # again, for runs without AutoThrottle (replay)
        self.crawler.stats.inc_value("dozor/backoff_waits")
        return retry


def exception_summary(exc: BaseException) -> str:
    """'DownloadFailedError: ConnectionDone: Connection was closed cleanly.', not Failure reprs."""
    # Twisted's ResponseFailed (the cause of Scrapy's DownloadFailedError) holds a list of
    # Failures, whose str() is "[<twisted.python.failure.Failure ...>]".
    reasons = getattr(exc.__cause__, "reasons", None)
    if reasons:
        inner = "; ".join(f"{type(r.value).__name__}: {r.value}" for r in reasons)
        return f"{type(exc).__name__}: {inner}"
    return f"{type(exc).__name__}: {exc}".strip()


def record_error(crawler: Crawler, kind: str, url: str, message: str) -> None:
    """Keep the run's first errors in the stats; the runner copies them to crawl_runs."""
    errors: list[dict[str, Any]] = crawler.stats.get_value("dozor/errors") or []
    if len(errors) < 50:
        errors.append({"kind": kind, "url": url, "message": message[:500]})
        crawler.stats.set_value("dozor/errors", errors)
    crawler.stats.inc_value(f"dozor/errors/{kind}")
