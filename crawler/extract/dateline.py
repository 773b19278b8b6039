"""Where a page prints its own date: structured attributes, the dateline under the headline,
the first text of the page; each read into a FoundDate with its precision.

Live pages carry dozens of other dates (a sidebar of "latest" items, each with "Вчера 07:40";
a footer's "© 2007-2026"), so the dateline is looked for next to the headline first: the
nearest element after the h1 (or, failing that, before it) whose class or id says date or
time, or a <time>. Only then is the page's first visible text searched, from the headline on.
"""

from __future__ import annotations

import re
from datetime import datetime

import lxml.html

from crawler.extract.dates import FoundDate, parse_iso_datetime, read_date_in_text, read_date_text
from crawler.extract.published import stated

# Class or id words of a dateline: "article__date", "date-time" (Tengrinews), "itemDateCreated"
# (K2 on 24.kz), "entry-date published" (WordPress), "datetime--publication" (nur.kz).
_DATE_WORDS = re.compile(r"date|time|publish|posted|created", re.IGNORECASE)
# A dateline that says when the page was edited or read is not its publication.
_NOT_PUBLICATION = re.compile(r"updat|modif|edit|read|comment|views", re.IGNORECASE)
# How many containers up from the headline the dateline is looked for: the article's header,
# the article, its column; further up, dates belong to other items.
DATELINE_LEVELS = 4
MAX_DATELINE_CHARS = 80
# Visible text searched for a date when no dateline is marked.
HEAD_TEXT_CHARS = 4000
_VISIBLE_TEXT = ("text()[not(ancestor::script or ancestor::style or ancestor::noscript"
                 " or ancestor::template)]")


def time_element_date(tree: lxml.html.HtmlElement) -> FoundDate | None:
    """The first <time datetime="..."> inside the article, a common and reliable marker."""
    for value in tree.xpath("//article//time/@datetime | //time[@itemprop]/@datetime"):
        parsed = parse_iso_datetime(str(value))
        if parsed is not None:
            return stated(parsed)
    return None


def headline(tree: lxml.html.HtmlElement, title: str | None) -> lxml.html.HtmlElement | None:
    """The page's headline element: the first h1 of its article or main part, else of the page,
    else the heading that reads as the title (K2 on 24.kz prints it as h2.itemTitle)."""
    for path in ("(//article//h1 | //main//h1)[1]", "(//body//h1)[1]"):
        found = tree.xpath(path)
        if found:
            return found[0]
    if title:
        wanted = " ".join(title.split())
        # "itle": class names spell it "title", "itemTitle", "Title".
        for node in tree.xpath("//body//*[self::h2 or self::h3 or contains(@class, 'itle')]"):
            if " ".join(node.text_content().split()) == wanted:
                return node
    return None


def _is_dateline(element: lxml.html.HtmlElement) -> bool:
    if not isinstance(element.tag, str):
        return False
    marks = " ".join(element.get(name) or "" for name in ("class", "id", "itemprop"))
    if element.tag != "time" and not _DATE_WORDS.search(marks):
        return False
    return not _NOT_PUBLICATION.search(marks)


def _dateline_value(element: lxml.html.HtmlElement, now: datetime) -> FoundDate | None:
    attribute = element.get("datetime") or element.get("content")
    if attribute and (parsed := parse_iso_datetime(attribute)) is not None:
        found = stated(parsed)
        if found is not None and found.precision == "minute":
            return found
    text = " ".join(element.text_content().split())
    if not text or len(text) > MAX_DATELINE_CHARS:
        return None
    return read_date_text(text, now)


def dateline_date(
    tree: lxml.html.HtmlElement, title: str | None, now: datetime,
) -> FoundDate | None:
    """The date printed next to the headline: the nearest element marked as a date in the
    smallest container around the headline that has one (the article's header before the
    sidebar, whose items carry dates of their own)."""
    top = headline(tree, title)
    if top is None:
        return None
    seen: set[lxml.html.HtmlElement] = set()
    # Never the whole page: at <body> the nearest date may be any sidebar item's.
    containers = [a for a in top.iterancestors() if a.tag not in ("body", "html")]
    for container in containers[:DATELINE_LEVELS]:
        position = {element: index for index, element in enumerate(container.iter())}
        at = position[top]
        nearby = [e for e in position if e not in seen and _is_dateline(e)]
        seen.update(nearby)
        nearby.sort(key=lambda e: abs(position[e] - at))
        for element in nearby:
            if (found := _dateline_value(element, now)) is not None:
                return found
    return None


def visible_text(node: lxml.html.HtmlElement, limit: int, from_node: bool = False) -> str:
    """Up to `limit` characters of visible text in the node (or, with from_node, from it on)."""
    path = f"descendant-or-self::{_VISIBLE_TEXT} | following::{_VISIBLE_TEXT}" if from_node \
        else f"descendant::{_VISIBLE_TEXT}"
    parts: list[str] = []
    length = 0
    for text in node.xpath(path):
        chunk = " ".join(str(text).split())
        if chunk:
            parts.append(chunk)
            length += len(chunk) + 1
            if length >= limit:
                break
    return " ".join(parts)[:limit]


def head_text_date(
    tree: lxml.html.HtmlElement, title: str | None, now: datetime,
) -> FoundDate | None:
    """A full date in the page's first visible text: from the headline on, else from the top."""
    top = headline(tree, title)
    if top is not None:
        found = read_date_in_text(visible_text(top, HEAD_TEXT_CHARS, from_node=True), now)
        if found is not None:
            return found
    body = tree.find("body")
    return read_date_in_text(visible_text(body if body is not None else tree, HEAD_TEXT_CHARS),
                             now)
