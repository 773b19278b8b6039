"""History test site: articles edited, removed and moved away after they were first stored.

Site: news.history.test, written by tests/e2e/test_revisits.py into a folder of its own and
    served by a second mock server, so the test can edit, delete and redirect pages between runs.
Discovery: the feed /rss.xml, listing the four articles /news/<4 digits>-<slug>.html.
Caveats: registered only through DOZOR_SOURCE_MODULES, by tests/e2e/test_revisits.py.
"""

from crawler.sources import Feed, Source

SOURCE = Source(
    id="test_history",
    name="History test site",
    home="https://news.history.test",
    languages=("ru",),
    article_url_pattern=r"^https://news\.history\.test/news/\d{4}-[a-z0-9-]+\.html$",
    feeds=(Feed("https://news.history.test/rss.xml", lang="ru"),),
)
