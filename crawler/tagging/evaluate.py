"""Precision, recall and F1 of topic tagging against a labelled JSON Lines set."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from crawler.tagging.rules import Vocabulary, load_vocabulary, tag_text

TOPICS = ("fraud", "ocg")
# Rows of the table: every language of the set, then "all".
ALL = "all"


@dataclass
class Counts:
    """Confusion counts of one topic in one language."""

    n: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0

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


@dataclass
class EvaluationReport:
    """Counts per (topic, language), kz_related accuracy and the misses, for one labelled set."""

    sha256: str
    rules_version: str
    counts: dict[tuple[str, str], Counts] = field(default_factory=dict)
    kz_total: int = 0
    kz_correct: int = 0
    errors: list[str] = field(default_factory=list)

    def f1(self, topic: str, lang: str = ALL) -> float:
        """F1 of a topic in a language ("all" for the whole set)."""
        return self.counts[(topic, lang)].f1

    def format_table(self) -> str:
        """A plain-text table: topic x language with n, precision, recall, F1."""
        rows = [f"{'topic':<7}{'lang':<6}{'n':>5}{'pos':>5}{'P':>8}{'R':>8}{'F1':>8}"]
        for (topic, lang), c in sorted(
            self.counts.items(), key=lambda kv: (kv[0][0], kv[0][1] == ALL, kv[0][1])
        ):
            rows.append(
                f"{topic:<7}{lang:<6}{c.n:>5}{c.tp + c.fn:>5}"
                f"{c.precision:>8.3f}{c.recall:>8.3f}{c.f1:>8.3f}"
            )
        kz = self.kz_correct / self.kz_total if self.kz_total else 1.0
        rows.append(
            f"kz_related accuracy on tagged positives: {kz:.3f} ({self.kz_correct}/{self.kz_total})"
        )
        rows.append(f"rules {self.rules_version}, set sha256 {self.sha256[:12]}")
        return "\n".join(rows)


def file_sha256(path: str | Path) -> str:
    """sha256 of a file's bytes, pinned in floors.json to notice a changed set."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def evaluate(path: str | Path, vocabulary: Vocabulary | None = None) -> EvaluationReport:
    """Tag every labelled item and count hits and misses per topic and language."""
    vocab = vocabulary or load_vocabulary()
    report = EvaluationReport(sha256=file_sha256(path), rules_version=vocab.version)
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        result = tag_text(item.get("title"), item["text"], item.get("lang"), vocabulary=vocab)
        for topic in TOPICS:
            truth = bool(item["labels"][topic])
            got = topic in result.topics
            for lang in (item["lang"], ALL):
                c = report.counts.setdefault((topic, lang), Counts())
                c.n += 1
                c.tp += truth and got
                c.fp += got and not truth
                c.fn += truth and not got
            if truth != got:
                kind = "missed" if truth else "false"
                report.errors.append(f"{item['id']}: {kind} {topic}")
        if any(item["labels"][t] for t in TOPICS) and result.topics:
            report.kz_total += 1
            report.kz_correct += result.kz_related == bool(item["kz_related"])
            if result.kz_related != bool(item["kz_related"]):
                report.errors.append(f"{item['id']}: kz_related {result.kz_related}")
    return report
