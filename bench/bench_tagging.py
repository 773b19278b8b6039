"""Time tag_text over the labelled set, as a ratio to baselines measured in the same run.

Run: .venv/bin/python bench/bench_tagging.py [repeats]
Figures are ratios, never asserted in tests: machines differ, ratios travel.
"""

import json
import sys
import time
from pathlib import Path

from crawler.tagging.normalize import normalize_text
from crawler.tagging.rules import load_vocabulary, tag_text
from crawler.tagging.stem import search_terms

LABELLED = Path(__file__).parents[1] / "tests" / "fixtures" / "tagging" / "labelled.jsonl"


def _per_item(fn, items, repeats):
    """Best-of-repeats seconds per item for fn over items."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, time.perf_counter() - start)
    return best / len(items)


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    items = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    chars = sum(len(i["text"]) + len(i.get("title") or "") for i in items)

    start = time.perf_counter()
    vocab = load_vocabulary()
    load_s = time.perf_counter() - start

    def split(item):
        return ((item.get("title") or "") + " " + item["text"]).lower().split()

    def normalize(item):
        return normalize_text((item.get("title") or "") + " " + item["text"])

    def stems(item):
        return search_terms((item.get("title") or "") + " " + item["text"], item["lang"])

    def tag(item):
        return tag_text(item.get("title"), item["text"], item["lang"], vocabulary=vocab)

    tag(items[0])  # warm the stem caches once, as a long-running process would be
    base = _per_item(split, items, repeats)
    rows = [
        ("str.lower().split() (baseline)", base),
        ("normalize_text", _per_item(normalize, items, repeats)),
        ("search_terms", _per_item(stems, items, repeats)),
        ("tag_text", _per_item(tag, items, repeats)),
    ]
    print(f"{len(items)} texts, {chars / len(items):.0f} chars on average, best of {repeats}")
    print(f"vocabulary load + compile: {load_s * 1000:.1f} ms (once per process)")
    for name, secs in rows:
        print(f"{name:<32}{secs * 1e6:>10.1f} us/text {secs / base:>10.1f}x baseline")


if __name__ == "__main__":
    main()
