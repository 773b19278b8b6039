"""Ministry of Internal Affairs (police) news on the gov.kz portal, Russian and Kazakh.

Site: www.gov.kz/memleket/entities/qriim; a news page
    /memleket/entities/qriim/press/news/details/<id>?lang=ru is a JavaScript app, so the text
    comes from the portal's JSON API, not from the page.
Discovery: GET /api/v1/public/content-manager/news?projects=eq:qriim&page=N&size=20
    &sort-by=created_date:DESC with Accept-Language ru or kk [c], after the k6 ticket POST that
    the API has required since 2026 [c]. Items: id, title, created_date ("…T05:12:43.120Z"),
    body (HTML, image paths relative: "/uploads/2025/12/24/….jpg").
Caveats: one news id has a ru and a kk version, stored as two articles (?lang=ru, ?lang=kk);
    an item not translated is missing from the other language's list. This project's answers
    have been bare JSON lists (other projects answer {"content": [...]}; both are read).
"""

from crawler.sources import GovKzApi, Source

SOURCE = Source(
    id="govkz_qriim",
    name="Ministry of Internal Affairs (gov.kz)",
    home="https://www.gov.kz/memleket/entities/qriim",
    languages=("ru", "kk"),
    article_url_pattern=(
        r"^https://www\.gov\.kz/memleket/entities/qriim/press/news/details/\d+\?lang=(ru|kk)$"
    ),
    govkz_apis=(GovKzApi(project="qriim", lang="ru"), GovKzApi(project="qriim", lang="kk")),
    kind="official",
    schedule="10 */3 * * *",
)
