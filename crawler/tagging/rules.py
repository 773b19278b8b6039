"""Topic tagging by vocabulary rules: fraud and organized crime, regions, agencies, facts."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from crawler.tagging.normalize import Token, normalize_text, tokenize
from crawler.tagging.stem import (
    KK_MORPHOLOGY_PATH,
    has_kk_letters,
    kk_latin_to_cyrillic,
    looks_kk_latin,
    stem_en,
    stem_kk,
    stem_ru,
)

VOCAB_DIR = Path(__file__).with_name("vocab")

# Points for a term found in the title rather than the body: a headline names the subject.
TITLE_FACTOR = 1.5
# Each further occurrence of a term adds this much, up to EXTRA_OCCURRENCES_MAX times:
# repetition says the text is about it, without letting one word carry a topic alone.
EXTRA_OCCURRENCE_POINTS = 0.5
EXTRA_OCCURRENCES_MAX = 2
# Evidence kept per topic; the rest adds to the score but not to the stored record.
MAX_EVIDENCE = 25
# Prefix terms need this many letters before "*" so that one cannot match half the language.
MIN_PREFIX = 3

_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_LATIN_RE = re.compile(r"[a-z\u00c0-\u024f]")
_TERM_WORD_RE = re.compile(r"[^\s\-\u2010-\u2015]+")
_SENTENCE_BREAK_RE = re.compile(r"[.!?\u2026]+(?=\s)|\n")
_NUMBER_RE = re.compile(r"\d{1,3}(?:-\d{1,2})?")


class VocabularyError(ValueError):
    """Raised when a vocabulary file under crawler/tagging/vocab is malformed, at load time."""


# ---------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """A matched phrase: the text as written, the rule, the field and offsets in that field."""

    phrase: str
    rule: str
    field: str
    start: int
    end: int


@dataclass(frozen=True)
class TopicTag:
    """An assigned topic with its score, subtopics and evidence."""

    topic: str
    score: float
    subtopics: tuple[str, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class TagResult:
    """Everything tagging says about one article."""

    topics: dict[str, TopicTag]
    kz_related: bool
    regions: tuple[str, ...]
    criminal_code_articles: tuple[str, ...]
    agencies: tuple[str, ...]
    damage_kzt: tuple[int, ...]
    case_counts: tuple[int, ...]
    rules_version: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; topics hold only assigned topics, keyed by name."""
        return {
            "topics": {
                name: {
                    "score": tag.score,
                    "subtopics": list(tag.subtopics),
                    "evidence": [
                        {
                            "phrase": e.phrase,
                            "rule": e.rule,
                            "field": e.field,
                            "start": e.start,
                            "end": e.end,
                        }
                        for e in tag.evidence
                    ],
                }
                for name, tag in self.topics.items()
            },
            "kz_related": self.kz_related,
            "regions": list(self.regions),
            "criminal_code_articles": list(self.criminal_code_articles),
            "agencies": list(self.agencies),
            "damage_kzt": list(self.damage_kzt),
            "case_counts": list(self.case_counts),
            "rules_version": self.rules_version,
        }

    def to_json(self) -> str:
        """One line of JSON, Cyrillic kept readable."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------------------------------
# Compiled vocabulary
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WordPattern:
    """One word of a term: stems, surface prefixes or exact surface forms, any may match."""

    stems: frozenset[str]
    prefixes: tuple[str, ...]
    exact: frozenset[str]

    def matches(self, surface: str, stems: frozenset[str]) -> bool:
        """Whether a token (its normalised surface and its stems) fits this word."""
        if surface in self.exact or not self.stems.isdisjoint(stems):
            return True
        return any(surface.startswith(p) for p in self.prefixes)


@dataclass(frozen=True)
class Payload:
    """What a term means when it matches: its group, label and weight."""

    group: str  # "topic", "near", "crime", "negative", "region", "agency", "kz", "foreign"
    label: str  # topic / negative id / region id / agency id
    subtopic: str
    weight: float
    rule: str  # readable rule id, e.g. "fraud.phone:колл центр*"
    near_index: int = -1
    near_group: int = -1


@dataclass(frozen=True)
class Term:
    """A compiled term: its word patterns and what it means."""

    words: tuple[WordPattern, ...]
    payload: Payload


@dataclass(frozen=True)
class NearRule:
    """Terms from every group within `window` tokens of each other."""

    topic: str
    subtopic: str
    weight: float
    window: int
    groups: int
    rule: str


@dataclass(frozen=True)
class TopicConfig:
    """Thresholds and article points of one topic file."""

    name: str
    threshold: float
    subtopic_min: float
    articles: dict[str, float]


@dataclass(frozen=True)
class FactPatterns:
    """Regular expressions for articles, damage and case counts (facts.toml)."""

    article_ru: re.Pattern[str]
    article_kk: re.Pattern[str]
    article_keep: re.Pattern[str]
    article_reject: re.Pattern[str]
    article_window: int
    article_max: int
    damage_amount: re.Pattern[str]
    damage_cue: re.Pattern[str]
    multipliers: tuple[tuple[str, int], ...]
    cases: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Vocabulary:
    """Every rule of a vocab folder, compiled for matching."""

    version: str
    topics: tuple[TopicConfig, ...]
    terms: tuple[Term, ...]
    near_rules: tuple[NearRule, ...]
    crime_min: float
    facts: FactPatterns
    by_stem: dict[str, tuple[int, ...]] = field(repr=False)
    by_prefix: dict[str, tuple[int, ...]] = field(repr=False)
    by_exact: dict[str, tuple[int, ...]] = field(repr=False)


@lru_cache(maxsize=131_072)
def token_stems(word: str) -> frozenset[str]:
    """Every stem a normalised word may have: both Kazakh and Russian when it could be either."""
    if word.isdigit():
        return frozenset((word,))
    if _CYRILLIC_RE.search(word):
        if has_kk_letters(word):
            return frozenset((stem_kk(word),))
        return frozenset((stem_ru(word), stem_kk(word)))
    if _LATIN_RE.search(word):
        return frozenset((stem_en(word), stem_kk(word)))
    return frozenset((word,))


def _compile_word(spec: str, where: str) -> WordPattern:
    """Compile one term word: `stem`, `prefix*`, `=exact`, alternatives joined by `|`."""
    stems: set[str] = set()
    prefixes: list[str] = []
    exact: set[str] = set()
    for alt in spec.split("|"):
        alt = normalize_text(alt)
        if alt.startswith("="):
            exact.add(alt[1:])
        elif alt.endswith("*"):
            prefix = alt[:-1]
            if len(prefix) < MIN_PREFIX:
                raise VocabularyError(f"{where}: prefix {alt!r} is shorter than {MIN_PREFIX}")
            prefixes.append(prefix)
        elif alt:
            for stem in token_stems(alt):
                if len(stem) >= MIN_PREFIX or stem == alt:
                    stems.add(stem)
                elif len(alt) > MIN_PREFIX:
                    # Snowball cuts "заем" to "за", also a preposition: say so at load time.
                    raise VocabularyError(
                        f"{where}: {alt!r} stems to {stem!r}; write it as a prefix or =exact"
                    )
                else:
                    # A short function word, cut below 3 letters by Snowball, is matched as written.
                    exact.add(alt)
        else:
            raise VocabularyError(f"{where}: empty alternative in {spec!r}")
    return WordPattern(frozenset(stems), tuple(prefixes), frozenset(exact))


def _compile_term(text: str, payload: Payload, where: str) -> Term:
    """Compile a term: words split on spaces and hyphens, as the tokenizer splits text."""
    words = tuple(_compile_word(w, where) for w in _TERM_WORD_RE.findall(text))
    if not words:
        raise VocabularyError(f"{where}: empty term")
    return Term(words, payload)


def _read_toml(path: Path) -> dict[str, Any]:
    """Read one vocabulary file, naming it in the error when it is malformed."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise VocabularyError(f"{path}: {exc}") from exc


def _vocab_hash(folder: Path) -> str:
    """Short hash over the vocab files and the Kazakh morphology, in name order."""
    digest = hashlib.sha256()
    for path in [*sorted(folder.glob("*.toml")), KK_MORPHOLOGY_PATH]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


def _topic_terms(
    data: dict[str, Any], path: Path, terms: list[Term], near: list[NearRule]
) -> TopicConfig:
    """Compile the `rules` and `near` tables of one topic file."""
    name = str(data["topic"])
    for i, rule in enumerate(data.get("rules", [])):
        sub = str(rule.get("subtopic", ""))
        weight = float(rule["weight"])
        for text in rule["terms"]:
            rid = f"{name}.{sub or 'general'}:{text}"
            terms.append(
                _compile_term(text, Payload("topic", name, sub, weight, rid), f"{path}#rules[{i}]")
            )
    for i, rule in enumerate(data.get("near", [])):
        sub = str(rule.get("subtopic", ""))
        groups = rule["groups"]
        rid = f"{name}.{sub or 'general'}:near[{i}]"
        near.append(
            NearRule(name, sub, float(rule["weight"]), int(rule["window"]), len(groups), rid)
        )
        for g, group in enumerate(groups):
            for text in group:
                payload = Payload("near", name, sub, 0.0, rid, len(near) - 1, g)
                terms.append(_compile_term(text, payload, f"{path}#near[{i}]"))
    return TopicConfig(
        name=name,
        threshold=float(data["threshold"]),
        subtopic_min=float(data.get("subtopic_min", 0.0)),
        articles={str(k): float(v) for k, v in data.get("articles", {}).items()},
    )


def _facts(data: dict[str, Any]) -> FactPatterns:
    """Compile the regular expressions of facts.toml."""
    cc, dmg, cases = data["criminal_code"], data["damage"], data["cases"]
    try:
        return FactPatterns(
            article_ru=re.compile(cc["ru"]),
            article_kk=re.compile(cc["kk"]),
            article_keep=re.compile(cc["keep"]),
            article_reject=re.compile(cc["reject"]),
            article_window=int(cc["window"]),
            article_max=int(cc["max_article"]),
            damage_amount=re.compile(dmg["amount"]),
            damage_cue=re.compile(dmg["cue"]),
            # Longest name first, so "миллиард" is not read as a prefix of something shorter.
            multipliers=tuple(
                sorted(
                    ((k, int(v)) for k, v in dmg["multipliers"].items()), key=lambda kv: -len(kv[0])
                )
            ),
            cases=(re.compile(cases["ru"]), re.compile(cases["kk"])),
        )
    except re.error as exc:
        raise VocabularyError(f"facts.toml: bad regular expression: {exc}") from exc


def _index(terms: list[Term]) -> tuple[dict[str, tuple[int, ...]], ...]:
    """Index terms by their first word: stems, 3-letter prefix heads and exact forms."""
    by_stem: dict[str, list[int]] = defaultdict(list)
    by_prefix: dict[str, list[int]] = defaultdict(list)
    by_exact: dict[str, list[int]] = defaultdict(list)
    for i, term in enumerate(terms):
        first = term.words[0]
        for s in first.stems:
            by_stem[s].append(i)
        for p in first.prefixes:
            by_prefix[p[:MIN_PREFIX]].append(i)
        for e in first.exact:
            by_exact[e].append(i)
    return tuple({k: tuple(v) for k, v in d.items()} for d in (by_stem, by_prefix, by_exact))


def _dedupe(terms: list[Term]) -> list[Term]:
    """Drop a term that repeats an earlier one of the same meaning (same words, same label).

    "қылмыстық топ" and "қылмыстық топтар" compile to the same stems; counting both would
    double the points of one phrase.
    """
    seen: set[tuple[str, str, str, int, int, tuple[WordPattern, ...]]] = set()
    kept: list[Term] = []
    for t in terms:
        p = t.payload
        key = (p.group, p.label, p.subtopic, p.near_index, p.near_group, t.words)
        if key not in seen:
            seen.add(key)
            kept.append(t)
    return kept


def _load(folder: Path) -> Vocabulary:
    """Read and compile every vocabulary file of a folder."""
    version_file = folder / "VERSION"
    if not version_file.is_file():
        raise VocabularyError(f"{folder}: VERSION file missing")
    version = f"{version_file.read_text(encoding='utf-8').strip()}+{_vocab_hash(folder)}"
    terms: list[Term] = []
    near: list[NearRule] = []
    topics = [
        _topic_terms(data, path, terms, near)
        for path in sorted(folder.glob("*.toml"))
        if "topic" in (data := _read_toml(path))
    ]
    context = _read_toml(folder / "context.toml")
    crime = context["crime"]
    for text in crime["terms"]:
        payload = Payload("crime", "crime", "", float(crime.get("weight", 1.0)), f"crime:{text}")
        terms.append(_compile_term(text, payload, "context.toml#crime"))
    for neg in context.get("negative", []):
        for text in neg["terms"]:
            payload = Payload(
                "negative", neg["id"], "", float(neg["weight"]), f"{neg['id']}:{text}"
            )
            terms.append(_compile_term(text, payload, f"context.toml#{neg['id']}"))
    regions = _read_toml(folder / "regions.toml")
    for rid, spec in regions["regions"].items():
        for text in spec["names"]:
            terms.append(
                _compile_term(text, Payload("region", rid, "", 1.0, f"region.{rid}:{text}"), rid)
            )
    for group in ("kz", "foreign"):
        for text in regions[group]["terms"]:
            terms.append(
                _compile_term(text, Payload(group, group, "", 1.0, f"{group}:{text}"), group)
            )
    agencies = _read_toml(folder / "agencies.toml")
    for aid, spec in agencies["agencies"].items():
        for text in spec["terms"]:
            terms.append(
                _compile_term(text, Payload("agency", aid, "", 1.0, f"agency.{aid}:{text}"), aid)
            )
    terms = _dedupe(terms)
    by_stem, by_prefix, by_exact = _index(terms)
    return Vocabulary(
        version=version,
        topics=tuple(topics),
        terms=tuple(terms),
        near_rules=tuple(near),
        crime_min=float(crime.get("min", 1.0)),
        facts=_facts(_read_toml(folder / "facts.toml")),
        by_stem=by_stem,
        by_prefix=by_prefix,
        by_exact=by_exact,
    )


@lru_cache(maxsize=8)
def _load_cached(folder: str) -> Vocabulary:
    """Compile a vocab folder once per process."""
    return _load(Path(folder))


def load_vocabulary(path: str | Path | None = None) -> Vocabulary:
    """The compiled vocabulary of a folder (default: crawler/tagging/vocab), cached."""
    folder = Path(path) if path is not None else VOCAB_DIR
    return _load_cached(str(folder.resolve()))


def rules_version() -> str:
    """VERSION of the default vocabulary plus a short hash of its files."""
    return load_vocabulary().version


# ---------------------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """One term occurrence: token span [first, last) in a field."""

    term: int
    field: str
    first: int
    last: int


@dataclass
class _Field:
    """A normalised field with its tokens."""

    name: str
    original: str
    norm: str
    tokens: list[Token]
    surfaces: list[str]
    stems: list[frozenset[str]]


@lru_cache(maxsize=131_072)
def token_surface(word: str) -> str:
    """The form prefix and exact terms see: Kazakh Latin read into Cyrillic, else the word."""
    if _LATIN_RE.search(word) and looks_kk_latin(word):
        return kk_latin_to_cyrillic(word)
    return word


def _prepare(name: str, text: str) -> _Field:
    """Normalise, tokenize and stem one field."""
    norm = normalize_text(text)
    tokens = tokenize(norm)
    return _Field(
        name,
        unicodedata.normalize("NFC", text),
        norm,
        tokens,
        [token_surface(t.text) for t in tokens],
        [token_stems(t.text) for t in tokens],
    )


def _find_terms(vocab: Vocabulary, fld: _Field) -> list[Match]:
    """Every occurrence of every term in a field."""
    found: list[Match] = []
    surfaces, stems = fld.surfaces, fld.stems
    for i, surface in enumerate(surfaces):
        candidates: set[int] = set(vocab.by_exact.get(surface, ()))
        candidates.update(vocab.by_prefix.get(surface[:MIN_PREFIX], ()))
        for s in stems[i]:
            candidates.update(vocab.by_stem.get(s, ()))
        for ti in candidates:
            words = vocab.terms[ti].words
            if i + len(words) > len(surfaces):
                continue
            if all(w.matches(surfaces[i + j], stems[i + j]) for j, w in enumerate(words)):
                found.append(Match(ti, fld.name, i, i + len(words)))
    return found


def _longest_first(matches: list[Match]) -> list[Match]:
    """Drop matches lying inside a longer match of the same field ("Алматы" in "Алматы облысы").

    Partly overlapping matches both stay: "трансұлттық ұйымдасқан" and "ұйымдасқан
    қылмыстық топ" are two pieces of evidence.
    """
    ordered = sorted(matches, key=lambda m: (-(m.last - m.first), m.field, m.first))
    kept: list[Match] = []
    for m in ordered:
        inside = any(
            k.field == m.field
            and k.first <= m.first
            and m.last <= k.last
            and (k.last - k.first) > (m.last - m.first)
            for k in kept
        )
        if not inside:
            kept.append(m)
    return sorted(kept, key=lambda m: (m.field != "title", m.first))


def _evidence(fld: _Field, m: Match, rule: str) -> Evidence:
    """Evidence for a match: the original words and their character offsets."""
    start, end = fld.tokens[m.first].start, fld.tokens[m.last - 1].end
    return Evidence(fld.original[start:end], rule, fld.name, start, end)


def _term_points(occurrences: list[Match], weight: float) -> float:
    """Points of one term: weight (more in a title) plus a little per repetition."""
    factor = TITLE_FACTOR if any(m.field == "title" for m in occurrences) else 1.0
    extra = min(len(occurrences) - 1, EXTRA_OCCURRENCES_MAX) * EXTRA_OCCURRENCE_POINTS
    return weight * factor + extra


def _near_hits(vocab: Vocabulary, matches: list[Match]) -> dict[int, list[Match]]:
    """Near rules satisfied within one field: rule index -> the matches that satisfy it."""
    by_rule: dict[tuple[int, str], dict[int, list[Match]]] = defaultdict(lambda: defaultdict(list))
    for m in matches:
        p = vocab.terms[m.term].payload
        by_rule[(p.near_index, m.field)][p.near_group].append(m)
    hits: dict[int, list[Match]] = defaultdict(list)
    for (ri, _field), groups in by_rule.items():
        rule = vocab.near_rules[ri]
        if len(groups) < rule.groups:
            continue
        for anchor in groups[0]:
            chosen = [anchor]
            for g in range(1, rule.groups):
                close = [
                    m
                    for m in groups[g]
                    if abs(m.first - anchor.first) <= rule.window and m.first != anchor.first
                ]
                if not close:
                    break
                chosen.append(min(close, key=lambda m: abs(m.first - anchor.first)))
            else:
                hits[ri].extend(chosen)
    return hits


# ---------------------------------------------------------------------------------------
# Facts
# ---------------------------------------------------------------------------------------


def _article_allowed(facts: FactPatterns, context: str, from_end: bool) -> bool:
    """Whether the code named near an article number is the Criminal Code (or none)."""
    keeps = [m.start() for m in facts.article_keep.finditer(context)]
    rejects = [m.start() for m in facts.article_reject.finditer(context)]
    if not rejects:
        return True
    if not keeps:
        return False
    # The nearer mention decides: after the number for Russian, before it for Kazakh.
    return max(keeps) > max(rejects) if from_end else min(keeps) < min(rejects)


def _articles(facts: FactPatterns, fld: _Field) -> list[tuple[str, int, int]]:
    """Criminal Code article numbers with the span that states them."""
    found: list[tuple[str, int, int]] = []
    text, w = fld.norm, facts.article_window
    for m in facts.article_ru.finditer(text):
        if _article_allowed(facts, text[m.end() : m.end() + w], from_end=False):
            found += [(n, m.start(), m.end()) for n in _NUMBER_RE.findall(m.group("nums"))]
    for m in facts.article_kk.finditer(text):
        if _article_allowed(facts, text[max(0, m.start() - w) : m.start()], from_end=True):
            found.append((m.group("nums"), m.start(), m.end()))
    return [f for f in found if 0 < int(f[0].split("-")[0]) <= facts.article_max]


def _parse_amount(facts: FactPatterns, num: str, mult: str | None) -> int | None:
    """Tenge as an integer from "1,2" + "млрд", "3 500 000", "500" + "мың"."""
    digits = re.sub(r"[\s\u00a0\u202f]", "", num)
    if mult is None and re.fullmatch(r"\d{1,3}(?:,\d{3})+", digits):
        digits = digits.replace(",", "")
    try:
        value = Decimal(digits.replace(",", "."))
    except InvalidOperation:
        return None
    if mult:
        factor = next((f for name, f in facts.multipliers if mult.startswith(name)), 1)
        value *= factor
    return int(value)


def _damage(facts: FactPatterns, fld: _Field) -> list[int]:
    """Tenge amounts in sentences that speak of loss, theft or deceit."""
    text = fld.norm
    breaks = [0] + [m.end() for m in _SENTENCE_BREAK_RE.finditer(text)] + [len(text)]
    amounts: list[int] = []
    for m in facts.damage_amount.finditer(text):
        lo = max(b for b in breaks if b <= m.start())
        hi = min(b for b in breaks if b >= m.end())
        if facts.damage_cue.search(text[lo:hi]):
            value = _parse_amount(facts, m.group("num"), m.group("mult"))
            if value:
                amounts.append(value)
    return amounts


def _case_counts(facts: FactPatterns, fld: _Field) -> list[int]:
    """Stated numbers of criminal cases."""
    found: list[tuple[int, int]] = []
    for pattern in facts.cases:
        for m in pattern.finditer(fld.norm):
            found.append((m.start(), int(re.sub(r"\D", "", m.group("num")))))
    return [n for _, n in sorted(found)]


def _unique(items: Iterable[Any]) -> tuple[Any, ...]:
    """Items in first-seen order without repeats."""
    return tuple(dict.fromkeys(items))


# ---------------------------------------------------------------------------------------
# Tagging
# ---------------------------------------------------------------------------------------


def tag_text(
    title: str | None, text: str, lang: str | None = None, *, vocabulary: Vocabulary | None = None
) -> TagResult:
    """Tag one article: topics with evidence, Kazakhstan relation, regions and facts.

    `lang` is accepted for symmetry with search; matching tries Kazakh and Russian stems for
    every ambiguous word, so a wrong or missing language does not hide a match.
    """
    vocab = vocabulary or load_vocabulary()
    fields = [f for f in (_prepare("title", title or ""), _prepare("text", text)) if f.tokens]
    by_name = {f.name: f for f in fields}
    matches = [m for f in fields for m in _find_terms(vocab, f)]
    groups: dict[str, list[Match]] = defaultdict(list)
    for m in matches:
        groups[vocab.terms[m.term].payload.group].append(m)

    articles = [(n, f, s, e) for f in fields for n, s, e in _articles(vocab.facts, f)]
    crime, negative = _context_points(vocab, groups, bool(articles))
    topics: dict[str, TopicTag] = {}
    for cfg in vocab.topics:
        tag = _score_topic(vocab, cfg, groups, articles, by_name)
        if tag and tag.score >= cfg.threshold and crime >= vocab.crime_min and crime > negative:
            topics[cfg.name] = tag

    regions = _longest_first(groups["region"])
    kz = len(regions) + len(groups["kz"])
    foreign = len(groups["foreign"])
    agencies = _unique(vocab.terms[m.term].payload.label for m in _longest_first(groups["agency"]))
    return TagResult(
        topics=topics,
        kz_related=(kz > 0 and 2 * kz >= foreign) or (kz == 0 and foreign == 0),
        regions=_unique(vocab.terms[m.term].payload.label for m in regions),
        criminal_code_articles=_unique(n for n, *_ in articles),
        agencies=agencies,
        damage_kzt=_unique(a for f in fields for a in _damage(vocab.facts, f)),
        case_counts=_unique(c for f in fields for c in _case_counts(vocab.facts, f)),
        rules_version=vocab.version,
    )


def _context_points(
    vocab: Vocabulary, groups: dict[str, list[Match]], has_article: bool
) -> tuple[float, float]:
    """Law-enforcement points and negative-context points, one per distinct term."""
    crime_terms = {m.term for m in groups["crime"]}
    crime = sum(vocab.terms[t].payload.weight for t in crime_terms) + (1.0 if has_article else 0.0)
    negative = sum(vocab.terms[t].payload.weight for t in {m.term for m in groups["negative"]})
    return crime, negative


def _score_topic(
    vocab: Vocabulary,
    cfg: TopicConfig,
    groups: dict[str, list[Match]],
    articles: list[tuple[str, _Field, int, int]],
    fields: dict[str, _Field],
) -> TopicTag | None:
    """Score one topic from its terms, near rules and articles; None when nothing matched."""
    own = _longest_first(
        [m for m in groups["topic"] if vocab.terms[m.term].payload.label == cfg.name]
    )
    by_term: dict[int, list[Match]] = defaultdict(list)
    for m in own:
        by_term[m.term].append(m)
    score = 0.0
    sub_points: dict[str, float] = defaultdict(float)
    evidence: list[Evidence] = []
    for ti, occ in by_term.items():
        p = vocab.terms[ti].payload
        pts = _term_points(occ, p.weight)
        score += pts
        if p.subtopic:
            sub_points[p.subtopic] += pts
        evidence += [_evidence(fields[m.field], m, p.rule) for m in occ]
    near_matches = [m for m in groups["near"] if vocab.terms[m.term].payload.label == cfg.name]
    for ri, hit in _near_hits(vocab, near_matches).items():
        rule = vocab.near_rules[ri]
        score += rule.weight
        if rule.subtopic:
            sub_points[rule.subtopic] += rule.weight
        evidence += [_evidence(fields[m.field], m, rule.rule) for m in hit]
    for number in _unique(n for n, *_ in articles if n in cfg.articles):
        score += cfg.articles[number]
        n, fld, start, end = next(a for a in articles if a[0] == number)
        evidence.append(
            Evidence(fld.original[start:end], f"{cfg.name}.article:{n}", fld.name, start, end)
        )
    if not evidence:
        return None
    subtopics = tuple(
        s
        for s, pts in sorted(sub_points.items(), key=lambda kv: (-kv[1], kv[0]))
        if pts >= cfg.subtopic_min
    )
    return TopicTag(cfg.name, round(score, 2), subtopics, tuple(evidence[:MAX_EVIDENCE]))
