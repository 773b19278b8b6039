"""What a search asks: dates in Asia/Almaty, filters, the request and its limits.

Values that do not pass these checks never reach SQL: an unknown topic, region, language or
source id, an empty date range or a page outside the limits raise BadQueryError (a
SearchQueryError) with a code and the reason, which the API answers 400 in the analyst's
language and the commands print.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from serve.errors import BadQueryError
from serve.labels import catalog
from serve.query import MAX_QUERY_CHARS

ALMATY = ZoneInfo("Asia/Almaty")

# A page is at most 100 rows, and paging stops where sorting everything before the page would
# cost more than it is worth.
MAX_PAGE_SIZE = 100
MAX_OFFSET = 10_000

Order = Literal["relevance", "newest", "oldest"]
ORDERS: tuple[Order, ...] = ("relevance", "newest", "oldest")

_SOURCE_ID_RE = re.compile(r"^[a-z0-9_]{1,64}$")
_RELATIVE_DAYS_RE = re.compile(r"^(\d{1,4})\s*(d|days?|w|weeks?)(?:\s+ago)?$")


# ---------------------------------------------------------------------------------------
# Dates, in Asia/Almaty
# ---------------------------------------------------------------------------------------


def parse_when(text: str, *, end: bool = False, now: datetime | None = None) -> datetime:
    """A moment from 'today', 'yesterday', '7d', '2 weeks ago', a date or an ISO time.

    Days are Asia/Almaty days. A day means its start, or with ``end`` the start of the next
    day (an exclusive upper bound: ``--until yesterday`` stops at today's midnight). A time
    without an offset is Almaty time.
    """
    local_now = (now or datetime.now(UTC)).astimezone(ALMATY)
    raw = text.strip().lower()
    day: date
    if raw == "today":
        day = local_now.date()
    elif raw == "yesterday":
        day = local_now.date() - timedelta(days=1)
    elif match := _RELATIVE_DAYS_RE.match(raw):
        days = int(match[1]) * (7 if match[2].startswith("w") else 1)
        day = local_now.date() - timedelta(days=days)
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise BadQueryError("not_a_calendar_date", value=text) from None
    else:
        try:
            moment = datetime.fromisoformat(text.strip())
        except ValueError:
            raise BadQueryError("unreadable_date", value=text[:40]) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=ALMATY)
    if end:
        day += timedelta(days=1)
    return datetime.combine(day, time(), tzinfo=ALMATY)


def parse_range(since: str | None, until: str | None, *, now: datetime | None = None,
                ) -> tuple[datetime | None, datetime | None]:
    """`since` and `until` (its day inclusive) as parse_when reads them, against one reading
    of the clock: read twice, a request made at midnight took 'yesterday' from two days and
    `--since yesterday --until yesterday` spanned both."""
    now = now or datetime.now(UTC)
    return (parse_when(since, now=now) if since else None,
            parse_when(until, end=True, now=now) if until else None)


# ---------------------------------------------------------------------------------------
# What is asked
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filters:
    """Filters on stored articles; empty tuples and None mean no filter. `until` is exclusive."""

    topics: tuple[str, ...] = ()
    subtopics: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """A search: text (may be empty: filters only), filters, order and the page wanted.

    With `close_matches`, a relevance-ordered page that the articles holding every word do
    not fill is completed with articles holding every word but one, marked `partial`. The
    API, the page and the commands set `cross_language` and `stories` unless asked not to.
    """

    text: str = ""
    filters: Filters = field(default_factory=Filters)
    order: Order = "relevance"
    limit: int = 20
    offset: int = 0
    close_matches: bool = False
    # Russian words also find Kazakh articles and back (serve/crosslang.toml)
    cross_language: bool = False
    # One row per story: republications and language versions shown once (the earliest)
    stories: bool = False


def _check_values(kind: str, values: Iterable[str], known: Iterable[str]) -> None:
    """Refuse a filter value outside the known ones, naming them."""
    allowed = set(known)
    for value in values:
        if value not in allowed:
            raise BadQueryError(f"unknown_{kind}", value=value[:40],
                                known=", ".join(sorted(allowed)))


def validate_filters(filters: Filters) -> None:
    """Raise BadQueryError for an unknown topic, subtopic, region, language or source id."""
    known = catalog()
    _check_values("topic", filters.topics, known.topics)
    _check_values("subtopic", filters.subtopics, known.subtopics)
    _check_values("region", filters.regions, known.regions)
    _check_values("language", filters.langs, known.languages)
    for source in filters.sources:
        if not _SOURCE_ID_RE.match(source):
            raise BadQueryError("not_a_source_id", value=source[:40])
    if filters.since and filters.until and filters.since >= filters.until:
        raise BadQueryError("empty_date_range")


def validate_request(request: SearchRequest, *, max_limit: int = MAX_PAGE_SIZE) -> None:
    """Raise BadQueryError when a request is outside the limits or names unknown values."""
    if len(request.text) > MAX_QUERY_CHARS:
        raise BadQueryError("query_too_long", max=MAX_QUERY_CHARS)
    if request.order not in ORDERS:
        raise BadQueryError("unknown_order", value=request.order, known=", ".join(ORDERS))
    if not 1 <= request.limit <= max_limit:
        raise BadQueryError("page_size_out_of_range", max=max_limit)
    if not 0 <= request.offset <= MAX_OFFSET:
        raise BadQueryError("too_deep", max=MAX_OFFSET)
    validate_filters(request.filters)
