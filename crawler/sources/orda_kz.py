"""Orda.kz: an independent investigative outlet, Russian with a Kazakh edition.

Site: ru on orda.kz, kk on kaz.orda.kz; articles at /<translit-slug>-<6-digit id>/, e.g.
    /v-ekibastuze-posle-avarii-na-teploseti-...-412901/ (WordPress).
Discovery: Google News sitemaps /sitemap/sitemap_news{N}.xml [c] (N=1 taken as the newest [u]);
    WordPress RSS /feed/ [u]; the listing /last-news/.
Caveats: dates are machine-readable (meta article:published_time, <time datetime>) and the
    generic extraction needs no hint; the standfirst (div.entry-lead) stays out of the body, as
    og:description gives it as the lead. /category/, /tag/ and /author/ pages are not articles.
"""

from crawler.sources import Feed, Listing, Sitemap, Source

SOURCE = Source(
    id="orda_kz",
    name="Orda.kz",
    home="https://orda.kz",
    languages=("ru", "kk"),
    article_url_pattern=r"^https://(kaz\.)?orda\.kz/[a-z0-9-]+-\d{6}/$",
    feeds=(
        Feed("https://orda.kz/feed/", lang="ru"),
        Feed("https://kaz.orda.kz/feed/", lang="kk"),
    ),
    sitemaps=(
        Sitemap("https://orda.kz/sitemap/sitemap_news1.xml", lang="ru"),
        Sitemap("https://kaz.orda.kz/sitemap/sitemap_news1.xml", lang="kk"),
    ),
    listings=(
        Listing("https://orda.kz/last-news/", lang="ru"),
        Listing("https://kaz.orda.kz/last-news/", lang="kk"),
    ),
    allowed_hosts=("kaz.orda.kz",),
)
