"""The evidence archive: every fetched response kept in standard WARC files, one set per run.

Files live under `$DOZOR_DATA_DIR/warc/<source_id>/<run_id>-<started>.warc.gz` (then `-001`,
`-002`, … past MAX_WARC_BYTES). Each record is its own gzip member, flushed as soon as it is
written, so a crashed crawl loses at most the response it was writing. An article row points
at its response as `articles.warc_record = "<path relative to the archive dir>#<offset>"`.

Per response three records are written, all `WARC-Concurrent-To` the response: the `response`
(status, headers and the body exactly as received, still content-encoded), the `request`
(method and headers: gov.kz's ru and kk API pages differ only by Accept-Language) and, for
article pages, a `metadata` record holding the discovered link (the feed's title and date),
so reprocessing reproduces what the crawl extracted without re-reading the feed.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import iso_date_to_datetime
from warcio.warcwriter import WARCWriter

from crawler.config import load_config
from crawler.errors import DozorError
from crawler.items import DiscoveredLink
from crawler.politeness import record_error

log = logging.getLogger(__name__)

# Heritrix and wget rotate near 1 GB; 100 MB keeps one file quick to copy and to scan.
MAX_WARC_BYTES = 100 * 1024 * 1024
# Decoded bodies read back from the archive are capped like downloads (DOWNLOAD_MAXSIZE):
# an archived gzip bomb stays ~1 MB on disk and must not become 1 GB in memory.
MAX_DECODED_BYTES = 16 * 1024 * 1024
# Scrapy hands over de-chunked bodies, so the header would lie about the stored bytes;
# pywb's convention keeps the original value under this name.
HOP_BY_HOP_RENAMED = {"transfer-encoding": "X-Archive-Orig-Transfer-Encoding"}
LINK_METADATA_TYPE = "application/vnd.dozor.link+json"


class ArchiveReadError(DozorError):
    """Raised when an archived record is missing or unreadable, from `crawler.archive`."""


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and the response it got, as plain data to archive."""

    url: str
    method: str
    status: int
    response_headers: list[tuple[str, str]]
    body: bytes  # as received: still gzip when the server sent Content-Encoding: gzip
    request_headers: list[tuple[str, str]]
    request_body: bytes = b""
    link: DiscoveredLink | None = None


@dataclass(frozen=True, slots=True)
class ArchivedResponse:
    """A response read back from the archive, body decoded (gzip/deflate/br undone)."""

    url: str
    status: int
    headers: dict[str, str]  # lower-case names; content/transfer encodings removed
    body: bytes
    fetched_at: datetime
    link: DiscoveredLink | None


def warc_file_name(run_id: int | None, started_at: datetime, part: int) -> str:
    """`<run_id>-<UTC start>.warc.gz`, then `-001`, `-002` for the files after a rotation."""
    stem = f"{run_id if run_id is not None else 'manual'}-{started_at:%Y%m%dT%H%M%SZ}"
    return f"{stem}.warc.gz" if part == 0 else f"{stem}-{part:03d}.warc.gz"


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _path_with_query(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def link_to_json(link: DiscoveredLink) -> bytes:
    """A discovered link as JSON (dates in ISO 8601)."""
    data = dataclasses.asdict(link)
    if link.published_at is not None:
        data["published_at"] = link.published_at.isoformat()
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def link_from_json(payload: bytes) -> DiscoveredLink:
    """The discovered link written by `link_to_json`."""
    data: dict[str, Any] = json.loads(payload)
    if data.get("published_at"):
        data["published_at"] = datetime.fromisoformat(data["published_at"])
    names = {f.name for f in dataclasses.fields(DiscoveredLink)}
    return DiscoveredLink(**{k: v for k, v in data.items() if k in names})


class WarcArchive:
    """Appends one run's exchanges to its WARC files, flushed per record, rotated by size."""

    def __init__(
        self, archive_dir: Path, source_id: str, run_id: int | None,
        started_at: datetime | None = None, max_bytes: int = MAX_WARC_BYTES,
    ) -> None:
        self.archive_dir = archive_dir
        self.source_id = source_id
        self.run_id = run_id
        self.started_at = started_at or datetime.now(UTC)
        self.max_bytes = max_bytes
        self.part = 0
        self.paths: list[Path] = []
        self._file: IO[bytes] | None = None
        self._writer: WARCWriter | None = None

    def _open_next(self) -> None:
        folder = self.archive_dir / self.source_id
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / warc_file_name(self.run_id, self.started_at, self.part)
        self.part += 1
        self._file = path.open("ab")
        self._writer = WARCWriter(self._file, gzip=True, warc_version="1.1")
        self.paths.append(path)
        info = self._writer.create_warcinfo_record(path.name, {
            "software": "Dozor (https://github.com/dozor-kz/dozor)",
            "format": "WARC File Format 1.1",
            "isPartOf": f"{self.source_id} run {self.run_id}",
        })
        self._write(info)

    def _write(self, record: ArcWarcRecord) -> None:
        assert self._writer is not None and self._file is not None
        self._writer.write_record(record)
        self._file.flush()  # a crash later in the run keeps every record written so far

    def write(self, exchange: Exchange) -> str:
        """Archive one exchange; return `<path relative to the archive dir>#<offset>`."""
        if self._file is not None and self._file.tell() >= self.max_bytes:
            self.close()
        if self._file is None:
            self._open_next()
        assert self._writer is not None and self._file is not None
        writer = self._writer
        headers = [(HOP_BY_HOP_RENAMED.get(k.lower(), k), v) for k, v in exchange.response_headers]
        response = writer.create_warc_record(
            exchange.url, "response", payload=BytesIO(exchange.body), length=len(exchange.body),
            http_headers=StatusAndHeaders(_status_line(exchange.status), headers,
                                          protocol="HTTP/1.1"),
        )
        response_id = response.rec_headers.get_header("WARC-Record-ID")
        date = response.rec_headers.get_header("WARC-Date")
        concurrent = {"WARC-Concurrent-To": response_id, "WARC-Date": date}
        request = writer.create_warc_record(
            exchange.url, "request", payload=BytesIO(exchange.request_body),
            length=len(exchange.request_body), warc_headers_dict=concurrent,
            http_headers=StatusAndHeaders(
                f"{exchange.method} {_path_with_query(exchange.url)} HTTP/1.1",
                exchange.request_headers, is_http_request=True,
            ),
        )
        offset = self._file.tell()
        self._write(response)
        self._write(request)
        if exchange.link is not None:
            payload = link_to_json(exchange.link)
            self._write(writer.create_warc_record(
                exchange.url, "metadata", payload=BytesIO(payload), length=len(payload),
                warc_content_type=LINK_METADATA_TYPE, warc_headers_dict=concurrent,
            ))
        assert self.paths
        return f"{self.paths[-1].relative_to(self.archive_dir).as_posix()}#{offset}"

    def close(self) -> None:
        """Close the current file; the next write opens a new one."""
        if self._file is not None:
            self._file.close()
            self._file = None
            self._writer = None


def http_headers_dict(record: ArcWarcRecord) -> dict[str, str]:
    """A record's HTTP headers, lower-case names, repeated headers joined as HTTP allows."""
    headers: dict[str, str] = {}
    for name, value in record.http_headers.headers if record.http_headers else ():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def raw_payload(record: ArcWarcRecord) -> bytes:
    """The payload as the server sent it, de-chunked but still content-encoded."""
    headers = http_headers_dict(record)
    if headers.get("transfer-encoding", "").lower() == "chunked":
        return bytes(ChunkedDataReader(record.raw_stream, decomp_type=None).read())
    return bytes(record.raw_stream.read())


def _decoded_payload(record: ArcWarcRecord, url: str) -> bytes:
    body = record.content_stream().read(MAX_DECODED_BYTES + 1)
    if len(body) > MAX_DECODED_BYTES:
        raise ArchiveReadError(f"archived body of {url} decodes past {MAX_DECODED_BYTES} bytes")
    return bytes(body)


def split_reference(reference: str) -> tuple[str, int]:
    """`("<relative path>", offset)` from `"<relative path>#<offset>"`."""
    path, sep, offset = reference.rpartition("#")
    if not sep or not offset.isdigit():
        raise ArchiveReadError(f"not a WARC record reference: {reference!r}")
    return path, int(offset)


def read_response(archive_dir: Path, reference: str) -> ArchivedResponse:
    """The response at `<file>#<offset>` under `archive_dir`, with its discovered link."""
    relative, offset = split_reference(reference)
    path = archive_dir / relative
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise ArchiveReadError(f"cannot open {path}: {exc.strerror}") from exc
    with handle:
        handle.seek(offset)
        records = iter(ArchiveIterator(handle, arc2warc=True))
        record = next(records, None)
        if record is None or record.rec_type != "response":
            raise ArchiveReadError(f"no response record at {reference}")
        url = str(record.rec_headers.get_header("WARC-Target-URI"))
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        status = int(record.http_headers.get_statuscode()) if record.http_headers else 200
        headers = {k: v for k, v in http_headers_dict(record).items()
                   if k not in ("content-encoding", "transfer-encoding", "content-length")}
        body = _decoded_payload(record, url)
        fetched_at = iso_date_to_datetime(record.rec_headers.get_header("WARC-Date")).replace(
            tzinfo=UTC)
        link = None
        # The request and link records follow their response: read while they refer to it.
        for following in records:
            if following.rec_headers.get_header("WARC-Concurrent-To") != record_id:
                break
            if following.rec_type == "metadata" and following.content_type == LINK_METADATA_TYPE:
                link = link_from_json(following.content_stream().read())
    return ArchivedResponse(url, status, headers, body, fetched_at, link)


def _header_pairs(headers: Any) -> list[tuple[str, str]]:
    """Scrapy's bytes headers as (name, value) text pairs, one per value."""
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items() for value in values
    ]


class WarcArchiveMiddleware:
    """Downloader middleware writing every response (robots, feeds, pages, API) to the archive.

    Registered with the highest order so it sees the response straight from the download
    handler: before decompression, redirects or retries, as the server sent it.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.archive_dir = load_config().archive_dir
        self.archive: WarcArchive | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchiveMiddleware:
        return cls(crawler)

    def _archive(self) -> WarcArchive:
        if self.archive is None:
            spider = self.crawler.spider
            source = getattr(spider, "source", None)
            source_id = getattr(source, "id", None) or getattr(spider, "name", "unknown")
            self.archive = WarcArchive(
                self.archive_dir, str(source_id), getattr(spider, "run_id", None)
            )
        return self.archive

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        link = request.meta.get("link")
        exchange = Exchange(
            url=request.url, method=request.method, status=response.status,
            response_headers=_header_pairs(response.headers), body=response.body,
            request_headers=_header_pairs(request.headers), request_body=request.body,
            link=link if isinstance(link, DiscoveredLink) else None,
        )
        try:
            request.meta["warc_record"] = self._archive().write(exchange)
        except OSError as exc:
            # A full disk must not stop the crawl; the article is stored without evidence, and
            # the run's record says so (its first such error; the runner counts them all).
            log.error("could not archive %s: %s", request.url, exc)
            self.crawler.stats.inc_value("dozor/archive_failed")
            if self.crawler.stats.get_value("dozor/archive_failed") == 1:
                record_error(self.crawler, "archive", request.url, f"not archived: {exc}")
        else:
            self.crawler.stats.inc_value("dozor/archived")
        return response

    def spider_closed(self) -> None:
        if self.archive is not None:
            self.archive.close()
