"""Azattyq: Radio Free Europe/Radio Liberty's Kazakh service, in Russian and Kazakh.

Site: ru on rus.azattyq.org, kk on www.azattyq.org (RFE/RL's Pangea CMS); articles at
    /a/<8-digit id>.html or /a/<slug>/<8-digit id>.html: the id is what names the article.
    Text in div#article-content p.
Discovery: RSS zones /api/<zone> [c]: the Russian "Kazakhstan" zone /api/zgroqe_uoq and the
    Kazakh service's all-news feed /api/ (both seen in 2020s feed lists). The listing
    /z/360?p=N exists but is not needed while the feeds carry the day's news.
Caveats: one story answers at both /a/<id>.html and /a/<slug>/<id>.html; the feed's spelling is
    stored, so the same story found later in the other spelling would make a second row [u].
    The text carries embedded "Читайте также" / "Тағы оқыңыз" boxes, which extraction drops.
"""

from crawler.sources import Feed, Source

SOURCE = Source(
    id="azattyq_org",
    name="Azattyq (RFE/RL)",
    home="https://rus.azattyq.org",
    languages=("ru", "kk"),
    article_url_pattern=r"^https://(rus|www)\.azattyq\.org/a/([a-z0-9-]+/)?\d{8}\.html$",
    feeds=(
        Feed("https://rus.azattyq.org/api/zgroqe_uoq", lang="ru"),
        Feed("https://www.azattyq.org/api/", lang="kk"),
    ),
    allowed_hosts=("www.azattyq.org",),
    schedule="20 */3 * * *",
)
