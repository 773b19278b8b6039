"""Dozor's pipeline (extract + tag + store) per page, against trafilatura alone.

    .venv/bin/python bench/bench_pipeline.py [--rounds 3] [--light]

All run over the same pages in the same process: by default the golden pages of the declared
sources made as heavy as the live sites (100-300 kB, tests/heavy_pages.py), with --light the
saved golden pages as they are. The figures that matter are the ratios to
trafilatura.bare_extraction(with_metadata=True) (issue 15's baseline) and to
trafilatura.extract, which do not depend on the machine's speed. Storing goes to a scratch
database created on DATABASE_URL's server (or the embedded one) and dropped after; it stores
one article per transaction, as the pipeline does today.
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
from tests.heavy_pages import heavy_cases


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--light", action="store_true", help="the golden pages as saved")
    args = parser.parse_args()
    if args.light:
        pages = [raw_page(c) for c in load_cases()]
    else:
        pages = [raw for _case, raw in heavy_cases()]
    server = resolve_database_url(load_config())
    with scratch_database(server, "dozor_bench") as url, \
            psycopg.connect(url, autocommit=True) as conn:
        sync_sources(conn, {get_source(p.source_id) for p in pages})
        bare, with_metadata, ours = [], [], []
        stages: dict[str, list[float]] = {}
        for _ in range(args.rounds):
            start = time.perf_counter()
            for raw in pages:
                trafilatura.extract(raw.body.decode("utf-8", "replace"), url=raw.url)
            bare.append((time.perf_counter() - start) / len(pages))
            start = time.perf_counter()
            for raw in pages:
                trafilatura.bare_extraction(raw.body.decode("utf-8", "replace"), url=raw.url,
                                            with_metadata=True)
            with_metadata.append((time.perf_counter() - start) / len(pages))
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
    b, w, o = statistics.median(bare), statistics.median(with_metadata), statistics.median(ours)
    sizes = sorted(len(p.body) for p in pages)
    print(f"pages: {len(pages)} ({sizes[0] // 1000}-{sizes[-1] // 1000} kB, median"
          f" {sizes[len(sizes) // 2] // 1000} kB), rounds: {args.rounds} (medians)")
    print(f"trafilatura.bare_extraction(with_metadata=True): {w * 1000:8.2f} ms/page   1.00x")
    print(f"trafilatura.extract:                             {b * 1000:8.2f} ms/page"
          f" {b / w:6.2f}x")
    print(f"Dozor extract + tag + store:                     {o * 1000:8.2f} ms/page"
          f" {o / w:6.2f}x  ({o / b:.2f}x trafilatura.extract)")
    for name, values in stages.items():
        m = statistics.median(values)
        print(f"  of which {name:<7}                               {m * 1000:8.2f} ms/page"
              f" {m / w:6.2f}x")


if __name__ == "__main__":
    main()
