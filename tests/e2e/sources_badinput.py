"""Bad-input test site: hostile feeds and sitemaps, and article pages that fail every way.

Site: bad.test, saved under tests/fixtures/sites/test_badinput/; the failing pages live on the
    mock server's failure hosts fail.<kind>.bad.test (tests/mockserver/server.py).
Discovery: feeds /rss.xml (two good articles, then a 50 MB page with and without a
    Content-Length, a gzip bomb page, a 503, a page slower than the download timeout, a dropped
    connection, a cut-off body), /rss-broken.xml (not XML), /rss-bomb.xml (billion laughs),
    /rss-cp1251.xml (windows-1251, no encoding declared, served as UTF-8); sitemaps: a gzip
    bomb .xml.gz, a 20 MB sitemap, one cut off mid-transfer.
Caveats: registered only through DOZOR_SOURCE_MODULES, by tests/e2e/test_bad_input.py.
"""

from crawler.sources import Feed, Sitemap, Source

SOURCE = Source(
    id="test_badinput",
    name="Bad-input test site",
    home="https://bad.test",
    languages=("ru",),
    article_url_pattern=r"^https://(bad\.test/news/[a-z0-9-]+\.html$|fail\.[a-z]+\.bad\.test/)",
    feeds=(
        Feed("https://bad.test/rss.xml", lang="ru"),
        Feed("https://bad.test/rss-broken.xml", lang="ru"),
        Feed("https://bad.test/rss-bomb.xml", lang="ru"),
        Feed("https://bad.test/rss-cp1251.xml", lang="ru"),
    ),
    sitemaps=(
        Sitemap("https://fail.bomb.bad.test/gzip-bomb/sitemap.xml.gz?mb=64&raw=1"),
        Sitemap("https://fail.huge.bad.test/huge/sitemap.xml?mb=20"),
        Sitemap("https://bad.test/sitemap-truncated.xml"),
    ),
)
