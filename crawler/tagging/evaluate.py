"""Precision, recall and F1 of topic tagging against labelled JSON Lines sets.

Two formats are read: the real development set of ../shared/tagging-dev (top-level `fraud`,
`ocg`, `kz_related`, `lang`, `script` fields, README there) and the project's own regression
sets under tests/fixtures/tagging (`labels: {"fraud", "ocg"}`). Rows of a table are topic x
language, plus Kazakh by script (kk-cyrl, kk-latn, kk-arab) where the set says it.

Rule writers read the errors of the `tune` half of each real file only: an item belongs to
a half by the parity of the sha256 of its id (`dev_half`). Figures on the `held` half stand
beside full-file figures; docs/tagging.md says what each round of rules saw of the held-out
half (from 2026.3 on, the kinds of its misses, named without quoting: informed figures).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from crawler.errors import LabelledSetError
from crawler.tagging.diagnose import wrong_decision_mechanisms
from crawler.tagging.rules import tag_text
from crawler.tagging.vocab import Vocabulary, load_vocabulary

TOPICS = ("fraud", "ocg")
ALL = "all"
# A topic x language cell counts toward "worst F1" only with at least this many positives.
MIN_POSITIVES = 5
DEV_DIR_NAME = "tagging-dev"
# Suffix of the report keys counted against disputed labels as read (crawler/tagging/disputes.py).
DISPUTED = "+disputes"


@dataclass(frozen=True)
class LabelledItem:
    """One labelled text of either format."""

    id: str
    lang: str
    script: str | None
    title: str | None
    text: str
    labels: dict[str, bool]
    kz_related: bool | None
    raw: dict[str, Any]


def dev_half(item_id: str) -> str:
    """"tune" or "held": the half of a real set an item belongs to, by a hash of its id."""
    return "tune" if int(hashlib.sha256(item_id.encode()).hexdigest(), 16) % 2 == 0 else "held"


# A set's `script` may name the script in full ("cyrillic"); tables group by ISO 15924 codes,
# as ../shared/tagging-dev writes them, so two sets' rows fall in the same row of a table.
SCRIPT_CODES = {"cyrillic": "cyrl", "latin": "latn", "arabic": "arab"}


def read_labelled(path: str | Path) -> list[LabelledItem]:
    """Items of a labelled file. Lines split on \\n only: some texts hold U+2028. A line that
    is not a labelled row stops the reading with its file and line number: a figure over the
    rest of a broken file would be taken for the whole."""
    items = []
    for line_no, line in enumerate(Path(path).read_text(encoding="utf-8").split("\n"), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            labels = row.get("labels") or row
            missing = [k for k in ("id", "text") if not isinstance(row.get(k), str | int)]
            missing += [t for t in TOPICS if t not in labels]
        except (ValueError, AttributeError) as exc:  # not JSON, or JSON but no object
            raise LabelledSetError(f"{path}:{line_no}: not a JSON object ({exc})") from exc
        if missing:
            raise LabelledSetError(f"{path}:{line_no}: a labelled row needs id, text and the"
                                   f" labels {', '.join(TOPICS)}; missing {', '.join(missing)}")
        items.append(LabelledItem(
            id=str(row["id"]), lang=str(row.get("lang") or ""),
            script=SCRIPT_CODES.get(str(row.get("script")).lower(), row.get("script")),
            title=row.get("title"), text=str(row["text"]),
            labels={t: bool(labels[t]) for t in TOPICS},
            kz_related=None if row.get("kz_related") is None else bool(row["kz_related"]),
            raw=row))
    return items


@dataclass
class Counts:
    """Confusion counts of one topic in one group of texts."""

    n: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def positives(self) -> int:
        """Texts labelled with the topic."""
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        """Share of assigned tags that are right (1.0 when nothing was assigned)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of true tags that were assigned (1.0 when there were none)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def f1_interval(counts: Counts, *, confidence: float = 0.95, resamples: int = 2000,
                seed: int = 0) -> tuple[float, float]:
    """A percentile bootstrap interval of a cell's F1: the cell's texts drawn again with
    replacement, `resamples` times. With 8 positives one text moves F1 by about 0.06, so a
    figure near a goal says little without it. Seeded: the same counts give the same interval."""
    tn = counts.n - counts.tp - counts.fp - counts.fn
    if counts.n == 0:
        return 1.0, 1.0
    shares = np.array([counts.tp, counts.fp, counts.fn, tn], dtype=float) / counts.n
    draws = np.random.default_rng(seed).multinomial(counts.n, shares, size=resamples)
    tp, fp, fn = draws[:, 0], draws[:, 1], draws[:, 2]
    # F1 = 2tp / (2tp + fp + fn); a draw with no positive and no tag assigned scores 1, as
    # Counts.f1 does (precision and recall both 1 when there is nothing to find or assign).
    denominator = 2 * tp + fp + fn
    f1 = np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1), 1.0)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(f1, [tail, 100 - tail])
    return float(low), float(high)


@dataclass
class EvaluationReport:
    """Counts per (topic, group), kz_related accuracy and the misses, for one labelled set."""

    name: str
    sha256: str
    rules_version: str
    counts: dict[tuple[str, str], Counts] = field(default_factory=dict)
    kz_total: int = 0
    kz_correct: int = 0
    errors: list[str] = field(default_factory=list)
    # (topic, "missed" or "false", mechanism) -> texts (crawler/tagging/diagnose.py)
    mechanisms: Counter[tuple[str, str, str]] = field(default_factory=Counter)

    def f1(self, topic: str, group: str = ALL) -> float:
        """F1 of a topic in a language or script group ("all" for the whole set)."""
        return self.counts[(topic, group)].f1

    def worst(self, min_positives: int = MIN_POSITIVES) -> tuple[float, str]:
        """The lowest topic x language F1 among cells with enough positives, and its cell."""
        # Languages only: a script, the hard cases or a subset are parts of a language's cell.
        cells = [(c.f1, f"{t}/{g}") for (t, g), c in self.counts.items()
                 if g != ALL and "-" not in g and "/" not in g and c.positives >= min_positives]
        return min(cells) if cells else (1.0, "-")

    def worst_interval(self, min_positives: int = MIN_POSITIVES) -> tuple[float, float] | None:
        """The 95 % bootstrap interval of the worst cell's F1 (None without such a cell)."""
        _, cell = self.worst(min_positives)
        if cell == "-":
            return None
        topic, group = cell.split("/")
        return f1_interval(self.counts[(topic, group)])

    def false_positives(self, topic: str) -> int:
        """Texts given the topic although not labelled with it."""
        return self.counts[(topic, ALL)].fp if (topic, ALL) in self.counts else 0

    def format_table(self) -> str:
        """A plain-text table: topic x group with n, positives, precision, recall, F1."""
        return format_tables([("", self)])


def _groups(item: LabelledItem) -> list[str]:
    """The table rows an item counts in: its language, Kazakh by script, the traps and
    borderline cases a set marks `hard` (GUIDELINE.md), the part of the set a row's `subset`
    names ("ru/long-mixed": a set collected in parts reads per part), and all."""
    lang = item.lang or "?"
    groups = [lang, ALL]
    if item.lang == "kk" and item.script:
        groups.insert(1, f"kk-{item.script}")
    if item.raw.get("hard"):
        groups.insert(-1, f"{lang}-hard")
    if item.raw.get("subset"):
        groups.insert(-1, f"{lang}/{item.raw['subset']}")
    return groups


def evaluate(path: str | Path, vocabulary: Vocabulary | None = None, *,
             half: str | None = None, use_model: bool = True) -> EvaluationReport:
    """Tag every labelled item (of one half, or all) and count hits and misses."""
    return evaluate_halves(path, vocabulary, use_model=use_model)[half or ALL]


def evaluate_halves(path: str | Path, vocabulary: Vocabulary | None = None, *,
                    use_model: bool = True, mechanisms: bool = False,
                    relabel: Mapping[tuple[str, str], bool] | None = None,
                    ) -> dict[str, EvaluationReport]:
    """Reports for the whole set ("all") and each half ("tune", "held"), tagging once
    (and reading each wrong decision again for its mechanism, when asked).

    With `relabel` ((id, topic) -> label: disputed labels as blind readers read them,
    crawler/tagging/disputes.py), the same tagging is also counted against those labels, as
    "all+disputes", "tune+disputes" and "held+disputes"; the set's own labels keep the plain
    keys. A disputed item the set lacks, or labels as the dispute reads it, stops the count."""
    vocab = vocabulary or load_vocabulary()
    keys = [ALL, "tune", "held"]
    keys += [key + DISPUTED for key in keys] if relabel else []
    sha256 = file_sha256(path)
    reports = {key: EvaluationReport(name=Path(path).name, sha256=sha256,
                                     rules_version=vocab.version)
               for key in keys}
    unseen = dict(relabel or {})
    for item in read_labelled(path):
        result = tag_text(item.title, item.text, item.lang or None, vocabulary=vocab,
                          use_model=use_model)
        for report in (reports[ALL], reports[dev_half(item.id)]):
            _count(report, item, set(result.topics), result.kz_related)
        if relabel:
            read = _relabelled(item, unseen, path)
            for key in (ALL, dev_half(item.id)):
                _count(reports[key + DISPUTED], read, set(result.topics), result.kz_related)
        wrong = {t: item.labels[t] for t in TOPICS if item.labels[t] != (t in result.topics)}
        if not mechanisms or not wrong:
            continue
        found = wrong_decision_mechanisms(item.title, item.text, item.lang or None, wrong,
                                          vocabulary=vocab)
        for topic, why in found.items():
            for report in (reports[ALL], reports[dev_half(item.id)]):
                report.mechanisms[(topic, "missed" if wrong[topic] else "false", why)] += 1
    if unseen:
        raise LabelledSetError(f"{path}: disputed items not in the set: "
                               + ", ".join(f"{i} ({t})" for i, t in sorted(unseen)))
    return reports


def _relabelled(item: LabelledItem, unseen: dict[tuple[str, str], bool],
                path: str | Path) -> LabelledItem:
    """The item with its disputed labels as read; each dispute used is struck from `unseen`."""
    labels = dict(item.labels)
    for topic in TOPICS:
        if (item.id, topic) not in unseen:
            continue
        read = unseen.pop((item.id, topic))
        if labels[topic] == read:
            raise LabelledSetError(f"{path}: {item.id} is labelled {topic} {read} already;"
                                   " the dispute is out of date")
        labels[topic] = read
    return replace(item, labels=labels)


def format_mechanisms(report: EvaluationReport) -> str:
    """One line per topic and kind of error: "fraud missed: 8 no offence or cue word, ..."."""
    lines = []
    for topic in TOPICS:
        for kind in ("missed", "false"):
            found = sorted(((n, why) for (t, k, why), n in report.mechanisms.items()
                            if (t, k) == (topic, kind)), key=lambda nw: (-nw[0], nw[1]))
            if found:
                lines.append(f"{topic} {kind}: " + ", ".join(f"{n} {why}" for n, why in found))
    return "\n".join(lines) or "no wrong decision"


def _count(report: EvaluationReport, item: LabelledItem, got_topics: set[str],
           kz_related: bool) -> None:
    """Add one tagged item to a report's counts and misses."""
    for topic in TOPICS:
        truth, got = item.labels[topic], topic in got_topics
        for group in _groups(item):
            c = report.counts.setdefault((topic, group), Counts())
            c.n += 1
            c.tp += truth and got
            c.fp += got and not truth
            c.fn += truth and not got
        if truth != got:
            report.errors.append(f"{item.id}: {'missed' if truth else 'false'} {topic}")
    if item.kz_related is not None and any(item.labels.values()) and got_topics:
        report.kz_total += 1
        report.kz_correct += kz_related == item.kz_related
        if kz_related != item.kz_related:
            report.errors.append(f"{item.id}: kz_related {kz_related}")


def _order(key: tuple[str, str]) -> tuple[str, int, str]:
    topic, group = key
    rank = (4 if group == ALL else 3 if "/" in group else 2 if group.endswith("-hard")
            else 1 if "-" in group else 0)
    return topic, rank, group


def format_tables(reports: Iterable[tuple[str, EvaluationReport]]) -> str:
    """Reports of one set side by side (e.g. held-out and full): P, R, F1 for each."""
    reports = list(reports)
    keys = sorted({k for _, r in reports for k in r.counts}, key=_order)
    width = max([9] + [len(group) + 1 for _, group in keys])
    head = f"{'topic':<7}{'group':<{width}}"
    for label, _ in reports:
        head += f"{'n':>6}{'pos':>5}{'P':>7}{'R':>7}{'F1':>7}" + (f"  {label:<6}" if label else "")
    rows = [head.rstrip()]
    for key in keys:
        row = f"{key[0]:<7}{key[1]:<{width}}"
        for label, report in reports:
            c = report.counts.get(key, Counts())
            row += f"{c.n:>6}{c.positives:>5}{c.precision:>7.3f}{c.recall:>7.3f}{c.f1:>7.3f}"
            row += f"  {label:<6}" if label else ""
        rows.append(row.rstrip())
    for label, report in reports:
        worst, cell = report.worst()
        kz = report.kz_correct / report.kz_total if report.kz_total else 1.0
        interval = report.worst_interval()
        spread = f", 95 % bootstrap {interval[0]:.2f}-{interval[1]:.2f}" if interval else ""
        rows.append(
            f"{label or 'set'}: worst topic x language F1 (>= {MIN_POSITIVES} positives) "
            f"{worst:.3f} ({cell}{spread}); false ocg {report.false_positives('ocg')}; "
            f"kz_related {kz:.3f} ({report.kz_correct}/{report.kz_total})")
    first = reports[0][1]
    rows.append(f"rules {first.rules_version}, set sha256 {first.sha256[:12]}")
    return "\n".join(rows)


def file_sha256(path: str | Path) -> str:
    """sha256 of a file's bytes, pinned beside floors to notice a changed set."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def find_dev_dir(project_root: Path) -> Path | None:
    """$DOZOR_SHARED_DIR/tagging-dev, or ../shared/tagging-dev beside the project or the
    working directory, when present."""
    for base in (os.environ.get("DOZOR_SHARED_DIR"), project_root.parent / "shared",
                 Path.cwd().parent / "shared"):
        if base and (Path(base) / DEV_DIR_NAME).is_dir():
            return Path(base) / DEV_DIR_NAME
    return None
