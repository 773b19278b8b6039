"""The ids analysts filter by (topics, subtopics, regions, languages) and their readable names."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from crawler.tagging.rules import load_vocabulary

LABELS_PATH = Path(__file__).with_name("labels.toml")
LANGUAGES = ("kk", "ru", "en")


@dataclass(frozen=True, slots=True)
class Catalog:
    """Known filter values, taken from the tagger's vocabulary, with their readable names."""

    topics: tuple[str, ...]
    subtopics: tuple[str, ...]
    regions: tuple[str, ...]
    languages: tuple[str, ...]
    names: dict[str, dict[str, str]]

    def name(self, kind: str, value: str) -> str:
        """The readable name of a topic, subtopic, region or language id (the id if unnamed)."""
        return self.names.get(kind, {}).get(value, value)


@cache
def catalog() -> Catalog:
    """Topics, subtopics and regions the tagger can store, with names from labels.toml."""
    vocab = load_vocabulary()
    subtopics = {t.payload.subtopic for t in vocab.terms if t.payload.group == "topic"}
    subtopics |= {rule.subtopic for rule in vocab.near_rules}
    regions = {t.payload.label for t in vocab.terms if t.payload.group == "region"}
    names = tomllib.loads(LABELS_PATH.read_text(encoding="utf-8"))
    return Catalog(
        topics=tuple(t.name for t in vocab.topics),
        subtopics=tuple(sorted(s for s in subtopics if s)),
        regions=tuple(sorted(regions)),
        languages=LANGUAGES,
        names={kind: dict(values) for kind, values in names.items()},
    )
