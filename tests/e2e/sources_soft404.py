"""Soft-404 test site: a listing whose article links end in a not-found page or a redirect.

Site: news.soft404.test, written by tests/e2e/test_soft_404_crawl.py into a folder of its own and
    served by a second mock server, so the test can turn a stored article into a not-found page.
Discovery: the listing /news/, linking articles /news/<4 digits>-<slug>.html.
Caveats: registered only through DOZOR_SOURCE_MODULES, by tests/e2e/test_soft_404_crawl.py.
"""

from crawler.sources import Listing, Source

SOURCE = Source(
    id="test_soft404",
    name="Soft-404 test site",
    home="https://news.soft404.test",
    languages=("ru", "kk"),
    article_url_pattern=r"^https://news\.soft404\.test/news/\d{4}-[a-z0-9-]+\.html$",
    listings=(Listing("https://news.soft404.test/news/", lang="ru"),),
)
