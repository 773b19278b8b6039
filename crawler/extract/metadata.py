"""Title, author and captions read from the page's tree when structured data lacks them."""

from __future__ import annotations

import logging

import lxml.html
from trafilatura.metadata import (
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_title,
)

log = logging.getLogger(__name__)

MAX_CAPTIONS = 20


def trafilatura_title_author(tree: lxml.html.HtmlElement) -> tuple[str | None, str | None]:
    """Title and author as trafilatura's metadata step finds them, without its date search.

    The same steps as trafilatura.metadata.extract_metadata (meta tags, then JSON-LD, then the
    page's h1/title and byline), minus htmldate's date search, which Dozor does itself
    (crawler/extract/published.py) and which costs more than the rest of the metadata.
    """
    found = examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None  # as trafilatura does: a one-word "author" is a site name
    try:
        found = extract_meta_json(tree, found)
    except Exception as exc:  # trafilatura's JSON-LD reader has bugs, as its own caller knows
        log.debug("trafilatura could not read the page's JSON-LD: %s", exc)
    title = found.title or extract_title(tree)
    author = found.author or extract_author(tree)
    return (str(title) if title else None), (str(author) if author else None)


def image_captions(tree: lxml.html.HtmlElement) -> tuple[str, ...]:
    """Distinct captions of the page's pictures, in page order."""
    captions: list[str] = []
    for node in tree.xpath("//figcaption | //*[contains(@class, 'caption')]"):
        text = " ".join(node.text_content().split())
        if text and text not in captions:
            captions.append(text)
    return tuple(captions[:MAX_CAPTIONS])
