"""The ids analysts filter by (topics, subtopics, regions, agencies, languages) and their names.

labels.toml holds the English names; the Kazakh and Russian ones come from the gettext
catalogues (serve/locale), the kind of id being the message context.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from crawler.tagging.rules import load_vocabulary
from serve.i18n import messages

LABELS_PATH = Path(__file__).with_name("labels.toml")
LANGUAGES = ("kk", "ru", "en")


@cache
def read_labels() -> dict[str, dict[str, str]]:
    """labels.toml: {kind: {id: English name}}."""
    names = tomllib.loads(LABELS_PATH.read_text(encoding="utf-8"))
    return {kind: dict(values) for kind, values in names.items()}


@dataclass(frozen=True, slots=True)
class Catalog:
    """Known filter values, taken from the tagger's vocabulary, with their readable names."""

    topics: tuple[str, ...]
    subtopics: tuple[str, ...]
    regions: tuple[str, ...]
    languages: tuple[str, ...]
    names: dict[str, dict[str, str]]

    def name(self, kind: str, value: str, lang: str = "en") -> str:
        """The readable name of an id in a UI language (the id itself if unnamed)."""
        english = self.names.get(kind, {}).get(value)
        if english is None:
            return value
        return messages(lang).label(kind, english)


@cache
def catalog() -> Catalog:
    """Topics, subtopics and regions the tagger can store, with names from labels.toml."""
    vocab = load_vocabulary()
    subtopics = {t.payload.subtopic for t in vocab.terms if t.payload.group == "topic"}
    subtopics |= {rule.subtopic for rule in vocab.near_rules}
    regions = {t.payload.label for t in vocab.terms if t.payload.group == "region"}
    return Catalog(
        topics=tuple(t.name for t in vocab.topics),
        subtopics=tuple(sorted(s for s in subtopics if s)),
        regions=tuple(sorted(regions)),
        languages=LANGUAGES,
        names=read_labels(),
    )
