"""Why a tag was missed or given wrongly, by mechanism: counts a rule writer may read for
any half of a real set, since they name no text and no evidence.

    wrong_decision_mechanisms(title, text, lang, {topic: label}, vocabulary=...) -> {topic: ...}

A missed topic had no word of the offence and no cue beside its context (outside asides; a
channel or a kind of loan names no offence, and a negated sentence counts nothing), stayed
below the threshold in every sentence, was vetoed by genre words (or by a model), or stood
in too little of a long text's body: one sentence of it, or a few apart, is a passing mention
in a text about something else (asides, such as "read also" lines, count nothing at all). A
false topic stood in the title or the lead, anywhere in a short text, in a body paragraph, or
was added by a model. Which one says
what kind of change could help: a vocabulary has nothing to add where a found sentence
stood in too little of the body.
"""

from __future__ import annotations

from crawler.tagging.rules import prepare_fields, read_fields, readable_part
from crawler.tagging.topics import SHORT_TEXT_SENTENCES, TopicDecision
from crawler.tagging.vocab import Vocabulary


def wrong_decision_mechanisms(title: str | None, text: str, lang: str | None,
                              wrong: dict[str, bool], *,
                              vocabulary: Vocabulary) -> dict[str, str]:
    """The mechanism of each wrong decision of a text (`wrong`: topic -> its label; the tag
    was the opposite), from the rules' own decisions, read once for the text."""
    fields = prepare_fields(title, readable_part(text)[0], lang)
    decisions = {d.topic: d for d in read_fields(fields, vocabulary).decisions}
    return {topic: _missed(decisions[topic]) if truth else _false(decisions[topic], vocabulary)
            for topic, truth in wrong.items()}


def _missed(d: TopicDecision) -> str:
    if d.assigned:
        return "vetoed by a model"  # the rules gave it, the final tag did not
    if d.score <= 0:
        return "no offence or cue word"
    if not d.strong:
        return "below the threshold"
    if d.features["vetoed"]:
        return "vetoed by genre words"
    if d.features["body_strong"] == 1:
        return "one sentence of a long text's body"
    return "a few sentences apart in a long text's body"


def _false(d: TopicDecision, vocabulary: Vocabulary) -> str:
    if not d.assigned:
        return "added by a model"
    threshold = next(c.threshold for c in vocabulary.topics if c.name == d.topic)
    if max(d.features["title"], d.features["lead"]) >= threshold:
        return "in the title or the lead"
    if d.features["sentences"] <= SHORT_TEXT_SENTENCES:
        return "in a short text"
    return "in a body paragraph"
