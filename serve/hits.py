"""What a search finds: hits (one article of a result page each), their topic tags with the
evidence that made them, a page of hits; and tags read from the JSON the queries aggregate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from serve.query import ParsedQuery

# ---------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EvidenceSpan:
    """A phrase that made a tag: where it is (field 'title' or 'text', offsets) and its rule."""

    phrase: str
    rule: str
    field: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Tag:
    """One topic tag of an article."""

    topic: str
    score: float
    subtopics: tuple[str, ...]
    evidence: tuple[EvidenceSpan, ...]


@dataclass(frozen=True, slots=True)
class Hit:
    """One article of a result page."""

    id: int
    source_id: str
    url: str
    title: str | None
    lead: str | None
    lang: str | None
    languages: tuple[str, ...]
    published_at: datetime | None
    regions: tuple[str, ...]
    rank: float | None
    tags: tuple[Tag, ...]
    body: str | None = None
    partial: bool = False  # a close match: every word of the query but one
    story_id: int | None = None
    story_articles: int = 1  # articles of its story (outlets, languages, republications)
    story_sources: tuple[str, ...] = ()
    story_languages: tuple[str, ...] = ()

    @property
    def topics(self) -> tuple[str, ...]:
        """The article's topics."""
        return tuple(t.topic for t in self.tags)

    @property
    def subtopics(self) -> tuple[str, ...]:
        """The subtopics of all its topics, without repeats."""
        return tuple(dict.fromkeys(s for t in self.tags for s in t.subtopics))


@dataclass(frozen=True, slots=True)
class SearchPage:
    """A page of hits and how many matched in all (counted up to COUNT_LIMIT)."""

    hits: list[Hit]
    total: int
    total_exact: bool
    parsed: ParsedQuery


def tags_from_json(raw: Iterable[dict[str, Any]]) -> tuple[Tag, ...]:
    """Tags from the JSON the queries aggregate (or article_tags rows as dicts)."""
    return tuple(
        Tag(
            topic=str(tag["topic"]),
            score=float(tag["score"]),
            subtopics=tuple(tag["subtopics"] or ()),
            evidence=tuple(
                EvidenceSpan(str(e.get("phrase", "")), str(e.get("rule", "")),
                             str(e.get("field", "")), int(e.get("start", 0)),
                             int(e.get("end", 0)))
                for e in (tag["evidence"] or ())
            ),
        )
        for tag in raw
    )
