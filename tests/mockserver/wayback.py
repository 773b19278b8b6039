"""The Internet Archive's Wayback Machine, as the mock server answers for host web.archive.org.

Captures are listed in tests/fixtures/wayback/captures.json: timestamp, original URL, mimetype,
status and the saved page (under tests/fixtures/sites) or an inline body. Two endpoints:

- `/cdx/search/cdx` answers like the CDX server (github.com/internetarchive/wayback,
  wayback-cdx-server/README.md): `url` with `matchType` exact|prefix|host|domain (or a
  trailing `*`), `from`/`to` (1-14 digits, padded, inclusive), repeatable `filter=[!]field:regex`
  (the regex must match the whole field), `collapse=field[:N]` over adjacent rows, `fl`,
  `output=json` (first row the field names) or plain lines, `limit`, and `showResumeKey` /
  `resumeKey`. Like the real server it caps one answer (here at MAX_ROWS, to exercise paging).
- `/web/<timestamp>id_/<original>` serves the capture's original bytes with `Memento-Datetime`
  and the original headers as `X-Archive-Orig-*`; an unknown capture answers 404.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CAPTURES_FILE = FIXTURES / "wayback" / "captures.json"
SITES_DIR = FIXTURES / "sites"
FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
MAX_ROWS = 3  # the real server's cap is 150,000; a small one makes the crawl page through


def surt(url: str) -> str:
    """The SURT form the CDX index sorts by: "kz,zakon)/incident/6298803-x.html"."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    key = ",".join(reversed(host.split("."))) + ")" + (parts.path or "/").lower()
    return key + (f"?{parts.query}" if parts.query else "")


@cache
def captures() -> list[dict[str, str]]:
    """The captures of the fixture file, sorted as the index is: by urlkey, then timestamp."""
    rows = json.loads(CAPTURES_FILE.read_text("utf-8"))
    for row in rows:
        row["urlkey"] = surt(row["original"])
        row.setdefault("digest", "SHA1" + row["timestamp"])
        row.setdefault("length", "1000")
    return sorted(rows, key=lambda r: (r["urlkey"], r["timestamp"]))


def _bounds(value: str | None, low: bool) -> str | None:
    if not value:
        return None
    return value.ljust(14, "0" if low else "9")


def _matches_scope(row: dict[str, str], url: str, match_type: str) -> bool:
    key = surt(url)
    if match_type == "exact":
        return row["urlkey"] == key
    if match_type == "prefix":
        return row["urlkey"].startswith(key)
    host = key.split(")")[0]
    if match_type == "host":
        return row["urlkey"].split(")")[0] == host
    return row["urlkey"].split(")")[0] == host or row["urlkey"].startswith(host + ",")


def cdx_answer(query: dict[str, list[str]]) -> tuple[int, bytes, str]:
    """(status, body, content type) of a CDX query."""
    def one(name: str, default: str | None = None) -> str | None:
        return query.get(name, [default])[0]

    url = one("url")
    if not url:
        return 400, b"missing url", "text/plain"
    match_type = one("matchType", "exact") or "exact"
    if url.endswith("*"):
        url, match_type = url[:-1], "prefix"
    low, high = _bounds(one("from"), True), _bounds(one("to"), False)
    rows = [r for r in captures() if _matches_scope(r, url, match_type)
            and (low is None or r["timestamp"] >= low) and (high is None or r["timestamp"] <= high)]
    for expression in query.get("filter", []):
        negate = expression.startswith("!")
        field, _, pattern = expression.lstrip("!").partition(":")
        rows = [r for r in rows if bool(re.fullmatch(pattern, r.get(field, ""))) != negate]
    for collapse in query.get("collapse", []):
        field, _, width = collapse.partition(":")
        kept, last = [], None
        for row in rows:
            value = row.get(field, "")[: int(width)] if width else row.get(field, "")
            if value != last:
                kept.append(row)
            last = value
        rows = kept
    resume = one("resumeKey")
    if resume:
        after = resume.rstrip("!").split(" ")  # parse_qs decoded it
        rows = [r for r in rows if (r["urlkey"], r["timestamp"]) > (after[0], after[1])]
    limit = min(int(one("limit", str(MAX_ROWS)) or MAX_ROWS), MAX_ROWS)
    more = len(rows) > limit
    rows = rows[:limit]
    fields = (one("fl") or ",".join(FIELDS)).split(",")
    table = [[row.get(f, "") for f in fields] for row in rows]
    # URL-encoded as the real server prints it: "org%2Carchive%29%2F+19980109140106%21".
    key = quote_plus(f"{rows[-1]['urlkey']} {rows[-1]['timestamp']}!") if more and rows else None
    show_key = one("showResumeKey") == "true"
    if one("output") == "json":
        answer: list[Any] = [fields, *table] if table else []
        if key and show_key:
            answer += [[], [key]]
        return 200, json.dumps(answer).encode(), "application/json"
    lines = [" ".join(r) for r in table] + (["", key] if key and show_key else [])
    return 200, ("\n".join(lines) + "\n").encode(), "text/plain"


def capture_answer(path: str) -> tuple[int, bytes, dict[str, str]]:
    """(status, body, headers) of `/web/<timestamp>id_/<original>`."""
    match = re.fullmatch(r"/web/(\d{1,14})id_/(.+)", path)
    if match is None:
        return 404, b"Wayback Machine: not a capture URL", {"Content-Type": "text/plain"}
    timestamp, original = match.groups()
    for row in captures():
        if row["timestamp"] == timestamp and row["original"] == original:
            body = (SITES_DIR / row["file"]).read_bytes() if "file" in row \
                else row.get("body", "").encode()
            moment = datetime.strptime(timestamp.ljust(14, "0"), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
            return int(row["statuscode"]), body, {
                "Content-Type": f"{row['mimetype']}; charset=utf-8",
                "Memento-Datetime": format_datetime(moment, usegmt=True),
                "X-Archive-Orig-Date": format_datetime(moment, usegmt=True),
                "Link": f'<{original}>; rel="original"',
            }
    return 404, b"<html><body>Hrm. The Wayback Machine has not archived that URL.</body></html>", \
        {"Content-Type": "text/html; charset=utf-8"}
