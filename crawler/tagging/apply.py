"""Tagging and search terms for one extracted article: what the store writes beside it.

Both come from one normalisation pass: the title and text are prepared once
(crawler/tagging/prepare.py) and the tagger and the search-term builder read the same
tokens and stems.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from crawler.items import Article
from crawler.tagging.rules import (
    PAUSE_GC_CHARS,
    TagResult,
    cyclic_gc_paused,
    prepare_fields,
    readable_part,
    tag_prepared,
)


@dataclass(frozen=True, slots=True)
class ArticleAnalysis:
    """An article's topic tags and the stems its full-text index is built from (None when
    not asked for: a retag that keeps the stored ones)."""

    tags: TagResult
    search_terms: str | None

    def tag_rows(self) -> list[dict[str, Any]]:
        """One dict per assigned topic, as storage.articles.replace_tags takes them."""
        data = self.tags.to_dict()
        return [{"topic": topic, **values} for topic, values in data["topics"].items()]

    def facts(self) -> dict[str, Any]:
        """The facts the tagger read from the text (regions, articles of the code, …)."""
        data = self.tags.to_dict()
        return {k: v for k, v in data.items() if k != "topics"}


def analyse_text(
    title: str | None, text: str | None, lang: str | None, languages: Sequence[str] = (),
    *, with_search_terms: bool = True,
) -> ArticleAnalysis:
    """Tag a text and compute its search stems (unless `with_search_terms` is false); a
    bilingual text is read word by word."""
    lang = lang if len(languages) <= 1 else None
    # The index and the tags read the same head of a huge body, cut where `dozor tag` cuts
    # it (at a space), so a stored article's tags are those `dozor tag` gives for its text.
    text, truncated = readable_part(text or "")
    with cyclic_gc_paused(len(text) > PAUSE_GC_CHARS):
        fields = prepare_fields(title, text, lang)
        tags = tag_prepared(fields, truncated=truncated)
        if not with_search_terms:
            return ArticleAnalysis(tags=tags, search_terms=None)
        terms = [term for f in fields for term in f.search_terms()]
    return ArticleAnalysis(tags=tags, search_terms=" ".join(terms))


def analyse_article(article: Article) -> ArticleAnalysis:
    """Tag an extracted article from its text as found (normalised here, offsets kept), so
    evidence and the damage sentence quote the article as written."""
    return analyse_text(article.title, article.body or article.body_normalized, article.lang,
                        article.languages)
