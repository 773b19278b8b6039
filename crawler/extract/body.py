"""Turn one fetched page into an Article: structured data first, then trafilatura, then hints."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import lxml.html
import trafilatura
from lxml.etree import ParserError

from crawler.extract.dates import (
    date_from_url,
    find_date_in_text,
    parse_date_text,
    parse_iso_datetime,
)
from crawler.extract.encoding import decode_html
from crawler.extract.language import detect_language, detect_languages
from crawler.extract.pdf import extract_pdf, is_pdf
from crawler.items import Article, RawPage, content_hash
from crawler.sources import Hints, Source
from crawler.tagging.normalize import normalize_text

# Below this many characters a "body" is a stub (a video caption, a paywall teaser).
MIN_BODY_CHARS = 200
# Pages past this size are cut before parsing: no news article is 5 MB of HTML, a trap can be.
MAX_HTML_CHARS = 5_000_000
PAYWALL_MARKERS = ("paywall", "подписка для чтения", "оформите подписку", "жазылым рәсімдеңіз")
VIDEO_MARKERS = ("<video", "youtube.com/embed", "player.vimeo.com", "rutube.ru/play/embed")
# A teaser ends with the offer ("Оформите подписку, чтобы читать дальше"); in its last lines
# only, since fraud stories quote such phrases too.
PAYWALL_OFFERS = ("оформите подписку", "доступен только подписчикам", "жазылым рәсімдеңіз",
                  "тек жазылушыларға")
PAYWALL_OFFER_LINES = 2
# Article text has sentences; a "body" of menu items, a title and a date has no line this long.
MIN_SENTENCE_WORDS = 8
# Controls, C1 codes and undecodable bytes: HTML has none, binary served as HTML ~11% (a byte
# below 0x20 is 29 of 256). Past this share of the first characters the response is not text.
UNREADABLE_SHARE = 0.05
UNREADABLE_SAMPLE_CHARS = 5_000
_UNREADABLE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")
JSONLD_ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting"}
# Blocks inside the article container that are not the article: "read also" links, share
# buttons, tag clouds, banners. trafilatura keeps some of them when they sit inside the body.
BOILERPLATE_CLASSES = ("read-also", "readalso", "read_also", "related", "share", "social",
                       "banner", "advert", "subscribe", "article__tags", "comments")
PRUNE_XPATH = " | ".join(f"//*[contains(@class, '{name}')]" for name in BOILERPLATE_CLASSES)
# Discovery methods whose title and date describe the item itself (see extract_article).
TRUSTED_VIA = ("feed", "api", "telegram")
# A line opening with one of these is a link to another story, not text of this one.
READ_ALSO_PREFIXES = ("читайте также", "читать также", "смотрите также", "тағы оқыңыз",
                      "оқи отырыңыз", "сондай-ақ оқыңыз", "read also", "related:")


def _iter_jsonld(tree: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue  # a broken JSON-LD block must not cost the whole page
        stack = data if isinstance(data, list) else [data]
        while stack:
            node = stack.pop(0)
            if isinstance(node, dict):
                if "@graph" in node and isinstance(node["@graph"], list):
                    stack.extend(node["@graph"])
                yield node


def jsonld_article(tree: lxml.html.HtmlElement) -> dict[str, Any]:
    """The first schema.org Article-like object of the page's JSON-LD, or {}."""
    for node in _iter_jsonld(tree):
        types = node.get("@type")
        type_set = set(types) if isinstance(types, list) else {types}
        if type_set & JSONLD_ARTICLE_TYPES:
            return node
    return {}


def _meta(tree: lxml.html.HtmlElement, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            values = tree.xpath(f"//meta[@{attr}=$name]/@content", name=name)
            if values and str(values[0]).strip():
                return str(values[0]).strip()
    return None


def _author_name(value: Any) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_author_name(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        name = value.get("name")
        return str(name).strip() if name else None
    return str(value).strip() if value else None


def _selected_text(tree: lxml.html.HtmlElement, selector: str) -> str | None:
    nodes = tree.cssselect(selector)
    if not nodes:
        return None
    text = "\n".join(" ".join(n.text_content().split()) for n in nodes)
    return text.strip() or None


# Elements whose text is a paragraph of the article when they hold no other block.
BLOCK_TAGS = frozenset({"p", "div", "h2", "h3", "h4", "h5", "li", "blockquote", "pre", "td"})
NON_TEXT_TAGS = ("script", "style", "noscript", "iframe", "form", "button", "svg", "figure")


def _block_text(container: lxml.html.HtmlElement) -> str | None:
    """The container's text as paragraphs: each innermost block element is one line."""
    lines = []
    for node in container.iter():
        if not isinstance(node.tag, str) or node.tag not in BLOCK_TAGS:
            continue
        if any(isinstance(c.tag, str) and c.tag in BLOCK_TAGS for c in node.iterdescendants()):
            continue
        text = " ".join(node.text_content().split())
        link_text = " ".join(" ".join(a.text_content().split()) for a in node.iter("a"))
        if text and not (text == link_text and len(text) < 120):  # a lone link: navigation
            lines.append(text)
    return "\n".join(lines) or None


def _hinted_body(tree: lxml.html.HtmlElement, hints: Hints) -> str | None:
    """The body read from the hinted container, or None when a redesign removed it."""
    nodes = tree.cssselect(hints.body_selector) if hints.body_selector else []
    if not nodes:
        return None
    parts = []
    for node in nodes:  # a selector list may name the lead and the text apart, in page order
        # A copy: dropping nodes from the page itself would also drop its date and title.
        container = copy.deepcopy(node)
        for selector in (*hints.drop_selectors, *NON_TEXT_TAGS):
            for dropped in container.cssselect(selector):
                dropped.drop_tree()
        for dropped in container.xpath("." + PRUNE_XPATH.replace(" | //", " | .//")):
            dropped.drop_tree()
        text = _block_text(container)
        if text:
            parts.append(text)
    return "\n".join(parts) or None


def _drop_read_also(body: str) -> str | None:
    """The body without lines that only point to other stories."""
    lines = [ln for ln in body.splitlines()
             if not ln.strip().lower().startswith(READ_ALSO_PREFIXES)]
    return "\n".join(lines).strip() or None


def _image_captions(tree: lxml.html.HtmlElement) -> tuple[str, ...]:
    captions = []
    for node in tree.xpath("//figcaption | //*[contains(@class, 'caption')]"):
        text = " ".join(node.text_content().split())
        if text and text not in captions:
            captions.append(text)
    return tuple(captions[:20])


def _choose_date(
    *candidates: tuple[str, datetime | None],
) -> tuple[datetime | None, str | None]:
    for source, value in candidates:
        if value is not None:
            return value, source
    return None, None


def _classify(html: str, body: str | None) -> tuple[str, str | None]:
    """A status for what the page turned out to be, with a reason when it is not a plain article."""
    lowered = html.lower()
    if not body:
        if any(marker in lowered for marker in VIDEO_MARKERS):
            return "video_only", "the page holds a video player and no text"
        return "empty", "no article text found on the page"
    if len(body) < MIN_BODY_CHARS:
        if any(marker in lowered for marker in PAYWALL_MARKERS):
            return "paywall", f"only a {len(body)}-character teaser before a paywall"
        if any(marker in lowered for marker in VIDEO_MARKERS):
            return "video_only", f"a video with a {len(body)}-character caption"
    last_lines = [line for line in body.lower().splitlines() if line.strip()][-PAYWALL_OFFER_LINES:]
    if any(offer in line for line in last_lines for offer in PAYWALL_OFFERS):
        return "paywall", f"a {len(body)}-character teaser ending in a subscription offer"
    if not _has_sentence(body):
        return "empty", "no sentence of article text, only menu items, a title or a date"
    return "ok", None


def _has_sentence(body: str) -> bool:
    """Whether any line of a body is long enough to be a sentence of text."""
    return any(len(re.findall(r"\w+", line)) >= MIN_SENTENCE_WORDS for line in body.splitlines())


def _unreadable_reason(html: str) -> str | None:
    """Why a decoded response is not text at all (binary served as HTML), or None."""
    sample = html[:UNREADABLE_SAMPLE_CHARS]
    bad = len(_UNREADABLE.findall(sample))
    if sample and bad / len(sample) > UNREADABLE_SHARE:
        return (f"not readable text: {bad} of its first {len(sample)} characters are control"
                " codes or undecodable bytes")
    return None


def _unreadable_article(raw: RawPage, source: Source, reason: str) -> Article:
    """The row kept for a response that is not text: status 'broken', no body."""
    return Article(
        source_id=source.id, url=raw.url, title=raw.link.title if raw.link else None, body=None,
        lang=raw.link.lang if raw.link else None, published_at=None, fetched_at=raw.fetched_at,
        status="broken", status_reason=reason, warc_record=raw.warc_record,
        content_hash=content_hash(raw.link.title if raw.link else None, None),
    )


def extract_article(raw: RawPage, source: Source) -> Article:
    """Extract title, body, dates and language from a raw page; never raises on bad HTML."""
    if is_pdf(raw):
        return extract_pdf(raw, source)
    declared = raw.headers.get("content-type") or raw.headers.get("Content-Type")
    html, _encoding = decode_html(raw.body, declared)
    html = html[:MAX_HTML_CHARS]
    if (unreadable := _unreadable_reason(html)) is not None:
        return _unreadable_article(raw, source, unreadable)
    # A few stray control bytes in a broken template: lxml refuses the whole page for one NUL.
    html = _UNREADABLE.sub("", html)
    link = raw.link
    try:
        tree = lxml.html.document_fromstring(html or "<html></html>")
    except (ParserError, ValueError):
        tree = lxml.html.document_fromstring("<html></html>")
    ld = jsonld_article(tree)
    hints = source.hints_for(raw.fetched_at)

    extracted: Any = trafilatura.bare_extraction(
        html, url=raw.url, with_metadata=True, include_comments=False, include_tables=True,
        prune_xpath=PRUNE_XPATH,
        # trafilatura's own date guess is not used (see _choose_date below); these settings
        # only keep its date search short.
        date_extraction_params={"original_date": True, "extensive_search": False},
    )
    generic_body = getattr(extracted, "text", None) if extracted is not None else None

    body = _hinted_body(tree, hints) if hints and hints.body_selector else None
    if not body:
        body = generic_body
    ld_body = ld.get("articleBody")
    # JSON-LD articleBody is sometimes only the lead (Zakon.kz): prefer it only when longer.
    if isinstance(ld_body, str) and len(ld_body.strip()) > len(body or ""):
        body = ld_body.strip()
    if (not body or len(body) < MIN_BODY_CHARS) and link is not None and link.body_html:
        from_feed = trafilatura.extract(
            f"<html><body><article>{link.body_html}</article></body></html>", url=raw.url,
            favor_recall=True,
        )
        if from_feed and len(from_feed) > len(body or ""):
            body = from_feed.strip()
    body = _drop_read_also(body) if body else None

    # A feed or API states title and date for the item itself: they override the page.
    # A listing or sitemap is a guess next to a link (a sitemap's <lastmod> is the last edit,
    # a listing block's heading may be the page's): it only fills in what the page lacks.
    stated = link if link is not None and link.via in TRUSTED_VIA else None
    guessed = link if link is not None and stated is None else None
    title = (
        (stated.title if stated is not None and stated.title else None)
        or (_selected_text(tree, hints.title_selector) if hints and hints.title_selector else None)
        or (str(ld["headline"]).strip() if ld.get("headline") else None)
        or _meta(tree, "og:title")
        or (getattr(extracted, "title", None) if extracted is not None else None)
        or (guessed.title if guessed is not None else None)
    )
    now = raw.fetched_at
    hinted_date_text = (
        _selected_text(tree, hints.date_selector) if hints and hints.date_selector else None
    )
    published_at, date_source = _choose_date(
        ("feed", stated.published_at if stated is not None else None),
        ("jsonld", _jsonld_date(ld, "datePublished")),
        ("meta", _meta_date(tree, "article:published_time", "datePublished", "pubdate")),
        ("text", parse_date_text(hinted_date_text, now) if hinted_date_text else None),
        ("text", _time_element_date(tree)),
        ("listing", guessed.published_at if guessed is not None else None),
        ("url", date_from_url(raw.url)),
        ("text", find_date_in_text(html_text_head(tree), now, None)),
    )
    updated_at = _jsonld_date(ld, "dateModified") or _meta_date(tree, "article:modified_time")

    status, reason = _classify(html, body)
    if status != "ok" and body and not _has_sentence(body):
        body = None  # menu items, a title and a date are not the article's text: keep none
    languages = detect_languages(body) if body else ()
    lang = (languages[0] if languages else None) or (detect_language(title) if title else None)
    if link is not None and link.lang and not languages:
        lang = link.lang
    return Article(
        source_id=source.id, url=raw.url, title=" ".join(title.split()) if title else None,
        body=body, lang=lang, published_at=published_at, fetched_at=raw.fetched_at,
        lead=(str(ld["description"]).strip() if ld.get("description") else None)
        or _meta(tree, "og:description", "description"),
        author=_author_name(ld.get("author"))
        or (getattr(extracted, "author", None) if extracted is not None else None),
        updated_at=updated_at, languages=tuple(languages), date_source=date_source,
        image_captions=_image_captions(tree), status=status, status_reason=reason,
        body_normalized=normalize_text(body) if body else None,
        content_hash=content_hash(title, body), warc_record=raw.warc_record,
    )


def _jsonld_date(ld: dict[str, Any], key: str) -> datetime | None:
    value = ld.get(key)
    return parse_iso_datetime(str(value)) if value else None


def _meta_date(tree: lxml.html.HtmlElement, *names: str) -> datetime | None:
    value = _meta(tree, *names)
    return parse_iso_datetime(value) if value else None


def _time_element_date(tree: lxml.html.HtmlElement) -> datetime | None:
    """The first <time datetime="..."> inside the article, a common and reliable marker."""
    for value in tree.xpath("//article//time/@datetime | //time[@itemprop]/@datetime"):
        parsed = parse_iso_datetime(str(value))
        if parsed is not None:
            return parsed
    return None


def html_text_head(tree: lxml.html.HtmlElement, limit: int = 4000) -> str:
    """The first visible text of the page, where a dateline usually stands."""
    body = tree.find("body")
    node = body if body is not None else tree
    text = re.sub(r"\s+", " ", node.text_content())
    return text[:limit]
