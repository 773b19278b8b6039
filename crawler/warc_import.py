"""WARC files from any crawler, for `dozor import`: the article pages of declared sources in them.

Common Crawl's news crawl (CC-NEWS), the Internet Archive, Browsertrix, Heritrix and
`wget --warc-file` all write WARC: one record per request, response, revisit or note, each
record usually its own gzip member. A file is read as a stream, member by member, so a remote
file is never held whole and a broken member costs that member only: reading goes on at the
next gzip header. Each `response` on a declared source's host whose URL passes the source's
article pattern, with status 200 and an HTML payload, becomes an `ArchivedArticle`; every
other record is a `SkippedRecord` of one of RECORD_KINDS, counted by the caller.
"""

from __future__ import annotations

import io
import re
import urllib.request
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO
from urllib.error import URLError
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.timeutils import iso_date_to_datetime

from crawler.archive import MAX_DECODED_BYTES
from crawler.discovery.urls import article_spelling, canonicalize_url, source_hosts, url_host
from crawler.errors import DozorError
from crawler.sources import Source

# What a record that is not an importable article page was, as the summary names it.
RECORD_KINDS = {
    "other_host": "other hosts",
    "not_article": "not an article",
    "not_html": "not HTML",
    "not_200": "status not 200",
    "revisit": "revisit (payload elsewhere)",
    "truncated": "truncated",
    "broken_gzip": "broken gzip member",
    "unreadable": "unreadable record",
    "too_large": "too large",
    "api_only": "page of a source read through its API",
    "not_response": "request, metadata, warcinfo or resource",
}
GZIP_HEADER = b"\x1f\x8b\x08"
CHUNK_BYTES = 1 << 16
# A member holds one record as the WARC standard recommends; a whole file gzipped as one member
# (not recommended) is read if it decompresses to no more than this, else skipped as too large.
MAX_MEMBER_BYTES = 256 * 1024 * 1024
HTML_TYPES = ("text/html", "application/xhtml+xml")
HTML_STARTS = (b"<!doctype html", b"<html")  # a payload without a Content-Type, sniffed
# Transport details of the original response that no longer describe the decoded body kept.
TRANSPORT_HEADERS = ("content-encoding", "transfer-encoding", "content-length")
REMOTE_TIMEOUT_S = 60.0


class WarcOpenError(DozorError):
    """Raised when a WARC file or URL cannot be opened, from `crawler.warc_import.open_warc`."""


@dataclass(frozen=True, slots=True)
class ArchivedArticle:
    """An article page of a declared source, as a WARC response record holds it."""

    source_id: str
    url: str  # canonical article URL
    record_url: str  # WARC-Target-URI, as captured
    fetched_at: datetime  # WARC-Date: when the capture was made, aware UTC
    headers: list[tuple[str, str]]  # the HTTP headers, transport ones renamed X-Archive-Orig-*
    body: bytes  # the payload, de-chunked and decoded
    location: str  # "<file or URL>#<offset of its gzip member>"


@dataclass(frozen=True, slots=True)
class SkippedRecord:
    """A record that is not an importable article page, and why (a key of RECORD_KINDS)."""

    kind: str
    url: str | None = None
    source_id: str | None = None  # when the record lies on a declared source's host


class SourceMatcher:
    """Finds the declared source of a URL by its host, and its article URL if it is one."""

    def __init__(self, sources: Iterable[Source]) -> None:
        self._by_host: dict[str, list[tuple[Source, re.Pattern[str], str | None]]] = {}
        for source in sources:
            entry = (source, re.compile(source.article_url_pattern), urlsplit(source.home).hostname)
            for host in source_hosts(source):
                self._by_host.setdefault(host.removeprefix("www."), []).append(entry)

    def match(self, url: str) -> tuple[Source | None, str | None]:
        """(the source whose host this is, the canonical article URL or None if not one)."""
        candidates = self._by_host.get(url_host(url).removeprefix("www."), [])
        for source, pattern, main_host in candidates:
            spelled = article_spelling(canonicalize_url(url, main_host), pattern)
            if spelled is not None:
                return source, spelled
        return (candidates[0][0] if candidates else None), None


def open_warc(location: str, user_agent: str) -> IO[bytes]:
    """A readable binary stream of a local WARC file or an http(s) URL (streamed, not loaded)."""
    if location.startswith(("http://", "https://")):
        # identity: the WARC's own gzip members are what we read, not a transfer encoding.
        request = urllib.request.Request(  # noqa: S310  only http(s) reaches here
            location, headers={"User-Agent": user_agent, "Accept-Encoding": "identity"})
        try:
            response = urllib.request.urlopen(request, timeout=REMOTE_TIMEOUT_S)  # noqa: S310
        except (URLError, OSError, ValueError) as exc:
            raise WarcOpenError(f"cannot open {location}: {exc}") from exc
        stream: IO[bytes] = response
        return stream
    try:
        return open(location, "rb")  # the caller closes it
    except OSError as exc:
        raise WarcOpenError(f"cannot open {location}: {exc.strerror}") from exc


@dataclass(frozen=True, slots=True)
class _Member:
    offset: int
    data: bytes | None  # None: broken, cut off or too large
    problem: str | None = None


def gzip_members(stream: IO[bytes], first: bytes = b"") -> Iterator[_Member]:
    """Each gzip member of a stream, decompressed; a broken one is reported and skipped."""
    buffer = bytearray(first)
    base = 0  # offset of buffer[0] in the stream

    # read1: what has arrived, at most one read; read() would wait for a whole chunk, and a
    # remote file would only be worked on as fast as whole chunks arrive.
    read = getattr(stream, "read1", stream.read)

    def fill() -> bool:
        chunk = read(CHUNK_BYTES)
        buffer.extend(chunk)
        return bool(chunk)

    while buffer or fill():
        used, data, problem = _inflate_member(buffer, fill)
        yield _Member(base, data, problem)
        if problem is None:
            del buffer[:used]
            base += used
            continue
        # Go on at the next gzip header after this member's start.
        while (found := buffer.find(GZIP_HEADER, 1)) < 0:
            dropped = max(0, len(buffer) - len(GZIP_HEADER) + 1)
            del buffer[:dropped]
            base += dropped
            if not fill():
                return
        del buffer[:found]
        base += found


def _inflate_member(
    buffer: bytearray, fill: Callable[[], bool],
) -> tuple[int, bytes | None, str | None]:
    """(raw bytes it took, its data or None, the problem) for the member at buffer[0]."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = bytearray()
    fed = 0
    try:
        while not inflater.eof:
            if fed >= len(buffer) and not fill():
                return fed, None, "cut off at the end of the file"
            pending = bytes(buffer[fed:fed + CHUNK_BYTES])
            fed += len(pending)
            while pending and not inflater.eof:
                # Bounded output per call: a gzip bomb never fills memory.
                out += inflater.decompress(pending, MAX_MEMBER_BYTES + 1 - len(out))
                pending = inflater.unconsumed_tail
                if len(out) > MAX_MEMBER_BYTES:
                    return fed, None, "too large"
    except zlib.error as exc:
        return fed, None, f"broken gzip member ({exc})"
    return fed - len(inflater.unused_data), bytes(out), None


def read_warc(
    stream: IO[bytes], location: str, matcher: SourceMatcher,
) -> Iterator[ArchivedArticle | SkippedRecord]:
    """Every record of a WARC stream (gzipped per record or plain) as an article or a skip."""
    head = stream.read(len(GZIP_HEADER))
    if not head.startswith(GZIP_HEADER):
        yield from _records(io.BufferedReader(_Prefixed(head, stream)), location, 0, matcher)
        return
    for member in gzip_members(stream, head):
        if member.data is None:
            kind = "too_large" if member.problem == "too large" else "broken_gzip"

            yield SkippedRecord(kind, f"{location}#{member.offset}: {member.problem}")
            continue
        yield from _records(io.BytesIO(member.data), location, member.offset, matcher)


def _records(
    stream: IO[bytes], location: str, offset: int, matcher: SourceMatcher,
) -> Iterator[ArchivedArticle | SkippedRecord]:
    iterator = iter(ArchiveIterator(stream, arc2warc=True))
    while True:
        try:
            record = next(iterator)
        except StopIteration:
            return
        except (ArchiveLoadFailed, ValueError, zlib.error, EOFError) as exc:
            # A plain (ungzipped) file has no member boundary to resume at: stop here.
            yield SkippedRecord("unreadable", f"{location}#{offset}: {exc}")
            return
        yield classify_record(record, f"{location}#{offset}", matcher)


def classify_record(
    record: ArcWarcRecord, location: str, matcher: SourceMatcher,
) -> ArchivedArticle | SkippedRecord:
    """An importable article page, or why this record is not one."""
    url = str(record.rec_headers.get_header("WARC-Target-URI") or "").strip("<>")
    if record.rec_type not in ("response", "revisit"):
        return SkippedRecord("not_response", url or None)
    source, article_url = matcher.match(url)
    source_id = source.id if source else None
    if record.rec_type == "revisit":
        return SkippedRecord("revisit", url, source_id)
    if source is None:
        return SkippedRecord("other_host", url)
    http = record.http_headers
    if http is None or http.get_statuscode() != "200":
        return SkippedRecord("not_200", url, source_id)
    content_type = (http.get_header("Content-Type") or "").lower()
    if content_type and content_type.split(";")[0].strip() not in HTML_TYPES:
        return SkippedRecord("not_html", url, source_id)  # images, scripts, feeds, robots.txt
    if article_url is None:
        return SkippedRecord("not_article", url, source_id)
    if not source.reads_pages:
        return SkippedRecord("api_only", url, source_id)
    if record.rec_headers.get_header("WARC-Truncated"):
        return SkippedRecord("truncated", url, source_id)
    try:
        body = record.content_stream().read(MAX_DECODED_BYTES + 1)
    except (OSError, ValueError, zlib.error, EOFError):
        return SkippedRecord("unreadable", url, source_id)
    if len(body) > MAX_DECODED_BYTES:
        return SkippedRecord("too_large", url, source_id)
    if getattr(record.raw_stream, "limit", 0):
        return SkippedRecord("truncated", url, source_id)  # fewer bytes than its length said
    if not content_type and not body[:512].lstrip().lower().startswith(HTML_STARTS):
        return SkippedRecord("not_html", url, source_id)
    return ArchivedArticle(
        source_id=source.id, url=article_url, record_url=url, fetched_at=_warc_date(record),
        headers=_kept_headers(http.headers), body=bytes(body), location=location,
    )


def _kept_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """HTTP headers for a decoded body: transport ones kept under pywb's X-Archive-Orig-*."""
    return [(f"X-Archive-Orig-{name}" if name.lower() in TRANSPORT_HEADERS else name, value)
            for name, value in headers]


def _warc_date(record: ArcWarcRecord) -> datetime:
    value = record.rec_headers.get_header("WARC-Date")
    if not value:
        return datetime.now(UTC)
    when: datetime = iso_date_to_datetime(str(value))
    return when.replace(tzinfo=UTC)


class _Prefixed(io.RawIOBase):
    """A stream whose first bytes were already read: they are given back first."""

    def __init__(self, prefix: bytes, rest: IO[bytes]) -> None:
        super().__init__()
        self._prefix = prefix
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._prefix:
            n = min(len(target), len(self._prefix))
            target[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(target))
        target[: len(data)] = data
        return len(data)
