"""Politeness test site: robots.txt rules, Crawl-delay, failing robots.txt, Retry-After.

Site: polite.test (robots.txt: `Crawl-delay: 1`, `Disallow: /private/`), saved under
    tests/fixtures/sites/test_polite/; its feed links one article per rule under test.
Discovery: the feed /feed.xml, whose links lead to polite.test itself, norobots.test (no
    robots.txt: 404, so no rules), status.fail.test (robots.txt answers 503), drop.fail.test
    (robots.txt connection dropped), fail.polite.test (429 with Retry-After 2 s, then with
    3600 s) and fail.slow.test (pages that take 0.3 s each).
Caveats: registered only through DOZOR_SOURCE_MODULES, by tests/e2e/test_politeness.py.
"""

from crawler.sources import Feed, Source

SOURCE = Source(
    id="test_polite",
    name="Politeness test site",
    home="https://polite.test",
    languages=("ru",),
    article_url_pattern=r"^https://[a-z.]+\.test/(news|private|retry-after|delay)/",
    feeds=(Feed("https://polite.test/feed.xml", lang="ru"),),
)
