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
with 304, as real feeds do. Failure endpoints live under the pseudo-host `/_fail/`.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import mimetypes
import re
import sys
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

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


def primary_language(accept_language: str | None) -> str:
    """The first language tag of an Accept-Language header ("kk", "ru"), or ""."""
    tag = (accept_language or "").split(",")[0].split(";")[0].strip().lower()
    return tag if re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{1,8})*", tag) else ""


class Handler(BaseHTTPRequestHandler):
    """Serves saved sites and failure endpoints."""

    protocol_version = "HTTP/1.1"
    hosts: dict[str, list[Path]] = {}
    counters: dict[str, int] = {}
    lock = threading.Lock()
    request_log: list[dict[str, object]] = []

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib's name
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
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        self.do_GET()

    def do_POST(self) -> None:  # noqa: N802
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
                                     "accept_language": self.headers.get("Accept-Language", "")})

    def do_GET(self) -> None:  # noqa: N802
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
        host_dirs = self.hosts.get(host)
        if not host_dirs:
            self._send(404, f"no saved site for host {host}".encode(), {"Content-Type": "text/plain"})
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
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'  # noqa: S324 - a cache key
        last_modified = formatdate(FIXED_MTIME, usegmt=True)
        if self.headers.get("If-None-Match") == etag:
            self._send(304, b"", {"ETag": etag})
            return
        since = self.headers.get("If-Modified-Since")
        if since and not self.headers.get("If-None-Match"):
            try:
                if parsedate_to_datetime(since).timestamp() >= FIXED_MTIME:
                    self._send(304, b"", {"Last-Modified": last_modified})
                    return
            except (TypeError, ValueError):
                pass
        name = path.name.split("@", 1)[0]
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith("xml"):
            content_type += "; charset=utf-8"
        headers = {"Content-Type": content_type, "ETag": etag, "Last-Modified": last_modified}
        if name.endswith(".gz"):
            headers["Content-Type"] = "application/x-gzip"
        extra = path.with_name(path.name + ".headers.json")
        if extra.is_file():
            headers.update(json.loads(extra.read_text("utf-8")))
        self._send(200, body, headers)

    def _failure(self, rest: str, query: dict[str, list[str]]) -> None:
        """Endpoints that misbehave the way real servers do."""
        def arg(name: str, default: str) -> str:
            return query.get(name, [default])[0]

        kind = rest.strip("/").split("/")[0]
        if kind == "status":
            self._send(int(arg("n", "503")), b"<html><body>error</body></html>")
        elif kind == "delay":
            time.sleep(float(arg("n", "5")))
            self._send(200, b"<html><body>late</body></html>")
        elif kind == "drop":
            self.close_connection = True
            self.wfile.flush()
            self.connection.close()
        elif kind == "partial":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"<html><body>" + b"x" * 1000)
            self.wfile.flush()
            self.connection.close()
        elif kind == "huge":
            megabytes = int(arg("mb", "50"))
            self._send(200, b"<html><body>" + b"a" * (megabytes * 1024 * 1024) + b"</body></html>")
        elif kind == "gzip-bomb":
            # 1 GB of zeros served as a gzip-encoded page: ~1 MB on the wire.
            bomb = gzip.compress(b"\0" * (1024 * 1024 * 1024), compresslevel=9)
            self._send(200, bomb, {"Content-Encoding": "gzip"})
        elif kind == "retry-after":
            # The first `fail` requests for this key get 429 + Retry-After, then 200.
            key = arg("key", "default")
            fails = int(arg("fail", "1"))
            if self._count(f"retry-after:{key}") <= fails:
                self._send(429, b"slow down", {"Retry-After": arg("after", "1")})
            else:
                self._send(200, b"<html><body>ok after waiting</body></html>")
        else:
            self._send(404, b"unknown failure endpoint")


def serve(port: int = 0, sites_dir: Path = SITES_DIR) -> ThreadingHTTPServer:
    """Start the server in this process (for in-process use); returns it once listening."""
    Handler.hosts = host_folders(sites_dir)
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    return server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = serve(args.port)
    host, port = server.server_address[:2]
    print(f"http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
