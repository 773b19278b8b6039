"""Informburo.kz: a Russian-language news site from Almaty.

Site: ru only, on informburo.kz; articles at /novosti/<slug> without an id or a trailing
    slash; slugs before about 2024 end in .html and write Cyrillic kha (U+0445) as "h", newer
    ones as "x" (/novosti/moshenniki-poxitili-...).
Discovery: the listing /novosti?page=N [v], grouped under day headings h2.date-heading
    ("Сегодня", "19 ноября") with only the clock in time.article-time beside each link; its
    "Популярное" block links older stories, .html ones included. RSS /rss [u] is not declared.
Caveats: no machine-readable date on the page, only "13:51, 20 ноября 2026" in
    time.article-time; pages from before 2024-03-01 are in UTC+6, which Asia/Almaty gives.
    Generic extraction starts the body with the h1 (and sometimes the .article-excerpt
    standfirst, which og:description already gives as the lead), so the body is read from
    div.article without its .read-more links, as a 2025 scraper of the site does.
"""

from crawler.sources import Hints, Listing, Source

SOURCE = Source(
    id="informburo_kz",
    name="Informburo.kz",
    home="https://informburo.kz",
    languages=("ru",),
    # News, long reads, interviews, opinions and explainer cards share one shape.
    article_url_pattern=(
        r"^https://informburo\.kz/(novosti|stati|interview|mneniya|cards)/[a-z0-9-]+(\.html)?$"
    ),
    listings=(Listing("https://informburo.kz/novosti?page={page}", lang="ru"),),
    hints=(Hints(body_selector="div.article", drop_selectors=(".read-more",)),),
)
