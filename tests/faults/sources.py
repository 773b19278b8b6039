"""Test sources of the fault matrix: one per discovery fault, one for the article faults.

Site: <fault>.faults.invalid, built by tests/faults/site.py (see tests/faults/cases.py).
Discovery: as the fault needs: a feed /rss.xml (most), a sitemap, a listing /news/, or a
    gov.kz-like news API on www.gov.kz (project `faultapi`).
Caveats: registered only through DOZOR_SOURCE_MODULES=tests.faults.sources, by tests/faults.
"""

from __future__ import annotations

import re

from crawler.sources import Feed, GovKzApi, Listing, Sitemap, Source
from tests.faults.cases import ARTICLES_HOST, DISCOVERY_FAULTS, DOMAIN, Fault
from tests.faults.site import API_PROJECT


def fault_source(source_id: str, host: str, where: str = "feed", how: str = "") -> Source:
    """A source on one fault host, discovering its articles the way the fault needs."""
    home = f"https://{host}"
    feeds: tuple[Feed, ...] = ()
    sitemaps: tuple[Sitemap, ...] = ()
    listings: tuple[Listing, ...] = ()
    apis: tuple[GovKzApi, ...] = ()
    pattern = rf"^https://{re.escape(host)}/news/\d+\.html$"
    if where == "sitemap":
        name = "sitemap.xml.gz" if how == "gzip-bomb-raw" else "sitemap.xml"
        sitemaps = (Sitemap(f"{home}/{name}", lang="ru"),)
    elif where == "listing":
        listings = (Listing(f"{home}/news/", lang="ru"),)
    elif where == "api":
        home = f"https://www.gov.kz/memleket/entities/{API_PROJECT}"
        apis = (GovKzApi(project=API_PROJECT, lang="ru"),)
        pattern = (rf"^https://www\.gov\.kz/memleket/entities/{API_PROJECT}/press/news/details/"
                   r"\d+\?lang=ru$")
    else:
        feeds = (Feed(f"{home}/rss.xml", lang="ru"),)
    return Source(id=source_id, name=f"Fault test site {host}", home=home, languages=("ru",),
                  article_url_pattern=pattern, feeds=feeds, sitemaps=sitemaps, listings=listings,
                  govkz_apis=apis, schedule="0 6 * * *")


def _for_fault(fault: Fault) -> Source:
    return fault_source(fault.source_id, fault.host, fault.where, fault.how)


SOURCES = (
    *(_for_fault(f) for f in DISCOVERY_FAULTS),
    fault_source("fault_articles", ARTICLES_HOST),
    # Healthy sites for the process and database faults, and for site down / DNS failure.
    *(fault_source(f"fault_{name}", f"{name}.{DOMAIN}") for name in (
        "down", "dns", "slow", "slow2", "slow3", "slow4", "clock", "warc", "dbdown", "dbfull",
        "dbro", "race")),
)
