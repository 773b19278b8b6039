"""A test-only source whose pages are what real sites sometimes serve instead of an article.

Declared like a real source and loaded through DOZOR_SOURCE_MODULES=tests.source_badpages
(tests/conftest.py sets it for the suite). Its site is saved under
tests/fixtures/sites/badpages_test/news.badpages.test/: an empty article shell, a video-only
page, a paywall stub, broken HTML with garbage bytes, binary garbage served as HTML, a page
mixing UTF-8 and windows-1251, and an official letter page publishing two PDFs (one with a
text layer in Kazakh and Russian, one scanned). Each page must be stored as what it is, with a
reason, and never as a wrong body.
"""

from crawler.sources import Feed, Source

SOURCE = Source(
    id="badpages_test",
    name="Bad pages (test site)",
    home="https://news.badpages.test",
    languages=("ru",),
    article_url_pattern=r"^https://news\.badpages\.test/news/\d{4}-[a-z0-9-]+\.html$",
    feeds=(Feed("https://news.badpages.test/rss.xml", lang="ru"),),
    kind="official",
    schedule="15 5 * * *",
)
