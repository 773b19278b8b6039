"""Kazakhstanskaya Pravda: the state daily in Russian (its Kazakh sister paper is egemen.kz).

Site: ru on kazpravda.kz; articles at /n/<slug>/, e.g. /n/v-almaty-osudili-.../; the title in
    h1.article__title, the text in div.article__body, the day in time.article__date
    ("26 декабря 2025", no clock).
Discovery: RSS /rss [u]; sitemap index /sitemap.xml [c] whose news sitemaps list the articles
    with <lastmod>; only children whose name says "news" are followed, so a daily pass does not
    read the page and tag sitemaps.
Caveats: the page prints the day without the time, so the time comes from the feed or sitemap;
    the slug carries no id, so an edited headline may move an article to a new URL.
"""

from crawler.sources import Feed, Sitemap, Source

SOURCE = Source(
    id="kazpravda_kz",
    name="Kazakhstanskaya Pravda",
    home="https://kazpravda.kz",
    languages=("ru",),
    article_url_pattern=r"^https://kazpravda\.kz/n/[a-z0-9-]+/$",
    feeds=(Feed("https://kazpravda.kz/rss", lang="ru"),),
    sitemaps=(Sitemap("https://kazpravda.kz/sitemap.xml", lang="ru", follow=r"news"),),
    schedule="30 */6 * * *",
)
