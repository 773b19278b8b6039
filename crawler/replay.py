"""`dozor collect --replay <warc>…`: every request answered from WARC files, never the network.

The files are indexed once when the crawl starts: for each (method, URL) the latest `response`
record, and the Accept-Language its `request` record sent (gov.kz's ru and kk API pages share
a URL). A URL that is not in the archive answers 404, so a missing robots.txt means "no rules"
(RFC 9309 §2.3.1.3) and a missing article is counted as a failed fetch, as on the live site.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from scrapy import Request
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from w3lib.url import canonicalize_url
from warcio.archiveiterator import ArchiveIterator

from crawler.archive import ArchiveReadError, raw_payload
from crawler.config import load_config

log = logging.getLogger(__name__)

# Headers describing how the bytes travelled, not what they are: the body served is de-chunked.
DROPPED_HEADERS = frozenset({"transfer-encoding", "x-archive-orig-transfer-encoding"})


@dataclass(frozen=True, slots=True)
class ArchivedEntry:
    """Where one archived response lies, and what its request asked for."""

    path: Path
    offset: int
    date: str  # WARC-Date, ISO 8601: sorts in time order
    order: int  # position among all records read, to break equal dates
    accept_language: str | None


def _key(method: str, url: str) -> tuple[str, str]:
    return method.upper(), canonicalize_url(url)


def index_warcs(paths: tuple[Path, ...] | list[Path]) -> dict[tuple[str, str], list[ArchivedEntry]]:
    """Every response record of the files by (method, URL), with its request's language."""
    responses: dict[str, tuple[str, Path, int, str, int]] = {}
    requests: dict[str, tuple[str, str | None]] = {}
    order = 0
    for path in paths:
        with path.open("rb") as handle:
            records = ArchiveIterator(handle, arc2warc=True)
            for record in records:
                order += 1
                headers = record.rec_headers
                if record.rec_type == "response":
                    responses[str(headers.get_header("WARC-Record-ID"))] = (
                        str(headers.get_header("WARC-Target-URI")), path,
                        records.get_record_offset(), str(headers.get_header("WARC-Date")), order,
                    )
                elif record.rec_type == "request" and record.http_headers is not None:
                    requests[str(headers.get_header("WARC-Concurrent-To"))] = (
                        record.http_headers.protocol or "GET",  # warcio keeps the verb here
                        record.http_headers.get_header("Accept-Language"),
                    )
    index: dict[tuple[str, str], list[ArchivedEntry]] = {}
    for record_id, (url, path, offset, date, position) in responses.items():
        method, language = requests.get(record_id, ("GET", None))  # no request record: a GET
        index.setdefault(_key(method, url), []).append(
            ArchivedEntry(path, offset, date, position, language)
        )
    return index


def choose_entry(entries: list[ArchivedEntry], accept_language: str | None) -> ArchivedEntry:
    """The latest entry, preferring those whose request sent the same Accept-Language."""
    same = [e for e in entries if e.accept_language == accept_language]
    return max(same or entries, key=lambda e: (e.date, e.order))


def read_entry(entry: ArchivedEntry) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and raw (still content-encoded) body of an archived response."""
    with entry.path.open("rb") as handle:
        handle.seek(entry.offset)
        record = next(iter(ArchiveIterator(handle, arc2warc=True)), None)
        if record is None or record.rec_type != "response" or record.http_headers is None:
            raise ArchiveReadError(f"no response record at {entry.path}#{entry.offset}")
        status = int(record.http_headers.get_statuscode())
        headers = [(k, v) for k, v in record.http_headers.headers
                   if k.lower() not in DROPPED_HEADERS]
        return status, headers, raw_payload(record)


class WarcReplayDownloadHandler(BaseDownloadHandler):
    """Answers http(s) requests from the WARC files in DOZOR_REPLAY_WARCS."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        paths = load_config().replay_warcs
        if not paths:
            raise NotConfigured("DOZOR_REPLAY_WARCS is not set")
        self.index = index_warcs(paths)
        log.info("replaying %d archived URLs from %d WARC files", len(self.index), len(paths))

    async def download_request(self, request: Request) -> Response:
        entries = self.index.get(_key(request.method, request.url))
        stats = self.crawler.stats
        if not entries:
            if stats is not None:
                stats.inc_value("dozor/replay_missing")
            missing = Headers({"Content-Type": "text/plain; charset=utf-8"})
            body = b"not in the replayed archive"
            response_class = responsetypes.from_args(headers=missing, url=request.url, body=body)
            return response_class(url=request.url, status=404, headers=missing, body=body,
                                  request=request, flags=["replay"])
        language = request.headers.get(b"Accept-Language")
        entry = choose_entry(entries, language.decode("latin-1") if language else None)
        status, pairs, body = read_entry(entry)
        headers = Headers()
        for name, value in pairs:
            headers.appendlist(name, value)
        response_class = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return response_class(url=request.url, status=status, headers=headers, body=body,
                              request=request, flags=["replay"], protocol="HTTP/1.1")
