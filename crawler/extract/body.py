"""Turn one fetched page into an Article: structured data first, then hints or trafilatura,
then the page's furniture taken out.

The page is parsed once, with trafilatura's own parser: metadata, dates and captions are read
from that tree, furniture is pruned from it in place, and the pruned tree goes to
trafilatura, which copies it, instead of parsing the HTML a second time.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import lxml.html
import trafilatura
from lxml.etree import ParserError
from trafilatura.utils import load_html

from crawler.extract.classify import MIN_BODY_CHARS, classify_body, has_sentence
from crawler.extract.dateline import dateline_date, head_text_date, time_element_date
from crawler.extract.dates import FoundDate, date_from_url, parse_iso_datetime, read_date_text
from crawler.extract.encoding import decode_html
from crawler.extract.furniture import strip_furniture
from crawler.extract.language import detect_language, detect_languages
from crawler.extract.metadata import image_captions, trafilatura_title_author
from crawler.extract.pdf import extract_pdf, is_pdf
from crawler.extract.prune import PruneReport, prune_furniture
from crawler.extract.published import DateCandidate, choose_published, stated
from crawler.extract.soft_404 import soft_404_reason
from crawler.extract.structured import (
    author_name,
    clean_structured_body,
    jsonld_article,
    meta_content,
)
from crawler.extract.template_lines import TemplateLines, template_lines_for
from crawler.items import Article, DiscoveredLink, RawPage, content_hash
from crawler.sources import Hints, Source
from crawler.tagging.normalize import normalize_text

# Pages past this size are cut before parsing: no news article is 5 MB of HTML, a trap can be.
MAX_HTML_CHARS = 5_000_000
# Controls, C1 codes and undecodable bytes: HTML has none, binary served as HTML ~11% (a byte
# below 0x20 is 29 of 256). Past this share of the first characters the response is not text.
UNREADABLE_SHARE = 0.05
UNREADABLE_SAMPLE_CHARS = 5_000
_UNREADABLE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")
# Discovery methods whose title and date describe the item itself (see extract_article).
TRUSTED_VIA = ("feed", "api", "telegram")
# A JSON-LD articleBody is sometimes only the lead (Zakon.kz) and sometimes the whole text
# where the page's markup defeats extraction; it replaces the page's body only when that is
# clearly shorter, since the page's own text is what a reader sees.
STRUCTURED_BODY_MARGIN = 1.15
# Elements whose text is a paragraph of the article when they hold no other block.
BLOCK_TAGS = frozenset({"p", "div", "h2", "h3", "h4", "h5", "li", "blockquote", "pre", "td"})
NON_TEXT_TAGS = ("script", "style", "noscript", "iframe", "form", "button", "svg", "figure")
Template = TemplateLines | Literal["committed"] | None


def _parse(html: str) -> lxml.html.HtmlElement:
    """The page's tree, parsed as trafilatura parses it; an empty document when it is none."""
    tree = load_html(html) if html.strip() else None
    if tree is None or tree.tag != "html":
        try:
            return lxml.html.document_fromstring(html or "<html></html>")
        except (ParserError, ValueError):
            return lxml.html.document_fromstring("<html></html>")
    return tree


def _selected_text(tree: lxml.html.HtmlElement, selector: str) -> str | None:
    nodes = tree.cssselect(selector)
    if not nodes:
        return None
    text = "\n".join(" ".join(n.text_content().split()) for n in nodes)
    return text.strip() or None


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
    """The body read from the hinted container (of the pruned tree), or None when a redesign
    removed it."""
    nodes = tree.cssselect(hints.body_selector) if hints.body_selector else []
    parts = []
    for node in nodes:  # a selector list may name the lead and the text apart, in page order
        for selector in (*hints.drop_selectors, *NON_TEXT_TAGS):
            for dropped in node.cssselect(selector):
                dropped.drop_tree()
        text = _block_text(node)
        if text:
            parts.append(text)
    return "\n".join(parts) or None


def _trafilatura_body(tree: lxml.html.HtmlElement, url: str) -> str | None:
    """trafilatura's main text of the (pruned) tree; metadata is read elsewhere."""
    extracted: Any = trafilatura.bare_extraction(
        tree, url=url, with_metadata=False, include_comments=False, include_tables=True,
    )
    text = getattr(extracted, "text", None) if extracted is not None else None
    return str(text) if text else None


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


def _feed_body(link: DiscoveredLink | None, url: str) -> str | None:
    """The full text a feed or API sent with the link, when it sent one."""
    if link is None or not link.body_html:
        return None
    text = trafilatura.extract(
        f"<html><body><article>{link.body_html}</article></body></html>", url=url,
        favor_recall=True,
    )
    return text.strip() if text else None


def _choose_body(
    tree: lxml.html.HtmlElement, raw: RawPage, hints: Hints | None, ld: dict[str, Any],
) -> tuple[str | None, str | None, PruneReport]:
    """The body, where it came from, and what pruning took out of the page."""
    pruned = prune_furniture(tree)
    body, origin = (_hinted_body(tree, hints), "hint") if hints and hints.body_selector else (
        None, None)
    if not body:
        body, origin = _trafilatura_body(tree, raw.url), "trafilatura"
    structured = clean_structured_body(ld.get("articleBody"))
    if structured and len(structured) > STRUCTURED_BODY_MARGIN * len(body or ""):
        body, origin = structured, "jsonld"
    if not body or len(body) < MIN_BODY_CHARS:
        from_feed = _feed_body(raw.link, raw.url)
        if from_feed and len(from_feed) > len(body or ""):
            body, origin = from_feed, "feed"
    return body, (origin if body else None), pruned


def _date_candidates(
    tree: lxml.html.HtmlElement, raw: RawPage, hints: Hints | None, ld: dict[str, Any],
    stated_link: DiscoveredLink | None, guessed_link: DiscoveredLink | None, title: str | None,
) -> list[DateCandidate]:
    """Where the publication date may stand, best first; each looked at only when needed."""
    now = raw.fetched_at

    def hinted() -> FoundDate | None:
        text = _selected_text(tree, hints.date_selector) if hints and hints.date_selector else None
        return read_date_text(text, now) if text else None

    return [
        ("feed", lambda: stated(stated_link.published_at) if stated_link else None),
        ("jsonld", lambda: _iso(ld.get("datePublished"))),
        ("meta", lambda: _iso(meta_content(tree, "article:published_time", "datePublished",
                                           "pubdate"))),
        ("text", hinted),
        ("text", lambda: time_element_date(tree)),
        ("text", lambda: dateline_date(tree, title, now)),
        ("listing", lambda: stated(guessed_link.published_at) if guessed_link else None),
        ("url", lambda: stated(date_from_url(raw.url))),
        ("text", lambda: head_text_date(tree, title, now)),
    ]


def extract_article(raw: RawPage, source: Source, template: Template = "committed") -> Article:
    """Extract title, body, dates and language from a raw page; never raises on bad HTML.

    `template` is the source's learned template lines: its committed table by default, None
    for none (what learning a new table extracts with).
    """
    article = extract_pdf(raw, source) if is_pdf(raw) else _extract_html(raw, source, template)
    # Kept with the text they describe (an archived answer's own, on import and replay).
    article.etag = raw.headers.get("etag")
    article.last_modified = raw.headers.get("last-modified")
    return article


def _extract_html(raw: RawPage, source: Source, template: Template) -> Article:
    """extract_article for an HTML page."""
    declared = raw.headers.get("content-type") or raw.headers.get("Content-Type")
    html, _encoding = decode_html(raw.body, declared)
    html = html[:MAX_HTML_CHARS]
    if (unreadable := _unreadable_reason(html)) is not None:
        return _unreadable_article(raw, source, unreadable)
    # A few stray control bytes in a broken template: lxml refuses the whole page for one NUL.
    html = _UNREADABLE.sub("", html)
    tree = _parse(html)
    ld = jsonld_article(tree)
    hints = source.hints_for(raw.fetched_at)
    link = raw.link
    # A feed or API states title and date for the item itself: they override the page.
    # A listing or sitemap is a guess next to a link (a sitemap's <lastmod> is the last edit,
    # a listing block's heading may be the page's): it only fills in what the page lacks.
    stated_link = link if link is not None and link.via in TRUSTED_VIA else None
    guessed_link = link if link is not None and stated_link is None else None
    fallback: dict[str, str | None] = {}

    def from_trafilatura(key: str) -> str | None:
        if not fallback:
            fallback.update(zip(("title", "author"), trafilatura_title_author(tree), strict=True))
        return fallback[key]

    title = (
        (stated_link.title if stated_link is not None and stated_link.title else None)
        or (_selected_text(tree, hints.title_selector) if hints and hints.title_selector else None)
        or (str(ld["headline"]).strip() if ld.get("headline") else None)
        or meta_content(tree, "og:title")
        or from_trafilatura("title")
        or (guessed_link.title if guessed_link is not None else None)
    )
    title = " ".join(title.split()) if title else None
    published, date_source = choose_published(
        _date_candidates(tree, raw, hints, ld, stated_link, guessed_link, title))
    updated_at = _iso_value(ld.get("dateModified")) or _iso_value(
        meta_content(tree, "article:modified_time"))
    lead = (str(ld["description"]).strip() if ld.get("description") else None) or meta_content(
        tree, "og:description", "description")
    author = author_name(ld.get("author")) or from_trafilatura("author")
    captions = image_captions(tree)

    body, origin, pruned = _choose_body(tree, raw, hints, ld)  # prunes the tree: reads go first
    table = template_lines_for(source.id) if template == "committed" else template
    furniture = None
    if body:
        # A Telegram post has no headline apart from its first line, and its hashtags are
        # its author's (tests/fixtures/sites/tg_police_of_kz).
        post = link is not None and link.via == "telegram"
        body, furniture = strip_furniture(body, None if post else title, table,
                                          hashtags_are_text=post)
    status, reason = classify_body(html, body, tree, pruned)
    # Before a text-less body is dropped below: a template's notice is often no sentence.
    if (soft := soft_404_reason(raw.url, raw.fetched_url, raw.status, title, body, source)):
        status, reason = "soft_404", soft
    if status != "ok" and body and not has_sentence(body):
        body = None  # menu items, a title and a date are not the article's text: keep none
    languages = detect_languages(body) if body else ()
    lang = (languages[0] if languages else None) or (detect_language(title) if title else None)
    if link is not None and link.lang and not languages:
        lang = link.lang
    extra: dict[str, object] = {"body_from": origin}
    if pruned.dropped or pruned.kept:
        extra["pruned"] = pruned.summary()
    if furniture is not None and (furniture.dropped or furniture.refused):
        extra["furniture"] = {rule: len(lines) for rule, lines in furniture.dropped.items()}
        if furniture.refused:
            extra["furniture_refused"] = furniture.refused
    if table is not None:
        extra["template_lines_version"] = table.version
    return Article(
        source_id=source.id, url=raw.url, title=title, body=body, lang=lang,
        published_at=published.value if published else None, fetched_at=raw.fetched_at,
        date_precision=published.precision if published else None,
        lead=lead, author=author, updated_at=updated_at, languages=tuple(languages),
        date_source=date_source, image_captions=captions, status=status, status_reason=reason,
        body_normalized=normalize_text(body) if body else None,
        content_hash=content_hash(title, body), warc_record=raw.warc_record, extra=extra,
    )


def _iso_value(value: Any) -> Any:
    return parse_iso_datetime(str(value)) if value else None


def _iso(value: Any) -> FoundDate | None:
    return stated(_iso_value(value))
