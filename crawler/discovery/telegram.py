"""Telegram channel web previews (`t.me/s/<channel>`) -> one link per post, with its text."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

from crawler.discovery.limits import decode_html, html_root
from crawler.discovery.sitemaps import parse_w3c_datetime
from crawler.items import DiscoveredLink

TELEGRAM_ORIGIN = "https://t.me"
TITLE_MAX_CHARS = 120

# The preview's markup: <div class="tgme_widget_message ..." data-post="POLICE_of_KZ/1234">
# holds <div class="tgme_widget_message_text js-message_text">; a reply quotes the other
# post's text inside <a class="tgme_widget_message_reply">, which is not this post's text.
_POSTS = etree.XPath(
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' tgme_widget_message ')]"
    "[@data-post]"
)
_POST_TEXT = etree.XPath(
    ".//div[contains(concat(' ', normalize-space(@class), ' '), ' tgme_widget_message_text ')]"
    "[not(ancestor::*[contains(@class, 'tgme_widget_message_reply')])]"
)
# <a class="tgme_widget_message_date" href="..."><time datetime="2025-08-15T08:51:02+00:00">
_POST_TIME = etree.XPath(".//a[contains(@class, 'tgme_widget_message_date')]//time/@datetime")
# <link rel="prev" href="/s/POLICE_of_KZ?before=1215"> and the "load more" link point back.
_OLDER = etree.XPath(
    "string((//link[@rel='prev']/@href | //a[contains(@class, 'tme_messages_more')]"
    "[@data-before]/@href)[1])"
)


@dataclass(frozen=True, slots=True)
class TelegramPage:
    """The posts of one preview page and the URL of the page of older posts."""

    links: list[DiscoveredLink]
    older_page_url: str | None


def _first_line(text_element: etree._Element) -> str | None:
    """The post's first non-empty line, cut at a word to about TITLE_MAX_CHARS."""
    element = copy.deepcopy(text_element)
    for br in element.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for line in "".join(element.itertext()).splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        if len(line) <= TITLE_MAX_CHARS:
            return line
        cut = line[:TITLE_MAX_CHARS].rsplit(" ", 1)[0] or line[:TITLE_MAX_CHARS]
        return cut.rstrip(" ,.;:-") + "…"
    return None


def _inner_html(element: etree._Element) -> str:
    """The element's content as HTML, without the element's own tag."""
    parts = [element.text or ""]
    parts.extend(etree.tostring(child, encoding="unicode", method="html") for child in element)
    return "".join(parts).strip()


def _post_link(post: etree._Element, lang: str | None) -> tuple[DiscoveredLink, str, int] | None:
    """A post as a link, with its channel and numeric id; None for a malformed data-post."""
    channel, _, post_id = (post.get("data-post") or "").partition("/")
    if not channel or not post_id.isdigit():
        return None
    texts = _POST_TEXT(post)
    times = _POST_TIME(post)
    link = DiscoveredLink(
        url=f"{TELEGRAM_ORIGIN}/{channel}/{int(post_id)}",
        published_at=parse_w3c_datetime(str(times[0])) if times else None,
        title=_first_line(texts[0]) if texts else None,
        lang=lang,
        body_html=(_inner_html(texts[0]) or None) if texts else None,
        via="telegram",
    )
    return link, channel, int(post_id)


def parse_telegram_preview(body: bytes | str, url: str, lang: str | None = None) -> TelegramPage:
    """Posts of a `t.me/s/<channel>` page, oldest first, and the URL of older posts."""
    root = html_root(decode_html(body, url))
    if root is None:
        return TelegramPage([], None)
    links: dict[str, DiscoveredLink] = {}
    oldest: tuple[str, int] | None = None
    for post in _POSTS(root):
        parsed = _post_link(post, lang)
        if parsed is None:
            continue
        link, channel, post_id = parsed
        links.setdefault(link.url, link)
        if oldest is None or post_id < oldest[1]:
            oldest = (channel, post_id)
    older = str(_OLDER(root)).strip()
    if older:
        return TelegramPage(list(links.values()), urljoin(url, older))
    # No link back: ask for what came before the smallest id shown; post 1 is the first.
    if oldest is None or oldest[1] <= 1:
        return TelegramPage(list(links.values()), None)
    fallback = f"{TELEGRAM_ORIGIN}/s/{oldest[0]}?before={oldest[1]}"
    return TelegramPage(list(links.values()), fallback)
