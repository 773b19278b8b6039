"""Recall@10 and MRR@10 of Dozor's search against plain PostgreSQL baselines, in one run.

    .venv/bin/python bench/eval_search.py [--json] [--write-floors] [--misses]

The corpus (tests/fixtures/search/corpus.jsonl: 352 short articles, half Kazakh) and its 112
judged queries were written for Dozor from templates with hand-made word forms; relevance
is by construction of facts (crime, city, victim, company), never by running a stemmer.
Every system searches the same articles stored in a scratch database on DATABASE_URL's
server (or the embedded one), dropped after. `dozor eval-search` prints the same table.

For comparison only, on a different corpus: the pg_kazsearch extension reports Recall@10
0.784 (pg_trgm 0.635) on 2,999 Kazakh Tengrinews articles.

--write-floors pins the measured figures (rounded down to 0.01) with the corpus hash in
tests/fixtures/search/floors.json; tests/test_search.py fails when a figure drops below.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from serve.evaluate import CORPUS_DIR, run_evaluation

# The bundled corpus judges only same-language articles: its floors hold the same-language
# search (with cross-language terms, the other language takes places it does not judge).
FLOORED = {"dozor_samelang": ("all", "kk", "ru"), "dozor_and": ("all", "kk", "ru")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--write-floors", action="store_true",
                        help="pin these figures as the floors the tests hold")
    parser.add_argument("--misses", action="store_true",
                        help="list the queries Dozor did not answer completely")
    args = parser.parse_args()
    report = run_evaluation()
    print(report.to_json() if args.json else report.format_table())
    if args.misses:
        print("\n".join(report.misses))
    if args.write_floors:
        floors = {
            system: {group: {
                "recall_at_10": math.floor(report.get(system, group).recall_at_k * 100) / 100,
                "mrr_at_10": math.floor(report.get(system, group).mrr_at_k * 100) / 100,
            } for group in groups}
            for system, groups in FLOORED.items()
        }
        path = CORPUS_DIR / "floors.json"
        path.write_text(json.dumps({"corpus_sha256": report.corpus_sha256, "floors": floors},
                                   indent=2) + "\n", encoding="utf-8")
        print(f"floors written to {path}")


if __name__ == "__main__":
    main()
