"""Fetch https://host/path from a local mirror at <mirror>/host/path (tests and demos).

Everything above the download handler (robots.txt, per-host slots, the dupe filter, the stored
URLs) keeps seeing the real site's URLs; only the bytes come from 127.0.0.1.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response


def mirror_url(mirror: str, url: str) -> str:
    """The mirror's URL for a real one: https://www.zakon.kz/a?b -> <mirror>/www.zakon.kz/a?b."""
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{mirror.rstrip('/')}/{parts.netloc}{parts.path or '/'}{query}"


class MirrorDownloadHandler(BaseDownloadHandler):
    """Downloads every http(s) request from DOZOR_SITE_MIRROR instead of the real host."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        mirror = crawler.settings.get("DOZOR_SITE_MIRROR")
        if not mirror:
            raise NotConfigured("DOZOR_SITE_MIRROR is not set")
        self._mirror = str(mirror)
        self._inner = HTTP11DownloadHandler(crawler)

    async def download_request(self, request: Request) -> Response:
        mirrored = request.replace(url=mirror_url(self._mirror, request.url))
        response = await self._inner.download_request(mirrored)
        # replace() copied meta: AutoThrottle reads the latency from the original request.
        if "download_latency" in mirrored.meta:
            request.meta["download_latency"] = mirrored.meta["download_latency"]
        location = response.headers.get(b"Location")
        if location and location.startswith(self._mirror.encode()):
            # A redirect inside the mirror points back into the real site.
            rest = location[len(self._mirror):].decode().lstrip("/")
            response.headers[b"Location"] = f"https://{rest}".encode()
        return response.replace(url=request.url)

    async def close(self) -> None:
        await self._inner.close()
