"""Deciding a topic from matched terms: the offence itself, its context, and aboutness.

A topic needs the offence itself. Per sentence, `offence` terms (мошенничество, алаяқтық,
ОПГ, қылмыстық топ) count alone; `cue` terms (обманул, группировка, главарь) count only
beside a context word (crime, harm or warning; a rule may ask for fewer kinds: deceit
needs a crime or a loss, not a warning) in the same or a neighbouring sentence, or
anywhere in the head (title and lead) for a sentence of the head;
`qualifier` terms (Telegram, кредит, наркотик) never count, they only name subtopics. A
negator in a sentence ("оправдан", "признаков ОПГ не установлено") cancels its evidence.

A text is about a topic when its evidence stands where the subject stands: in the title or
the lead, in enough of its body, anywhere in a short excerpt, or anywhere in an excerpt
without a title whose lead reports a case (for groups a crime or a loss, for fraud a loss);
an aside (a "read also" line, a related headline pasted into the body) never decides.
Genre words (sport, film, history, games, hoaxes, civil law) that outweigh the context veto
a topic.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from crawler.tagging.matching import Match, longest_first, masked, near_hits
from crawler.tagging.prepare import PreparedField
from crawler.tagging.terms import CONTEXT_KINDS
from crawler.tagging.vocab import TopicConfig, Vocabulary

Key = tuple[str, int]  # (field name, sentence index)

# Points of further distinct terms in one sentence, after the strongest: a sentence naming
# "мошенники" and "финансовая пирамида" is surer than one naming either, not twice as sure.
FURTHER_TERM_SHARE = 0.5
# A text of at most this many sentences is an excerpt or a brief: one sentence with the
# offence makes it about the topic, and context anywhere in it is near. Longer texts need
# the title, the lead, or BODY_SENTENCES_ALONE body sentences (or BODY_SENTENCES_WITH_SHARE
# making up BODY_SHARE of the text).
SHORT_TEXT_SENTENCES = 8
BODY_SENTENCES_ALONE = 3
BODY_SENTENCES_WITH_SHARE = 2
BODY_SHARE = 0.08
# How much a sentence's evidence weighs in the score by the part it stands in.
PART_WEIGHT = {"title": 1.5, "lead": 1.2, "body": 1.0, "aside": 0.0}
# Evidence kept per topic, title first then in reading order.
MAX_EVIDENCE = 25
# A citation of more article numbers than this shares out an article's weight: a topic's
# article among eight charges of a drug group ("статьи 190, 251, 262, ...") weighs 3/8.
CHARGE_LIST_SHARE = 3
# Genre words veto a topic when they reach this many points and outweigh the context.
GENRE_VETO_MIN = 2.0


@dataclass
class SentenceEvidence:
    """What one sentence says about a topic."""

    offence: float = 0.0
    cues: dict[tuple[str, ...], float] = field(default_factory=dict)  # needs -> points
    negated: bool = False
    matches: list[tuple[Match, str]] = field(default_factory=list)  # (match, rule id)

    def points(self, context: frozenset[str]) -> float:
        """Offence points, plus the cues whose needed context stands near."""
        if self.negated:
            return 0.0
        cue = _combine([pts for needs, pts in self.cues.items() if context.intersection(needs)])
        return self.offence + cue


@dataclass
class TopicDecision:
    """A topic's evidence over a text and the figures the decision used."""

    topic: str
    assigned: bool
    score: float
    strong: list[Key]  # sentences reaching the threshold
    evidence: list[tuple[Match, str]]
    features: dict[str, float]


def _combine(weights: list[float]) -> float:
    """Points of distinct terms in one sentence: the strongest, then a share of the rest."""
    if not weights:
        return 0.0
    ordered = sorted(weights, reverse=True)
    return ordered[0] + FURTHER_TERM_SHARE * sum(ordered[1:])


def context_by_sentence(vocab: Vocabulary, groups: dict[str, list[Match]]) -> dict[Key, set[str]]:
    """The context kinds (crime, harm, warning) each sentence holds."""
    out: dict[Key, set[str]] = defaultdict(set)
    for kind in CONTEXT_KINDS:
        for m in masked(groups[kind], groups["topic"]):
            out[(m.field, m.sentence)].add(kind)
    return out


def _near_context(ctx: dict[Key, set[str]], key: Key, short: bool,
                  head: frozenset[Key]) -> frozenset[str]:
    """Context kinds in this sentence, the one before and the one after (whole short texts);
    a sentence of the head (the title and the lead) also has the context of the whole head."""
    if short:
        return frozenset(k for kinds in ctx.values() for k in kinds)
    name, i = key
    # The head is one unit: a title's context is its lead as much as its own words, and a
    # lead's sentence ("Чиновники оформляли фиктивные зарплаты") has its headline's crime
    # ("Воровали миллиарды: сотни чиновников под следствием"), however many lines apart.
    near = {(name, i - 1), (name, i), (name, i + 1)}
    if key in head:
        near |= head | {("text", 0), ("text", 1)}
    return frozenset(k for n in near for k in ctx.get(n, ()))


def collect_sentences(
    vocab: Vocabulary, cfg: TopicConfig, groups: dict[str, list[Match]],
    articles: list[tuple[str, str, int, int]], fields: dict[str, PreparedField],
) -> dict[Key, SentenceEvidence]:
    """Per sentence: offence and cue points of this topic, and whether it is negated."""
    masks = [m for m in groups["mask"] if vocab.terms[m.term].payload.label in ("*", cfg.name)]
    own = [m for m in groups["topic"] if vocab.terms[m.term].payload.label == cfg.name]
    own = longest_first(masked(own, masks))
    per: dict[Key, SentenceEvidence] = defaultdict(SentenceEvidence)
    # Per sentence, role and needed context, the weight of each distinct term (by its words:
    # the same phrase listed under two subtopics, or said twice, counts once).
    weights: dict[Key, dict[tuple[str, tuple[str, ...]], dict[object, float]]] = defaultdict(
        lambda: defaultdict(dict))

    def add(key: Key, role: str, needs: tuple[str, ...], ident: object, weight: float) -> None:
        if role in ("offence", "cue"):
            slot = weights[key][(role, needs if role == "cue" else ())]
            slot[ident] = max(slot.get(ident, 0.0), weight)

    for m in own:
        p = vocab.terms[m.term].payload
        key = (m.field, m.sentence)
        per[key].matches.append((m, p.rule))
        add(key, p.role, p.needs, vocab.same_words[m.term], p.weight)
    negated: set[Key] = set()
    near = [m for m in groups["near"] if vocab.terms[m.term].payload.label == cfg.name]
    for ri, hits in near_hits(vocab, masked(near, masks)).items():
        rule = vocab.near_rules[ri]
        for hit in hits:
            key = (hit[0].field, hit[0].sentence)
            if rule.role == "negator":
                negated.add(key)
                continue
            per[key].matches += [(m, rule.rule) for m in hit]
            add(key, rule.role, rule.needs, rule.rule, rule.weight)
    # How many article numbers each citation holds ("по статьям 190, 251, 262, 297 ..."):
    # one offence among a long list of charges is no case of it by itself.
    listed = Counter((name, start, end) for _, name, start, end in articles)
    for number, name, start, end in articles:
        if number not in cfg.articles:
            continue
        share = min(1.0, CHARGE_LIST_SHARE / listed[(name, start, end)])
        fld = fields[name]
        first, last = fld.token_span(start, end)
        if first >= last:
            continue
        key = (name, fld.token_sentence[first])
        add(key, "offence", (), f"article:{number}", cfg.articles[number] * share)
        # term -1: the article is read by facts.toml, not by a vocabulary term
        per[key].matches.append((Match(-1, name, first, last, key[1]),
                                 f"{cfg.name}.article:{number}"))
    for key, slots in weights.items():
        ev = per[key]
        for (role, needs), by_term in slots.items():
            if role == "offence":
                ev.offence = _combine(list(by_term.values()))
            else:
                ev.cues[needs] = _combine(list(by_term.values()))
    # A mask hides a denial too ("вложения не оправдали себя" is no acquittal).
    denials = masked([m for m in groups["negator"]
                      if vocab.terms[m.term].payload.label == cfg.name], masks)
    negated.update((m.field, m.sentence) for m in denials)
    if any(_acquits_the_whole_text(vocab, cfg.name, m, groups, fields, per) for m in denials):
        negated.update(per.keys())  # an acquittal in the head denies what the body retells
    for key in negated & per.keys():
        per[key].negated = True
    return per


def _acquits_the_whole_text(vocab: Vocabulary, topic: str, denial: Match,
                            groups: dict[str, list[Match]], fields: dict[str, PreparedField],
                            per: dict[Key, SentenceEvidence]) -> bool:
    """Whether an acquittal denies `topic` for the whole text: it stands in the title or the
    lead, no sentence of the head convicts (five convicted and one acquitted is a partial
    acquittal), and it acquits of this topic or of no named one. An acquittal of a group
    charge in the lead rules out the group, not the fraud a later sentence reports; an
    acquittal that names no charge denies what the body retells."""
    key = (denial.field, denial.sentence)
    head = ("title", "lead")
    if (vocab.terms[denial.term].payload.scope != "text"
            or fields[denial.field].sentences[denial.sentence].part not in head
            or any(fields[m.field].sentences[m.sentence].part in head
                   for m in groups["conviction"])):
        return False
    named = {vocab.terms[m.term].payload.label for m in groups["topic"]
             if (m.field, m.sentence) == key}
    return key in per or not named - {topic}


def _lemma(stems: frozenset[str]) -> str:
    """One name for every form of a word: its shortest stem. A word's stems hold its Russian
    and its Kazakh stem, and the Kazakh stemmer leaves Russian endings on ("театра",
    "театру"), so the forms of one word had different sets and each counted again."""
    return min(stems, key=lambda s: (len(s), s))


def context_points(vocab: Vocabulary, groups: dict[str, list[Match]],
                   fields: dict[str, PreparedField],
                   within: set[Key] | None = None) -> dict[str, float]:
    """Points of the crime, harm, warning groups and of each genre negative (of the
    sentences `within` only, when given).

    Each distinct word counts once (by its stems: "полиция" listed as a Russian and a
    Kazakh term is one word), and a context word inside a topic's own phrase ("қылмыстық"
    in "қылмыстық топ") is no context for it.
    """
    points: dict[str, float] = defaultdict(float)
    for group in (*CONTEXT_KINDS, "negative"):
        seen: set[tuple[str, str]] = set()
        matches = groups[group] if group == "negative" else masked(groups[group], groups["topic"])
        for m in matches:
            if within is not None and (m.field, m.sentence) not in within:
                continue
            p = vocab.terms[m.term].payload
            word = (p.label, _lemma(fields[m.field].words[m.first].stems))
            if word in seen:
                continue
            seen.add(word)
            if group == "negative":
                points[f"negative.{p.label}"] += p.weight
                for topic in vocab.negative_topics.get(p.label, ()):
                    points[f"negative:{topic}"] += p.weight
            points[group] += p.weight
    return points


def _warning_paragraph(key: Key, ctx: dict[Key, set[str]]) -> bool:
    """A strong body sentence framed by warnings: two of it and its neighbours hold warning
    words ("призвали быть бдительными. <the scheme>. Переводите только через официальные
    фонды."). GUIDELINE.md: a paragraph-long warning counts; a round-up clause has none."""
    name, i = key
    return sum(1 for j in (i - 1, i, i + 1) if "warning" in ctx.get((name, j), ())) >= 2


def _about(strong: list[Key], parts: dict[Key, str], n_sentences: int, short: bool,
           ctx: dict[Key, set[str]], evidenced: set[Key]) -> bool:
    """Whether sentences reaching the threshold stand where the subject of the text stands:
    the title or the lead, anywhere in a short text, enough of the body, or a paragraph of
    it (two neighbouring sentences, two around one that also names the topic, or one framed
    by warnings: not one clause of a round-up)."""
    if not strong:
        return False
    if short or any(parts.get(k) in ("title", "lead") for k in strong):
        return True
    body = sorted(k[1] for k in strong if parts.get(k) == "body")  # sentences of "text"
    if any(b - a <= 1 or (b - a == 2 and ("text", a + 1) in evidenced)
           for a, b in itertools.pairwise(body)):
        return True
    if any(parts.get(k) == "body" and _warning_paragraph(k, ctx) for k in strong):
        return True
    return len(body) >= BODY_SENTENCES_ALONE or (
        len(body) >= BODY_SENTENCES_WITH_SHARE and len(body) / n_sentences >= BODY_SHARE)


def _excerpt_of_a_case(parts: dict[Key, str], ctx: dict[Key, set[str]],
                       kinds: tuple[str, ...]) -> bool:
    """A text given without a title (an excerpt) whose opening reports a case (its lead
    holds one of the context `kinds`): the case is its subject, and a sentence further on
    that names the topic says what the case was ("похитили драгоценности из банка ...
    обвинение в краже, совершённой организованной группой"). A whole article with a title is
    held to its own head: there a crime in the lead and a topic in one body clause is a
    round-up. A topic file turns this on (`excerpt_case`): ocg.toml for a crime or a loss,
    since a group is most often a qualifier of the crime the lead reports; fraud.toml for a
    loss only, since after a crime a fraud named further on was a clause of a list
    ("грабежей, краж и мошенничества"; docs/tagging.md, 2026.8 and 2026.9)."""
    if any(p == "title" for p in parts.values()):
        return False
    return any(ctx.get(k, set()).intersection(kinds) for k, p in parts.items() if p == "lead")


def _vetoed(context: dict[str, float], topic: str, n_strong: int) -> bool:
    """Genre words outweigh the context, or stand beside one sentence and no context at all.

    ("Чичиков — мошенник большой руки": one literary word, no crime, loss or warning.)
    """
    support = sum(context[k] for k in CONTEXT_KINDS)
    negative = context[f"negative:{topic}"]
    return (negative >= GENRE_VETO_MIN and negative > support) or (
        negative >= 1 and not support and n_strong <= 1)


def _paragraph(strong: list[Key], parts: dict[Key, str]) -> set[Key]:
    """The sentences of the passage the evidence makes: from the first strong sentence to the
    last, or one strong sentence with its neighbours (the warnings that frame it). Evidence
    in the lead takes the lead from its start: a review names its film in its opening
    sentence and its "бандиты" in the next ("Увидев этот фильм ... Времена изменились, как и
    бандиты")."""
    name = strong[0][0]
    first, last = min(i for _, i in strong), max(i for _, i in strong)
    if first == last:
        first, last = first - 1, last + 1
    if any(parts.get(k) == "lead" for k in strong):
        first = min(first, min(i for (n, i), p in parts.items() if n == name and p == "lead"))
    return {(name, i) for i in range(first, last + 1)}


def decide_topic(
    cfg: TopicConfig, per: dict[Key, SentenceEvidence], ctx: dict[Key, set[str]],
    context: dict[str, float], fields: dict[str, PreparedField],
    local_context: Callable[[set[Key]], dict[str, float]] | None = None,
) -> TopicDecision:
    """Whether a text is about a topic, from its per-sentence evidence and where it stands."""
    parts: dict[Key, str] = {(name, i): s.part for name, f in fields.items()
                             for i, s in enumerate(f.sentences)}
    n_sentences = sum(1 for p in parts.values() if p != "aside")
    short = n_sentences <= SHORT_TEXT_SENTENCES
    head = frozenset(k for k, p in parts.items() if p in ("title", "lead"))
    strong: list[Key] = []
    score = 0.0
    by_part: dict[str, float] = defaultdict(float)
    for key, ev in per.items():
        part = parts.get(key, "body")
        pts = ev.points(_near_context(ctx, key, short, head))
        if pts <= 0 or part == "aside":
            continue
        score += pts * PART_WEIGHT[part]
        by_part[part] = max(by_part[part], pts)
        if pts >= cfg.threshold:
            strong.append(key)
    vetoed = _vetoed(context, cfg.name, len(strong))
    features = {
        "title": by_part["title"], "lead": by_part["lead"], "body": by_part["body"],
        "strong": float(len(strong)),
        "body_strong": float(sum(1 for k in strong if parts.get(k) == "body")),
        "share": len(strong) / max(n_sentences, 1), "sentences": float(n_sentences),
        "score": score, "vetoed": float(vetoed),
    }
    evidenced = {k for k, ev in per.items() if ev.matches and not ev.negated}
    about = _about(strong, parts, n_sentences, short, ctx, evidenced) or bool(
        strong and cfg.excerpt_case and _excerpt_of_a_case(parts, ctx, cfg.excerpt_case))
    if vetoed and about and not short and local_context is not None and not any(
            parts.get(k) == "title" for k in strong):
        # An article whose subject is a genre (hoaxes, politics) may still carry a paragraph
        # about the crime (GUIDELINE.md: a paragraph-long warning counts): there the genre
        # words of the paragraph itself decide, not those of the whole article. So too when
        # the paragraph is the lead (a police warning opening a sport item): only a title's
        # evidence is judged with the whole article's genre words (a film's name).
        # One genre word there is enough ("фильм показывает, как аферист...") where it
        # outweighs the crime, loss and warning words; a tie no longer vetoes, since each
        # word counts once whatever its forms ("предупредила ... предупредили").
        local = local_context(_paragraph(strong, parts))
        vetoed = local[f"negative:{cfg.name}"] >= 1 and local[f"negative:{cfg.name}"] > sum(
            local[k] for k in CONTEXT_KINDS)
        features["vetoed"] = float(vetoed)
    return TopicDecision(cfg.name, about and not vetoed, round(score, 2), strong,
                         _evidence(per, parts), features)


def _evidence(per: dict[Key, SentenceEvidence], parts: dict[Key, str]) -> list[tuple[Match, str]]:
    """Up to MAX_EVIDENCE matches, title first then in reading order, one per span."""
    evidence: list[tuple[Match, str]] = []
    spans: set[tuple[str, int, int]] = set()
    for key in sorted(per, key=lambda k: (k[0] != "title", k[1])):
        if len(evidence) >= MAX_EVIDENCE:
            break
        if parts.get(key) == "aside":
            continue
        for m, rule in sorted(per[key].matches, key=lambda pair: pair[0].first):
            if (m.field, m.first, m.last) not in spans:
                spans.add((m.field, m.first, m.last))
                evidence.append((m, rule))
    return evidence[:MAX_EVIDENCE]


def subtopics_of(vocab: Vocabulary, cfg: TopicConfig,
                 groups: dict[str, list[Match]]) -> tuple[str, ...]:
    """Subtopics whose own terms and satisfied near rules give at least `subtopic_min`."""
    points: dict[str, float] = defaultdict(float)
    seen: set[tuple[int, str]] = set()
    for m in groups["topic"]:
        p = vocab.terms[m.term].payload
        ident = (vocab.same_words[m.term], p.subtopic)
        if p.label == cfg.name and p.subtopic and ident not in seen:
            seen.add(ident)
            points[p.subtopic] += max(p.weight, 1.0)
    near = [m for m in groups["near"] if vocab.terms[m.term].payload.label == cfg.name]
    for ri in near_hits(vocab, near):
        rule = vocab.near_rules[ri]
        if rule.subtopic:
            points[rule.subtopic] += max(rule.weight, 1.0)
    ranked = sorted(points.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(s for s, pts in ranked if pts >= cfg.subtopic_min)
