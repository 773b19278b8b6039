"""Dozor's pipeline (extract + tag + store) per page, against bare trafilatura.extract.

    .venv/bin/python bench/bench_pipeline.py [--rounds 5]

Both run over the same saved article pages (tests/fixtures/sites) in the same process; the
figure that matters is the ratio, which does not depend on the machine's speed. Storing goes to
a scratch database created on DATABASE_URL's server (or the embedded one) and dropped after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The golden pages include a test-only source of bad pages, declared in tests/.
os.environ.setdefault("DOZOR_SOURCE_MODULES", "tests.source_badpages")

from crawler.config import load_config
from crawler.extract.body import extract_article
from crawler.sources import get_source
from crawler.tagging.apply import analyse_article
from storage.articles import store_article
from storage.db import resolve_database_url, scratch_database
from storage.sources import sync_sources
from tests.golden import load_cases, raw_page


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    cases = load_cases()
    pages = [raw_page(c) for c in cases]
    server = resolve_database_url(load_config())
    with scratch_database(server, "dozor_bench") as url, \
            psycopg.connect(url, autocommit=True) as conn:
        sync_sources(conn, {get_source(p.source_id) for p in pages})
        bare, ours = [], []
        stages: dict[str, list[float]] = {}
        for _ in range(args.rounds):
            start = time.perf_counter()
            for raw in pages:
                trafilatura.extract(raw.body.decode("utf-8", "replace"), url=raw.url)
            bare.append((time.perf_counter() - start) / len(pages))
            conn.execute("TRUNCATE articles CASCADE")
            stage = dict.fromkeys(("extract", "tag", "store"), 0.0)
            for raw in pages:
                fresh = replace(raw, fetched_at=datetime.now(UTC))
                t0 = time.perf_counter()
                article = extract_article(fresh, get_source(raw.source_id))
                t1 = time.perf_counter()
                analysis = analyse_article(article)
                t2 = time.perf_counter()
                store_article(conn, article, analysis, None)
                t3 = time.perf_counter()
                stage["extract"] += t1 - t0
                stage["tag"] += t2 - t1
                stage["store"] += t3 - t2
            ours.append(sum(stage.values()) / len(pages))
            for name, seconds in stage.items():
                stages.setdefault(name, []).append(seconds / len(pages))
    b, o = statistics.median(bare), statistics.median(ours)
    print(f"pages: {len(pages)}, rounds: {args.rounds} (medians)")
    print(f"bare trafilatura.extract:          {b * 1000:8.2f} ms/page")
    print(f"Dozor extract + tag + store:       {o * 1000:8.2f} ms/page")
    print(f"ratio Dozor / bare trafilatura:    {o / b:8.2f}x")
    for name, values in stages.items():
        m = statistics.median(values)
        print(f"  of which {name:<7}                 {m * 1000:8.2f} ms/page  ({m / b:5.2f}x bare)")


if __name__ == "__main__":
    main()
