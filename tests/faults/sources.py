"""Test sources of the fault matrix (tests/faults/cases.py), on hosts tests/faults/site.py serves.

Site: <fault>.faults.invalid, one host per fault; healthy hosts for the process and database
    faults (<name>.faults.invalid; slow ones answer each article after half a second).
Discovery: one discovery document (or article, for fault_articles) per fault host: feeds
    /rss.xml, sitemaps, listings /news/, and a gov.kz-like news API (project `faultapi`).
Caveats: registered only through DOZOR_SOURCE_MODULES=tests.faults.sources, by tests/faults.
"""

from __future__ import annotations

import re
from dataclasses import replace

from crawler.sources import Feed, GovKzApi, Listing, Sitemap, Source
from tests.faults.cases import ARTICLES_HOST, DOMAIN, GROUPS, Fault
from tests.faults.site import API_PROJECT

ANY_FAULT_ARTICLE = (
    rf"^https://([a-z0-9-]+\.{re.escape(DOMAIN)}/news/\d+\.html"
    rf"|www\.gov\.kz/memleket/entities/{API_PROJECT}/press/news/details/\d+\?lang=ru)$"
)
# Healthy sites, one source each (host label -> source fault_<label with _>): site down, DNS
# failure, and the process, database and disk faults. Slow ones are in tests/faults/site.py.
HEALTHY = ("down", "dns", "procs", "race", "clock", "warc", "warc-tmpfs", "db-restart",
           "db-down", "db-full", "db-ro", "db-late")
# Crawled by `dozor schedule` too: hourly, so three missed slots fit in the 12 h misfire grace.
HOURLY = ("procs",)


def group_source(source_id: str, faults: tuple[Fault, ...]) -> Source:
    """A source made of one discovery document per fault host."""
    feeds = [Feed(f.url if f.where == "feed" else f"https://{f.host}/rss.xml", lang="ru")
             for f in faults if f.where in ("feed", "robots")]
    sitemaps = [Sitemap(f.url, lang="ru") for f in faults if f.where == "sitemap"]
    listings = [Listing(f.url, lang="ru") for f in faults if f.where == "listing"]
    apis = [GovKzApi(project=API_PROJECT, lang="ru") for f in faults if f.where == "api"]
    if source_id == "fault_articles":
        feeds = [Feed(f"https://{ARTICLES_HOST}/rss.xml", lang="ru")]
    return Source(id=source_id, name=f"Fault test site {source_id}", home=f"https://{DOMAIN}",
                  languages=("ru",), article_url_pattern=ANY_FAULT_ARTICLE, feeds=tuple(feeds),
                  sitemaps=tuple(sitemaps), listings=tuple(listings), govkz_apis=tuple(apis),
                  schedule="0 6 * * *")


def healthy_source(name: str) -> Source:
    """A healthy site with a feed of its own."""
    host = f"{name}.{DOMAIN}"
    return Source(id="fault_" + name.replace("-", "_"), name=f"Fault test site {host}",
                  home=f"https://{host}", languages=("ru",),
                  article_url_pattern=rf"^https://{re.escape(host)}/news/\d+\.html$",
                  feeds=(Feed(f"https://{host}/rss.xml", lang="ru"),),
                  schedule="0 * * * *" if name in HOURLY else "0 6 * * *")


def start_error_source() -> Source:
    """A healthy site whose declaration has a second feed without a scheme: the spider's start
    raises after the first feed's request, and Scrapy closes the crawl with 'start_error'."""
    healthy = healthy_source("start")
    return replace(healthy, feeds=(*healthy.feeds, Feed(f"start.{DOMAIN}/rss.xml", lang="ru")))


SOURCES = (
    *(group_source(source_id, faults) for source_id, faults in GROUPS.items()),
    *(healthy_source(name) for name in HEALTHY),
    start_error_source(),
)
