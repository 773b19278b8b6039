"""Dozor's pipeline (extract + tag + store) per page, against trafilatura alone.

    .venv/bin/python bench/bench_pipeline.py [--rounds 3] [--light] [--batch 50]

All run over the same pages in the same process: by default the golden pages of the declared
sources made as heavy as the live sites (100-300 kB, tests/heavy_pages.py), with --light the
saved golden pages as they are. The figures that matter are the ratios to
trafilatura.bare_extraction(with_metadata=True) (issue 15's baseline) and to
trafilatura.extract, which do not depend on the machine's speed. Storing goes to a scratch
database created on DATABASE_URL's server (or the embedded one) and dropped after, two ways in
each round: one transaction per article (`store_article`, as the pipeline stored before) and in
batches as the crawl's pipeline writes them (`jobs.pipeline.write_batch`: the lease's token
checked, the articles and their tags, the run's counters, one transaction per batch). The
pipeline's total counts the batched store.
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
from jobs.pipeline import write_batch
from storage.articles import store_article
from storage.db import resolve_database_url, scratch_database
from storage.leases import acquire, owner_name, source_lease
from storage.runs import RUN_COUNTERS, start_run
from storage.sources import sync_sources
from tests.golden import load_cases, raw_page
from tests.heavy_pages import heavy_cases

PER_ARTICLE = "store, one transaction per article"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--light", action="store_true", help="the golden pages as saved")
    parser.add_argument("--batch", type=int, default=load_config().store_batch,
                        help="articles per transaction (DOZOR_STORE_BATCH)")
    args = parser.parse_args()
    if args.light:
        pages = [raw_page(c) for c in load_cases()]
    else:
        pages = [raw for _case, raw in heavy_cases()]
    batched = f"store, batches of {args.batch}"
    server = resolve_database_url(load_config())
    with scratch_database(server, "dozor_bench") as url, \
            psycopg.connect(url, autocommit=True) as conn:
        sync_sources(conn, {get_source(p.source_id) for p in pages})
        lease = acquire(conn, source_lease("bench"), owner_name(), 3600)
        run_id = start_run(conn, pages[0].source_id, "bench")
        no_counts = dict.fromkeys(RUN_COUNTERS, 0)
        timings: dict[str, list[float]] = {}

        def note(name: str, seconds: float) -> None:
            timings.setdefault(name, []).append(seconds / len(pages))

        for _ in range(args.rounds):
            start = time.perf_counter()
            for raw in pages:
                trafilatura.extract(raw.body.decode("utf-8", "replace"), url=raw.url)
            note("trafilatura.extract", time.perf_counter() - start)
            start = time.perf_counter()
            for raw in pages:
                trafilatura.bare_extraction(raw.body.decode("utf-8", "replace"), url=raw.url,
                                            with_metadata=True)
            note("baseline", time.perf_counter() - start)
            extract = tag = 0.0
            analysed = []
            for raw in pages:
                fresh = replace(raw, fetched_at=datetime.now(UTC))
                t0 = time.perf_counter()
                article = extract_article(fresh, get_source(raw.source_id))
                t1 = time.perf_counter()
                analysed.append((article, analyse_article(article)))
                tag += time.perf_counter() - t1
                extract += t1 - t0
            note("extract", extract)
            note("tag", tag)
            conn.execute("TRUNCATE articles CASCADE")
            start = time.perf_counter()
            for article, analysis in analysed:
                store_article(conn, article, analysis, run_id)
            note(PER_ARTICLE, time.perf_counter() - start)
            conn.execute("TRUNCATE articles CASCADE")
            start = time.perf_counter()
            for first in range(0, len(analysed), args.batch):
                write_batch(conn, analysed[first:first + args.batch], run_id, lease, no_counts)
            note(batched, time.perf_counter() - start)
    m = {name: statistics.median(values) for name, values in timings.items()}
    w, b = m.pop("baseline"), m.pop("trafilatura.extract")
    ours = m["extract"] + m["tag"] + m[batched]
    sizes = sorted(len(p.body) for p in pages)
    print(f"pages: {len(pages)} ({sizes[0] // 1000}-{sizes[-1] // 1000} kB, median"
          f" {sizes[len(sizes) // 2] // 1000} kB), rounds: {args.rounds} (medians)")
    print(f"trafilatura.bare_extraction(with_metadata=True): {w * 1000:8.2f} ms/page   1.00x")
    print(f"trafilatura.extract:                             {b * 1000:8.2f} ms/page"
          f" {b / w:6.2f}x")
    print(f"Dozor extract + tag + store (batches):           {ours * 1000:8.2f} ms/page"
          f" {ours / w:6.2f}x  ({ours / b:.2f}x trafilatura.extract)")
    for name, value in m.items():
        print(f"  of which {name:<38} {value * 1000:8.2f} ms/page {value / w:6.2f}x")


if __name__ == "__main__":
    main()
