"""Why a tag was missed or given wrongly, by mechanism: counts a rule writer may read for
any half of a real set, since they name no text and no evidence.

    miss_mechanism(title, text, lang, topic, truth=..., vocabulary=...) -> str

A missed topic had no word of the offence and no cue beside its context (outside asides; a
channel or a kind of loan names no offence, and a negated sentence counts nothing), stayed
below the threshold in every sentence, was vetoed by genre words (or by a model), or was
judged an aside of a text about something else. A false topic stood in the title or the
lead, anywhere in a short text, in a body paragraph, or was added by a model. Which one says
what kind of change could help: a vocabulary has nothing to add where the rules judged a
found sentence an aside.
"""

from __future__ import annotations

from crawler.tagging.rules import MAX_TAG_CHARS, prepare_fields, read_fields
from crawler.tagging.topics import SHORT_TEXT_SENTENCES, TopicDecision
from crawler.tagging.vocab import Vocabulary


def miss_mechanism(title: str | None, text: str, lang: str | None, topic: str, *,
                   truth: bool, vocabulary: Vocabulary) -> str:
    """The mechanism of a wrong decision on `topic` (`truth` is the label; the tag was the
    opposite), read again from the rules' own decision."""
    if len(text) > MAX_TAG_CHARS:  # read as far as tag_text reads
        cut = text.rfind(" ", 0, MAX_TAG_CHARS)
        text = text[: cut if cut > 0 else MAX_TAG_CHARS]
    fields = prepare_fields(title, text, lang)
    decision = next(d for d in read_fields(fields, vocabulary).decisions if d.topic == topic)
    return _missed(decision) if truth else _false(decision, vocabulary)


def _missed(d: TopicDecision) -> str:
    if d.assigned:
        return "vetoed by a model"  # the rules gave it, the final tag did not
    if d.score <= 0:
        return "no offence or cue word"
    if not d.strong:
        return "below the threshold"
    return "vetoed by genre words" if d.features["vetoed"] else "judged an aside"


def _false(d: TopicDecision, vocabulary: Vocabulary) -> str:
    if not d.assigned:
        return "added by a model"
    threshold = next(c.threshold for c in vocabulary.topics if c.name == d.topic)
    if max(d.features["title"], d.features["lead"]) >= threshold:
        return "in the title or the lead"
    if d.features["sentences"] <= SHORT_TEXT_SENTENCES:
        return "in a short text"
    return "in a body paragraph"
