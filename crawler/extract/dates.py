"""Publication dates from visible date text, ISO strings and URLs, in Asia/Almaty time.

The month names and relative words it reads are in crawler/extract/date_words.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from importlib import resources
from zoneinfo import ZoneInfo

from crawler.extract.date_words import AGO_SINGULAR, AGO_UNITS, DAYS_AGO_WORDS, month_number
from crawler.extract.language import fold_latin_lookalikes

# --- Time zone --------------------------------------------------------------------------------
# Asia/Almaty moved from UTC+6 to UTC+5 on 2024-03-01 (IANA tz 2024a, Kazakhstan government
# decree of 2023-12-29). A system tz database older than 2024a still says +6 after that day.
# Checked in 2026: Debian 12's tzdata 2025b gives +5, but slim images and old hosts may not,
# so the zone is loaded from the system only when it knows the change, otherwise from the
# `tzdata` pip package (a declared dependency, >= 2024.1). Other modules use ALMATY from here.
_AFTER_CHANGE = datetime(2024, 3, 2, 12, 0)
_UTC_PLUS_5 = timedelta(hours=5)


def _load_almaty() -> ZoneInfo:
    """Asia/Almaty from a tz database that knows the change to UTC+5 of 2024-03-01."""
    system = ZoneInfo("Asia/Almaty")
    if _AFTER_CHANGE.replace(tzinfo=system).utcoffset() == _UTC_PLUS_5:
        return system
    with resources.files("tzdata.zoneinfo").joinpath("Asia/Almaty").open("rb") as data:
        bundled = ZoneInfo.from_file(data, key="Asia/Almaty")
    if _AFTER_CHANGE.replace(tzinfo=bundled).utcoffset() != _UTC_PLUS_5:
        raise RuntimeError("neither the system nor the tzdata package knows Almaty's UTC+5")
    return bundled


ALMATY = _load_almaty()

# --- Plausibility -----------------------------------------------------------------------------
MIN_YEAR = 1990  # no Kazakh news site or agency archive predates independence (1991)
MAX_FUTURE = timedelta(days=2)  # clocks and time zones differ; beyond that a date is wrong

# --- Patterns (applied to lower-cased, look-alike-folded text) --------------------------------
# Separators seen between a date and its time: "26.12.2025 11:08", "13:51, 15 августа 2025",
# "26 декабря 2025 года в 11:08", "15 апреля 2024 | 23:51"; dashes are en/em/hyphen.
_SEPARATOR = "[,|/\u2022\u00b7\u2013\u2014-]"
_CLOCK = r"(?<![\d:.])(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?![\d:])"
_TIME_AFTER = re.compile(
    # \u0433 is the one-letter "year" abbreviation, escaped: ruff reads it alone as a Latin r.
    r"\s*(?:\u0433\.|года|год|ж\.|жылы|жылғы|жыл)?\s*"
    + _SEPARATOR
    + r"?\s*(?:в|at|сағат)?\s*"
    + _CLOCK
)
_TIME_BEFORE = re.compile(_CLOCK + r"\s*" + _SEPARATOR + r"?\s*$")
# A stated offset after the date or its time: "13:51, 15 Август 2025 | GMT +5" (Kazinform),
# "(UTC+6)"; the minus may be typographic.
_ZONE_AFTER = re.compile(
    r"\s*[|,(]?\s*(?:gmt|utc)\s*(?P<sign>[+\u2212-])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?"
)
_TIME_IN = re.compile(r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?")
# How far before a date a preceding time is looked for ("13:51, " is 7 characters).
_TIME_BEFORE_REACH = 16
_ISO = re.compile(
    r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[t ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?"
    r"\s*(?P<zone>z|[+-]\d{2}(?::?\d{2})?)?)?(?![\d:])",
    re.IGNORECASE,
)
_NUMERIC = re.compile(r"(?<![\d.])(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{4})(?!\d)")
_DAY_MONTH = re.compile(
    r"(?<![\d.:])(?P<day>\d{1,2})(?:\s*-\s*[^\W\d_]{1,3}(?=[\s-]))?\s*-?\s*(?P<month>[^\W\d_]+)\.?"
    r"(?:\s*,?\s*(?P<year>\d{4})(?!\d))?"
)
_MONTH_DAY = re.compile(
    r"(?<![^\W\d_])(?P<month>[^\W\d_]+)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})(?!\d)"
)
_YEAR_FIRST = re.compile(
    r"(?<!\d)(?P<year>\d{4})\s*(?:ж\.|жылғы|жылы|жыл|ж)?\s+"
    r"(?:(?P<day>\d{1,2})\s*-?\s*(?P<month>[^\W\d_]+)"
    r"|(?P<month2>[^\W\d_]+)\s+(?P<day2>\d{1,2})(?:\s*-\s*[^\W\d_]+)?)(?!\d)"
)
_DAYS_AGO = re.compile(r"(?<![^\W\d_])(?P<word>" + "|".join(DAYS_AGO_WORDS) + r")(?![^\W\d_])")
# \u0431\u0456\u0440 is Kazakh "one", escaped because every letter of it looks Latin to ruff.
_AGO = re.compile(
    r"(?<![\w.])(?:(?P<count>\d{1,3}|an?|одну|один|\u0431\u0456\u0440)\s+)?(?P<unit>[^\W\d_]+)\s+"
    r"(?:назад|бұрын|ago)(?![^\W\d_])"
)
_URL_DASHED = re.compile(r"/(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?=/|$|[?#])")
_URL_SLASHED = re.compile(r"/(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})(?=/|$|[?#])")
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " "})


def _normalize(text: str) -> str:
    """Lower-case text with Latin look-alikes folded and odd spaces made plain."""
    return fold_latin_lookalikes(text.translate(_SPACES)).lower()


def _local_now(now: datetime) -> datetime:
    """`now` as an aware Almaty datetime; a naive `now` is taken as Almaty time."""
    return now.replace(tzinfo=ALMATY) if now.tzinfo is None else now.astimezone(ALMATY)


def _build(
    year: int, month: int, day: int, clock: time | None, zone: tzinfo = ALMATY
) -> datetime | None:
    """Aware datetime in Almaty time from parts, or None for an impossible date."""
    if year < MIN_YEAR:
        return None
    try:
        built = datetime.combine(date(year, month, day), clock or time(0, 0), tzinfo=zone)
    except ValueError:
        return None
    return built.astimezone(ALMATY)


def _plausible(value: datetime | None, now: datetime) -> datetime | None:
    """The value unless it lies more than MAX_FUTURE after `now`."""
    if value is None or value > now + MAX_FUTURE:
        return None
    return value


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date found in text or data, and whether it names the time of day or only the day."""

    value: datetime  # aware, Asia/Almaty
    precision: str  # "minute" (a time of day was given) | "day" (midnight stands for the day)


def _stated_zone(text: str, position: int) -> tzinfo:
    """The offset printed at `position` ("| GMT +5"), else Almaty's own."""
    match = _ZONE_AFTER.match(text, position)
    if match is None:
        return ALMATY
    hours, minutes = int(match["hours"]), int(match["minutes"] or 0)
    if hours > 14 or minutes > 59:
        return ALMATY
    sign = 1 if match["sign"] == "+" else -1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _clock_near(text: str, start: int, end: int) -> tuple[time | None, tzinfo]:
    """Time of day printed right after (or else right before) text[start:end], and its zone."""
    after = _TIME_AFTER.match(text, end)
    found = after.group(0) if after else None
    zone_at = after.end() if after else end
    if found is None:
        before = _TIME_BEFORE.search(text, max(0, start - _TIME_BEFORE_REACH), start)
        found = before.group(0) if before else None
    if found is None:
        return None, ALMATY
    clock = _TIME_IN.search(found)
    if clock is None:
        return None, ALMATY
    hour, minute, second = int(clock["hour"]), int(clock["minute"]), int(clock["second"] or 0)
    return time(hour, minute, second), _stated_zone(text, zone_at)


def parse_iso_datetime(value: str) -> datetime | None:
    """Aware datetime from an ISO-8601 string; no offset means Almaty time."""
    match = _ISO.fullmatch(value.strip())
    if match is None:
        return None
    return _from_iso_match(match)


def _from_iso_match(match: re.Match[str]) -> datetime | None:
    """Datetime from a match of _ISO, or None for an impossible value."""
    zone: tzinfo = ALMATY
    if match["zone"]:
        zone_text = match["zone"].upper().replace(":", "")
        if zone_text == "Z":
            zone_text = "+0000"
        sign = -1 if zone_text[0] == "-" else 1
        hours, minutes = int(zone_text[1:3]), int(zone_text[3:5] or 0)
        if hours > 14 or minutes > 59:
            return None
        zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
    clock = None
    if match["hour"] is not None:
        hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"] or 0)
        if hour > 23 or minute > 59 or second > 59:
            return None
        micro = int((match["fraction"] or "0")[:6].ljust(6, "0"))
        clock = time(hour, minute, second, micro)
    return _build(int(match["year"]), int(match["month"]), int(match["day"]), clock, zone)


def date_from_url(url: str) -> datetime | None:
    """Midnight Almaty of a /YYYY-MM-DD/ or /YYYY/MM/DD/ date in a URL path, or None."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    for pattern in (_URL_DASHED, _URL_SLASHED):
        match = pattern.search(path)
        if match:
            return _build(int(match["year"]), int(match["month"]), int(match["day"]), None)
    return None


def _year_for(month: int, day: int, now: datetime) -> int:
    """Year of a date printed without one: this year, or last year if that is in the future."""
    latest = now.date() + MAX_FUTURE
    for year in range(now.year, now.year - 8, -1):  # 29 February goes back to a leap year
        try:
            if date(year, month, day) <= latest:
                return year
        except ValueError:
            continue
    return 0  # no such day in any year: _build rejects year 0


Candidate = tuple[int, int, datetime | None, bool]  # rank, position, value, has a time of day


def _candidates(text: str, now: datetime, loose: bool) -> Iterator[Candidate]:
    """Date-looking substrings: rank 0 names its day, 1 is relative."""
    # `loose` adds relative and year-less dates, which only a short date text can be trusted for.
    for match in _ISO.finditer(text):
        yield 0, match.start(), _from_iso_match(match), match["hour"] is not None
    for match in _NUMERIC.finditer(text):
        clock, zone = _clock_near(text, match.start(), match.end())
        value = _build(int(match["year"]), int(match["month"]), int(match["day"]), clock, zone)
        yield 0, match.start(), value, clock is not None
    for pattern in (_DAY_MONTH, _MONTH_DAY, _YEAR_FIRST):
        for match in pattern.finditer(text):
            month = month_number(match["month"] or match.groupdict().get("month2") or "")
            if month is None:
                continue
            day = int(match["day"] or match.groupdict().get("day2") or 0)
            if not match["year"] and not loose:
                continue
            year = int(match["year"]) if match["year"] else _year_for(month, day, now)
            clock, zone = _clock_near(text, match.start(), match.end())
            yield 0, match.start(), _build(year, month, day, clock, zone), clock is not None
    if loose:
        yield from ((1, start, value, timed) for start, value, timed in
                    _relative_candidates(text, now))


def _relative_candidates(
    text: str, now: datetime
) -> Iterator[tuple[int, datetime | None, bool]]:
    """(position, value, has a time) for "вчера, 18:40" and "2 часа назад" style substrings."""
    for match in _DAYS_AGO.finditer(text):
        day = now.date() - timedelta(days=DAYS_AGO_WORDS[match["word"]])
        clock, zone = _clock_near(text, match.start(), match.end())
        yield match.start(), _build(day.year, day.month, day.day, clock, zone), clock is not None
    for match in _AGO.finditer(text):
        unit = next((AGO_UNITS[s] for s in AGO_UNITS if match["unit"].startswith(s)), None)
        if unit is None or (match["count"] is None and match["unit"] not in AGO_SINGULAR):
            continue
        count = int(match["count"]) if match["count"] and match["count"].isdigit() else 1
        then = (now - count * unit).replace(microsecond=0)
        if unit >= timedelta(days=1):  # "3 дня назад" names a day, not a time of day
            yield match.start(), _build(then.year, then.month, then.day, None), False
        else:
            yield match.start(), then, True


def _first_date(text: str, now: datetime, loose: bool) -> FoundDate | None:
    """The plausible date in text that names its day first, else the earliest relative one."""
    local_now = _local_now(now)
    normalized = _normalize(text)
    found = [
        (rank, position, value, timed)
        for rank, position, value, timed in _candidates(normalized, local_now, loose)
        if value is not None and _plausible(value, local_now) is not None
    ]
    if not found:
        return None
    # A named day beats a relative word ("Сегодня, 15 августа" is a day heading over an item),
    # then the earliest in the text wins.
    _rank, _position, value, timed = min(found, key=lambda item: (item[0], item[1]))
    assert value is not None
    return FoundDate(value, "minute" if timed else "day")


def read_date_text(text: str, now: datetime) -> FoundDate | None:
    """The date of a date text ("вчера, 18:40", "26 желтоқсан 2025 ж.") with its precision."""
    return _first_date(text, now, loose=True)


def read_date_in_text(text: str, now: datetime) -> FoundDate | None:
    """The first date with a year in free text (a caption, a page's head), with its precision."""
    # "Вчера полицейские задержали..." or "12 июля ... проведено совещание" (seed 000) in a
    # body is about an event, not the publication, so free text yields only full dates.
    return _first_date(text, now, loose=False)


def parse_date_text(text: str, now: datetime, lang: str | None = None) -> datetime | None:
    """Aware datetime from visible date text ("вчера, 18:40", "26 желтоқсан 2025 ж.")."""
    del lang  # month names and relative words of all three languages are tried on any text
    found = read_date_text(text, now)
    return found.value if found else None


def find_date_in_text(text: str, now: datetime, lang: str | None = None) -> datetime | None:
    """First date with a year in free text such as a caption; relative words are ignored."""
    del lang
    found = read_date_in_text(text, now)
    return found.value if found else None
