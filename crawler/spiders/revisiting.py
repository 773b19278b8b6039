"""The news spider's revisits: recent articles asked for again, conditionally (crawler/revisits.py).

The pipeline loads the source's due revisits into `spider.revisits` when the crawl opens; they
are requested after every discovery request, at the same per-host politeness, capped per run.
A 304 or a removal is a RevisitResult for the pipeline to record; a 200 is a RawPage marked
`revisit`, which the pipeline extracts and stores as a new version if its text changed.
Revisits are counted apart (`dozor/revisit/*`): they are not links found by this run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.extract.soft_404 import redirect_soft_404, soft_404_kind
from crawler.politeness import exception_summary, record_error
from crawler.revisits import (
    REMOVED_STATUSES,
    DueRevisit,
    RevisitResult,
    conditional_headers,
    is_home_redirect,
)
from crawler.sources import Source
from crawler.spiders.pages import page_from_response

REDIRECT_STATUSES = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 3


class RevisitMixin:
    """Revisit requests and their answers, for NewsSpider."""

    source: Source
    run_id: int | None
    crawler: Crawler
    revisits: list[DueRevisit]
    revisiting: bool  # off for backfills, replays, archives and sources read through an API

    def revisit_requests(self) -> Iterator[scrapy.Request]:
        """A conditional request per due revisit."""
        if not self.revisiting:
            return
        for due in self.revisits:
            self.crawler.stats.inc_value("dozor/revisit/requests")
            yield self._revisit_request(due.url, due, conditional_headers(due), 0)

    def _revisit_request(
        self, url: str, due: DueRevisit, headers: dict[str, str], hops: int,
    ) -> scrapy.Request:
        return scrapy.Request(
            url, callback=self.parse_revisit, errback=self.revisit_failed, headers=headers,
            dont_filter=True, meta={
                # Redirects are read here: one to the home page means the article is gone.
                "dont_redirect": True,
                "handle_httpstatus_list": [304, *REMOVED_STATUSES, *REDIRECT_STATUSES],
                "canonical_url": due.url, "revisit": due, "revisit_hops": hops,
            },
        )

    def _result(self, url: str, outcome: str, status: int, reason: str | None = None,
                response: Response | None = None) -> Any:
        self.crawler.stats.inc_value(f"dozor/revisit/{outcome}")
        etag = response.headers.get(b"ETag") if response is not None else None
        modified = response.headers.get(b"Last-Modified") if response is not None else None
        return RevisitResult(self.source.id, url, outcome, status, reason,
                             etag.decode("latin-1") if etag else None,
                             modified.decode("latin-1") if modified else None)

    def parse_revisit(self, response: Response) -> Iterator[Any]:
        """A revisit's answer: unchanged, removed, moved, or a page to compare."""
        due: DueRevisit = response.meta["revisit"]
        status = response.status
        if status == 304:
            yield self._result(due.url, "not_modified", status, response=response)
        elif status in REMOVED_STATUSES:
            yield self._result(due.url, "removed", status, f"HTTP {status}")
        elif status in REDIRECT_STATUSES:
            location = response.headers.get(b"Location")
            target = urljoin(response.url, location.decode("latin-1")) if location else ""
            if not target or is_home_redirect(target, self.source.home):
                yield self._result(due.url, "removed", status,
                                   f"redirected to {target or 'nowhere'}")
            elif gone := redirect_soft_404(due.url, target, self.source):
                # A section listing or an error page: as gone as the home page.
                self.crawler.stats.inc_value("dozor/revisit/soft_404")
                self.crawler.stats.inc_value(f"dozor/revisit/soft_404/{soft_404_kind(gone)}")
                yield self._result(due.url, "removed", status, f"soft 404: {gone}")
            elif response.meta["revisit_hops"] < MAX_REDIRECTS:
                # Moved (a new slug): the page there is compared with the stored text.
                yield self._revisit_request(target, due, {}, response.meta["revisit_hops"] + 1)
            else:
                yield self._result(due.url, "failed", status, "too many redirects")
        else:
            yield page_from_response(response, self.source.id, self.run_id, revisit=True)

    def revisit_failed(self, failure: Failure) -> None:
        """A revisit that got no answer: counted apart; the next run asks again."""
        url = failure.request.url  # type: ignore[attr-defined]
        value = failure.value
        response = getattr(value, "response", None)
        message = (f"HTTP {response.status}" if response is not None
                   else exception_summary(value) if isinstance(value, BaseException)
                   else str(value))
        self.crawler.stats.inc_value("dozor/revisit/failed")
        record_error(self.crawler, "revisit", url, message)
