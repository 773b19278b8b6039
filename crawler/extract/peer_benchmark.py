"""Dozor's generic extraction on a public peer benchmark, scored by the benchmark's own scorer.

The benchmark (Zyte's article-extraction-benchmark: 181 English news pages, `html/<id>.html.gz`,
the expected bodies in `ground-truth.json` and `evaluate.py`) is a third party's data: it is
read where it lies (`../shared/benchmarks/article-extraction-benchmark/`), never copied, and its
`evaluate.py` is loaded from there and called, never rewritten. A source without hints takes
Dozor's generic path; this says whether that path is at least as good as trafilatura alone.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from crawler.extract.body import extract_article
from crawler.items import Article, RawPage
from crawler.sources import Source

# A source Dozor knows nothing about: no hints, no template lines, no feed.
GENERIC_SOURCE = Source(id="generic", name="a source without hints", home="https://example.com",
                        languages=("en",), article_url_pattern=r"^https?://")
# The benchmark's pages were saved in 2019; relative dates on them resolve against this.
FETCHED_AT = datetime(2019, 11, 20, tzinfo=UTC)


@dataclass(frozen=True)
class BenchmarkPage:
    """One page of the benchmark: its id, URL and HTML as saved."""

    key: str
    url: str
    html: bytes


def load_scorer(benchmark: Path) -> ModuleType:
    """The benchmark's own evaluate.py, loaded as a module from where it lies."""
    spec = importlib.util.spec_from_file_location("peer_benchmark_evaluate",
                                                  benchmark / "evaluate.py")
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"no evaluate.py in {benchmark}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ground_truth(benchmark: Path) -> dict[str, dict[str, Any]]:
    """The benchmark's expected bodies by page id."""
    data: dict[str, dict[str, Any]] = json.loads(
        (benchmark / "ground-truth.json").read_text("utf-8"))
    return data


def ground_truth_sha256(benchmark: Path) -> str:
    """sha256 of ground-truth.json: pinned beside a floor, so a changed benchmark is noticed."""
    return hashlib.sha256((benchmark / "ground-truth.json").read_bytes()).hexdigest()


def pages(benchmark: Path) -> Iterator[BenchmarkPage]:
    """The benchmark's pages, in ground-truth order."""
    for key, item in ground_truth(benchmark).items():
        html = gzip.decompress((benchmark / "html" / f"{key}.html.gz").read_bytes())
        yield BenchmarkPage(key, str(item.get("url") or "https://example.com/"), html)


def dozor_generic(page: BenchmarkPage) -> Article:
    """Dozor's extraction of a page as a source without hints would get it."""
    raw = RawPage(source_id=GENERIC_SOURCE.id, url=page.url, fetched_url=page.url, status=200,
                  headers={"content-type": "text/html; charset=utf-8"}, body=page.html,
                  fetched_at=FETCHED_AT)
    return extract_article(raw, GENERIC_SOURCE, template=None)


def score(scorer: ModuleType, truth: dict[str, dict[str, Any]],
          bodies: dict[str, str | None]) -> dict[str, float]:
    """F1, precision, recall and accuracy by the benchmark's own `evaluate` (no bootstrap)."""
    prediction = {key: {"articleBody": bodies.get(key) or ""} for key in truth}
    metrics = scorer.evaluate(truth, prediction, 0)
    return {name: float(metrics[name]) for name in ("f1", "precision", "recall", "accuracy")}


def page_f1(scorer: ModuleType, truth: str, predicted: str | None) -> float:
    """One page's shingle F1, by the benchmark's own matching."""
    tp, fp, fn = scorer.string_shingle_matching(true=truth, pred=predicted or "")
    precision, recall = scorer.precision_score(tp, fp, fn), scorer.recall_score(tp, fp, fn)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def why_shorter(article: Article) -> str | None:
    """What Dozor's extraction says about a body shorter than trafilatura's, or None."""
    reasons = []
    if article.status != "ok":
        reasons.append(f"{article.status}: {article.status_reason}")
    if article.extra.get("pruned"):
        reasons.append(f"pruned {article.extra['pruned']}")
    if article.extra.get("furniture"):
        reasons.append(f"furniture lines {article.extra['furniture']}")
    if article.extra.get("body_from") not in (None, "trafilatura"):
        reasons.append(f"body from {article.extra['body_from']}")
    return "; ".join(reasons) or None
