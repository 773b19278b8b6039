"""Kazinform: the state news agency, Russian and Kazakh editions.

Site: ru under www.inform.kz/ru/<slug>-<6 hex> (no trailing slash), kk at
    kaz.inform.kz/news/<slug>-<6-8 hex>/, e.g. /ru/v-astane-s-1-dekabrya-...-b7e903.
Discovery: RSS /rss/rus.xml and /rss/kaz.xml [u]; the news feed /lenta/ of each edition [v],
    with dates "13:51, 15 Август 2025" (Russian nominative month, on the kk edition too).
Caveats: no machine-readable date on the page; the visible one has the lenta's form. The lead
    (a dateline, "ШЫМКЕНТ. KAZINFORM"; kk leads end "деп хабарлайды Polisia.kz.") sits in
    .article__description beside .article__body-text, and trafilatura keeps only the latter:
    the hint reads both, in page order.
"""

from crawler.sources import Feed, Hints, Listing, Source

SOURCE = Source(
    id="inform_kz",
    name="Kazinform",
    home="https://www.inform.kz",
    languages=("ru", "kk"),
    article_url_pattern=(
        # 6 or 8 hex digits since 2023; before, "_a<id>", also for Kazakh under /kz/.
        r"^https://(www\.inform\.kz/ru/[a-z0-9-]+-[0-9a-f]{6,8}"
        r"|www\.inform\.kz/(ru|kz)/[a-z0-9-]+_a\d{6,8}"
        r"|kaz\.inform\.kz/news/[a-z0-9-]+-[0-9a-f]{6,8}/)$"
    ),
    feeds=(
        Feed("https://www.inform.kz/rss/rus.xml", lang="ru"),
        Feed("https://www.inform.kz/rss/kaz.xml", lang="kk"),
    ),
    listings=(
        Listing("https://www.inform.kz/ru/lenta/", lang="ru"),
        Listing("https://kaz.inform.kz/lenta/", lang="kk"),
    ),
    hints=(Hints(body_selector="div.article__description, div.article__body-text"),),
    allowed_hosts=("kaz.inform.kz",),
    # The English edition and photo reports share the hosts: not collected, not drift.
    ignored_url_pattern=r"^https://www\.inform\.kz/(en|ru/photo)/",
    schedule="0 */2 * * *",
)
