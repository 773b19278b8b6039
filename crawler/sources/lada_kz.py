"""Lada.kz: the Mangystau region's news site (Aktau, Zhanaozen), in Russian.

Site: www.lada.kz; articles at /<section>/<id>-<slug>.html, where local sections sit under
    /aktau_news/ (e.g. /aktau_news/society/158572-....html) and others do not
    (/kazakhstan-news/..., /world-news/...). JSON-LD NewsArticle gives headline,
    datePublished ("2025-12-26T10:40:00+05:00"), author and the whole articleBody [c].
Discovery: RSS /rss.xml [c]; the crime listing /aktau_news/criminal/page/N/ [c for the
    /page/N/ shape, u for the section name], items "a.news__link" + "span.news__date"
    ("26.12.2025, 10:40").
Caveats: every article opens with a "Қазақ тіліне аудару" (translate into Kazakh) link, a
    paragraph of one link at the top of the text, which extraction drops as boilerplate; the
    headline and the "26.12.2025, 10:40" line share the article element with the text, hence
    the body hint.
"""

from crawler.sources import Feed, Hints, Listing, Source

SOURCE = Source(
    id="lada_kz",
    name="Lada.kz",
    home="https://www.lada.kz",
    languages=("ru",),
    article_url_pattern=r"^https://www\.lada\.kz/(aktau_news/)?[a-z_-]+/\d+-[a-z0-9-]+\.html$",
    feeds=(Feed("https://www.lada.kz/rss.xml", lang="ru"),),
    listings=(
        Listing("https://www.lada.kz/aktau_news/criminal/page/{page}/", lang="ru", pages=2,
                link_selector="a.news__link"),
    ),
    hints=(
        Hints(
            # Generic extraction keeps the headline and the "26.12.2025, 10:40 · views" line:
            # they share the article element with the text.
            body_selector="div.article__text",
        ),
    ),
    schedule="45 */4 * * *",
)
