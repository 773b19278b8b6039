"""Topic tagging of one article: fraud and organized crime, Kazakhstan relation, regions, facts.

    tag_text(title, text) -> TagResult

The text is prepared once (crawler/tagging/prepare.py), vocabulary terms are found in it
(matching.py), each topic is decided from the offence, its context and where the evidence
stands (topics.py), optionally weighed by a small linear model (model.py), and facts are
read (facts.py). The rules are data: crawler/tagging/vocab/*.toml, versioned by VERSION and
a hash of the files.
"""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from crawler.tagging.facts import Damage, case_counts, criminal_code_articles, damage_of_case
from crawler.tagging.matching import Match, find_terms, longest_first, masked
from crawler.tagging.model import load_model
from crawler.tagging.prepare import PreparedField, prepare_field, token_stems
from crawler.tagging.terms import VocabularyError
from crawler.tagging.topics import (
    TopicDecision,
    collect_sentences,
    context_by_sentence,
    context_points,
    decide_topic,
    subtopics_of,
)
from crawler.tagging.vocab import VOCAB_DIR, Vocabulary, load_vocabulary, rules_version

__all__ = [
    "MAX_TAG_CHARS", "PAUSE_GC_CHARS", "VOCAB_DIR", "Evidence", "TagResult", "TopicTag",
    "VocabularyError", "cyclic_gc_paused", "load_vocabulary", "prepare_fields", "read_fields",
    "readable_part", "rules_version", "tag_prepared", "tag_text", "token_stems",
]

# Evidence kept per topic; the rest adds to the score but not to the stored record.
MAX_EVIDENCE = 25
# Above this many characters the cyclic garbage collector is paused while a text is tagged:
# tagging makes no reference cycles, and a collector that rescans every match object of a
# multi-megabyte text again and again makes the time grow faster than the text.
PAUSE_GC_CHARS = 100_000
# Text beyond this many characters is not tagged (the result says `truncated`): real
# articles run to 100 000 characters; a 50 MB page body must not hold back a crawl.
MAX_TAG_CHARS = 1_000_000


@dataclass(frozen=True)
class Evidence:
    """A matched phrase: the text as written, the rule, the field, offsets and article part."""

    phrase: str
    rule: str
    field: str
    start: int
    end: int
    part: str = "body"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"phrase": self.phrase, "rule": self.rule, "field": self.field,
                "start": self.start, "end": self.end, "part": self.part}


@dataclass(frozen=True)
class TopicTag:
    """An assigned topic with its score, subtopics and evidence."""

    topic: str
    score: float
    subtopics: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    probability: float | None = None


@dataclass(frozen=True)
class TagResult:
    """Everything tagging says about one article."""

    topics: dict[str, TopicTag]
    kz_related: bool
    regions: tuple[str, ...]
    criminal_code_articles: tuple[str, ...]
    agencies: tuple[str, ...]
    damage: Damage | None
    case_counts: tuple[int, ...]
    rules_version: str
    model_version: str | None = None
    truncated: bool = False

    @property
    def damage_kzt(self) -> tuple[int, ...]:
        """The damage of the case as a one-element tuple (empty without one)."""
        return (self.damage.kzt,) if self.damage else ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; topics hold only assigned topics, keyed by name."""
        topics: dict[str, Any] = {}
        for name, tag in self.topics.items():
            topics[name] = {"score": tag.score, "subtopics": list(tag.subtopics),
                            "evidence": [e.to_dict() for e in tag.evidence]}
            if tag.probability is not None:
                topics[name]["probability"] = tag.probability
        out: dict[str, Any] = {
            "topics": topics,
            "kz_related": self.kz_related,
            "regions": list(self.regions),
            "criminal_code_articles": list(self.criminal_code_articles),
            "agencies": list(self.agencies),
            "damage_kzt": list(self.damage_kzt),
            "damage": self.damage.to_dict() if self.damage else None,
            "case_counts": list(self.case_counts),
            "rules_version": self.rules_version,
            "model_version": self.model_version,
        }
        if self.truncated:
            out["truncated"] = True
        return out

    def to_json(self) -> str:
        """One line of JSON, Cyrillic kept readable."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))


def _unique(items: Iterable[Any]) -> tuple[Any, ...]:
    """Items in first-seen order without repeats."""
    return tuple(dict.fromkeys(items))


def prepare_fields(title: str | None, text: str, lang: str | None = None) -> list[PreparedField]:
    """The title and text prepared once, for tagging and search terms alike."""
    return [prepare_field("title", title or "", lang),
            prepare_field("text", text, lang, headless=not (title or "").strip())]


def _evidence(fields: dict[str, PreparedField], m: Match, rule: str) -> Evidence:
    """Evidence for a match: the original words, their offsets and the article part."""
    fld = fields[m.field]
    start, end = fld.starts[m.first], fld.ends[m.last - 1]
    part = fld.sentences[m.sentence].part if fld.sentences else "body"
    return Evidence(fld.original[start:end], rule, fld.name, start, end, part)


def _kz_related(vocab: Vocabulary, groups: dict[str, list[Match]], places: list[Match],
                fields: dict[str, PreparedField], evidence_keys: set[tuple[str, int]]) -> bool:
    """Kazakhstan markers against foreign ones, counted double in the head and in evidence."""
    def weight(m: Match) -> float:
        part = fields[m.field].sentences[m.sentence].part if fields[m.field].sentences else ""
        if part == "aside":
            return 0.0
        head = part in ("title", "lead") or (m.field, m.sentence) in evidence_keys
        return 2.0 if head else 1.0
    kz = sum(map(weight, _mentions(places + masked(groups["kz"], groups["not_place"]))))
    foreign = sum(map(weight, _mentions(groups["foreign"])))
    return (kz > 0 and 2 * kz >= foreign) or (kz == 0 and foreign == 0)


def _places(groups: dict[str, list[Match]]) -> list[Match]:
    """The regions named, less the namesakes that are no place here ("Петропавловск-Камчатский",
    the "Уральский федеральный округ" of Russia): regions.toml `not_place`."""
    return masked(groups["region"], groups["not_place"])


def _mentions(matches: list[Match]) -> list[Match]:
    """One match per place in the text: a word two terms fit ("Қырғызстан": қырғызстан*,
    қырғыз*; Latin "teńge": тенге*, теңге*) is one mention, and a name inside a longer one
    ("Алматы" in "Алматы облысы") is none."""
    return list({(m.field, m.first, m.last): m for m in longest_first(matches)}.values())


@dataclass
class Reading:
    """What the rules read in prepared fields, before a model weighs it."""

    fields: dict[str, PreparedField]
    groups: dict[str, list[Match]]
    articles: list[tuple[str, str, int, int]]
    context: dict[str, float]
    decisions: list[TopicDecision]


def read_fields(fields: list[PreparedField], vocab: Vocabulary) -> Reading:
    """Find terms and articles and decide each topic by the rules alone."""
    by_name = {f.name: f for f in fields}
    groups: dict[str, list[Match]] = defaultdict(list)
    for f in fields:
        for m in find_terms(vocab, f):
            groups[vocab.terms[m.term].payload.group].append(m)
    articles = [(n, f.name, s, e) for f in fields
                for n, s, e in criminal_code_articles(vocab.facts, f)]
    context = context_points(vocab, groups, by_name)
    ctx = context_by_sentence(vocab, groups)
    def local_context(within: set[tuple[str, int]]) -> dict[str, float]:
        return context_points(vocab, groups, by_name, within)

    decisions = [decide_topic(cfg, collect_sentences(vocab, cfg, groups, articles, by_name), ctx,
                              context, by_name, local_context)
                 for cfg in vocab.topics]
    return Reading(by_name, groups, articles, context, _qualified(vocab, decisions))


def _qualified(vocab: Vocabulary, decisions: list[TopicDecision]) -> list[TopicDecision]:
    """Assign a topic one of whose strong sentences is also a strong sentence of a topic it
    qualifies (TopicConfig.qualifies) that is assigned: the sentence says who runs the text's
    case ("мошенническими колл-центрами руководят преступные группировки"), so it is no
    passing mention, wherever it stands. Genre words that vetoed the topic still do."""
    by_topic = {d.topic: d for d in decisions}
    out = []
    for cfg, d in zip(vocab.topics, decisions, strict=True):
        if not d.assigned and d.strong and not d.features["vetoed"]:
            for other in cfg.qualifies:
                case = by_topic[other]
                if case.assigned and set(case.strong).intersection(d.strong):
                    d = replace(d, assigned=True, features={**d.features, "qualifies": 1.0})
                    break
        out.append(d)
    return out


def tag_prepared(fields: list[PreparedField], *, vocabulary: Vocabulary | None = None,
                 truncated: bool = False, use_model: bool = True) -> TagResult:
    """Tag prepared fields (see `prepare_fields`); `use_model=False` lets the rules decide."""
    vocab = vocabulary or load_vocabulary()
    model = load_model(vocab) if use_model else None
    reading = read_fields(fields, vocab)
    by_name, groups, articles = reading.fields, reading.groups, reading.articles
    decisions = reading.decisions
    if model is not None:
        decisions = [model.decide(d, reading.context, by_name) for d in decisions]
    topics: dict[str, TopicTag] = {}
    evidence_keys: set[tuple[str, int]] = set()
    for d in decisions:
        if not d.assigned:
            continue
        cfg = next(c for c in vocab.topics if c.name == d.topic)
        evidence_keys |= set(d.strong)
        evidence = [_evidence(by_name, m, rule) for m, rule in d.evidence]
        topics[d.topic] = TopicTag(d.topic, d.score, subtopics_of(vocab, cfg, groups),
                                   tuple(evidence[:MAX_EVIDENCE]), d.features.get("probability"))
    agencies = _unique(vocab.terms[m.term].payload.label for m in longest_first(groups["agency"]))
    places = _places(groups)
    regions = longest_first(places)
    return TagResult(
        topics=topics,
        kz_related=_kz_related(vocab, groups, places, by_name, evidence_keys),
        regions=_unique(vocab.terms[m.term].payload.label for m in regions),
        criminal_code_articles=_unique(n for n, *_ in articles),
        agencies=agencies,
        damage=damage_of_case(vocab.facts, fields),
        case_counts=_unique(c for f in fields for c in case_counts(vocab.facts, f)),
        rules_version=vocab.version,
        model_version=model.version if model else None,
        truncated=truncated,
    )


@contextmanager
def cyclic_gc_paused(pause: bool) -> Iterator[None]:
    """Pause the cyclic garbage collector for the block when `pause` (see PAUSE_GC_CHARS)."""
    was_enabled = gc.isenabled()
    if pause and was_enabled:
        gc.disable()
    try:
        yield
    finally:
        if pause and was_enabled:
            gc.enable()


def readable_part(text: str, max_chars: int | None = MAX_TAG_CHARS) -> tuple[str, bool]:
    """The part of a text tagging reads (up to the last space before `max_chars`; all of it
    with None), and whether that cut anything."""
    if max_chars is None or len(text) <= max_chars:
        return text, False
    cut = text.rfind(" ", 0, max_chars)
    return text[: cut if cut > 0 else max_chars], True


def tag_text(
    title: str | None, text: str, lang: str | None = None, *,
    vocabulary: Vocabulary | None = None, max_chars: int | None = MAX_TAG_CHARS,
    use_model: bool = True,
) -> TagResult:
    """Tag one article: topics with evidence, Kazakhstan relation, regions and facts.

    `lang` helps read Latin-script Kazakh; matching tries Kazakh and Russian stems for every
    ambiguous word, so a wrong or missing language does not hide a match. Text past
    `max_chars` is not read (None reads everything); the result then says `truncated`.
    """
    text, truncated = readable_part(text, max_chars)
    with cyclic_gc_paused(len(text) > PAUSE_GC_CHARS):
        return tag_prepared(prepare_fields(title, text, lang), vocabulary=vocabulary,
                            truncated=truncated, use_model=use_model)
