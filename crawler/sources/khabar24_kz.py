"""24.kz: the news site of Khabar 24, the Khabar Agency's news channel (Joomla/K2), ru and kk.

Site: ru under 24.kz/ru/, kk under 24.kz/kz/; K2 items at /{ru,kz}/<section>/<sub>/item/<id>-<slug>,
    e.g. /kz/zhanalyqtar/oqighalar/item/712460-.... Dates print as dd.mm.yyyy with the time
    ("26.12.2025 12:30") in span.itemDateCreated; the title is h2.itemTitle; no JSON-LD.
Discovery: RSS /ru/rss [u], and /kz/rss by the same pattern [u].
Caveats: the id is 24_kz by the domain, which is no Python module name, hence khabar24_kz
    (the channel's name). The Kazakh edition's path prefix is /kz/, not /kk/. The page's date
    has no zone: it is Almaty time, and the feed's pubDate (UTC) wins when there is one.
"""

from crawler.sources import Feed, Hints, Source

SOURCE = Source(
    id="khabar24_kz",
    name="Khabar 24 (24.kz)",
    home="https://24.kz",
    languages=("ru", "kk"),
    # K2 items with or without "/item/": /ru/news/social/712013-... is as common.
    article_url_pattern=r"^https://24\.kz/(ru|kz)/[a-z0-9_-]+/[a-z0-9_-]+/(item/)?\d+-[a-z0-9-]+$",
    feeds=(
        Feed("https://24.kz/ru/rss", lang="ru"),
        Feed("https://24.kz/kz/rss", lang="kk"),
    ),
    hints=(
        Hints(
            # Generic extraction drops the lead, which K2 keeps apart from the rest of the
            # text in div.itemIntroText; div.itemBody holds both.
            body_selector="div.itemBody",
        ),
    ),
    schedule="25 */4 * * *",
)
