"""Page furniture dropped from the parsed page before the body is read: share bars, "read also"
boxes, banners, comment threads, tag clouds, matched on whole class and id tokens.

A rule names a whole token, never a substring: WordPress classes its article wrapper after the
post's category (`category-white-label-native-advertising-platform`) and Dow Jones classes the
page's body after the reader (`<body class="pageFrame subType-unsubscribed">`); matching
"advert" or "subscribe" inside those dropped whole articles (Zyte's article-extraction
benchmark, issue 15). And an element that holds most of the page's text is never furniture,
whatever its class says: it is kept, and the report says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import lxml.html

# Furniture words, each a whole token ("share"), the last part of a block's element
# ("article__share", "content_main_share", Tengrinews' "content_main_text_tags") or a word
# followed by one of FURNITURE_PARTS ("share-buttons", "related-posts", "subscribe-box").
FURNITURE_WORDS = frozenset({
    "share", "sharing", "social", "related", "read-also", "readalso", "read_also", "read-more",
    "banner", "advert", "adv", "ads", "subscribe", "subscription", "newsletter", "tags",
    "comments", "breadcrumbs", "breadcrumb",
})
FURNITURE_PARTS = frozenset({
    "area", "articles", "bar", "block", "box", "button", "buttons", "container", "icons",
    "items", "label", "links", "list", "news", "panel", "posts", "title", "widget", "wrap",
    "wrapper",
})
# An element holding more than this share of the page's paragraph text is the article (or
# wraps it), never furniture.
MAX_PRUNED_SHARE = 0.4
# Elements that mark the article itself (its headline, its schema.org body); furniture never
# contains them. <article> is not one: "related" boxes hold an <article> per teaser.
ARTICLE_MARKERS = ".//h1 | .//*[@itemprop='articleBody']"


def is_furniture_token(token: str) -> bool:
    """Whether one class or id token names page furniture (see FURNITURE_WORDS)."""
    token = token.lower()
    if token in FURNITURE_WORDS:
        return True
    for separator in ("__", "_"):
        head, found, last = token.rpartition(separator)
        if found and head and last in FURNITURE_WORDS:
            return True
    word, found, part = token.rpartition("-")
    return bool(found) and part in FURNITURE_PARTS and word in FURNITURE_WORDS


def furniture_token(element: lxml.html.HtmlElement) -> str | None:
    """The first class or id token of an element that names furniture, or None."""
    tokens = (element.get("class") or "").split() + (element.get("id") or "").split()
    return next((t for t in tokens if is_furniture_token(t)), None)


@dataclass
class PruneReport:
    """What pruning dropped and what it kept although its class said furniture."""

    dropped: list[tuple[str, int]] = field(default_factory=list)  # (token, characters)
    kept: list[tuple[str, int]] = field(default_factory=list)

    @property
    def dropped_chars(self) -> int:
        """Characters of text dropped in all."""
        return sum(chars for _token, chars in self.dropped)

    def summary(self) -> str:
        """One line for a log or a bench: the biggest drops and the kept wrappers."""
        parts = [f".{token} {chars} chars" for token, chars in
                 sorted(self.dropped, key=lambda d: -d[1])[:3]]
        parts += [f"kept .{token} ({chars} chars: holds the article)" for token, chars in
                  self.kept]
        return "; ".join(parts)


def _paragraph_chars(node: lxml.html.HtmlElement) -> int:
    return sum(len(p.text_content()) for p in node.iter("p"))


def _candidates(tree: lxml.html.HtmlElement) -> Iterator[tuple[lxml.html.HtmlElement, str]]:
    """Furniture elements of the page's body in document order, with the token that names them.

    The page's class and id values are listed once (a C-speed attribute query), the few that
    name furniture are found in Python, and one XPath over exactly those tokens fetches the
    elements: a test per element per rule cost more than trafilatura's extraction.
    """
    classes = {t for value in tree.xpath("//body//@class") for t in str(value).split()}
    ids = {str(value) for value in tree.xpath("//body//@id")}
    tests = [f"contains(concat(' ', normalize-space(@class), ' '), ' {t} ')"
             for t in sorted(classes) if is_furniture_token(t) and "'" not in t]
    tests += [f"@id='{i}'" for i in sorted(ids) if is_furniture_token(i) and "'" not in i]
    if not tests:
        return
    for element in tree.xpath(f"//body//*[{' or '.join(tests)}]"):
        token = furniture_token(element)
        if token is not None:
            yield element, token


def prune_furniture(tree: lxml.html.HtmlElement, extra_xpath: str | None = None) -> PruneReport:
    """Drop furniture elements from the tree in place; say what went and what stayed."""
    report = PruneReport()
    total = _paragraph_chars(tree) or 1
    found = list(_candidates(tree))
    if extra_xpath:
        found += [(e, "hint") for e in tree.xpath(extra_xpath)]
    dropped: set[lxml.html.HtmlElement] = set()
    for element, token in found:
        if element.getparent() is None or any(a in dropped for a in element.iterancestors()):
            continue  # the root, or inside an element dropped before
        chars = _paragraph_chars(element)
        if chars > MAX_PRUNED_SHARE * total or element.xpath(ARTICLE_MARKERS):
            report.kept.append((token, chars))
            continue
        report.dropped.append((token, len(element.text_content())))
        dropped.add(element)
        element.drop_tree()
    return report
