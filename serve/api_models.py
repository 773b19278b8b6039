"""The HTTP API's answers: its response models (the OpenAPI description at /openapi.json) and
how search hits, article rows and count tables become them (serve/api.py serves them)."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from serve.highlight import Segment, hit_highlights
from serve.hits import Hit
from serve.labels import catalog
from serve.request import ALMATY
from serve.stats import CountTable, key_name

# ---------------------------------------------------------------------------------------
# Response models (they are the OpenAPI description at /openapi.json)
# ---------------------------------------------------------------------------------------


class SegmentOut(BaseModel):
    """A piece of text; `mark` is true for a word the query (or a tag's evidence) matched."""

    text: str
    mark: bool = False
    kind: Literal["hit", "evidence"] = Field(
        "hit", description="hit: a word searched; evidence: a phrase that made a tag")


class EvidenceOut(BaseModel):
    """A phrase that made a tag, as written, with its field ('title' or 'text') and offsets."""

    phrase: str
    rule: str
    field: str
    start: int
    end: int


class TagOut(BaseModel):
    """A topic tag: score, subtopics, evidence."""

    topic: str
    topic_name: str
    score: float
    subtopics: list[str]
    evidence: list[EvidenceOut]


class HitOut(BaseModel):
    """One article of a result page."""

    id: int
    url: str
    title: str | None
    title_marked: list[SegmentOut]
    snippet: list[SegmentOut]
    source: str
    lang: str | None
    published: datetime | None = Field(description="Publication time, Asia/Almaty offset")
    topics: list[str]
    subtopics: list[str]
    regions: list[str]
    rank: float | None = Field(description="ts_rank_cd of the query; null without a query")
    evidence: list[str] = Field(description="Phrases that made the topic tags")
    article: str = Field(description="Path of the article with its tags in this API")
    partial: bool = Field(description="A close match: it holds every word of the query but"
                          " one (listed after the articles that hold them all)")
    story_id: int | None = Field(None, description="The story (same news across outlets and"
                                 " languages); null until grouped")
    story_articles: int = Field(1, description="Articles of that story")
    story_sources: list[str] = []
    story_languages: list[str] = []
    view: str = Field("", description="Path of the article page in this app")


class SearchOut(BaseModel):
    """A page of results."""

    total: int = Field(description="Articles holding every word, counted up to 1000"
                       " (close matches not included); total_exact is false beyond")
    total_exact: bool
    page: int
    page_size: int
    items: list[HitOut]
    next: str | None = Field(description="Path of the next page, if any")
    unit: Literal["stories", "articles"] = Field(
        "articles", description="What total counts: stories (one row per story) or articles")
    also_searched: list[str] = Field([], description="Terms cross-language search added")


class ArticleOut(BaseModel):
    """One stored article with its facts and tags."""

    id: int
    url: str
    source: str
    source_name: str
    title: str | None
    lead: str | None
    body: str | None
    author: str | None
    lang: str | None
    languages: list[str]
    published: datetime | None
    # "day" when the source gave only the day: `published` is that day's midnight, not a time
    published_precision: str | None = None
    modified: datetime | None
    first_seen: datetime
    version: int
    kz_related: bool | None
    regions: list[str]
    criminal_code_articles: list[str]
    agencies: list[str]
    damage_kzt: list[int]
    case_counts: list[int]
    rules_version: str | None
    tags: list[TagOut]


class CountOut(BaseModel):
    """Articles under one key (a week's Monday, a region, a source), in all and by topic."""

    key: str
    name: str
    articles: int
    by_topic: dict[str, int]


class StatsOut(BaseModel):
    """Counts of the matching articles per week (Asia/Almaty), region and source."""

    topics: list[str]
    topic_names: dict[str, str] = {}
    unit: Literal["stories", "articles"] = "articles"
    day: list[CountOut] = []
    week: list[CountOut]
    region: list[CountOut]
    source: list[CountOut]
    lang: list[CountOut] = []


class NamedOut(BaseModel):
    """An id and its readable name."""

    id: str
    name: str


class CatalogOut(BaseModel):
    """The values the filters accept."""

    topics: list[NamedOut]
    subtopics: list[NamedOut]
    regions: list[NamedOut]
    languages: list[NamedOut]
    sources: list[NamedOut]
    agencies: list[NamedOut] = []
    max_query_chars: int
    max_page_size: int


# ---------------------------------------------------------------------------------------
# Conversions
# ---------------------------------------------------------------------------------------


def _segments(segments: list[Segment]) -> list[SegmentOut]:
    return [SegmentOut(text=s.text, mark=s.mark, kind=s.kind) for s in segments]  # type: ignore[arg-type]


def _local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(ALMATY) if moment else None


def hit_out(hit: Hit, page_parsed: Any) -> HitOut:
    """A Hit as the API shows it, snippet and marks included."""
    title_marked, snippet = hit_highlights(hit, page_parsed)
    return HitOut(
        id=hit.id, url=hit.url, title=hit.title, title_marked=_segments(title_marked),
        snippet=_segments(snippet), source=hit.source_id, lang=hit.lang,
        published=_local(hit.published_at), topics=list(hit.topics),
        subtopics=list(hit.subtopics), regions=list(hit.regions), rank=hit.rank,
        evidence=list(dict.fromkeys(e.phrase for t in hit.tags for e in t.evidence)),
        article=f"/api/articles/{hit.id}", partial=hit.partial, story_id=hit.story_id,
        story_articles=hit.story_articles, story_sources=list(hit.story_sources),
        story_languages=list(hit.story_languages), view=f"/article/{hit.id}",
    )


def _as_written(row: dict[str, Any], field: str, start: int, end: int, fallback: str) -> str:
    """An evidence phrase cut from the article as found (stored phrases are lower-cased)."""
    text = row["title"] if field == "title" else row["body"]
    if not text:
        return fallback
    nfc = unicodedata.normalize("NFC", text)
    return nfc[start:end] if 0 <= start < end <= len(nfc) else fallback


def article_out(row: dict[str, Any]) -> ArticleOut:
    """A get_article row as the API shows it."""
    names = catalog()
    tags = [
        TagOut(
            topic=t.topic, topic_name=names.name("topics", t.topic), score=t.score,
            subtopics=list(t.subtopics),
            evidence=[EvidenceOut(phrase=_as_written(row, e.field, e.start, e.end, e.phrase),
                                  rule=e.rule, field=e.field, start=e.start, end=e.end)
                      for e in t.evidence],
        )
        for t in row["tags"]
    ]
    return ArticleOut(
        id=row["id"], url=row["url"], source=row["source_id"], source_name=row["source_name"],
        title=row["title"], lead=row["lead"], body=row["body"], author=row["author"],
        lang=row["lang"], languages=list(row["languages"] or ()),
        published=_local(row["published_at"]), modified=_local(row["modified_at"]),
        published_precision=row["published_precision"],
        first_seen=row["first_seen_at"].astimezone(ALMATY), version=row["version"],
        kz_related=row["kz_related"], regions=list(row["regions"] or ()),
        criminal_code_articles=list(row["criminal_code_articles"] or ()),
        agencies=list(row["agencies"] or ()), damage_kzt=list(row["damage_kzt"] or ()),
        case_counts=list(row["case_counts"] or ()), rules_version=row["rules_version"],
        tags=tags,
    )


def counts_out(table: CountTable, ui: str = "en") -> list[CountOut]:
    """A count table's rows as the API shows them, keys named in the UI language."""
    return [CountOut(key=r.key, name=key_name(table.dimension, r.key, ui),
                     articles=r.articles, by_topic=r.by_topic) for r in table.rows]
