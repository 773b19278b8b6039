"""What the tagging tests ask of a text written for them: its topics and its context points.

One place for the helpers the case files of each round share, so a case file holds cases.
"""

from __future__ import annotations

from crawler.tagging.rules import prepare_fields, read_fields, tag_text
from crawler.tagging.vocab import load_vocabulary


def topics(text: str, lang: str | None = None) -> set[str]:
    """The topics `dozor tag` gives a text without a title."""
    return set(tag_text(None, text, lang).topics)


def points(text: str, lang: str = "ru") -> dict[str, float]:
    """Context points of a text: crime, harm, warning and each genre ("negative.civil")."""
    reading = read_fields(prepare_fields(None, text, lang), load_vocabulary())
    return {k: v for k, v in reading.context.items() if v}


def genre_points(text: str) -> dict[str, float]:
    """Points of each genre group ("negative.hoax", "negative.culture") in a Russian text."""
    return {k: v for k, v in points(text).items() if k.startswith("negative.")}
