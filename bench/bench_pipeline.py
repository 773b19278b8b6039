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
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import trafilatura
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The golden pages include a test-only source of bad pages, declared in tests/.
os.environ.setdefault("DOZOR_SOURCE_MODULES", "tests.source_badpages")

from crawler.config import load_config
from crawler.extract.body import extract_article
from crawler.items import RawPage
from crawler.sources import get_source
from crawler.tagging.apply import analyse_article
from storage.articles import store_article
from storage.db import resolve_database_url
from storage.migrate import migrate
from storage.sources import sync_sources
from tests.golden import load_cases


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    cases = load_cases()
    pages = [(c, c.page.read_bytes()) for c in cases]
    server = resolve_database_url(load_config())
    name = f"dozor_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = psycopg.conninfo.make_conninfo(server, dbname=name)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            migrate(conn)
            sync_sources(conn, {get_source(c.source_id) for c, _ in pages})
            bare, ours = [], []
            for _ in range(args.rounds):
                start = time.perf_counter()
                for case, body in pages:
                    trafilatura.extract(body.decode("utf-8", "replace"), url=case.url)
                bare.append((time.perf_counter() - start) / len(pages))
                conn.execute("TRUNCATE articles CASCADE")
                start = time.perf_counter()
                for case, body in pages:
                    raw = RawPage(case.source_id, case.url, case.url, 200,
                                  {"content-type": "text/html; charset=utf-8"}, body,
                                  datetime.now(UTC))
                    article = extract_article(raw, get_source(case.source_id))
                    store_article(conn, article, analyse_article(article), None)
                ours.append((time.perf_counter() - start) / len(pages))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
    b, o = statistics.median(bare), statistics.median(ours)
    print(f"pages: {len(pages)}, rounds: {args.rounds} (medians)")
    print(f"bare trafilatura.extract:          {b * 1000:8.2f} ms/page")
    print(f"Dozor extract + tag + store:       {o * 1000:8.2f} ms/page")
    print(f"ratio Dozor / bare trafilatura:    {o / b:8.2f}x")


if __name__ == "__main__":
    main()
