"""A test source whose articles answer slowly: crawls of it last a few seconds, long enough to
overlap one, stop one or take its database away (tests/test_scheduler.py, test_operations.py).

Declared like a real source and loaded through DOZOR_SOURCE_MODULES=tests.slow_site; its feed
is saved under tests/fixtures/sites/slow_site/ and its articles come from the mock server's
/delay endpoint on the pseudo-host fail.slow.test.
"""

from crawler.sources import Feed, Source

SOURCE = Source(
    id="slow_site",
    name="Slow test site",
    home="https://slow.site.test",
    languages=("ru",),
    article_url_pattern=r"^https://fail\.slow\.test/delay\?a=\d+&n=[\d.]+$",
    feeds=(Feed("https://slow.site.test/rss.xml", lang="ru"),),
    allowed_hosts=("fail.slow.test",),
    kind="newsroom",
    schedule="30 5 * * *",
)
