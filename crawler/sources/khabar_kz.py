"""Khabar: the state broadcaster's news site (Joomla), Russian and Kazakh editions.

Site: ru under khabar.kz/ru/, kk under khabar.kz/kk/; articles at /{ru,kk}/news/<id>-<slug>,
    e.g. /ru/news/162418-v-pavlodare-zaderzhali-.... Dates print as dd.mm.yyyy ("26.12.2025");
    Joomla's article microdata (time[itemprop=datePublished] with the full time) is assumed [u].
Discovery: XML sitemaps /ru/xml-karta and /kk/xml-karta [c]; the news listing
    /{ru,kk}/news?start=N [c], of which only the first page is read (see Caveats).
Caveats: `start` in the listing is an item offset (Joomla: ?start=20 is page 2 at 20 a page),
    which Listing's page counter cannot express, so backfill relies on the sitemaps.
"""

from crawler.sources import Listing, Sitemap, Source

SOURCE = Source(
    id="khabar_kz",
    name="Khabar",
    home="https://khabar.kz",
    languages=("ru", "kk"),
    # Older K2 links carry a section: /ru/news/obshchestvo/item/48182-....
    article_url_pattern=r"^https://khabar\.kz/(ru|kk)/news/([a-z0-9_-]+/item/)?\d+-[a-z0-9-]+$",
    sitemaps=(
        Sitemap("https://khabar.kz/ru/xml-karta", lang="ru"),
        Sitemap("https://khabar.kz/kk/xml-karta", lang="kk"),
    ),
    listings=(
        Listing("https://khabar.kz/ru/news?start=0", lang="ru"),
        Listing("https://khabar.kz/kk/news?start=0", lang="kk"),
    ),
    schedule="15 */4 * * *",
)
