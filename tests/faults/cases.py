"""The site faults of the matrix: where a site misbehaves, how, and what the operator must see.

Each fault lives on a host of its own, `<id>.faults.invalid`, served by tests/faults/site.py
through DOZOR_SITE_MIRROR (without a mirror, `.invalid` is a real DNS failure: RFC 6761). A
discovery fault gets a source of its own (`fault_<id>`, tests/faults/sources.py), whose run
shows it; article faults share one source, `fault_articles`, one article each, beside healthy
ones, as one bad page among good ones in a real feed. In phase 1 the sites misbehave; in phase
2 (the re-run) they are healthy, and every article must then be stored exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass

DOMAIN = "faults.invalid"
ARTICLES_PER_SITE = 3  # a healthy site's feed: /news/1.html … /news/3.html


@dataclass(frozen=True, slots=True)
class Fault:
    """One way a site misbehaves and what a user must see of it."""

    id: str  # host label: "feed-500" -> feed-500.faults.invalid, source fault_feed_500
    case: str  # the matrix's wording
    where: str  # robots | feed | sitemap | listing | api | article
    how: str  # the server's behaviour, see tests/faults/site.py
    status: str  # the run's status when this is the source's only fault
    reason: str  # found in the run's errors, with the URL that misbehaved
    todo: str  # what the operator should do
    kind: str = "fetch"  # the error's kind in crawl_runs.errors

    @property
    def host(self) -> str:
        return f"{self.id}.{DOMAIN}"

    @property
    def source_id(self) -> str:
        return "fault_" + self.id.replace("-", "_")

    @property
    def exit_code(self) -> int:
        """`dozor collect --source` of this source alone: 1 when it failed."""
        return 1 if self.status in ("failed", "timeout", "killed", "lost") else 0


WAIT = "nothing: the next run reads it again"
RERUN = "nothing: the next run fetches what is missing; if it persists, ask the site's owner"
REFUSED = "nothing (refused by design); if a real source sends it, look at the site"

DISCOVERY_FAULTS = (
    Fault("robots-503", "robots.txt answers 503", "robots", "status:503", "failed",
          "robots.txt answered HTTP 503", RERUN, "robots"),
    Fault("robots-drop", "robots.txt: connection dropped without an answer", "robots", "drop",
          "failed", "robots.txt unreachable", RERUN, "robots"),
    Fault("feed-500", "the only feed answers 500 on every try", "feed", "status:500", "failed",
          "HTTP 500", RERUN, "discovery"),
    Fault("feed-503-far", "feed answers 503 with Retry-After: 3600 (past the 600 s cap)",
          "feed", "status:503:after=3600", "failed", "past the 600 s cap", WAIT, "discovery"),
    Fault("feed-drip", "feed drips a byte at a time, past the download timeout", "feed", "drip",
          "failed", "DownloadTimeoutError", RERUN, "discovery"),
    Fault("feed-truncated", "feed cut off mid-transfer (Content-Length not reached)", "feed",
          "truncated", "failed", "ResponseDataLossError", RERUN, "discovery"),
    Fault("feed-html", "feed URL answers an HTML page instead of XML", "feed", "malformed",
          "failed", "unparsable feed", "check the feed URL in the source's declaration",
          "rejected"),
    Fault("feed-bomb", "feed is an XML bomb (billion laughs)", "feed", "xml-bomb", "failed",
          "entity declarations refused", REFUSED, "rejected"),
    Fault("feed-xxe", "feed declares an external entity (XXE: file:///etc/passwd)", "feed",
          "xxe", "failed", "entity declarations refused", REFUSED, "rejected"),
    Fault("feed-empty", "feed answers 200 with an empty body", "feed", "empty", "failed",
          "unparsable feed", RERUN, "rejected"),
    Fault("feed-loop", "feed redirects in a loop", "feed", "redirect-loop", "failed",
          "redirect loop", "check the feed URL in the source's declaration", "discovery"),
    Fault("sitemap-bomb", "sitemap.xml.gz is a gzip bomb (64 MB of zeros)", "sitemap",
          "gzip-bomb-raw", "failed", "gzip bomb", REFUSED, "rejected"),
    Fault("sitemap-broken", "sitemap is not well-formed XML", "sitemap", "malformed", "failed",
          "unparsable sitemap", RERUN, "rejected"),
    Fault("listing-404", "the listing page answers 404", "listing", "status:404", "failed",
          "HTTP 404", "check the listing URL in the source's declaration", "discovery"),
    Fault("api-json", "a JSON API page that is not JSON", "api", "malformed", "failed",
          "not JSON", RERUN, "rejected"),
    Fault("feed-429", "feed answers 429 with Retry-After: 1, then the feed", "feed",
          "retry-after:1", "ok", "", "nothing: Dozor waited as asked"),
    Fault("feed-503-backoff", "feed answers 503 twice without Retry-After, then the feed",
          "feed", "backoff:2", "ok", "", "nothing: Dozor backed off and retried"),
    Fault("feed-chain", "feed redirects through a chain of 3", "feed", "redirect-chain", "ok",
          "", "nothing; update the feed URL to the final one when convenient"),
    Fault("feed-cp1251", "feed in windows-1251 without a declaration, served as UTF-8", "feed",
          "cp1251", "ok", "", "nothing: the encoding is detected"),
    Fault("listing-broken", "listing page with broken HTML (unclosed tags, stray bytes)",
          "listing", "broken-html", "ok", "", "nothing"),
    Fault("robots-404", "robots.txt answers 404", "robots", "status:404", "ok", "",
          "nothing: no robots.txt means no rules (RFC 9309)"),
)

ARTICLE_FAULTS = (
    Fault("a-503", "an article answers 503 on every try", "article", "status:503", "partial",
          "HTTP 503", RERUN),
    Fault("a-404", "an article answers 404", "article", "status:404", "partial", "HTTP 404",
          "nothing: the link is dead (retried by the next runs while the feed lists it)"),
    Fault("a-429", "an article answers 429 with Retry-After: 1, then the page", "article",
          "retry-after:1", "ok", "", "nothing: Dozor waited as asked"),
    Fault("a-drip", "an article drips past the download timeout", "article", "drip",
          "partial", "DownloadTimeoutError", RERUN),
    Fault("a-truncated", "an article's body is cut off mid-transfer", "article", "truncated",
          "partial", "ResponseDataLossError", RERUN),
    Fault("a-drop", "an article's connection drops without an answer", "article", "drop",
          "partial", "DownloadFailedError", RERUN),
    Fault("a-loop", "an article redirects in a loop", "article", "redirect-loop", "partial",
          "redirect loop", "nothing: counted failed with the loop in the run's errors"),
    Fault("a-chain", "an article redirects through a chain of 3", "article", "redirect-chain",
          "ok", "", "nothing: stored once, under the URL the feed gave"),
    Fault("a-huge", "a 50 MB article page", "article", "huge", "partial",
          "larger than DOWNLOAD_MAXSIZE", REFUSED, "rejected"),
    Fault("a-bomb", "an article page that is a gzip bomb (1 GB of zeros)", "article",
          "gzip-bomb", "partial", "larger than DOWNLOAD_MAXSIZE", REFUSED, "rejected"),
    Fault("a-cp1251", "an article in windows-1251 labelled UTF-8", "article", "cp1251", "ok",
          "", "nothing: the encoding is detected"),
    Fault("a-empty", "an article answers 200 with an empty body", "article", "empty", "ok", "",
          "nothing: stored as 'empty' and fetched again by the runs of the next 3 days"),
    Fault("a-broken", "an article with broken HTML (unclosed tags, NUL bytes)", "article",
          "broken-html", "ok", "", "nothing"),
    Fault("a-dup", "two feed links, one redirecting to the other's page", "article",
          "duplicate-of:1", "ok", "", "nothing: one page is stored once"),
)


def article_number(fault: Fault) -> int:
    """The article of `fault_articles` that misbehaves this way (healthy ones come after)."""
    return ARTICLE_FAULTS.index(fault) + 1


def by_host(host: str) -> Fault | None:
    """The discovery fault served on a host."""
    return next((f for f in DISCOVERY_FAULTS if f.host == host), None)


ARTICLES_HOST = f"articles.{DOMAIN}"
HEALTHY_ARTICLES = 2  # fault_articles' feed ends with two healthy articles
