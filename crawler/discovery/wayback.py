"""The Internet Archive's Wayback Machine as a discovery method: a source's captures in a window.

The CDX server (github.com/internetarchive/wayback, wayback-cdx-server/README.md) lists the
captures of a URL prefix: `url=<host>/&matchType=prefix`, `from=`/`to=` as 1-14 digit UTC
timestamps (inclusive, padded), repeatable `filter=[!]field:regex`, `collapse=urlkey` (adjacent
captures of one URL folded into the first), `output=json` (a list of rows, the first naming
the fields of `fl=`), and `limit=` with `showResumeKey=true`: when more rows remain, the
answer ends with an empty row and a row holding the key to pass as `resumeKey=`.
A capture's original bytes are at `/web/<timestamp>id_/<original URL>` ("id_": no Wayback
banner, no rewritten links), with the capture time in a `Memento-Datetime` header.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode

from crawler.errors import RejectedInputError
from crawler.extract.dates import ALMATY

WAYBACK = "https://web.archive.org"
WAYBACK_HOST = "web.archive.org"
CDX_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
# Rows per CDX answer; the server's own cap is 150,000, and a smaller page returns sooner.
CDX_PAGE_ROWS = 5000
TIMESTAMP_FORMAT = "%Y%m%d%H%M%S"


@dataclass(frozen=True, slots=True)
class Capture:
    """One capture the CDX server listed."""

    timestamp: str  # 14 digits, UTC
    original: str  # the URL as captured
    mimetype: str
    statuscode: str

    @property
    def captured_at(self) -> datetime:
        """When the capture was made, aware UTC."""
        return datetime.strptime(self.timestamp[:14].ljust(14, "0"), TIMESTAMP_FORMAT).replace(
            tzinfo=UTC)

    @property
    def url(self) -> str:
        """Where the capture's original bytes are served."""
        return f"{WAYBACK}/web/{self.timestamp}id_/{self.original}"


@dataclass(frozen=True, slots=True)
class CdxPage:
    """The captures of one CDX answer, and the key of the next page if there is one."""

    captures: list[Capture]
    resume_key: str | None


def _utc_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def cdx_query_url(host: str, since: date, until: date, resume_key: str | None = None) -> str:
    """The CDX query for a host's HTML pages captured with status 200 between two Almaty days."""
    start = datetime.combine(since, time.min, ALMATY)
    end = datetime.combine(until + timedelta(days=1), time.min, ALMATY) - timedelta(seconds=1)
    params = [
        ("url", f"{host}/"), ("matchType", "prefix"),
        ("from", _utc_timestamp(start)), ("to", _utc_timestamp(end)),
        ("filter", "statuscode:200"), ("filter", "mimetype:text/html"),
        ("collapse", "urlkey"), ("output", "json"), ("fl", ",".join(CDX_FIELDS)),
        ("limit", str(CDX_PAGE_ROWS)), ("showResumeKey", "true"),
    ]
    query = urlencode(params)
    # The key comes URL-encoded already ("org%2Carchive%29%2F+19980109140106%21"); the
    # README's examples append it as printed.
    return f"{WAYBACK}/cdx/search/cdx?{query}" + (f"&resumeKey={resume_key}" if resume_key else "")


def parse_cdx(body: bytes) -> CdxPage:
    """Captures from a CDX answer in JSON output; an empty answer is no captures."""
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return CdxPage([], None)
    try:
        rows = json.loads(text)
    except ValueError as exc:
        raise RejectedInputError(f"CDX answer is not JSON: {text[:80]!r}") from exc
    if not isinstance(rows, list) or (rows and not isinstance(rows[0], list)):
        raise RejectedInputError("CDX answer is not a list of rows")
    if not rows:
        return CdxPage([], None)
    names = [str(n) for n in rows[0]]
    missing = {"timestamp", "original"} - set(names)
    if missing:
        raise RejectedInputError(f"CDX answer lacks the fields {sorted(missing)}")
    resume_key = None
    captures = []
    for position, row in enumerate(rows[1:], start=1):
        if row == []:
            # An empty row, then [resumeKey]: the page stopped at the limit.
            following = rows[position + 1] if position + 1 < len(rows) else []
            resume_key = str(following[0]) if following else None
            break
        values = dict(zip(names, (str(v) for v in row), strict=False))
        captures.append(Capture(values["timestamp"], values["original"],
                                values.get("mimetype", ""), values.get("statuscode", "")))
    return CdxPage(captures, resume_key)


def memento_time(header: str | bytes | None) -> datetime | None:
    """The capture time a Wayback answer states in its Memento-Datetime header."""
    if not header:
        return None
    text = header.decode("latin-1") if isinstance(header, bytes) else header
    try:
        return parsedate_to_datetime(text).astimezone(UTC)
    except (TypeError, ValueError):
        return None
