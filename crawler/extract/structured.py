"""What a page states about itself in structured data: schema.org JSON-LD and meta tags."""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterator
from typing import Any

import lxml.html
from lxml.etree import ParserError

JSONLD_ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting"}
# A tag-like run in text: "<p", "</div>", "<img src=" (raw HTML in a field meant to be text).
_MARKUP = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
# After cleaning, a text with any of these left is still markup, not prose: refused.
_LEFTOVER_MARKUP = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*[\s>/]|&[a-zA-Z]{2,8};|&#\d+;")
# Parts of an HTML body that are never text: pictures, players, scripts.
NON_TEXT_TAGS = ("script", "style", "noscript", "iframe", "img", "figure", "video", "audio",
                 "svg", "picture", "source", "form", "button")
BLOCK_TAGS = ("p", "div", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "tr", "br",
              "section", "article", "ul", "ol", "table")


def iter_jsonld(tree: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON object of the page's JSON-LD blocks, @graph members included."""
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
    for node in iter_jsonld(tree):
        types = node.get("@type")
        type_set = set(types) if isinstance(types, list) else {types}
        if type_set & JSONLD_ARTICLE_TYPES:
            return node
    return {}


def meta_content(tree: lxml.html.HtmlElement, *names: str) -> str | None:
    """The content of the first non-empty <meta> named (property, name or itemprop) so."""
    for name in names:
        for attr in ("property", "name", "itemprop"):
            values = tree.xpath(f"//meta[@{attr}=$name]/@content", name=name)
            if values and str(values[0]).strip():
                return str(values[0]).strip()
    return None


def author_name(value: Any) -> str | None:
    """A readable author from a JSON-LD author value (a name, a Person, or a list of them)."""
    if isinstance(value, list):
        names = [n for n in (author_name(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        name = value.get("name")
        return str(name).strip() if name else None
    return str(value).strip() if value else None


def _html_to_text(markup: str) -> str | None:
    """Paragraph text of an HTML fragment: one line per block, pictures and scripts left out."""
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (ParserError, ValueError):
        return None
    for node in root.xpath(" | ".join(f".//{tag}" for tag in NON_TEXT_TAGS)):
        node.drop_tree()
    for node in root.iter(*BLOCK_TAGS):
        node.tail = "\n" + (node.tail or "")
        if node.tag != "br":
            node.text = "\n" + (node.text or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line) or None


def clean_structured_body(value: Any) -> str | None:
    """A JSON-LD articleBody as clean text, or None when it cannot be made clean.

    Some sites put the page's HTML into articleBody, raw ("<p>Police released…</p>", CBS) or
    escaped ("&lt;div align=&quot;center&quot;&gt;&lt;img…", AppleInsider): that is turned into
    paragraphs; whatever still looks like markup after that is refused, never stored.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    for _ in range(2):  # escaped once or twice ("&amp;lt;p&amp;gt;")
        if "&lt;" in text or "&amp;" in text or "&quot;" in text or "&#" in text:
            text = html_lib.unescape(text)
    if _MARKUP.search(text):
        cleaned = _html_to_text(text)
        if cleaned is None:
            return None
        text = cleaned
    else:
        text = "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
    if _LEFTOVER_MARKUP.search(text):
        return None
    return text or None
