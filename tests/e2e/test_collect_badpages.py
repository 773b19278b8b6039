"""Bad input end to end: each page a site serves instead of an article is stored as what it is,
with a reason, never as a wrong body; the PDFs an official page publishes are read too."""

from __future__ import annotations

import psycopg

from jobs.tasks import collect

SITE = "https://news.badpages.test"
LETTER_PAGE = f"{SITE}/news/7010-otvet-na-deputatskiy-zapros.html"


def test_bad_pages_are_stored_as_such_and_published_pdfs_are_linked_to_their_page(
    crawl_env: dict[str, str], db: psycopg.Connection[tuple[object, ...]],
) -> None:
    [(_, outcome)] = collect(["badpages_test"])
    assert outcome.status == "ok", outcome.message
    assert outcome.run is not None and (outcome.run.new, outcome.run.failed) == (9, 0)

    rows = {
        str(url).removeprefix(SITE): (status, reason, body)
        for url, status, reason, body in db.execute(
            "SELECT url, status, status_reason, body FROM articles")
    }
    assert {path: status for path, (status, _, _) in rows.items()} == {
        "/news/7001-pustaya-stranica.html": "empty",
        "/news/7002-tolko-video.html": "video_only",
        "/news/7003-platnyi-dostup.html": "paywall",
        "/news/7004-slomannyi-html.html": "ok",
        "/news/7005-musor.html": "broken",
        "/news/7006-smeshannye-kodirovki.html": "ok",
        "/news/7010-otvet-na-deputatskiy-zapros.html": "ok",
        "/upload/docs/otvet-na-deputatskiy-zapros.pdf": "ok",
        "/upload/docs/skan-otveta.pdf": "empty",
    }
    for path, (status, reason, body) in rows.items():
        # Every row that is not a plain article says why; none holds menus or noise as text.
        assert (status == "ok") == (reason is None), path
        if status in ("empty", "video_only", "broken"):
            assert body is None, path
    assert rows["/news/7003-platnyi-dostup.html"][1] == (
        "a 268-character teaser ending in a subscription offer")
    assert str(rows["/news/7005-musor.html"][1]).startswith("not readable text:")
    assert rows["/upload/docs/skan-otveta.pdf"][1] == "scanned PDF without a text layer"
    broken_html = str(rows["/news/7004-slomannyi-html.html"][2])
    assert broken_html.endswith("Приговор пока не вступил в законную силу и может быть обжалован.")
    assert not any((ord(c) < 32 and c not in "\n\t") or c == "\ufffd" for c in broken_html)
    assert "Жамбылской области" in str(rows["/news/7006-smeshannye-kodirovki.html"][2])

    documents = db.execute(
        "SELECT url, parent_url, title, languages FROM articles WHERE parent_url IS NOT NULL"
        " ORDER BY url").fetchall()
    assert documents == [
        (f"{SITE}/upload/docs/otvet-na-deputatskiy-zapros.pdf", LETTER_PAGE,
         "Ответ Генеральной прокуратуры на депутатский запрос об интернет-мошенничестве",
         ["kk", "ru"]),
        (f"{SITE}/upload/docs/skan-otveta.pdf", LETTER_PAGE,
         "Скан подписанного ответа (PDF, 24 КБ)", []),
    ]
    # The copy on another host (gov.kz) is that publisher's, not followed from this source.
    assert not db.execute("SELECT 1 FROM articles WHERE url LIKE '%gov.kz%'").fetchall()

    # Only readable articles are grouped into stories.
    grouped = {str(url).removeprefix(SITE) for (url,) in db.execute(
        "SELECT url FROM articles WHERE story_id IS NOT NULL")}
    assert grouped == {path for path, (status, _, _) in rows.items() if status == "ok"}

    # A second pass asks for the feed (unchanged: 304), nothing else: robots.txt is kept.
    [(_, second)] = collect(["badpages_test"])
    assert second.run is not None and (second.run.new, second.run.requests) == (0, 1)
