"""Revisits: recent articles fetched again to catch edits and removals, on a decaying schedule.

Newsrooms edit a story in its first hours (a figure, a name, a denial added) and sometimes take
it down. Each article is asked for again at 1 h, 6 h, 24 h and 72 h after Dozor first saw it, by
the source's next crawl after each moment, with a conditional request (If-None-Match from the
last answer's ETag, If-Modified-Since from its Last-Modified or, lacking one, the time it was
fetched): an unchanged page costs a 304. A changed text becomes a new version; a 404 or 410,
or a redirect to the site's home page, marks the article removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import urlsplit

# After first seen; a revisit is due at the first crawl past each moment.
REVISIT_AFTER = (timedelta(hours=1), timedelta(hours=6), timedelta(hours=24), timedelta(hours=72))
# At most this many revisits per run: a crawl's new articles come first, and a source with
# hundreds of articles a day must not double its requests (politeness is per host, not CPU).
MAX_REVISITS_PER_RUN = 60
REMOVED_STATUSES = (404, 410)


@dataclass(frozen=True, slots=True)
class DueRevisit:
    """A stored article whose next revisit is due, with what the conditional request sends."""

    url: str
    fetched_at: datetime
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class RevisitResult:
    """What a revisit found when there was no page to extract: unchanged (304) or removed."""

    source_id: str
    url: str
    outcome: str  # "not_modified" | "removed" | "failed"; or what storing the page gave
    status: int
    reason: str | None = None  # for a removal: "HTTP 404", "redirected to https://…/"
    etag: str | None = None  # the answer's validators, for the next revisit
    last_modified: str | None = None


def conditional_headers(due: DueRevisit) -> dict[str, str]:
    """If-None-Match / If-Modified-Since for a revisit."""
    headers = {}
    if due.etag:
        headers["If-None-Match"] = due.etag
    # An HTTP date: the server compares it with the page's Last-Modified.
    headers["If-Modified-Since"] = due.last_modified or format_datetime(
        due.fetched_at.astimezone(UTC), usegmt=True)
    return headers


def is_home_redirect(location: str, home: str) -> bool:
    """Whether a redirect target is a site's front page: the removed article's usual fate."""
    target = urlsplit(location)
    path = target.path.rstrip("/")
    home_path = urlsplit(home).path.rstrip("/")
    # "/", an edition root ("/ru", "/kk"), or the source's own home path.
    return path in ("", home_path) or (len(path) <= 3 and path.count("/") == 1)
