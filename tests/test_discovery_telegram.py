"""Telegram channel web previews: one link per post, with text, first line and date."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from crawler.discovery.telegram import TITLE_MAX_CHARS, parse_telegram_preview

FIXTURES = Path(__file__).parent / "fixtures" / "discovery"
PAGE_URL = "https://t.me/s/POLICE_of_KZ"


def page() -> bytes:
    return (FIXTURES / "telegram_police_of_kz.html").read_bytes()


def test_posts_become_links() -> None:
    result = parse_telegram_preview(page(), PAGE_URL, lang="ru")

    assert [link.url for link in result.links] == [
        "https://t.me/POLICE_of_KZ/1232",
        "https://t.me/POLICE_of_KZ/1233",
        "https://t.me/POLICE_of_KZ/1234",
    ]
    first = result.links[0]
    assert first.title == "Осторожно, мошенники!"  # the first line, up to the <br/>
    assert first.published_at == datetime(2025, 8, 15, 8, 51, 2, tzinfo=UTC)
    assert first.body_html is not None
    assert first.body_html.startswith("<b>Осторожно, мошенники!</b><br>")
    assert "Злоумышленники звонят от имени банков." in first.body_html
    assert (first.lang, first.via) == ("ru", "telegram")


def test_reply_quote_is_not_the_post_text() -> None:
    reply = parse_telegram_preview(page(), PAGE_URL).links[1]

    assert reply.body_html is not None
    assert reply.body_html.startswith("Алаяқтардан сақ болыңыздар!")
    assert "Осторожно" not in reply.body_html


def test_long_first_line_is_cut_at_a_word() -> None:
    title = parse_telegram_preview(page(), PAGE_URL).links[1].title

    assert title == (
        "Алаяқтардан сақ болыңыздар! Полиция департаменті интернет-алаяқтықтың жаңа"
        " түрлері туралы ескертеді: банк қызметкері…"
    )
    assert len(title) <= TITLE_MAX_CHARS + 1


def test_post_without_text() -> None:
    photo = parse_telegram_preview(page(), PAGE_URL).links[2]

    assert (photo.title, photo.body_html) == (None, None)
    assert photo.published_at == datetime(2025, 8, 15, 10, 0, tzinfo=UTC)


def test_older_page_from_link_rel_prev() -> None:
    assert parse_telegram_preview(page(), PAGE_URL).older_page_url == (
        "https://t.me/s/POLICE_of_KZ?before=1232"
    )


def test_older_page_from_the_smallest_post_id() -> None:
    body = page().replace(b'<link rel="prev" href="/s/POLICE_of_KZ?before=1232">', b"")

    result = parse_telegram_preview(body, PAGE_URL)

    assert result.older_page_url == "https://t.me/s/POLICE_of_KZ?before=1232"


def test_first_post_of_a_channel_has_no_older_page() -> None:
    body = (
        b'<div class="tgme_widget_message js-widget_message" data-post="new_channel/1">'
        b'<div class="tgme_widget_message_text">Hello</div></div>'
    )

    result = parse_telegram_preview(body, "https://t.me/s/new_channel")

    assert [link.url for link in result.links] == ["https://t.me/new_channel/1"]
    assert result.older_page_url is None


def test_empty_or_postless_page() -> None:
    assert parse_telegram_preview(b"", PAGE_URL).links == []
    result = parse_telegram_preview(b"<html><body>Channel is private</body></html>", PAGE_URL)
    assert (result.links, result.older_page_url) == ([], None)


def test_comment_only_page() -> None:
    assert parse_telegram_preview("<!-- empty -->", PAGE_URL).links == []
