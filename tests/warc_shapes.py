"""WARC files shaped like the ones other crawlers write, built from the saved test pages.

`cc_news_warc` follows Common Crawl's news crawl (CC-NEWS, written by StormCrawler): WARC/1.0,
a warcinfo record ("isPartOf: CC-NEWS"), then per fetch a `request` and a `response`, the
payload stored decoded with the original transport headers renamed `X-Crawler-Content-Encoding`
and `X-Crawler-Content-Length`, `WARC-Identified-Payload-Type`, and `WARC-Truncated: length` on
a payload cut at the crawler's size limit; pages of every site the crawl met, one gzip member
per record. `wget_warc` follows `wget --warc-file=NAME --recursive`: a warcinfo record carrying
"software: Wget/1.21.4" and the arguments, `request`/`response` pairs holding the raw HTTP
answer (chunked, gzip-encoded), robots.txt, styles and images on the same host, a `revisit`
record (`--warc-cdx` deduplication) for a payload fetched twice, and at the end the MANIFEST,
arguments and log records; gzipped per record, or plain (`--no-warc-compression`).
"""

from __future__ import annotations

import gzip
import hashlib
import uuid
from base64 import b32encode
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from io import BytesIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.sources import all_sources
from tests.golden import GoldenCase, _headers, load_cases


def article_cases() -> list[GoldenCase]:
    """The golden cases that are article pages of the real sources read from their pages."""
    sources = all_sources()
    return [c for c in load_cases()
            if c.discovered_in is None and c.source_id in sources
            and not sources[c.source_id].home.endswith(".test")
            and sources[c.source_id].reads_pages]


def _digest(data: bytes) -> str:
    return "sha1:" + b32encode(hashlib.sha1(data).digest()).decode()


def _record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


@dataclass
class WarcBuilder:
    """Appends records, each its own gzip member (or plain), and remembers where each lies."""

    compress: bool = True
    buffer: BytesIO = field(default_factory=BytesIO)
    members: list[tuple[int, int, str]] = field(default_factory=list)  # start, end, what

    def write(self, what: str, url: str, record_type: str, payload: bytes, *,
              http: StatusAndHeaders | None = None, warc_headers: dict[str, str] | None = None,
              content_type: str | None = None) -> str:
        writer = WARCWriter(self.buffer, gzip=self.compress, warc_version="1.0")
        record = writer.create_warc_record(
            url, record_type, payload=BytesIO(payload), length=len(payload),
            http_headers=http, warc_content_type=content_type,
            warc_headers_dict={"WARC-Record-ID": _record_id(), **(warc_headers or {})},
        )
        start = self.buffer.tell()
        writer.write_record(record)
        self.members.append((start, self.buffer.tell(), what))
        return str(record.rec_headers.get_header("WARC-Record-ID"))

    def data(self) -> bytes:
        return self.buffer.getvalue()


def _warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _page_content_type(case: GoldenCase) -> str:
    return _headers(case.page).get("content-type", "text/html; charset=utf-8")


@dataclass(frozen=True)
class BuiltWarc:
    """A WARC file's bytes, what each gzip member holds, and what importing it must give."""

    data: bytes
    members: list[tuple[int, int, str]]
    articles: list[GoldenCase]  # the pages that must be stored, with their expected fields


def cc_news_warc(cases: list[GoldenCase]) -> BuiltWarc:
    """A CC-NEWS file: the given article pages among other sites' pages and what a crawl meets."""
    warc = WarcBuilder()
    first = min(c.captured_at for c in cases)
    info = (b"software: StormCrawler 2.10 https://stormcrawler.net/\r\nformat: WARC File Format"
            b" 1.0\r\nisPartOf: CC-NEWS\r\noperator: Common Crawl Admin (info@commoncrawl.org)"
            b"\r\ndescription: News crawl for Common Crawl\r\n")
    info_id = warc.write("warcinfo", "", "warcinfo", info,
                         content_type="application/warc-fields",
                         warc_headers={"WARC-Date": _warc_date(first),
                                       "WARC-Filename": "CC-NEWS-20251226120000-00001.warc.gz"})

    def fetch(what: str, url: str, body: bytes, when: datetime, *, status: str = "200 OK",
              content_type: str = "text/html; charset=UTF-8", extra: dict[str, str] | None = None,
              truncated: bool = False) -> None:
        request = StatusAndHeaders(f"GET /{url.split('/', 3)[-1]} HTTP/1.1", [
            ("Host", url.split("/")[2]), ("User-Agent", "CCBot/2.0 (https://commoncrawl.org/faq/)"),
            ("Accept-Encoding", "gzip")], is_http_request=True)
        common = {"WARC-Date": _warc_date(when), "WARC-Warcinfo-ID": info_id,
                  "WARC-IP-Address": "203.0.113.7"}
        request_id = warc.write(f"request {what}", url, "request", b"", http=request,
                                warc_headers=common)
        http = StatusAndHeaders(status, [
            ("Date", when.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")),
            ("Content-Type", content_type), ("X-Crawler-Content-Encoding", "gzip"),
            ("X-Crawler-Content-Length", str(len(gzip.compress(body)))),
            ("Content-Length", str(len(body))), *((extra or {}).items())], protocol="HTTP/1.1")
        headers = {**common, "WARC-Concurrent-To": request_id,
                   "WARC-Identified-Payload-Type": content_type.split(";")[0],
                   "WARC-Payload-Digest": _digest(body)}
        if truncated:
            headers["WARC-Truncated"] = "length"
        warc.write(what, url, "response", body, http=http, warc_headers=headers)

    moment = first
    for n, case in enumerate(cases):
        moment = case.captured_at
        # CC-NEWS keeps the scheme it was given: some links are plain http.
        url = case.url.replace("https://", "http://", 1) if n % 3 == 0 else case.url
        fetch(f"article {case.url}", url, case.page.read_bytes(), moment,
              content_type=_page_content_type(case))
        if n == 1:
            fetch("other host", "https://www.bbc.com/russian/articles/c0jq2w1jx7vo",
                  b"<html><body><p>BBC</p></body></html>", moment)
            fetch("other host", "https://ria.ru/20251226/moshenniki-2065123456.html",
                  b"<html><body><p>RIA</p></body></html>", moment)
        if n == 2:
            # A real article shape the pattern does not know: drift, with an example.
            fetch("drift", "https://www.zakon.kz/incident/2025/12/26/moshenniki-pozvonili-ot-imeni"
                  "-banka-i-pohitili-sberezheniya", b"<html><body><p>x</p></body></html>", moment)
            fetch("listing", "https://www.zakon.kz/news/", b"<html><body>list</body></html>",
                  moment)
            fetch("404", "https://tengrinews.kz/crime/stranitsa-udalena-561400/",
                  b"<html><body>404</body></html>", moment, status="404 Not Found")
            fetch("image", "https://tengrinews.kz/userdata/news/2025/news_561482/photo.jpeg",
                  b"\xff\xd8\xff\xe0fakejpeg", moment, content_type="image/jpeg")
    last = cases[-1]
    fetch("truncated", "https://tengrinews.kz/crime/dlinnaya-statya-561499/",
          last.page.read_bytes()[:400], moment + timedelta(minutes=1),
          content_type="text/html; charset=utf-8", truncated=True)
    return BuiltWarc(warc.data(), warc.members, cases)


def break_member(warc: BuiltWarc, what: str) -> BuiltWarc:
    """The same file with the gzip member holding `what` corrupted in its middle."""
    start, end, _ = next(m for m in warc.members if m[2] == what)
    data = bytearray(warc.data)
    middle = (start + end) // 2
    data[middle:middle + 16] = bytes(16)
    return BuiltWarc(bytes(data), warc.members, [c for c in warc.articles
                                                  if f"article {c.url}" != what])


def _chunked(body: bytes, size: int = 700) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size])
             for i in range(0, len(body), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def wget_warc(cases: list[GoldenCase], *, compress: bool = True) -> BuiltWarc:
    """A `wget --warc-file --recursive` capture of one site holding these article pages."""
    warc = WarcBuilder(compress=compress)
    home = cases[0].url.split("/", 3)[:3]
    host = home[2]
    when = cases[0].captured_at
    arguments = f'"--warc-file=site" "--recursive" "--level=1" "https://{host}/"'
    info = (f"software: Wget/1.21.4 (linux-gnu)\r\nformat: WARC File Format 1.0\r\nconformsTo:"
            f" http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf\r\nrobots:"
            f" classic\r\nwget-arguments: {arguments}\r\n").encode()
    info_id = warc.write("warcinfo", "", "warcinfo", info, content_type="application/warc-fields",
                         warc_headers={"WARC-Date": _warc_date(when),
                                       "WARC-Filename": "site.warc.gz"})
    payload_ids: dict[str, tuple[str, str]] = {}

    def fetch(what: str, url: str, status: str, headers: list[tuple[str, str]], raw_body: bytes,
              when: datetime, *, bracketed: bool = False) -> None:
        path = "/" + url.split("/", 3)[-1]
        request = StatusAndHeaders(f"GET {path} HTTP/1.1", [
            ("User-Agent", "Wget/1.21.4"), ("Accept", "*/*"), ("Accept-Encoding", "identity"),
            ("Host", host), ("Connection", "Keep-Alive")], is_http_request=True)
        target = f"<{url}>" if bracketed else url  # some wget builds bracket the URI
        common = {"WARC-Date": _warc_date(when), "WARC-Warcinfo-ID": info_id,
                  "WARC-IP-Address": "203.0.113.9"}
        request_id = warc.write(f"request {what}", target, "request", b"", http=request,
                                warc_headers=common)
        digest = _digest(raw_body)
        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        if digest in payload_ids and status.startswith("200"):
            # --warc-cdx: a payload already archived is a revisit record, without the body.
            refers_to, refers_url = payload_ids[digest]
            warc.write(f"revisit {what}", target, "revisit", b"", http=http, warc_headers={
                **common, "WARC-Concurrent-To": request_id, "WARC-Refers-To": refers_to,
                "WARC-Refers-To-Target-URI": refers_url, "WARC-Payload-Digest": digest,
                "WARC-Profile": "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest",
            })
            return
        record_id = warc.write(what, target, "response", raw_body, http=http, warc_headers={
            **common, "WARC-Concurrent-To": request_id, "WARC-Payload-Digest": digest})
        payload_ids[digest] = (record_id, url)

    def html(case: GoldenCase) -> tuple[str, str]:
        return ("Content-Type", _page_content_type(case))

    fetch("robots", f"https://{host}/robots.txt", "200 OK",
          [("Content-Type", "text/plain")], b"User-agent: *\nAllow: /\n", when)
    fetch("redirect", f"http://{host}/", "301 Moved Permanently",
          [("Location", f"https://{host}/"), ("Content-Length", "0")], b"", when)
    fetch("home", f"https://{host}/", "200 OK", [("Content-Type", "text/html; charset=utf-8")],
          b"<html><body><a href='/news/'>news</a></body></html>", when)
    for n, case in enumerate(cases):
        body = case.page.read_bytes()
        if n % 2 == 0:
            # Raw HTTP as wget stores it: chunked, gzip-encoded.
            packed = gzip.compress(body)
            fetch(f"article {case.url}", case.url, "200 OK",
                  [html(case), ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")],
                  _chunked(packed), case.captured_at, bracketed=n == 0)
        else:
            fetch(f"article {case.url}", case.url, "200 OK",
                  [html(case), ("Content-Length", str(len(body)))], body, case.captured_at)
    fetch("style", f"https://{host}/static/css/main.css", "200 OK",
          [("Content-Type", "text/css")], b"body { margin: 0 }", when)
    # The first article fetched again (linked twice): the same payload, a revisit record.
    again = cases[1]
    fetch(f"again {again.url}", again.url + "?from=main", "200 OK",
          [html(again), ("Content-Length", str(len(again.page.read_bytes())))],
          again.page.read_bytes(), again.captured_at)
    for name, kind in (("MANIFEST.txt", "metadata"), ("wget_arguments.txt", "resource"),
                       ("wget.log", "resource")):
        warc.write(name, f"metadata://gnu.org/software/wget/warc/{name}", kind,
                   b"wget log or manifest\n", content_type="text/plain",
                   warc_headers={"WARC-Date": _warc_date(when), "WARC-Warcinfo-ID": info_id})
    return BuiltWarc(warc.data(), warc.members, cases)
