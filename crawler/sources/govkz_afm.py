"""Financial Monitoring Agency (AFM) news on the gov.kz portal, Russian and Kazakh.

Site: www.gov.kz/memleket/entities/afm; a news page
    /memleket/entities/afm/press/news/details/<id>?lang=ru is a JavaScript app, so the text
    comes from the portal's JSON API, not from the page.
Discovery: GET /api/v1/public/content-manager/news?projects=eq:afm&page=N&size=20
    &sort-by=created_date:DESC with Accept-Language ru or kk [c], after the k6 ticket POST [c];
    the answer is a bare JSON list.
Caveats: the AFM reports financial pyramids and drop-card ("дропперы") cases that the police
    also report, so the same case appears under several sources; regional departments (the
    West Kazakhstan one, say) post under this one project and sign in the text.
"""

from crawler.sources import GovKzApi, Source

SOURCE = Source(
    id="govkz_afm",
    name="Financial Monitoring Agency (gov.kz)",
    home="https://www.gov.kz/memleket/entities/afm",
    languages=("ru", "kk"),
    article_url_pattern=(
        r"^https://www\.gov\.kz/memleket/entities/afm/press/news/details/\d+\?lang=(ru|kk)$"
    ),
    govkz_apis=(GovKzApi(project="afm", lang="ru"), GovKzApi(project="afm", lang="kk")),
    kind="official",
    schedule="30 */3 * * *",
)
