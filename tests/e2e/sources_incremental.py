"""Incremental and canonical-URL test site: one article reached five ways, re-read daily.

Site: www.canon.test, saved under tests/fixtures/sites/test_incremental/.
Discovery: feed /rss.xml (article 1001 through a utm_ link, its AMP copy and http://m.canon.test;
    1002 only through m.canon.test without its trailing slash), sitemap /sitemap.xml (1003 only
    here, and 1001), listing /news/ (1004 only here, and 1001 with a #comments fragment).
Caveats: registered only through DOZOR_SOURCE_MODULES, by tests/e2e/test_incremental.py.
"""

from crawler.sources import Feed, Listing, Sitemap, Source

SOURCE = Source(
    id="test_incremental",
    name="Incremental test site",
    home="https://www.canon.test",
    languages=("ru",),
    # Articles end with a slash, as on Tengrinews or Orda: /news/1001-delo-dropperov-v-sude/
    article_url_pattern=r"^https://www\.canon\.test/news/\d{4}-[a-z0-9-]+/$",
    feeds=(Feed("https://www.canon.test/rss.xml", lang="ru"),),
    sitemaps=(Sitemap("https://www.canon.test/sitemap.xml", lang="ru"),),
    listings=(Listing("https://www.canon.test/news/", lang="ru"),),
)
