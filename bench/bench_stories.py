"""What one row per story costs: search and weekly counts with and without story collapse.

    .venv/bin/python bench/bench_stories.py [--rows 200000] [--rounds 3]

Generates articles as bench_search.py does (a scratch database, dropped after), then puts two
articles of every three into stories of two or three (republications and translations as the
grouping pass stores them: `stories` rows, `articles.story_id`), and times the same requests
through serve.search.search and serve.stats.count_by with `stories` off and on, in the same
run. Prints p50 per kind and the ratio on/off: the figure to compare across machines.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from dataclasses import replace
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_search import cases, load, query_words, table_rows, timed, vocabulary
from crawler.config import load_config
from serve.connection import connect_read_only
from serve.stats import count_by
from storage.db import resolve_database_url, scratch_database

# Articles id 3k+1 and 3k+2 share a story, and every other 3k joins them: stories of 2 and 3.
GROUP_SQL = """
INSERT INTO stories (id, article_count)
SELECT DISTINCT (id + 2) / 3, 0 FROM articles WHERE id %% 3 <> 0 OR id %% 6 = 0;
UPDATE articles SET story_id = (id + 2) / 3 WHERE id %% 3 <> 0 OR id %% 6 = 0;
SELECT setval('stories_id_seq', (SELECT max(id) FROM stories));
ANALYZE articles; ANALYZE stories;
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server = resolve_database_url(load_config())
    with scratch_database(server, "dozor_bench_stories") as url:
        print(f"generating {args.rows:,} articles ...")
        load(url, args.rows, vocabulary(random.Random(7)))
        with psycopg.connect(url, autocommit=True) as conn:
            for statement in GROUP_SQL.replace("%%", "%").split(";"):
                if statement.strip():
                    conn.execute(statement.encode())
            grouped = conn.execute("SELECT count(*) FROM articles WHERE story_id IS NOT NULL"
                                   ).fetchone()
        print(f"  {grouped[0] if grouped else 0:,} articles in stories of 2 or 3")
        with connect_read_only(url) as conn:
            _, bands = query_words(conn, table_rows(conn))
            requests = cases(conn, bands)
            from serve.search import search

            print(f"\n{'query (page of 20)':<42}{'off p50':>9}{'on p50':>9}{'on/off':>8}")
            ratios = []
            for name, batch in requests.items():
                if not batch:
                    continue
                off = [t for r in batch for t in timed(lambda r=r: search(conn, r), args.rounds)]
                on = [t for r in batch for t in timed(
                    lambda r=r: search(conn, replace(r, stories=True)), args.rounds)]
                ratio = statistics.median(on) / statistics.median(off)
                ratios.append(ratio)
                print(f"{name:<42}{statistics.median(off) * 1000:>8.1f} "
                      f"{statistics.median(on) * 1000:>8.1f} {ratio:>7.2f}")
            print(f"{'median ratio':<42}{'':>18}{statistics.median(ratios):>8.2f}")
            print(f"\n{'weekly counts':<42}{'off p50':>9}{'on p50':>9}{'on/off':>8}")
            for name, text in (("all articles", ""), ("a medium word",
                                                      requests["medium word"][0].text)):
                off = timed(lambda t=text: count_by(conn, "week", t), args.rounds)
                on = timed(lambda t=text: count_by(conn, "week", t, stories=True), args.rounds)
                print(f"{name:<42}{statistics.median(off) * 1000:>8.1f} "
                      f"{statistics.median(on) * 1000:>8.1f}"
                      f" {statistics.median(on) / statistics.median(off):>7.2f}")


if __name__ == "__main__":
    main()
