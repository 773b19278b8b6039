"""Anti-Corruption Agency news on the gov.kz portal, Russian and Kazakh.

Site: www.gov.kz/memleket/entities/anticorruption; a news page
    /memleket/entities/anticorruption/press/news/details/<id>?lang=ru is a JavaScript app, so
    the text comes from the portal's JSON API, not from the page.
Discovery: GET /api/v1/public/content-manager/news?projects=eq:anticorruption&page=N&size=20
    &sort-by=created_date:DESC with Accept-Language ru or kk [c], after the k6 ticket POST [c];
    the answer is a page object {"content": [...]}.
Caveats: most items are about bribery, not fraud; Dozor keeps them all and lets tagging tell
    the fraud and criminal-group cases (officials in OCGs, embezzlement schemes) apart.
"""

from crawler.sources import GovKzApi, Source

SOURCE = Source(
    id="govkz_anticorruption",
    name="Anti-Corruption Agency (gov.kz)",
    home="https://www.gov.kz/memleket/entities/anticorruption",
    languages=("ru", "kk"),
    article_url_pattern=(
        r"^https://www\.gov\.kz/memleket/entities/anticorruption/press/news/details/\d+"
        r"\?lang=(ru|kk)$"
    ),
    govkz_apis=(
        GovKzApi(project="anticorruption", lang="ru"),
        GovKzApi(project="anticorruption", lang="kk"),
    ),
    kind="official",
    schedule="40 */3 * * *",
)
