"""Article responses as RawPages, for the spider's article, revisit and Wayback callbacks."""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy.http import Response

from crawler.items import DiscoveredLink, RawPage


def text_headers(response: Response) -> dict[str, str]:
    """Response headers as plain strings, last value of each."""
    return {
        (k.decode("latin-1") if isinstance(k, bytes) else k).lower(): v.decode("latin-1")
        for k, values in response.headers.items() for v in values[-1:]
    }


def page_from_response(
    response: Response, source_id: str, run_id: int | None, *,
    fetched_at: datetime | None = None, revisit: bool = False,
) -> RawPage:
    """The RawPage of an article response; `meta["canonical_url"]` names the article."""
    link = response.meta.get("link")
    return RawPage(
        source_id=source_id, url=response.meta["canonical_url"], fetched_url=response.url,
        status=response.status, headers=text_headers(response), body=response.body,
        fetched_at=fetched_at or datetime.now(UTC), run_id=run_id,
        link=link if isinstance(link, DiscoveredLink) else None,
        warc_record=response.meta.get("warc_record"), revisit=revisit,
    )
