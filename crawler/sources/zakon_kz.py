"""Zakon.kz: the largest Kazakh legal and news site, Russian and Kazakh editions.

Site: ru on www.zakon.kz, kk on kaz.zakon.kz; articles at
    /<section>/<7-digit id>-<slug>.html, e.g. /incident/6502034-v-karagande-....html, and in
    2022-2023 without a section: /6385814-sozdateli-filma-....html
Discovery: RSS /rss.xml per edition [u]; the listing's load-more fragment
    /news/?handler=LoadMoreNews&p=N&type=list [c] (HTML, dates "13:51, 15 августа 2025").
Caveats: JSON-LD articleBody is often only the lead, so the body comes from the page;
    image captions carry their own dates ("Новости Zakon.kz от 26.12.2025 10:33").
"""

from crawler.sources import Feed, Listing, Source

LOAD_MORE = "/news/?handler=LoadMoreNews&p={page}&type=list"

SOURCE = Source(
    id="zakon_kz",
    name="Zakon.kz",
    home="https://www.zakon.kz",
    languages=("ru", "kk"),
    # The section is optional: links of 2022-2023 have none ("/6385814-sozdateli-....html").
    article_url_pattern=r"^https://(www|kaz)\.zakon\.kz/([a-z0-9_-]+/)?\d{6,8}-[a-z0-9-]+\.html$",
    feeds=(
        Feed("https://www.zakon.kz/rss.xml", lang="ru"),
        Feed("https://kaz.zakon.kz/rss.xml", lang="kk"),
    ),
    listings=(
        Listing("https://www.zakon.kz" + LOAD_MORE, lang="ru", pages=2),
        Listing("https://kaz.zakon.kz" + LOAD_MORE, lang="kk", pages=2),
    ),
    allowed_hosts=("kaz.zakon.kz",),
    schedule="0 */4 * * *",
)
