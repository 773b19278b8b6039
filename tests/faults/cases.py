"""The site faults of the matrix: where a site misbehaves, how, and what the operator must see.

Each fault lives on a host of its own, `<id>.faults.invalid`, served by tests/faults/site.py
through DOZOR_SITE_MIRROR (without a mirror, `.invalid` is a real DNS failure: RFC 6761), so
faults of one source run side by side (one request at a time per host, hosts in parallel).
Faults are grouped into a few sources (tests/faults/sources.py), each declaring one discovery
document or article per fault host: `fault_robots` and `fault_discovery` (nothing readable:
the run fails, each error names its URL and reason), `fault_recovering` (faults Dozor rides
out: the run is ok) and `fault_articles` (one bad article per fault beside healthy ones, as in a
real feed: the run is partial). In phase 1 the sites misbehave; in phase 2 (the re-run) they are
healthy, and every article must then be stored exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.waiting import patience

# DOZOR_DOWNLOAD_TIMEOUT of every case: short, so drips fail fast; scaled, so a healthy answer
# read by a starved crawl on a loaded machine is not timed out. A drip outlasts four of it.
DOWNLOAD_TIMEOUT_S = patience(2.5)
DRIP_S = 4 * DOWNLOAD_TIMEOUT_S
DOMAIN = "faults.invalid"
ARTICLES_PER_SITE = 3  # a healthy discovery host lists /news/1.html … /news/3.html
ARTICLES_HOST = f"articles.{DOMAIN}"
HEALTHY_ARTICLES = 2  # fault_articles' feed also lists two healthy articles on ARTICLES_HOST

WAIT = "nothing: the next run reads it again"
RERUN = "nothing: the next run fetches what is missing; if it persists, ask the site's owner"
REFUSED = "nothing (refused by design); if a real source sends it, look at the site"
DECLARATION = "check the URL in the source's declaration (`crawler/sources/<id>.py`)"


@dataclass(frozen=True, slots=True)
class Fault:
    """One way a site misbehaves and what a user must see of it."""

    id: str  # host label: "feed-500" -> feed-500.faults.invalid
    case: str  # the matrix's wording
    where: str  # robots | feed | sitemap | listing | api | article
    how: str  # the server's behaviour, see tests/faults/site.py
    outcome: str  # discovery: failed | ok; article: failed | rejected | stored | one-of-two
    reason: str  # found in the run's errors, with the URL that misbehaved ("" if none)
    todo: str  # what the operator should do
    kind: str = "fetch"  # the error's kind in crawl_runs.errors

    @property
    def host(self) -> str:
        return "www.gov.kz" if self.where == "api" else f"{self.id}.{DOMAIN}"

    @property
    def url(self) -> str:
        """The URL that misbehaves."""
        if self.where == "api":
            return "https://www.gov.kz/api/v1/public/content-manager/news?projects=eq:faultapi"
        if self.how == "gzip-bomb-raw":
            return f"https://{self.host}/sitemap.xml.gz"
        paths = {"robots": "/robots.txt", "feed": "/rss.xml", "sitemap": "/sitemap.xml",
                 "listing": "/news/", "article": "/news/1.html"}
        return f"https://{self.host}{paths[self.where]}"

    @property
    def source_id(self) -> str:
        return next(source for source, faults in GROUPS.items() if self in faults)

    @property
    def status(self) -> str:
        """The status of its source's run."""
        return GROUP_STATUS[self.source_id]

    @property
    def exit_code(self) -> int:
        """`dozor collect --source` of its source alone: 1 when the run failed."""
        return 1 if self.status in ("failed", "timeout", "killed", "lost") else 0


DISCOVERY_FAULTS = (
    Fault("robots-503", "robots.txt answers 503", "robots", "status:503", "failed",
          "robots.txt answered HTTP 503", RERUN, "robots"),
    Fault("robots-drop", "robots.txt: the connection drops without an answer", "robots",
          "drop", "failed", "robots.txt unreachable", RERUN, "robots"),
    Fault("feed-500", "a feed answers 500 on every try", "feed", "status:500", "failed",
          "HTTP 500", RERUN, "discovery"),
    Fault("feed-503-far", "a feed answers 503 with Retry-After: 3600 (past the 600 s cap)",
          "feed", "status:503:after=3600", "failed", "past the 600 s cap", WAIT, "discovery"),
    Fault("feed-drip", "a feed drips a byte at a time, past the download timeout", "feed",
          "drip", "failed", "DownloadTimeoutError", RERUN, "discovery"),
    Fault("feed-truncated", "a feed is cut off mid-transfer (Content-Length not reached)",
          "feed", "truncated", "failed", "ResponseDataLossError", RERUN, "discovery"),
    Fault("feed-html", "a feed URL answers an HTML page instead of XML", "feed", "malformed",
          "failed", "unparsable feed", DECLARATION, "rejected"),
    Fault("feed-bomb", "a feed is an XML bomb (billion laughs)", "feed", "xml-bomb", "failed",
          "entity declarations refused", REFUSED, "rejected"),
    Fault("feed-xxe", "a feed declares an external entity (XXE: file:///etc/passwd)", "feed",
          "xxe", "failed", "entity declarations refused", REFUSED, "rejected"),
    Fault("feed-empty", "a feed answers 200 with an empty body", "feed", "empty", "failed",
          "unparsable feed", RERUN, "rejected"),
    Fault("feed-loop", "a feed redirects in a loop", "feed", "redirect-loop", "failed",
          "redirect loop", DECLARATION, "discovery"),
    Fault("sitemap-bomb", "a sitemap.xml.gz is a gzip bomb (64 MB of zeros)", "sitemap",
          "gzip-bomb-raw", "failed", "gzip bomb", REFUSED, "rejected"),
    Fault("sitemap-broken", "a sitemap is not XML at all", "sitemap", "malformed", "failed",
          "unparsable sitemap", RERUN, "rejected"),
    Fault("listing-404", "a listing page answers 404", "listing", "status:404", "failed",
          "HTTP 404", DECLARATION, "discovery"),
    Fault("api-json", "a JSON API page (gov.kz news) that is not JSON", "api", "malformed",
          "failed", "not JSON", RERUN, "rejected"),
    Fault("feed-429", "a feed answers 429 with Retry-After: 1, then the feed", "feed",
          "retry-after:1", "ok", "", "nothing: Dozor waited as asked"),
    Fault("feed-503-backoff", "a feed answers 503 twice without Retry-After, then the feed",
          "feed", "backoff:2", "ok", "", "nothing: Dozor backed off and asked again"),
    Fault("feed-chain", "a feed redirects through a chain of 3", "feed", "redirect-chain", "ok",
          "", "nothing; point the declaration at the final URL when convenient"),
    Fault("feed-cp1251", "a feed in windows-1251 without a declaration, served as UTF-8",
          "feed", "cp1251", "ok", "", "nothing: the encoding is detected"),
    Fault("listing-broken", "a listing page with broken HTML (unclosed tags, stray bytes)",
          "listing", "broken-html", "ok", "", "nothing"),
    Fault("robots-404", "robots.txt answers 404", "robots", "status:404", "ok", "",
          "nothing: no robots.txt means no rules (RFC 9309)"),
)

ARTICLE_FAULTS = (
    Fault("a-503", "an article answers 503 on every try", "article", "status:503", "failed",
          "HTTP 503", RERUN),
    Fault("a-404", "an article answers 404", "article", "status:404", "failed", "HTTP 404",
          "nothing: a dead link (asked again while a feed lists it)"),
    Fault("a-429", "an article answers 429 with Retry-After: 1, then the page", "article",
          "retry-after:1", "stored", "", "nothing: Dozor waited as asked"),
    Fault("a-drip", "an article drips past the download timeout", "article", "drip", "failed",
          "DownloadTimeoutError", RERUN),
    Fault("a-truncated", "an article's body is cut off mid-transfer", "article", "truncated",
          "failed", "ResponseDataLossError", RERUN),
    Fault("a-drop", "an article's connection drops without an answer", "article", "drop",
          "failed", "DownloadFailedError", RERUN),
    Fault("a-loop", "an article redirects in a loop", "article", "redirect-loop", "failed",
          "redirect loop", "nothing: counted failed, with the loop in the run's errors"),
    Fault("a-chain", "an article redirects through a chain of 3", "article", "redirect-chain",
          "stored", "", "nothing: stored once, under the URL the feed gave"),
    Fault("a-huge", "a 50 MB article page", "article", "huge", "rejected",
          "larger than DOWNLOAD_MAXSIZE", REFUSED, "rejected"),
    Fault("a-bomb", "an article page that is a gzip bomb (64 MB of zeros)", "article",
          "gzip-bomb", "rejected", "larger than DOWNLOAD_MAXSIZE", REFUSED, "rejected"),
    Fault("a-cp1251", "an article in windows-1251 labelled UTF-8", "article", "cp1251",
          "stored", "", "nothing: the encoding is detected"),
    Fault("a-empty", "an article answers 200 with an empty body", "article", "empty", "stored",
          "", "nothing: stored as 'empty'; asked again 6 h later, for 3 days"),
    Fault("a-broken", "an article with broken HTML (unclosed tags, a NUL byte)", "article",
          "broken-html", "stored", "", "nothing"),
    Fault("a-dup", "two feed links, one redirecting to the other's page", "article",
          "duplicate", "one-of-two", "", "nothing: the page is stored once"),
)


def _with(*ids: str) -> tuple[Fault, ...]:
    return tuple(f for f in DISCOVERY_FAULTS if f.id in ids)


# The test sources and the faults they are made of; a source's faults share its run.
GROUPS: dict[str, tuple[Fault, ...]] = {
    # The sitemap bomb sits with the robots faults: inflating it takes the crawl's thread for
    # a second, which AutoThrottle reads as a slow site and then paces the other hosts by.
    "fault_robots": _with("robots-503", "robots-drop", "sitemap-bomb"),
    "fault_discovery": tuple(f for f in DISCOVERY_FAULTS if f.outcome == "failed"
                             and f.where != "robots" and f.id != "sitemap-bomb"),
    "fault_recovering": tuple(f for f in DISCOVERY_FAULTS if f.outcome == "ok"),
    "fault_articles": ARTICLE_FAULTS,
}
GROUP_STATUS = {"fault_robots": "failed", "fault_discovery": "failed",
                "fault_recovering": "ok", "fault_articles": "partial"}
ALL_FAULTS = (*DISCOVERY_FAULTS, *ARTICLE_FAULTS)


def by_host(host: str) -> Fault | None:
    """The fault served on a host."""
    return next((f for f in ALL_FAULTS if f.host == host and f.where != "api"), None)


def article_urls(source_id: str) -> set[str]:
    """The canonical URLs of every article a healthy site gives a source."""
    if source_id == "fault_articles":
        return ({f.url for f in ARTICLE_FAULTS}
                | {f"https://{ARTICLES_HOST}/news/{n}.html" for n in
                   range(1, HEALTHY_ARTICLES + 1)})
    urls = set()
    for fault in GROUPS[source_id]:
        if fault.where == "api":
            urls |= {f"https://www.gov.kz/memleket/entities/faultapi/press/news/details/{n}"
                     "?lang=ru" for n in range(1, ARTICLES_PER_SITE + 1)}
        else:
            urls |= {f"https://{fault.host}/news/{n}.html"
                     for n in range(1, ARTICLES_PER_SITE + 1)}
    return urls
