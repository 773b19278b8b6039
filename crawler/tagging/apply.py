"""Tagging and search terms for one extracted article: what the store writes beside it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.items import Article
from crawler.tagging.rules import TagResult, tag_text
from crawler.tagging.stem import search_terms


@dataclass(frozen=True, slots=True)
class ArticleAnalysis:
    """An article's topic tags and the stems its full-text index is built from."""

    tags: TagResult
    search_terms: str

    def tag_rows(self) -> list[dict[str, Any]]:
        """One dict per assigned topic, as storage.articles.replace_tags takes them."""
        data = self.tags.to_dict()
        return [{"topic": topic, **values} for topic, values in data["topics"].items()]

    def facts(self) -> dict[str, Any]:
        """The facts the tagger read from the text (regions, articles of the code, …)."""
        data = self.tags.to_dict()
        return {k: v for k, v in data.items() if k != "topics"}


def analyse_article(article: Article) -> ArticleAnalysis:
    """Tag an article and compute its search stems, from the normalised text."""
    text = article.body_normalized or article.body or ""
    lang = article.lang if len(article.languages) <= 1 else None  # bilingual: per word
    tags = tag_text(article.title, text, lang)
    terms = search_terms(f"{article.title or ''}\n{text}", lang)
    return ArticleAnalysis(tags=tags, search_terms=" ".join(terms))
