"""Tengrinews: the most-read Kazakh news site, Russian and Kazakh editions.

Site: ru on tengrinews.kz, kk on kaz.tengrinews.kz (en.tengrinews.kz is not followed); articles
    at /<section>/<slug>-<6-digit id>/, e.g. /crime/v-almatyi-zaderjali-12-dropperov-561482/,
    long reads at /article/<slug>-<id>/, AMP copies at .../amp/ (folded by canonicalize_url).
Discovery: RSS /news.rss per edition with the full text in content:encoded [v]; sitemap
    indexes sitemap-index.xml and kk-sitemap-index.xml whose news children carry <lastmod> [c];
    listing /news/page/N/ [v]; day archive /news/YYYY/MM/DD/ [c], the backfill path by date.
Caveats: pages print only "Вчера 10:38" / "Бүгін 09:15" in div.date-time, with no machine-
    readable date, so the date hint reads that text against the fetch time; the sitemap
    indexes also list tag sitemaps, which are skipped; a sitemap <lastmod> is the last edit.
"""

from crawler.sources import DayArchive, Feed, Hints, Listing, Sitemap, Source

NEWS_CHILDREN = r"sitemap-news"  # sitemap-index.xml also lists sitemap-tags.xml: tag pages

SOURCE = Source(
    id="tengrinews_kz",
    name="Tengrinews",
    home="https://tengrinews.kz",
    languages=("ru", "kk"),
    article_url_pattern=(
        r"^https://(kaz\.)?tengrinews\.kz/(?!news/|tag/)[a-z_]+/[a-z0-9-]+-\d{6}/$"
    ),
    feeds=(
        Feed("https://tengrinews.kz/news.rss", lang="ru"),
        Feed("https://kaz.tengrinews.kz/news.rss", lang="kk"),
    ),
    sitemaps=(
        Sitemap("https://tengrinews.kz/sitemap-index.xml", lang="ru", follow=NEWS_CHILDREN),
        Sitemap("https://tengrinews.kz/kk-sitemap-index.xml", lang="kk", follow=NEWS_CHILDREN),
    ),
    listings=(
        Listing("https://tengrinews.kz/news/page/{page}/", lang="ru"),
        Listing("https://kaz.tengrinews.kz/news/page/{page}/", lang="kk"),
    ),
    day_archives=(
        DayArchive("https://tengrinews.kz/news/%Y/%m/%d/", lang="ru"),
        DayArchive("https://kaz.tengrinews.kz/news/%Y/%m/%d/", lang="kk"),
    ),
    hints=(
        Hints(
            # Generic extraction keeps the h1 as the body's first line: the h1, the date and
            # the text share one container.
            body_selector="div.content_main_text",
            # Sidebar items carry div.date-time too ("19 ноября 2026 21:10"), and a named day
            # beats "Вчера 10:38", so only the date right under the headline is read.
            date_selector="h1.head-single ~ div.date-time",
        ),
    ),
    allowed_hosts=("kaz.tengrinews.kz",),
    schedule="0 */2 * * *",
)
