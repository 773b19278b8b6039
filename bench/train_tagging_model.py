"""Rules alone against rules + a small linear model, on real labelled text it did not learn from.

    .venv/bin/pip install -e '.[train]'             # scikit-learn: only this script needs it
    .venv/bin/python bench/train_tagging_model.py [--cells] [--labelled a.jsonl ...]
        [--halves week.jsonl] [--write FILE --kind stems+rules]
        (ship it as crawler/tagging/vocab/model.json only after `dozor eval-tags --model FILE`
        on sets it did not learn from)

Three models, logistic regression per topic (scikit-learn, crawler/tagging/model.py applies
them): `figures` reads only what the rules measured; `stems+rules` adds the rule ids of the
topic's evidence, the genre words and the stems of the text (those in at least MIN_DF
training texts); both only confirm or veto a topic whose rules found evidence, so a tag keeps
the rules' evidence. `stems+rules open` may also add a topic the rules did not find; its
evidence is then the words whose stems weighed most. The L2 strength and the decision threshold
are chosen by 3-fold cross-validation inside the training texts, never on the texts scored.

Protocols, each scored per file as `dozor eval-tags` does (worst topic x language F1 over
cells with >= 5 positives): (a) train on the tuning halves of every file (`dev_half`), score
the held-out halves; (b) train on the other files, score the whole third; (c) 5-fold
cross-validation within each file and across the files pooled (folds by a hash of the id).
The rules are whatever crawler/tagging/vocab and topics.py say now. With --write, the chosen
kind is trained on every text given and saved as JSON next to the vocabularies (never a
pickle); its version is then recorded with every tag.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.tagging.evaluate import (
    MIN_POSITIVES,
    TOPICS,
    dev_half,
    file_sha256,
    find_dev_dir,
    read_labelled,
)
from crawler.tagging.model import feature_vector, rule_features, stem_positions
from crawler.tagging.rules import load_vocabulary, prepare_fields, read_fields

ROOT = Path(__file__).resolve().parent.parent
MODEL_VERSION = "2026.6"
# A stem or rule id becomes a feature when at least this many training texts hold it.
MIN_DF = 3
# Inverse L2 strengths of the logistic regression tried; the one kept, like the threshold, is
# chosen by cross-validation inside the training texts.
C_GRID = (0.1, 1.0, 10.0)
THRESHOLDS = [round(0.05 * i, 2) for i in range(4, 17)]  # 0.20 ... 0.80
# name -> (feature kinds, which texts the model decides): "confirm" a topic the rules found
# evidence for (or veto it); "open": any text, it may add a topic the rules did not find;
# "add": only where the rules found a sentence reaching the threshold but judged the text not
# about the topic; it may add the topic there and never vetoes.
KINDS = {
    "figures": (("figures",), "confirm"),
    "stems+rules": (("figures", "rules", "stems"), "confirm"),
    "stems+rules open": (("figures", "rules", "stems"), "open"),
    "stems+rules add": (("figures", "rules", "stems"), "add"),
}


def decides(row: Row, mode: str) -> bool:
    """Whether a model of this mode decides the row (elsewhere the rules' decision stands)."""
    return mode == "open" or (row.strong and (mode == "confirm" or not row.rules))


@dataclass
class Row:
    """One text and topic: where it comes from, its label, the rules' decision, its features."""

    file: str
    id: str
    lang: str
    topic: str
    y: bool
    rules: bool
    strong: bool
    figures: dict[str, float]
    hits: dict[str, float]
    stems: frozenset[str]

    def half(self) -> str:
        return dev_half(self.id)

    def fold(self, k: int = 5) -> int:
        return int(hashlib.sha256(f"fold:{self.id}".encode()).hexdigest(), 16) % k


def read_rows(paths: list[Path]) -> list[Row]:
    """Every text of the files read by the current rules, one row per topic."""
    vocab = load_vocabulary()
    out = []
    for path in paths:
        for item in read_labelled(path):
            reading = read_fields(prepare_fields(item.title, item.text, item.lang), vocab)
            stems = frozenset(stem_positions(reading.fields))
            for d in reading.decisions:
                out.append(Row(path.name, item.id, item.lang, d.topic, item.labels[d.topic],
                               d.assigned, bool(d.strong), feature_vector(d, reading.context),
                               rule_features(d, reading.context), stems))
    return out


def features(row: Row, kinds: tuple[str, ...], vocabulary: set[str]) -> dict[str, float]:
    """The row's features of the given kinds; stems and rule ids only from the vocabulary."""
    f = dict(row.figures) if "figures" in kinds else {}
    if "rules" in kinds:
        f.update({k: v for k, v in row.hits.items() if k in vocabulary})
    if "stems" in kinds:
        f.update({s: 1.0 for s in row.stems if s in vocabulary})
    return f


@dataclass
class Fitted:
    """One topic's model: weights by feature name, bias, threshold, what it reads."""

    weights: dict[str, float]
    bias: float
    threshold: float
    kinds: tuple[str, ...]
    mode: str
    vocabulary: set[str]

    def probability(self, row: Row) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * v
                            for k, v in features(row, self.kinds, self.vocabulary).items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def decide(self, row: Row) -> bool:
        if not decides(row, self.mode):
            return row.rules
        return self.probability(row) >= self.threshold


def _fit_weights(train: list[Row], kinds: tuple[str, ...], mode: str, c: float
                 ) -> tuple[dict[str, float], float, set[str]] | None:
    """L2 logistic regression on the rows the model may decide; None for a single class."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = [r for r in train if decides(r, mode)]
    if len({r.y for r in rows}) < 2:
        return None
    df = Counter(k for r in rows for k in {*r.stems, *r.hits})
    vocabulary = {k for k, n in df.items() if n >= MIN_DF}
    vec = DictVectorizer()
    x = vec.fit_transform([features(r, kinds, vocabulary) for r in rows])
    model = LogisticRegression(C=c, max_iter=5000).fit(x, [r.y for r in rows])
    names = vec.get_feature_names_out()
    weights = {str(n): float(w) for n, w in zip(names, model.coef_[0], strict=True) if w}
    return weights, float(model.intercept_[0]), vocabulary


def fit(train: list[Row], name: str, c_grid: tuple[float, ...] = C_GRID) -> Fitted | None:
    """A model of one kind for one topic; its C and threshold by 3-fold CV inside `train`."""
    kinds, mode = KINDS[name]
    # Ties go to the threshold nearest 0.5, then to the C nearest 1.
    best: tuple[tuple[float, float, float], float, float] | None = None  # (key, C, threshold)
    for c in c_grid:
        scored: list[tuple[Row, float | None]] = []  # None: the rules decide the row
        for k in range(3):
            inner = _fit_weights([r for r in train if r.fold(3) != k], kinds, mode, c)
            for r in (r for r in train if r.fold(3) == k):
                p = None if not decides(r, mode) else 0.0 if inner is None else Fitted(
                    inner[0], inner[1], 0.0, kinds, mode, inner[2]).probability(r)
                scored.append((r, p))
        for t in THRESHOLDS:
            key = (f1([(r.y, r.rules if p is None else p >= t) for r, p in scored]),
                   -abs(t - 0.5), -abs(c - 1.0))
            if best is None or key > best[0]:
                best = (key, c, t)
    assert best is not None
    fitted = _fit_weights(train, kinds, mode, best[1])
    if fitted is None:
        return None
    return Fitted(fitted[0], fitted[1], best[2], kinds, mode, fitted[2])


def f1(pairs: list[tuple[bool, bool]]) -> float:
    """F1 of (truth, prediction) pairs; 1.0 for nothing to find and nothing found."""
    tp = sum(1 for y, p in pairs if y and p)
    fp = sum(1 for y, p in pairs if p and not y)
    fn = sum(1 for y, p in pairs if y and not p)
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


Predictions = dict[tuple[str, str], dict[str, bool]]  # (id, topic) -> method -> assigned
Split = tuple[Callable[[Row], bool], Callable[[Row], bool]]  # (train on, score on)


def predict(rows: list[Row], splits: list[Split], c_grid: tuple[float, ...]) -> Predictions:
    """Each scored row's decision by the rules and by each model trained without it."""
    out: Predictions = {}
    for train_on, score_on in splits:
        for topic in TOPICS:
            train = [r for r in rows if r.topic == topic and train_on(r)]
            test = [r for r in rows if r.topic == topic and score_on(r)]
            models = {name: fit(train, name, c_grid) for name in KINDS}
            for r in test:
                got = out.setdefault((r.id, topic), {"rules": r.rules})
                for name, m in models.items():  # a topic nobody was labelled with: rules
                    got[name] = r.rules if m is None else m.decide(r)
    return out


def cell_scores(rows: list[Row], preds: Predictions
                ) -> dict[tuple[str, str], dict[str, float]]:
    """(file, topic/lang) -> method -> F1, over cells with enough positives."""
    cells: dict[tuple[str, str], list[Row]] = {}
    for r in rows:
        if (r.id, r.topic) in preds:
            cells.setdefault((r.file, f"{r.topic}/{r.lang}"), []).append(r)
    return {key: {m: f1([(r.y, preds[(r.id, r.topic)][m]) for r in cell])
                  for m in ("rules", *KINDS)}
            for key, cell in sorted(cells.items()) if sum(r.y for r in cell) >= MIN_POSITIVES}


def worst_by_file(rows: list[Row], preds: Predictions) -> dict[str, dict[str, tuple[float, str]]]:
    """Per file and method: the lowest topic x language F1 over cells with enough positives."""
    out: dict[str, dict[str, tuple[float, str]]] = {}
    for (file, cell), by_method in cell_scores(rows, preds).items():
        for method, score in by_method.items():
            best = out.setdefault(file, {}).get(method, (2.0, ""))
            out[file][method] = min(best, (score, cell))
    return out


def protocols(rows: list[Row], which: str = "abc", c_grid: tuple[float, ...] = C_GRID
              ) -> dict[str, Predictions]:
    """(a) tuning halves -> held-out halves, (b) other files -> the third, (c) 5-fold CV."""
    files = sorted({r.file for r in rows})
    splits: dict[str, list[Split]] = {
        "(a) tuning halves -> held-out halves": [
            (lambda r: r.half() == "tune", lambda r: r.half() == "held")],
        "(b) other files -> whole file": [
            (lambda r, f=f: r.file != f, lambda r, f=f: r.file == f) for f in files],
        "(c) 5-fold within each file": [
            (lambda r, f=f, k=k: r.file == f and r.fold() != k,
             lambda r, f=f, k=k: r.file == f and r.fold() == k)
            for f in files for k in range(5)],
        "(c) 5-fold across files pooled": [
            (lambda r, k=k: r.fold() != k, lambda r, k=k: r.fold() == k) for k in range(5)],
    }
    return {name: predict(rows, s, c_grid) for name, s in splits.items() if name[1] in which}


def table(rows: list[Row], results: dict[str, Predictions], every_cell: bool = False) -> str:
    """A Markdown table: protocol x file, worst F1 (and its cell) per method, or every cell."""
    head = "| protocol | file | rules | " + " | ".join(f"+ model: {k}" for k in KINDS) + " |"
    lines = [head, "|" + "---|" * (3 + len(KINDS))]
    methods = ("rules", *KINDS)
    for name, preds in results.items():
        if every_cell:
            for (file, cell), scores in cell_scores(rows, preds).items():
                lines.append(f"| {name} | {file.removesuffix('.jsonl')} {cell} | "
                             + " | ".join(f"{scores[m]:.3f}" for m in methods) + " |")
            continue
        for file, by_method in worst_by_file(rows, preds).items():
            figures = [f"{by_method[m][0]:.3f} ({by_method[m][1]})" for m in methods]
            lines.append(f"| {name} | {file.removesuffix('.jsonl')} | " + " | ".join(figures)
                         + " |")
    return "\n".join(lines)


def write_model(rows: list[Row], name: str, path: Path, c_grid: tuple[float, ...],
                topics: tuple[str, ...] = TOPICS, sources: list[Path] | None = None) -> None:
    """Train a model of one kind on every row and save it as crawler/tagging/model.py reads;
    `trained_on` names each file learned from (name and sha256), so `dozor eval-tags` can
    say that its figures on such a file are in-sample."""
    weights, thresholds = {}, {}
    for topic in topics:
        m = fit([r for r in rows if r.topic == topic], name, c_grid)
        if m is None:
            continue
        weights[topic] = {"bias": round(m.bias, 4),
                          **{k: round(w, 4) for k, w in sorted(m.weights.items())
                             if abs(w) >= 1e-4}}
        thresholds[topic] = m.threshold
    kinds, mode = KINDS[name]
    data: dict[str, Any] = {"version": MODEL_VERSION, "features": list(kinds),
                            "may_add": mode == "open", "may_veto": mode != "add",
                            "weights": weights, "thresholds": thresholds,
                            "trained_on": [{"file": p.name, "sha256": file_sha256(p)}
                                           for p in sources or []]}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--labelled", type=Path, action="append",
                        help="labelled JSONL files (default: every file of ../shared/tagging-dev)")
    parser.add_argument("--cells", action="store_true", help="also print every cell")
    parser.add_argument("--protocols", default="abc", help="which of a, b, c (default: abc)")
    parser.add_argument("--write", type=Path, help="train on every text, save the model here")
    parser.add_argument("--kind", choices=sorted(KINDS), default="stems+rules")
    parser.add_argument("--topics", default=",".join(TOPICS),
                        help="topics the written model decides (default: all)")
    parser.add_argument("--c", type=float, help="fix the L2 strength instead of choosing it "
                        "(three times quicker)")
    parser.add_argument("--halves", action="append", default=[], metavar="FILE",
                        help="read this file (by name) as two, its tuning and held-out halves "
                        "(`dev_half`): protocol b then scores each half with a model that "
                        "learned from the other half and every other file")
    args = parser.parse_args(argv)
    paths = args.labelled
    if not paths:
        dev = find_dev_dir(ROOT)
        if dev is None:
            raise SystemExit("../shared/tagging-dev not found (set DOZOR_SHARED_DIR)")
        paths = sorted(dev.glob("*.jsonl"))
    rows = read_rows(paths)
    # The week is the only set of whole articles: a model scored on it in protocol b has
    # never seen one. Split, each half is scored by a model that saw the other.
    for row in rows:
        if row.file in args.halves:
            row.file = f"{Path(row.file).stem}-{row.half()}"
    print(f"rules {load_vocabulary().version}; worst topic x language F1 "
          f"(cells with >= {MIN_POSITIVES} positives) per file, on texts not learned from")
    c_grid = (args.c,) if args.c else C_GRID
    results = protocols(rows, args.protocols, c_grid)
    print(table(rows, results))
    if args.cells:
        print(table(rows, results, every_cell=True))
    if args.write:
        write_model(rows, args.kind, args.write, c_grid, tuple(args.topics.split(",")), paths)
        print(f"model ({args.kind}) written to {args.write}")


if __name__ == "__main__":
    main()
