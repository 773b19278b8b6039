"""Rules alone against rules + a small linear model, on the real labelled set, held out.

    .venv/bin/pip install -e '.[train]'             # scikit-learn: only this script needs it
    .venv/bin/python bench/train_tagging_model.py [--write crawler/tagging/vocab/model.json]

The model (logistic regression per topic, scikit-learn) reads only the figures the rules
measure for a text (crawler/tagging/model.py: feature_vector), never its words, and may
only decide texts where the rules found evidence. It is scored two ways, always on texts it
did not learn from: trained on each file's tuning half and scored on the held-out halves,
and trained on two files and scored on the third. With --write it is trained on everything
and saved as JSON next to the vocabularies (never a pickle); its version is then recorded
with every tag. Without vocab/model.json the rules decide alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.tagging.evaluate import MIN_POSITIVES, dev_half, find_dev_dir, read_labelled
from crawler.tagging.model import feature_vector
from crawler.tagging.rules import load_vocabulary, prepare_fields, read_fields

ROOT = Path(__file__).resolve().parent.parent
MODEL_VERSION = "2026.1"


def rows() -> list[dict[str, Any]]:
    """One row per text and topic: file, half, label, the rules' decision, the features."""
    dev = find_dev_dir(ROOT)
    if dev is None:
        raise SystemExit("../shared/tagging-dev not found (set DOZOR_SHARED_DIR)")
    vocab = load_vocabulary()
    out = []
    for path in sorted(dev.glob("*.jsonl")):
        for item in read_labelled(path):
            reading = read_fields(prepare_fields(item.title, item.text, item.lang), vocab)
            for d in reading.decisions:
                out.append({"file": path.name, "half": dev_half(item.id), "topic": d.topic,
                            "lang": item.lang, "y": item.labels[d.topic], "rules": d.assigned,
                            "strong": bool(d.strong),
                            "x": feature_vector(d, reading.context)})
    return out


def f1(pairs: list[tuple[bool, bool]]) -> float:
    tp = sum(1 for y, p in pairs if y and p)
    fp = sum(1 for y, p in pairs if p and not y)
    fn = sum(1 for y, p in pairs if y and not p)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def fit(train: list[dict[str, Any]], keys: list[str]) -> Any:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, max_iter=5000)
    model.fit([[r["x"][k] for k in keys] for r in train], [r["y"] for r in train])
    return model


def compare(data: list[dict[str, Any]], name: str,
            train_on: Callable[[dict[str, Any]], bool],
            score_on: Callable[[dict[str, Any]], bool]) -> None:
    """Worst topic x language F1 per file: rules alone and rules + model."""
    keys = sorted(data[0]["x"])
    print(name)
    for topic in ("fraud", "ocg"):
        train = [r for r in data if r["topic"] == topic and train_on(r) and r["strong"]]
        test = [r for r in data if r["topic"] == topic and score_on(r)]
        model = fit(train, keys)
        proba = model.predict_proba([[r["x"][k] for k in keys] for r in test])[:, 1]
        for r, p in zip(test, proba, strict=True):
            r["model"] = bool(p >= 0.5 and r["strong"])
        for file in sorted({r["file"] for r in test}):
            for lang in sorted({r["lang"] for r in test if r["file"] == file}):
                cell = [r for r in test if r["file"] == file and r["lang"] == lang]
                if sum(r["y"] for r in cell) < MIN_POSITIVES:
                    continue
                rules = f1([(r["y"], r["rules"]) for r in cell])
                both = f1([(r["y"], r["model"]) for r in cell])
                print(f"   {topic:<6}{file:<32}{lang:<4} rules {rules:.3f}"
                      f"   rules+model {both:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", type=Path, default=None, help="train on all, save JSON here")
    args = parser.parse_args()
    data = rows()
    compare(data, "trained on the tuning halves, scored on the held-out halves",
            lambda r: r["half"] == "tune", lambda r: r["half"] == "held")
    for file in sorted({r["file"] for r in data}):
        compare(data, f"trained on the other files, scored on {file}",
                lambda r, f=file: r["file"] != f, lambda r, f=file: r["file"] == f)
    if args.write:
        keys = sorted(data[0]["x"])
        weights = {}
        for topic in ("fraud", "ocg"):
            model = fit([r for r in data if r["topic"] == topic and r["strong"]], keys)
            weights[topic] = {"bias": float(model.intercept_[0]),
                              **{k: float(w) for k, w in zip(keys, model.coef_[0], strict=True)}}
        args.write.write_text(json.dumps({"version": MODEL_VERSION, "weights": weights,
                                          "thresholds": {"fraud": 0.5, "ocg": 0.5}},
                                         indent=2) + "\n", encoding="utf-8")
        print(f"model written to {args.write}")


if __name__ == "__main__":
    main()
