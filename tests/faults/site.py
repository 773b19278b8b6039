"""The fault site: a real HTTP server whose hosts each misbehave one way (tests/faults/cases.py).

Run as `python -m tests.faults.site [--port 0]`; it prints its base URL on the first line and is
reached through DOZOR_SITE_MIRROR as `<base>/<host>/<path>`, like tests/mockserver/server.py,
whose handler it extends (saved sites and failure endpoints stay available). `GET /_phase/2`
makes every host healthy (the re-run); `GET /_phase/1` brings the faults back.

A healthy host serves robots.txt, /rss.xml, /sitemap.xml, a listing /news/ and articles
/news/<n>.html. The articles are built here: Russian news-like texts on fraud cases, one title
per host and number, so a test can tell every stored row apart.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from email.utils import formatdate
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

from tests.faults.cases import (
    ARTICLE_FAULTS,
    ARTICLES_HOST,
    ARTICLES_PER_SITE,
    DISCOVERY_FAULTS,
    DOMAIN,
    DRIP_S,
    HEALTHY_ARTICLES,
    Fault,
    by_host,
)
from tests.mockserver.server import Handler, serve
from tests.waiting import patience

PUBLISHED = "2025-12-26T10:00:00+05:00"
API_PROJECT = "faultapi"  # the gov.kz-like API fault: www.gov.kz news of this project
XML_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<rss version="2.0"><channel><title>&d;</title></channel></rss>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title>
<item><title>&secret;</title><link>https://%s/news/1.html</link></item></channel></rss>"""


# Healthy hosts whose crawls must last a few seconds in phase 1 (to be killed, stopped or have
# their database taken away midway): more articles, each answered after a delay.
FAST_HOSTS = ("down", "dns", "race", "db-late", "warc", "warc-tmpfs", "start")
SLOW_ARTICLES = 12
# A restart of PostgreSQL must happen well inside one run, however loaded the machine.
PROCESS_ARTICLES = 40
SLOW_DELAY_S = 0.5
# The process faults share one site, each case's run stopping early. Its articles come at a
# wall-clock pace while stopping a run takes CPU: under load 20 the first three cases used up
# 40 articles. So more of them, each answered after a scaled delay: enough for all the cases.
PROCS_ARTICLES = 100
PROCS_DELAY_S = patience(SLOW_DELAY_S)


def is_slow(host: str) -> bool:
    """Healthy hosts of the process, database and disk faults (tests/faults/sources.py)."""
    label = host.split(".")[0]
    return host.endswith(DOMAIN) and label not in FAST_HOSTS and by_host(host) is None and (
        host != ARTICLES_HOST)


def article_count(host: str) -> int:
    """How many articles a host serves (/news/1.html …)."""
    if host == ARTICLES_HOST:
        return HEALTHY_ARTICLES
    if host in {f.host for f in ARTICLE_FAULTS}:
        return 1
    if host == f"procs.{DOMAIN}":
        return PROCS_ARTICLES
    if host == f"db-restart.{DOMAIN}":
        return PROCESS_ARTICLES
    return SLOW_ARTICLES if is_slow(host) else ARTICLES_PER_SITE


def feed_links(host: str) -> list[tuple[str, str]]:
    """(URL, title) of the articles a host's feed, sitemap and listing give."""
    own = [(f"https://{host}/news/{n}.html", article_title(host, n))
           for n in range(1, article_count(host) + 1)]
    if host != ARTICLES_HOST:
        return own
    # fault_articles' feed: one article on each article-fault host, then the healthy ones.
    return [(f.url, article_title(f.host, 1)) for f in ARTICLE_FAULTS] + own


def article_title(host: str, number: int) -> str:
    """The title of one built article: its host label and number make it unique."""
    return f"Мошенники выманили деньги: дело {host.split('.')[0]} номер {number}"


def article_paragraphs(number: int) -> list[str]:
    """The text of a built article (not a real one): a Russian news text on a fraud case."""
    return [
        f"Полиция сообщила о новом случае интернет-мошенничества, дело номер {number}.",
        "Злоумышленники звонили жителям от имени сотрудников банка, убеждали назвать код из"
        " сообщения и переводили сбережения на подставные карты дропперов.",
        "В отношении подозреваемых начато досудебное расследование по статье 190 Уголовного"
        " кодекса. Ущерб превысил два миллиона тенге; проверяются и другие эпизоды.",
        "Полицейские напоминают: сотрудники банков никогда не просят назвать код из SMS и не"
        " предлагают перевести деньги на безопасный счет.",
    ]


def article_html(host: str, number: int) -> str:
    """A built article page, dated."""
    title = article_title(host, number)
    body = "".join(f"<p>{p}</p>" for p in article_paragraphs(number))
    return (f'<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="article:published_time" content="{PUBLISHED}"></head>'
            f"<body><article><h1>{title}</h1>{body}</article></body></html>")


def feed_xml(host: str) -> str:
    items = "".join(
        f"<item><title>{title}</title><link>{url}</link>"
        f"<pubDate>Fri, 26 Dec 2025 10:{n:02d}:00 +0500</pubDate></item>"
        for n, (url, title) in enumerate(feed_links(host), start=1))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{host}</title><link>https://{host}/</link>{items}</channel></rss>")


def sitemap_xml(host: str) -> str:
    urls = "".join(f"<url><loc>{url}</loc><lastmod>{PUBLISHED}</lastmod></url>"
                   for url, _ in feed_links(host))
    return ('<?xml version="1.0" encoding="utf-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')


def listing_html(host: str) -> str:
    links = "".join(f'<li><a href="{url}">{title}</a><time>26.12.2025 10:{n:02d}</time></li>'
                    for n, (url, title) in enumerate(feed_links(host), start=1))
    return f'<!doctype html><html lang="ru"><body><ul class="news">{links}</ul></body></html>'


def api_json(page: int) -> str:
    """A page of the gov.kz-like news API: a bare JSON list, [] past the first page."""
    if page > 0:
        return "[]"
    return json.dumps([
        {"id": n, "title": article_title("api-json", n), "created_date": f"2025-12-26T0{n}:00:00Z",
         "body": "".join(f"<p>{p}</p>" for p in article_paragraphs(n))}
        for n in range(1, ARTICLES_PER_SITE + 1)], ensure_ascii=False)


class FaultHandler(Handler):
    """The mock server's handler, plus the fault hosts and the phase switch."""

    phase: ClassVar[int] = 1

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path.startswith("/_phase/"):
            with self.lock:
                FaultHandler.phase = int(parts.path.rsplit("/", 1)[1])
                self.counters.clear()
            self._send(200, b"ok", {"Content-Type": "text/plain"})
            return
        host, _, rest = parts.path.lstrip("/").partition("/")
        rest = "/" + rest
        if host.endswith("." + DOMAIN):
            self._log()
            self._fault_site(host, rest, parse_qs(parts.query))
            return
        if host == "www.gov.kz" and f"projects=eq:{API_PROJECT}" in parts.query:
            self._log()
            page = int(parse_qs(parts.query).get("page", ["0"])[0])
            fault = next(f for f in DISCOVERY_FAULTS if f.where == "api")
            self._answer(fault if self.phase == 1 else None, "api",
                         api_json(page).encode(), "application/json", host, rest)
            return
        super().do_GET()

    # -- the fault hosts ---------------------------------------------------------------

    def _fault_site(self, host: str, path: str, query: dict[str, list[str]]) -> None:
        fault = by_host(host) if self.phase == 1 else None
        chained = path.startswith("/r/")
        if chained:  # a redirect chain: /r/<k>/<path>, served at its end
            hop, _, target = path[3:].partition("/")
            if int(hop) < 3:
                self._redirect(f"https://{host}/r/{int(hop) + 1}/{target}")
                return
            path, fault = "/" + target, None
        where, body, content_type = self._content(host, path)
        if body is None:
            self._send(404, b"<html><body>Not found</body></html>")
            return
        if fault is not None and fault.where != where:
            fault = None
        if "loop" in query and fault is not None and fault.how == "redirect-loop":
            self._redirect(f"https://{host}{path}")
            return
        if where == "article" and is_slow(host) and self.phase == 1:
            time.sleep(PROCS_DELAY_S if host == f"procs.{DOMAIN}" else SLOW_DELAY_S)
        self._answer(fault, where, body, content_type, host, path)

    def _content(self, host: str, path: str) -> tuple[str, bytes | None, str]:
        """What a healthy host serves at `path`: (kind, body, content type)."""
        if path == "/robots.txt":
            return "robots", b"User-agent: *\nAllow: /\n", "text/plain"
        if path == "/rss.xml":
            return "feed", feed_xml(host).encode(), "application/rss+xml; charset=utf-8"
        if path in ("/sitemap.xml", "/sitemap.xml.gz"):
            return "sitemap", sitemap_xml(host).encode(), "application/xml; charset=utf-8"
        if path == "/news/":
            return "listing", listing_html(host).encode(), "text/html; charset=utf-8"
        if path.startswith("/news/") and path.endswith(".html"):
            number = path.rsplit("/", 1)[1].removesuffix(".html")
            if number.isdigit() and 1 <= int(number) <= article_count(host):
                html = article_html(host, int(number))
                return "article", html.encode(), "text/html; charset=utf-8"
        return "", None, ""

    def _answer(self, fault: Fault | None, where: str, body: bytes, content_type: str,
                host: str, path: str) -> None:
        """Serve `body`, or misbehave as `fault` says."""
        headers = {"Content-Type": content_type,
                   "Last-Modified": formatdate(1766716080.0, usegmt=True)}
        how = fault.how if fault else ""
        kind, _, arg = how.partition(":")
        key = f"{host}{path}"
        try:
            if kind == "status":
                status, _, after = arg.partition(":after=")
                self._send(int(status), b"<html><body>error</body></html>",
                           {"Retry-After": after} if after else {})
            elif kind == "retry-after" and self._count(key) == 1:
                self._send(429, b"slow down", {"Retry-After": arg})
            elif kind == "backoff" and self._count(key) <= int(arg):
                self._send(503, b"<html><body>busy</body></html>")
            elif kind == "drip":
                self._drip(body, headers)
            elif kind == "truncated":
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body) + 5000))
                self.end_headers()
                self.wfile.write(body)
                self._hang_up()
            elif kind == "drop":
                self._hang_up()
            elif kind == "redirect-loop":
                self._redirect(f"https://{host}{path}?loop=1")
            elif kind == "redirect-chain":
                self._redirect(f"https://{host}/r/1{path}")
            elif kind == "duplicate":
                self._redirect(f"https://{ARTICLES_HOST}/news/1.html")
            elif kind in ("huge", "gzip-bomb"):
                self._misbehave(kind, {"mb": ["50" if kind == "huge" else "64"]})
            elif kind == "gzip-bomb-raw":
                self._send(200, self._gzip_bomb(64), {"Content-Type": "application/x-gzip"})
            elif kind == "cp1251":
                text = body.decode("utf-8").replace('<meta charset="utf-8">', "")
                text = text.replace(' encoding="utf-8"', "")
                self._send(200, text.encode("cp1251"), headers)
            elif kind == "empty":
                self._send(200, b"", headers)
            elif kind == "broken-html":
                broken = body.replace(b"</p>", b"").replace(b"</article>", b"<div><span>")
                self._send(200, broken.replace(b"<p>", b"<p>\x00<", 1) + b"\xff<<", headers)
            elif kind == "malformed":
                self._send(200, *self._malformed(where))
            elif kind == "xml-bomb":
                self._send(200, XML_BOMB, headers)
            elif kind == "xxe":
                self._send(200, XXE % host.encode(), headers)
            else:
                self._send(200, body, headers)
        except (ConnectionError, OSError):  # the crawler hung up first: what it should do
            self.close_connection = True
            self._logged(0)

    @staticmethod
    def _malformed(where: str) -> tuple[bytes, dict[str, str]]:
        if where == "api":
            return b'{"content": [{"id": 1, "title": "cut', {"Content-Type": "application/json"}
        if where == "sitemap":
            return b"Service temporarily unavailable", {"Content-Type": "application/xml"}
        return (b"<html><body><h1>Our feed has moved</h1></body></html>",
                {"Content-Type": "application/rss+xml"})

    def _redirect(self, location: str) -> None:
        self._send(302, b"", {"Location": location})

    def _drip(self, body: bytes, headers: dict[str, str]) -> None:
        """The right headers, then 30 bytes over DRIP_S: slower than the cases' download timeout."""
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for byte in body[:30]:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(DRIP_S / 30)
        self._hang_up()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = serve(args.port)
    server.RequestHandlerClass = FaultHandler
    host, port = server.server_address[:2]
    print(f"http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
