"""Prosecutor General's Office news on the gov.kz portal, Russian and Kazakh.

Site: www.gov.kz/memleket/entities/prokuror; a news page
    /memleket/entities/prokuror/press/news/details/<id>?lang=ru is a JavaScript app, so the
    text comes from the portal's JSON API, not from the page.
Discovery: GET /api/v1/public/content-manager/news?projects=eq:prokuror&page=N&size=20
    &sort-by=created_date:DESC with Accept-Language ru or kk [c], after the k6 ticket POST [c].
    This project answers a page object {"content": [...], "last": …} (others a bare list).
Caveats: official letters are often posted whole and bilingual, Kazakh then Russian, in one
    item (seed 000: the answer to the Mazhilis deputies on internet fraud), with Kazakh letters
    typed as Latin look-alikes ("əрекетсіздігі"); such an item keeps both languages.
"""

from crawler.sources import GovKzApi, Source

SOURCE = Source(
    id="govkz_prokuror",
    name="Prosecutor General's Office (gov.kz)",
    home="https://www.gov.kz/memleket/entities/prokuror",
    languages=("ru", "kk"),
    article_url_pattern=(
        r"^https://www\.gov\.kz/memleket/entities/prokuror/press/news/details/\d+"
        r"\?lang=(ru|kk)$"
    ),
    govkz_apis=(
        GovKzApi(project="prokuror", lang="ru"),
        GovKzApi(project="prokuror", lang="kk"),
    ),
    kind="official",
    schedule="20 */3 * * *",
)
