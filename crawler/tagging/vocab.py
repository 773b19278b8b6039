"""The tagging vocabulary: TOML files under crawler/tagging/vocab compiled for matching."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from crawler.tagging.facts import FactPatterns, compile_facts
from crawler.tagging.terms import (
    CONTEXT_KINDS,
    MIN_PREFIX,
    NEGATOR_SCOPES,
    ROLES,
    Payload,
    Role,
    Term,
    VocabularyError,
    WordPattern,
    compile_term,
)
from crawler.tagging.vocab_files import (
    check_every_file_is_read,
    expand_lists,
    read_lists,
    read_toml,
    topic_files,
    vocab_hash,
)

VOCAB_DIR = Path(__file__).with_name("vocab")


@dataclass(frozen=True)
class NearRule:
    """Terms from every group within `window` words of each other, in one sentence."""

    topic: str
    subtopic: str
    weight: float
    window: int
    groups: int
    rule: str
    role: Role = "offence"
    needs: tuple[str, ...] = CONTEXT_KINDS


@dataclass(frozen=True)
class TopicConfig:
    """Thresholds and article points of one topic file."""

    name: str
    threshold: float
    subtopic_min: float
    articles: dict[str, float]
    # The context kinds an untitled excerpt's lead must hold for a sentence anywhere in it to
    # make the excerpt about the topic (`excerpt_case`: true for a crime or a loss, or a list
    # of kinds; empty when off): topics/_excerpt_of_a_case.
    excerpt_case: tuple[str, ...] = ()
    # The topics whose case this topic qualifies (`qualifies`): where such a topic is
    # assigned, a strong sentence of this topic's that is also a strong sentence of that one
    # is about the text wherever it stands ("мошенническими колл-центрами руководят
    # преступные группировки" in an article about the call centres): rules._qualified.
    qualifies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    """Every rule of a vocab folder, compiled for matching."""

    version: str
    topics: tuple[TopicConfig, ...]
    terms: tuple[Term, ...]
    near_rules: tuple[NearRule, ...]
    crime_min: float
    facts: FactPatterns
    folder: str
    # Every distinct word pattern once; a term lists its words' pattern ids.
    patterns: tuple[WordPattern, ...] = field(repr=False)
    term_patterns: tuple[tuple[int, ...], ...] = field(repr=False)
    # Pattern ids by what a word may meet them by: stems, 3-letter prefix heads, exact
    # forms, skeletons and skeleton prefix heads.
    by_stem: dict[str, tuple[int, ...]] = field(repr=False)
    by_prefix: dict[str, tuple[int, ...]] = field(repr=False)
    by_exact: dict[str, tuple[int, ...]] = field(repr=False)
    by_key: dict[str, tuple[int, ...]] = field(repr=False)
    by_key_prefix: dict[str, tuple[int, ...]] = field(repr=False)
    # (prefix, pattern id) of every surface prefix, by its 3-letter head: a word starting
    # with the prefix fits the pattern, no other check needed.
    prefix_pairs: dict[str, tuple[tuple[str, int], ...]] = field(repr=False)
    # Term ids by the pattern id of their first word.
    terms_by_first: dict[int, tuple[int, ...]] = field(repr=False)
    # Topics each negative group vetoes (context.toml `topics`, all when absent).
    negative_topics: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    # For each term, the index of the first term with the same words: one phrase listed
    # under two subtopics is one piece of evidence.
    same_words: tuple[int, ...] = field(default=(), repr=False)


def _role(rule: dict[str, Any], where: str) -> Role:
    """The `role` of a rule table (offence when absent)."""
    role = str(rule.get("role", "offence"))
    if role not in ROLES:
        raise VocabularyError(f"{where}: role {role!r} is not one of {', '.join(ROLES)}")
    return role  # type: ignore[return-value]


def _needs(rule: dict[str, Any], where: str) -> tuple[str, ...]:
    """The context kinds a cue rule needs beside it (`needs`, all kinds when absent)."""
    needs = tuple(str(k) for k in rule.get("needs", CONTEXT_KINDS))
    unknown = set(needs) - set(CONTEXT_KINDS)
    if unknown or not needs:
        raise VocabularyError(f"{where}: needs {list(needs)} must name some of {CONTEXT_KINDS}")
    return needs


def _topic_terms(
    data: dict[str, Any], path: Path, terms: list[Term], near: list[NearRule],
    lists: dict[str, tuple[str, ...]],
) -> TopicConfig:
    """Compile the `rules`, `near`, `mask` and `negator` tables of one topic's files.

    Tables are read kind by kind over the files in order, so a topic split over several
    files reads exactly as one file would, and a near rule's id (`near[15]`) counts the near
    rules of the whole topic."""
    name = str(data["topic"])
    files = topic_files(data, path)
    for file, table in files:
        for i, rule in enumerate(table.get("rules", [])):
            where = f"{file}#rules[{i}]"
            sub, role = str(rule.get("subtopic", "")), _role(rule, where)
            needs = _needs(rule, where)
            for text in expand_lists(rule["terms"], lists, where):
                rid = f"{name}.{sub or 'general'}:{text}"
                payload = Payload("topic", name, sub, float(rule.get("weight", 0.0)), rid,
                                  role, needs=needs)
                terms.append(compile_term(text, payload, where))
    topic_near = 0
    for file, table in files:
        for i, rule in enumerate(table.get("near", [])):
            where = f"{file}#near[{i}]"
            sub, groups = str(rule.get("subtopic", "")), rule["groups"]
            rid = f"{name}.{sub or 'general'}:near[{topic_near}]"
            topic_near += 1
            near.append(NearRule(name, sub, float(rule["weight"]), int(rule["window"]),
                                 len(groups), rid, _role(rule, where), _needs(rule, where)))
            for g, group in enumerate(groups):
                for text in expand_lists(group, lists, where):
                    payload = Payload("near", name, sub, 0.0, rid, "", len(near) - 1, g)
                    terms.append(compile_term(text, payload, where))
    for kind in ("mask", "negator"):
        for file, table in files:
            for i, rule in enumerate(table.get(kind, [])):
                where = f"{file}#{kind}[{i}]"
                scope = str(rule.get("scope", "sentence"))
                if scope not in NEGATOR_SCOPES or (kind == "mask" and "scope" in rule):
                    raise VocabularyError(f"{where}: scope {scope!r} is not one of"
                                          f" {list(NEGATOR_SCOPES)} (negators only)")
                for text in expand_lists(rule["terms"], lists, where):
                    payload = Payload(kind, name, "", 0.0, f"{name}.{kind}:{text}",
                                      scope=scope)
                    terms.append(compile_term(text, payload, where))
    return TopicConfig(
        name=name,
        threshold=float(data["threshold"]),
        subtopic_min=float(data.get("subtopic_min", 0.0)),
        articles={str(k): float(v) for k, v in data.get("articles", {}).items()},
        excerpt_case=_excerpt_case(data.get("excerpt_case", False), path.name),
        qualifies=_qualifies(data.get("qualifies", []), path.name),
    )


def _qualifies(value: object, where: str) -> tuple[str, ...]:
    """`qualifies` of a topic file: a list of topic names (checked against the topics once
    all are read); a bare string would be read letter by letter."""
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise VocabularyError(f"{where}: qualifies {value!r} must be a list of topic names")
    return tuple(value)


def _excerpt_case(value: object, where: str) -> tuple[str, ...]:
    """`excerpt_case` of a topic file: false (off), true (a crime or a loss in the lead) or a
    list of the context kinds the lead must hold one of (["harm"]: a loss)."""
    if isinstance(value, bool):
        return ("crime", "harm") if value else ()
    if not isinstance(value, list):
        raise VocabularyError(f"{where}: excerpt_case {value!r} must be true, false or a list"
                              f" of some of {list(CONTEXT_KINDS)}")
    return _needs({"needs": value}, f"{where}: excerpt_case")  # the same kinds a cue needs


def _negative_topics(context: dict[str, Any], topics: list[TopicConfig]) -> dict[str, tuple[
        str, ...]]:
    """Which topics each `[[negative]]` group applies to."""
    names = tuple(t.name for t in topics)
    out = {}
    for neg in context.get("negative", []):
        chosen = tuple(neg.get("topics", names))
        if set(chosen) - set(names):
            raise VocabularyError(f"context.toml#{neg['id']}: topics {list(chosen)} not in {names}")
        out[str(neg["id"])] = chosen
    return out


def _context_terms(context: dict[str, Any], terms: list[Term]) -> None:
    """Compile context.toml: crime, harm and warning words, genre negatives, shared masks."""
    for group in CONTEXT_KINDS:
        spec = context.get(group, {})
        for text in spec.get("terms", []):
            payload = Payload(group, group, "", float(spec.get("weight", 1.0)), f"{group}:{text}")
            terms.append(compile_term(text, payload, f"context.toml#{group}"))
    for neg in context.get("negative", []):
        for text in neg["terms"]:
            payload = Payload("negative", neg["id"], "", float(neg["weight"]),
                              f"{neg['id']}:{text}")
            terms.append(compile_term(text, payload, f"context.toml#{neg['id']}"))
    # Words of a conviction: a sentence that acquits of one charge and convicts of another is
    # a partial acquittal, denying nothing beyond itself (topics.collect_sentences).
    for text in context.get("conviction", {}).get("terms", []):
        payload = Payload("conviction", "conviction", "", 1.0, f"conviction:{text}")
        terms.append(compile_term(text, payload, "context.toml#conviction"))
    for i, mask in enumerate(context.get("mask", [])):
        for text in mask["terms"]:
            terms.append(compile_term(text, Payload("mask", "*", "", 0.0, f"mask:{text}"),
                                       f"context.toml#mask[{i}]"))


def _place_terms(folder: Path, terms: list[Term]) -> None:
    """Compile regions.toml (regions, kz and foreign markers) and agencies.toml."""
    regions = read_toml(folder / "regions.toml")
    for rid, spec in regions["regions"].items():
        for text in spec["names"]:
            terms.append(
                compile_term(text, Payload("region", rid, "", 1.0, f"region.{rid}:{text}"), rid)
            )
    for group in ("kz", "foreign", "not_place"):
        for text in regions[group]["terms"]:
            terms.append(
                compile_term(text, Payload(group, group, "", 1.0, f"{group}:{text}"), group)
            )
    agencies = read_toml(folder / "agencies.toml")
    for aid, spec in agencies["agencies"].items():
        for text in spec["terms"]:
            terms.append(
                compile_term(text, Payload("agency", aid, "", 1.0, f"agency.{aid}:{text}"), aid)
            )


def _index(terms: list[Term]) -> dict[str, Any]:
    """Distinct word patterns, indexed by stems, prefix heads, exact forms and skeletons."""
    ids: dict[WordPattern, int] = {}
    for t in terms:
        for w in t.words:
            ids.setdefault(w, len(ids))
    maps: dict[str, dict[str, list[int]]] = {
        name: defaultdict(list)
        for name in ("by_stem", "by_prefix", "by_exact", "by_key", "by_key_prefix")}
    pairs: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for w, pid in ids.items():
        for s in w.stems:
            maps["by_stem"][s].append(pid)
        for p in w.prefixes:
            maps["by_prefix"][p[:MIN_PREFIX]].append(pid)
            pairs[p[:MIN_PREFIX]].append((p, pid))
        for e in w.exact:
            maps["by_exact"][e].append(pid)
        for k in w.key_stems | w.key_exact:
            maps["by_key"][k].append(pid)
        for p in w.key_prefixes:
            maps["by_key_prefix"][p[:MIN_PREFIX]].append(pid)
    term_patterns = tuple(tuple(ids[w] for w in t.words) for t in terms)
    by_first: dict[int, list[int]] = defaultdict(list)
    for ti, pids in enumerate(term_patterns):
        by_first[pids[0]].append(ti)
    out: dict[str, Any] = {name: {k: tuple(dict.fromkeys(v)) for k, v in m.items()}
                           for name, m in maps.items()}
    out.update(patterns=tuple(ids), term_patterns=term_patterns,
               prefix_pairs={k: tuple(v) for k, v in pairs.items()},
               terms_by_first={k: tuple(v) for k, v in by_first.items()})
    return out


def _dedupe(terms: list[Term]) -> list[Term]:
    """Drop a term that repeats an earlier one of the same meaning (same words, same label).

    "қылмыстық топ" and "қылмыстық топтар" compile to the same stems; counting both would
    double the points of one phrase.
    """
    seen: set[tuple[Any, ...]] = set()
    kept: list[Term] = []
    for t in terms:
        p = t.payload
        key = (p.group, p.label, p.subtopic, p.role, p.needs, p.near_index, p.near_group,
               t.words)
        if key not in seen:
            seen.add(key)
            kept.append(t)
    return kept


def _load(folder: Path) -> Vocabulary:
    """Read and compile every vocabulary file of a folder."""
    version_file = folder / "VERSION"
    if not version_file.is_file():
        raise VocabularyError(f"{folder}: VERSION file missing")
    version = f"{version_file.read_text(encoding='utf-8').strip()}+{vocab_hash(folder)}"
    terms: list[Term] = []
    near: list[NearRule] = []
    lists = read_lists(folder)
    heads = [(path, data) for path in sorted(folder.glob("*.toml"))
             if "topic" in (data := read_toml(path))]
    check_every_file_is_read(folder, heads)
    topics = [_topic_terms(data, path, terms, near, lists) for path, data in heads]
    for t in topics:
        if unknown := set(t.qualifies) - {o.name for o in topics if o.name != t.name}:
            raise VocabularyError(f"{t.name}: qualifies {sorted(unknown)}, not another topic")
    context = read_toml(folder / "context.toml")
    _context_terms(context, terms)
    _place_terms(folder, terms)
    terms = _dedupe(terms)
    index = _index(terms)
    first_of: dict[tuple[WordPattern, ...], int] = {}
    same_words = tuple(first_of.setdefault(t.words, i) for i, t in enumerate(terms))
    return Vocabulary(
        version=version,
        topics=tuple(topics),
        terms=tuple(terms),
        near_rules=tuple(near),
        crime_min=float(context.get("crime", {}).get("min", 1.0)),
        facts=compile_facts(read_toml(folder / "facts.toml")),
        folder=str(folder),
        same_words=same_words,
        negative_topics=_negative_topics(context, topics),
        **index,
    )


@lru_cache(maxsize=8)
def _load_cached(folder: str) -> Vocabulary:
    """Compile a vocab folder once per process."""
    return _load(Path(folder))


def load_vocabulary(path: str | Path | None = None) -> Vocabulary:
    """The compiled vocabulary of a folder (default: crawler/tagging/vocab), cached."""
    if path is None:
        return _load_cached(_DEFAULT_FOLDER)
    return _load_cached(str(Path(path).resolve()))


_DEFAULT_FOLDER = str(VOCAB_DIR.resolve())


def rules_version() -> str:
    """VERSION of the default vocabulary plus a short hash of its files and model."""
    return load_vocabulary().version
