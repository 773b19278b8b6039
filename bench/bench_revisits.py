"""What revisits cost: the requests a daily pass adds to catch edits and removals.

    .venv/bin/python bench/bench_revisits.py [--source zakon_kz ...]

Every registered source is crawled from the saved sites (tests/fixtures/sites, the tests' mock
server) into a scratch database, dropped after: pass 1 stores what the site has; then two hours
"pass" (first_seen_at is moved back) and pass 2 runs as the next scheduled crawl would, its
revisits due. Requests are counted where the server sees them. The saved sites do not change,
so every conditional revisit should cost a 304 and no page; sources read through an API or a
channel do not revisit.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_incremental import server_log

from crawler.config import PROJECT_ROOT, load_config
from crawler.sources import all_sources
from jobs.tasks import collect
from storage.db import drop_database, resolve_database_url
from storage.history import run_history_figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", action="append", default=[], help="only these sources")
    args = parser.parse_args()
    sources = [s for s in all_sources().values() if not args.source or s.id in args.source]
    server = resolve_database_url(load_config())
    name = f"dozor_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    database_url = psycopg.conninfo.make_conninfo(server, dbname=name)
    mock = subprocess.Popen([sys.executable, "-m", "tests.mockserver.server", "--port", "0"],
                            cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    assert mock.stdout is not None
    mockserver = mock.stdout.readline().strip()
    print(f"{'source':<22}{'stored':>7}{'pass 1 req':>11}{'pass 2 req':>11}{'revisits':>9}"
          f"{'304':>6}{'changed':>8}{'removed':>8}")
    totals = [0] * 7
    try:
        with tempfile.TemporaryDirectory(prefix="dozor-bench-") as data_dir:
            os.environ.update({"DATABASE_URL": database_url, "DOZOR_SITE_MIRROR": mockserver,
                               "DOZOR_DATA_DIR": data_dir, "DOZOR_DOWNLOAD_DELAY": "0"})
            for source in sources:
                started = time.time()
                [(_, first)] = collect([source.id])
                first_requests = len(server_log(mockserver, started))
                with psycopg.connect(database_url, autocommit=True) as conn:
                    conn.execute("UPDATE articles SET first_seen_at = first_seen_at"
                                 " - interval '2 hours' WHERE source_id = %s", (source.id,))
                started = time.time()
                [(_, second)] = collect([source.id])
                log = server_log(mockserver, started)
                assert first.run is not None and second.run is not None
                with psycopg.connect(database_url) as conn:
                    figures = run_history_figures(conn, [second.run.id])[second.run.id]
                row = [first.run.new, first_requests, len(log), figures.revisits,
                       sum(1 for e in log if e.get("status") == 304), figures.changed,
                       figures.removed]
                totals = [a + b for a, b in zip(totals, row, strict=True)]
                print(f"{source.id:<22}" + "".join(f"{v:>{w}}" for v, w in zip(
                    row, (7, 11, 11, 9, 6, 8, 8), strict=True)))
    finally:
        mock.terminate()
        mock.wait(timeout=10)
        drop_database(server, name)  # and its per-database roles
    stored, first_requests, second_requests, revisits, not_modified, changed, removed = totals
    print(f"\n{stored} articles stored by pass 1 ({first_requests} requests); pass 2, two hours"
          f" later: {second_requests} requests, of which {revisits} revisits"
          f" ({revisits / max(stored, 1):.2f} per stored article), {not_modified} answered 304;"
          f" {changed} changed, {removed} removed."
          f" Ratio pass 2 / pass 1 requests = {second_requests / max(first_requests, 1):.2f}")


if __name__ == "__main__":
    main()
