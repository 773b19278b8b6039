"""Dozor's pipeline (extract + tag + store) per page, against bare trafilatura.extract.

    .venv/bin/python bench/bench_pipeline.py [--rounds 5] [--batch 50]

Both run over the same saved article pages (tests/fixtures/sites) in the same process; the
figure that matters is the ratio, which does not depend on the machine's speed. Storing goes to
a scratch database created on DATABASE_URL's server (or the embedded one) and dropped after, two
ways in each round: one transaction per article (`store_article`, what the pipeline did before)
and in batches as the crawl's pipeline writes them (`jobs.pipeline.write_batch`: the lease's
token checked, the articles and tags, the run's counters, one transaction per batch).
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
from storage.runs import start_run
from storage.sources import sync_sources
from tests.golden import load_cases, raw_page

ZERO_COUNTS = dict.fromkeys(("found", "skipped", "new", "updated", "unchanged", "failed",
                             "rejected", "requests", "discovery_failed"), 0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=load_config().store_batch)
    args = parser.parse_args()
    pages = [raw_page(c) for c in load_cases()]
    server = resolve_database_url(load_config())
    with scratch_database(server, "dozor_bench") as url, \
            psycopg.connect(url, autocommit=True) as conn:
        sync_sources(conn, {get_source(p.source_id) for p in pages})
        lease = acquire(conn, source_lease("bench"), owner_name(), 3600)
        run_id = start_run(conn, pages[0].source_id, "bench")
        timings: dict[str, list[float]] = {}

        def note(name: str, seconds: float) -> None:
            timings.setdefault(name, []).append(seconds / len(pages))

        for _ in range(args.rounds):
            start = time.perf_counter()
            for raw in pages:
                trafilatura.extract(raw.body.decode("utf-8", "replace"), url=raw.url)
            note("bare", time.perf_counter() - start)
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
            note("store, one transaction per article", time.perf_counter() - start)
            conn.execute("TRUNCATE articles CASCADE")
            start = time.perf_counter()
            for first in range(0, len(analysed), args.batch):
                write_batch(conn, analysed[first:first + args.batch], run_id, lease, ZERO_COUNTS)
            note(f"store, batches of {args.batch}", time.perf_counter() - start)
    median = {name: statistics.median(values) for name, values in timings.items()}
    bare = median.pop("bare")
    batched = median[f"store, batches of {args.batch}"]
    ours = median["extract"] + median["tag"] + batched
    print(f"pages: {len(pages)}, rounds: {args.rounds} (medians)")
    print(f"bare trafilatura.extract:          {bare * 1000:8.2f} ms/page")
    print(f"Dozor extract + tag + store:       {ours * 1000:8.2f} ms/page  (store in batches)")
    print(f"ratio Dozor / bare trafilatura:    {ours / bare:8.2f}x")
    for name, value in median.items():
        print(f"  {name:<36} {value * 1000:8.2f} ms/page  ({value / bare:5.2f}x bare)")


if __name__ == "__main__":
    main()
