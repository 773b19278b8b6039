"""NUR.KZ: a large news portal, Russian and Kazakh editions.

Site: ru on www.nur.kz, kk on kaz.nur.kz; articles at /<section>/<sub>/<7-digit id>-<slug>/,
    e.g. /incident/crime/2245871-moshenniki-pod-vidom-kurerov-.../, or under one section
    only, e.g. /society/2348017-porogovye-bally-.../ (2026).
Discovery: sitemap index /article-index-sitemap.xml per edition, whose children carry
    <lastmod> [c], some gzipped (.xml.gz); the /latest/ listing [v], each item with a
    time[datetime].
Caveats: the JSON-LD NewsArticle has the full articleBody and datePublished "+05:00" [v]. The
    generic body is longer than articleBody, so it wins, and it carries the h1, "Опубликовано:",
    a hidden "Оригинал статьи: <url>" line and "Как вам публикация?": the body is read from
    the paragraphs' wrapper instead.
"""

from crawler.sources import Hints, Listing, Sitemap, Source

SOURCE = Source(
    id="nur_kz",
    name="NUR.KZ",
    home="https://www.nur.kz",
    languages=("ru", "kk"),
    # One section or two: "/society/2348017-.../" as well as "/incident/crime/2245871-.../".
    article_url_pattern=r"^https://(www|kaz)\.nur\.kz/[a-z_-]+/([a-z_-]+/)?\d{7,8}-[a-z0-9-]+/$",
    sitemaps=(
        Sitemap("https://www.nur.kz/article-index-sitemap.xml", lang="ru"),
        Sitemap("https://kaz.nur.kz/article-index-sitemap.xml", lang="kk"),
    ),
    listings=(
        Listing("https://www.nur.kz/latest/", lang="ru"),
        Listing("https://kaz.nur.kz/latest/", lang="kk"),
    ),
    hints=(Hints(body_selector="div.formatted-body__content--wrapper"),),
    allowed_hosts=("kaz.nur.kz",),
    schedule="0 */2 * * *",
)
