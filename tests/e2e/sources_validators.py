"""Validators test site: pages whose server answers 304 only to the very ETag or Last-Modified it
sent (nginx's default), so only a revisit that kept the first answer's validators is cheap.

Site: news.validators.test, written by tests/e2e/test_first_validators.py into a folder of its
    own and served by a mock server of its own, so the test can edit a page between runs.
Discovery: the feed /rss.xml, listing the two articles /news/<4 digits>-<slug>.html.
Caveats: registered only through DOZOR_SOURCE_MODULES, by tests/e2e/test_first_validators.py.
"""

from crawler.sources import Feed, Source

SOURCE = Source(
    id="test_validators",
    name="Validators test site",
    home="https://news.validators.test",
    languages=("ru",),
    article_url_pattern=r"^https://news\.validators\.test/news/\d{4}-[a-z0-9-]+\.html$",
    feeds=(Feed("https://news.validators.test/rss.xml", lang="ru"),),
)
