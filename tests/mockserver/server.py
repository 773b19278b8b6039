"""A real HTTP server for crawl tests: saved sites under their real paths, plus failure endpoints.

Run as `python -m tests.mockserver.server [--port 0]`; it prints its base URL on the first line.
Saved sites live in tests/fixtures/sites/<source_id>/<host>/<path>; a request for
`/<host>/<path>?<query>` is served from that file, with these conventions:
  - a path ending in `/` is served from `index.html` in that folder;
  - a query string is part of the file name after `@`: `news/index.html@p=2&type=list`;
  - `<file>.headers.json` beside a file sets extra response headers (a lying charset, say);
  - `<file>#<language>` is served first to a request whose Accept-Language starts with that
    language (gov.kz's news API answers ru and kk on one URL, by Accept-Language);
  - a host saved by several sources (www.gov.kz, one folder per agency) is looked up in each.
ETag and Last-Modified are sent for every file, and If-None-Match / If-Modified-Since answered
with 304, as real feeds do. In `.headers.json`, a header set to null is not sent (a page with an
ETag only), and `":conditional": "exact"` answers 304 only to the very ETag or Last-Modified
sent, as nginx does by default (`if_modified_since exact`): a fetch time is no validator there.
Host web.archive.org answers like the Wayback Machine's CDX server and captures
(tests/mockserver/wayback.py). Failure endpoints live under the pseudo-host `/_fail/` and any
host `fail.<name>`
(`https://fail.polite.test/retry-after/a?key=a&fail=1&after=2`); a host
`<failure>.fail.test` fails every path, robots.txt included (`drop.fail.test`). `GET /_log`
lists every request: path, User-Agent, conditional headers, status and times.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import mimetypes
import re
import socket
import sys
import threading
import time
import zlib
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, unquote, urlsplit

from tests.mockserver.wayback import capture_answer, cdx_answer

SITES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "sites"
# Every saved file claims this modification time, so validators are stable across checkouts.
FIXED_MTIME = 1766716080.0  # 2025-12-26 02:28 UTC

mimetypes.add_type("application/rss+xml", ".rss")
mimetypes.add_type("application/xml", ".xml")


def host_folders(sites_dir: Path = SITES_DIR) -> dict[str, list[Path]]:
    """Every saved host's folders, from tests/fixtures/sites/<source_id>/<host>/."""
    hosts: dict[str, list[Path]] = {}
    if sites_dir.is_dir():
        for source_dir in sorted(p for p in sites_dir.iterdir() if p.is_dir()):
            for host_dir in sorted(p for p in source_dir.iterdir() if p.is_dir()):
                hosts.setdefault(host_dir.name, []).append(host_dir)
    return hosts


def fixture_file(host_dir: Path, path: str, query: str, language: str = "") -> Path | None:
    """The saved file for a path, query and language under a host folder, or None."""
    relative = unquote(path).lstrip("/")
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    candidate = host_dir / relative
    if query:
        candidate = candidate.with_name(f"{candidate.name}@{query}")
    try:
        candidate.resolve().relative_to(host_dir.resolve())
    except ValueError:
        return None  # ../ outside the saved site
    by_language = candidate.with_name(f"{candidate.name}#{language}") if language else None
    if by_language is not None and by_language.is_file():
        return by_language
    return candidate if candidate.is_file() else None


def sniffed_type(body: bytes) -> str:
    """The content type of a saved file without an extension, from its first bytes."""
    # Many real URLs have no extension (/rss, /ru/xml-karta, /s/POLICE_of_KZ, the gov.kz API)
    # while their servers send a proper type; the saved copy keeps the URL, so look inside.
    head = body[:512].lstrip().lower()
    if head.startswith((b"{", b"[")):
        return "application/json"
    if head.startswith((b"<?xml", b"<rss", b"<urlset", b"<sitemapindex", b"<feed")):
        return "application/xml"
    if head.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    return "application/octet-stream"


def primary_language(accept_language: str | None) -> str:
    """The first language tag of an Accept-Language header ("kk", "ru"), or ""."""
    tag = (accept_language or "").split(",")[0].split(";")[0].strip().lower()
    return tag if re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{1,8})*", tag) else ""


class Handler(BaseHTTPRequestHandler):
    """Serves saved sites and failure endpoints."""

    protocol_version = "HTTP/1.1"
    # Shared by every request thread: the server is one process per test session.
    hosts: ClassVar[dict[str, list[Path]]] = {}
    counters: ClassVar[dict[str, int]] = {}
    lock = threading.Lock()
    request_log: ClassVar[list[dict[str, object]]] = []
    _entry: dict[str, object] | None = None  # this request's log entry, completed by _send

    def log_message(self, format: str, *args: object) -> None:
        pass  # the request log endpoint is quieter and testable

    def _count(self, key: str) -> int:
        with self.lock:
            self.counters[key] = self.counters.get(key, 0) + 1
            return self.counters[key]

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        merged = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
        for name, value in merged.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            if self.command != "HEAD":
                self.wfile.write(body)
        finally:
            self._logged(status)

    def _logged(self, status: int) -> None:
        """Complete this request's log entry: what was answered, and when the answer ended."""
        entry = self._entry
        if entry is not None:
            with self.lock:
                entry.update({"status": status, "t_end": time.time()})
            self._entry = None

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        parts = urlsplit(self.path)
        if parts.path.endswith("/api/v1/public/_/c/k6"):
            # gov.kz's ticket: the news API needs this cookie afterwards (sources.md, 2026-09).
            self._log()
            self._send(200, b"{}", {"Content-Type": "application/json",
                                    "Set-Cookie": "k6ticket=granted; Path=/"})
            return
        self.do_GET()

    def _log(self) -> None:
        with self.lock:
            self.request_log.append({"t": time.time(), "method": self.command, "path": self.path,
                                     "ua": self.headers.get("User-Agent", ""),
                                     "cookie": self.headers.get("Cookie", ""),
                                     "accept_language": self.headers.get("Accept-Language", ""),
                                     # Conditional requests: a daily pass re-reads feeds this way.
                                     "if_none_match": self.headers.get("If-None-Match", ""),
                                     "if_modified_since":
                                         self.headers.get("If-Modified-Since", "")})
            self._entry = self.request_log[-1]

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/_log":
            with self.lock:
                body = json.dumps(self.request_log).encode()
            self._send(200, body, {"Content-Type": "application/json"})
            return
        self._log()
        segments = parts.path.lstrip("/").split("/", 1)
        host, rest = segments[0], "/" + (segments[1] if len(segments) > 1 else "")
        if host == "_fail" or host.startswith("fail."):
            self._failure(rest, parse_qs(parts.query))
            return
        if host.endswith(".fail.test"):
            # A whole host misbehaving on every path, robots.txt included: drop.fail.test.
            self._failure("/" + host.split(".")[0], parse_qs(parts.query))
            return
        if host == "web.archive.org" and rest.startswith(("/cdx/", "/web/")):
            self._wayback(rest, parts.query)
            return
        host_dirs = self.hosts.get(host)
        if not host_dirs:
            message = f"no saved site for host {host}".encode()
            self._send(404, message, {"Content-Type": "text/plain"})
            return
        cookie = self.headers.get("Cookie") or ""
        if host == "www.gov.kz" and "content-manager/news" in rest and "k6ticket" not in cookie:
            # Since 2026 the news API refuses a session that skipped the k6 ticket POST.
            self._send(400, b'{"error":"notAllowed"}', {"Content-Type": "application/json"})
            return
        language = primary_language(self.headers.get("Accept-Language"))
        path = next((found for host_dir in host_dirs
                     if (found := fixture_file(host_dir, rest, parts.query, language))), None)
        if path is None:
            self._send(404, b"<html><body>Not found</body></html>")
            return
        self._serve_file(path)

    def _serve_file(self, path: Path) -> None:
        body = path.read_bytes()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        extra_file = path.with_name(path.name + ".headers.json")
        extra = json.loads(extra_file.read_text("utf-8")) if extra_file.is_file() else {}
        # ":status" answers another status with the file (a 301 with its Location, say);
        # a "Last-Modified" of its own stands for a page edited after the others.
        status = int(extra.pop(":status", 200))
        exact = extra.pop(":conditional", "") == "exact"
        last_modified = extra.get("Last-Modified", formatdate(FIXED_MTIME, usegmt=True))
        if "ETag" in extra:
            etag = extra["ETag"]
        if status == 200 and etag and self.headers.get("If-None-Match") == etag:
            self._send(304, b"", {"ETag": etag})
            return
        since = self.headers.get("If-Modified-Since")
        if status == 200 and since and last_modified and not self.headers.get("If-None-Match"):
            try:
                if (since == last_modified if exact else
                        parsedate_to_datetime(since) >= parsedate_to_datetime(last_modified)):
                    self._send(304, b"", {k: v for k, v in (("Last-Modified", last_modified),
                                                           ("ETag", etag)) if v})
                    return
            except (TypeError, ValueError):
                pass
        name = path.name.split("@", 1)[0]
        content_type = mimetypes.guess_type(name)[0] or sniffed_type(body)
        if content_type.startswith("text/") or content_type.endswith("xml"):
            content_type += "; charset=utf-8"
        headers = {"Content-Type": content_type, "ETag": etag, "Last-Modified": last_modified}
        if name.endswith(".gz"):
            headers["Content-Type"] = "application/x-gzip"
        headers.update(extra)
        self._send(status, body, {k: v for k, v in headers.items() if v is not None})

    def _wayback(self, rest: str, query: str) -> None:
        """The Wayback Machine's CDX server and captures (tests/mockserver/wayback.py)."""
        if rest.startswith("/cdx/"):
            status, body, content_type = cdx_answer(parse_qs(query))
            self._send(status, body, {"Content-Type": content_type})
        else:
            status, body, headers = capture_answer(rest + (f"?{query}" if query else ""))
            self._send(status, body, headers)

    def _failure(self, rest: str, query: dict[str, list[str]]) -> None:
        """Endpoints that misbehave the way real servers do; a client hanging up is no error."""
        try:
            self._misbehave(rest.strip("/").split("/")[0], query)
        except ConnectionError:  # the crawler gave up on a huge body: what it should do
            self.close_connection = True
            self._logged(0)

    def _misbehave(self, kind: str, query: dict[str, list[str]]) -> None:
        """One failure endpoint, named by the first path segment (the rest of the path is free)."""
        def arg(name: str, default: str) -> str:
            return query.get(name, [default])[0]

        if kind == "status":
            # ?n=503 and, when given, ?after=N as a Retry-After header.
            headers = {"Retry-After": arg("after", "")} if "after" in query else {}
            self._send(int(arg("n", "503")), b"<html><body>error</body></html>", headers)
        elif kind == "delay":
            time.sleep(float(arg("n", "5")))
            self._send(200, b"<html><body>late</body></html>")
        elif kind == "drop":
            self._hang_up()
        elif kind == "partial":
            # Promises 100000 bytes, sends 1012, hangs up: a cut-off transfer.
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"<html><body>" + b"x" * 1000)
            self._hang_up()
        elif kind == "huge":
            # With a Content-Length: the crawler can refuse it from the headers alone.
            megabytes = int(arg("mb", "50"))
            self._send(200, b"<html><body>" + b"a" * (megabytes * 1024 * 1024) + b"</body></html>")
        elif kind == "stream":
            # The same size with no Content-Length: the crawler must count as it reads.
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            self.wfile.write(b"<html><body>")
            for _ in range(int(arg("mb", "50"))):
                self.wfile.write(b"a" * (1024 * 1024))
            self._logged(200)
        elif kind == "gzip-bomb":
            # ?mb= of zeros gzipped (1 GB -> ~1 MB on the wire). By default a gzip-encoded page;
            # ?raw=1 serves the gzip file itself, as a sitemap.xml.gz is served.
            bomb = self._gzip_bomb(int(arg("mb", "1024")))
            if arg("raw", "") == "1":
                self._send(200, bomb, {"Content-Type": "application/x-gzip"})
            else:
                self._send(200, bomb, {"Content-Encoding": "gzip"})
        elif kind == "retry-after":
            # The first `fail` requests for this key get 429 + Retry-After, then a short article.
            key = arg("key", "default")
            fails = int(arg("fail", "1"))
            if self._count(f"retry-after:{key}") <= fails:
                self._send(429, b"slow down", {"Retry-After": arg("after", "1")})
            else:
                self._send(200, retry_after_article(key))
        else:
            self._send(404, b"unknown failure endpoint")

    def _hang_up(self) -> None:
        """Close the connection now; shutdown() sends the FIN that close() alone would not
        while rfile and wfile still hold the socket."""
        self.close_connection = True
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)
        self.connection.close()
        self._logged(0)

    bombs: ClassVar[dict[int, bytes]] = {}  # gzip bombs by size, made once

    def _gzip_bomb(self, megabytes: int) -> bytes:
        """`megabytes` MB of zeros, gzipped in chunks (never whole in memory), made once."""
        with self.lock:
            if megabytes not in self.bombs:
                packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
                zeros = b"\0" * (1024 * 1024)
                parts = [packer.compress(zeros) for _ in range(megabytes)]
                self.bombs[megabytes] = b"".join(parts) + packer.flush()
            return self.bombs[megabytes]


def retry_after_article(key: str) -> bytes:
    """The page a Retry-After endpoint serves once it stops refusing: a short dated article."""
    return f"""<!doctype html><html lang="ru"><head><meta charset="utf-8">
<title>Статья после ожидания {key}</title>
<meta property="article:published_time" content="2025-12-26T10:00:00+05:00"></head>
<body><article><h1>Статья после ожидания {key}</h1>
<p>Сервер просил подождать, и краулер подождал столько, сколько было сказано в
заголовке Retry-After, прежде чем снова запросить эту страницу.</p>
<p>Вежливый сборщик новостей не спешит: он соблюдает паузы между запросами к одному сайту,
читает robots.txt и не возвращается раньше времени, когда сервер перегружен.</p>
</article></body></html>""".encode()


def serve(port: int = 0, sites_dir: Path = SITES_DIR) -> ThreadingHTTPServer:
    """Start the server in this process (for in-process use); returns it once listening."""
    Handler.hosts = host_folders(sites_dir)
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    return server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--sites", type=Path, default=SITES_DIR,
                        help="Serve these saved sites (a test's own, to change between runs).")
    args = parser.parse_args()
    server = serve(args.port, args.sites)
    host, port = server.server_address[:2]
    print(f"http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
