"""An optional linear model over rule figures: weighs what the rules found, decides a topic.

The model never sees words, only what the rules measured (points by part, evidence
sentences, context and genre points), so its decision keeps the rules' evidence. Its weights
are a versioned JSON file next to the vocabularies (vocab/model.json, never a pickle); the
version is recorded with every tag. Without the file the rules decide alone.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.tagging.topics import TopicDecision
    from crawler.tagging.vocab import Vocabulary

MODEL_FILE = "model.json"


class ModelError(ValueError):
    """Raised when vocab/model.json is malformed or names unknown features, at load time."""


def feature_vector(decision: TopicDecision, context: dict[str, float]) -> dict[str, float]:
    """The figures a model reads for one topic of one text."""
    f = dict(decision.features)
    f.pop("probability", None)
    f["log_sentences"] = math.log1p(f.pop("sentences", 0.0))
    f["log_score"] = math.log1p(f.pop("score", 0.0))
    for key in ("crime", "harm", "warning", "negative"):
        f[f"ctx_{key}"] = min(context.get(key, 0.0), 6.0)
    return f


@dataclass(frozen=True)
class LinearModel:
    """Logistic regression per topic over `feature_vector`, with a decision threshold."""

    version: str
    weights: dict[str, dict[str, float]]  # topic -> feature -> weight ("bias" included)
    thresholds: dict[str, float]

    def probability(self, topic: str, features: dict[str, float]) -> float | None:
        """P(topic) for a feature vector; None when the model has no weights for the topic."""
        w = self.weights.get(topic)
        if w is None:
            return None
        z = w.get("bias", 0.0) + sum(w.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def decide(self, decision: TopicDecision, context: dict[str, float]) -> TopicDecision:
        """The decision with the model's probability; a topic needs rule evidence as well."""
        p = self.probability(decision.topic, feature_vector(decision, context))
        if p is None:
            return decision
        features = {**decision.features, "probability": round(p, 3)}
        assigned = bool(decision.strong) and p >= self.thresholds.get(decision.topic, 0.5)
        return dataclasses.replace(decision, assigned=assigned, features=features)


def model_from_dict(data: dict[str, Any], digest: str) -> LinearModel:
    """A model from its JSON form, versioned by its stated version and content hash."""
    try:
        weights = {str(t): {str(k): float(v) for k, v in w.items()}
                   for t, w in data["weights"].items()}
        thresholds = {str(t): float(v) for t, v in data.get("thresholds", {}).items()}
        version = f"{data['version']}+{digest}"
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ModelError(f"{MODEL_FILE}: {exc!r}") from exc
    return LinearModel(version, weights, thresholds)


@lru_cache(maxsize=8)
def _load_file(path: str) -> LinearModel | None:
    file = Path(path)
    if not file.is_file():
        return None
    raw = file.read_bytes()
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ModelError(f"{file}: {exc}") from exc
    return model_from_dict(data, hashlib.sha256(raw).hexdigest()[:8])


def load_model(vocab: Vocabulary) -> LinearModel | None:
    """The model file of a vocabulary folder, or None when it has none."""
    return _load_file(os.path.join(vocab.folder, MODEL_FILE))
