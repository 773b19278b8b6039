"""An optional linear model over what the rules found and the text's stems: decides a topic.

It reads up to three kinds of features (the file says which): `figures`, what the rules
measured (points by part, evidence sentences, context and genre points); `rules`, the rule
ids of the topic's evidence and the genre words of the text; `stems`, the stems of the
text's words outside asides. Without `may_add` it only confirms or vetoes a topic whose
rules found evidence (a sentence reaching the threshold), so a tag keeps the rules'
evidence; with `may_add` it may assign a topic the rules did not find, and the evidence is
then the words whose stems weighed most for it. With `may_veto: false` it is asked only
where the rules found such a sentence but judged the text not about the topic (one sentence
in the body of a mid-length excerpt): it may add the topic there, with the rules' evidence,
and never takes one away. Its weights are a versioned JSON file next
to the vocabularies (vocab/model.json, never a pickle); the version is recorded with every
tag. Without the file the rules decide alone.
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

from crawler.errors import DozorError
from crawler.tagging.matching import Match

if TYPE_CHECKING:
    from crawler.tagging.prepare import PreparedField
    from crawler.tagging.topics import TopicDecision
    from crawler.tagging.vocab import Vocabulary

MODEL_FILE = "model.json"
FEATURE_KINDS = ("figures", "rules", "stems")
# A stem feature needs at least this many letters: shorter ones are function words.
MIN_STEM_CHARS = 3
# Words quoted as the evidence of a topic the model added, strongest first.
MAX_STEM_EVIDENCE = 5


class ModelError(DozorError, ValueError):
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


def rule_features(decision: TopicDecision, context: dict[str, float]) -> dict[str, float]:
    """The rule ids of a topic's evidence and the genre words of the text, as 1.0 each."""
    f = {f"rule:{rule}": 1.0 for _, rule in decision.evidence}
    f.update({f"genre:{key.removeprefix('negative.')}": 1.0 for key in context
              if key.startswith("negative.")})
    return f


def stem_positions(fields: dict[str, PreparedField]) -> dict[str, tuple[str, int, int]]:
    """Each stem of the words outside asides, with its first word: (field, word, sentence)."""
    out: dict[str, tuple[str, int, int]] = {}
    for name, fld in fields.items():
        for i, word in enumerate(fld.words):
            sentence = fld.token_sentence[i] if fld.token_sentence else 0
            if fld.sentences and fld.sentences[sentence].part == "aside":
                continue
            for stem in word.stems:
                if len(stem) >= MIN_STEM_CHARS and not stem.isdigit():
                    out.setdefault(f"stem:{stem}", (name, i, sentence))
    return out


def model_features(decision: TopicDecision, context: dict[str, float],
                   stems: dict[str, tuple[str, int, int]], kinds: tuple[str, ...]
                   ) -> dict[str, float]:
    """The features of the named kinds for one topic of one text."""
    f: dict[str, float] = {}
    if "figures" in kinds:
        f.update(feature_vector(decision, context))
    if "rules" in kinds:
        f.update(rule_features(decision, context))
    if "stems" in kinds:
        f.update(dict.fromkeys(stems, 1.0))
    return f


@dataclass(frozen=True)
class LinearModel:
    """Logistic regression per topic over `model_features`, with a decision threshold."""

    version: str
    weights: dict[str, dict[str, float]]  # topic -> feature -> weight ("bias" included)
    thresholds: dict[str, float]
    kinds: tuple[str, ...] = ("figures",)
    may_add: bool = False
    may_veto: bool = True
    trained_on: frozenset[str] = frozenset()  # sha256 of each labelled file learned from

    def probability(self, topic: str, features: dict[str, float]) -> float | None:
        """P(topic) for a feature vector; None when the model has no weights for the topic."""
        w = self.weights.get(topic)
        if w is None:
            return None
        z = w.get("bias", 0.0) + sum(w.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def decide(self, decision: TopicDecision, context: dict[str, float],
               fields: dict[str, PreparedField]) -> TopicDecision:
        """The decision with the model's probability; a topic needs rule evidence unless the
        model may add one, whose evidence is then the stems that drove it."""
        if not self.may_veto and (decision.assigned or not decision.strong):
            return decision  # the rules decided; an add-only model is not even asked
        stems = stem_positions(fields) if "stems" in self.kinds else {}
        p = self.probability(decision.topic, model_features(decision, context, stems,
                                                            self.kinds))
        if p is None:
            return decision
        features = {**decision.features, "probability": round(p, 3)}
        confident = p >= self.thresholds.get(decision.topic, 0.5)
        if decision.strong or not confident or not self.may_add:
            return dataclasses.replace(decision, assigned=bool(decision.strong) and confident,
                                       features=features)
        weights = self.weights[decision.topic]
        drivers = sorted((s for s in stems if weights.get(s, 0.0) > 0),
                         key=lambda s: -weights[s])[:MAX_STEM_EVIDENCE]
        evidence = [(Match(-1, name, i, i + 1, sentence), f"{decision.topic}.model:{s}")
                    for s in drivers for name, i, sentence in (stems[s],)]
        return dataclasses.replace(decision, assigned=bool(evidence), features=features,
                                   evidence=evidence + decision.evidence)


def model_from_dict(data: dict[str, Any], digest: str) -> LinearModel:
    """A model from its JSON form, versioned by its stated version and content hash."""
    try:
        weights = {str(t): {str(k): float(v) for k, v in w.items()}
                   for t, w in data["weights"].items()}
        thresholds = {str(t): float(v) for t, v in data.get("thresholds", {}).items()}
        kinds = tuple(str(k) for k in data.get("features", ("figures",)))
        version = f"{data['version']}+{digest}"
        trained_on = frozenset(str(f["sha256"]) for f in data.get("trained_on", ()))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ModelError(f"{MODEL_FILE}: {exc!r}") from exc
    unknown = set(kinds) - set(FEATURE_KINDS)
    if unknown:
        raise ModelError(f"{MODEL_FILE}: unknown feature kinds {sorted(unknown)}")
    return LinearModel(version, weights, thresholds, kinds, bool(data.get("may_add", False)),
                       bool(data.get("may_veto", True)), trained_on)


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
