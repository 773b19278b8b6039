"""The publication date of a page, chosen from what it and its discovery state, to the minute.

Candidates are tried best first (a feed's or API's own date, JSON-LD, meta tags, the hinted
date text, <time datetime>, a listing's guess, the URL, a date in the page's first text) and
computed only when needed: a date with a time of day from structured data ends the search, so
a page that states it never pays for the text search. A day alone is not a time: when the
best candidate gives only the day, a later one that gives the time on that same day supplies
it (JSON-LD "2025-12-26" and a dateline "26 декабря 2025, 11:08"); when none does, the day is
stored with precision "day" and shown as a day, never as midnight.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, time

from crawler.extract.dates import ALMATY, FoundDate

DateCandidate = tuple[str, Callable[[], FoundDate | None]]  # (date_source, lazy finder)


def stated(value: datetime | None) -> FoundDate | None:
    """A machine-readable date as found: exactly local midnight stands for a day.

    CMSs that know only the day write "2025-12-26T00:00:00+05:00"; a real item published at
    00:00:00 sharp loses nothing but the time, which a later candidate gives back if it has it.
    """
    if value is None:
        return None
    local = value.astimezone(ALMATY)
    return FoundDate(local, "day" if local.time() == time(0, 0) else "minute")


def _day(found: FoundDate) -> object:
    return found.value.astimezone(ALMATY).date()


def choose_published(candidates: Iterable[DateCandidate]) -> tuple[FoundDate | None, str | None]:
    """The best date and its source: the first found, with its time from a later candidate
    on the same day when it gives only the day."""
    best: FoundDate | None = None
    best_source: str | None = None
    for source, find in candidates:
        found = find()
        if found is None:
            continue
        if best is None:
            best, best_source = found, source
            if found.precision == "minute":
                return best, best_source
            continue
        if found.precision == "minute" and _day(found) == _day(best):
            return found, source
    return best, best_source
