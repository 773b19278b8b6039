"""What a daily pass costs: requests on a first pass, on a second over the same saved site, and
per new article when one article is new.

    .venv/bin/python bench/bench_incremental.py [--source zakon_kz ...]

Every registered source is crawled three times from the saved sites (tests/fixtures/sites,
served by the tests' mock server) into a scratch database on DATABASE_URL's server (or the
embedded one), dropped after:
  1. cold: nothing stored yet;
  2. unchanged: the same site again; feeds and sitemaps are asked with their ETag;
  3. one new: the source's newest stored article is deleted and its feeds' validators
     forgotten, as if the site had published it since the last pass (a gov.kz news item in
     all its languages: the portal publishes the ru and kk versions together).
robots.txt is kept between passes (as between runs, up to 24 h), and listings, other sitemaps
and the gov.kz API's other languages wait for the feeds: pass 2 reads no listing.
Requests are counted where the server sees them (its request log), robots.txt included.
The figures that matter are ratios: pass 2 requests / pass 1 requests, and pages per new article.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.request import urlopen

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.config import PROJECT_ROOT, load_config
from crawler.sources import Source, all_sources
from jobs.tasks import collect
from storage.db import drop_database, resolve_database_url


@dataclass(frozen=True, slots=True)
class PassFigures:
    """What one pass of one source cost and gave."""

    requests: int  # every request the server saw, robots.txt and retries included
    article_pages: int  # requests for URLs matching the source's article pattern
    not_modified: int  # 304 answers
    new: int  # articles stored for the first time

    @property
    def per_new(self) -> str:
        return f"{self.requests / self.new:.1f}" if self.new else "-"


def server_log(mockserver: str, since: float) -> list[dict[str, object]]:
    """The mock server's request log from `since` on."""
    with urlopen(f"{mockserver}/_log", timeout=10) as response:
        entries: list[dict[str, object]] = json.loads(response.read())
    return [e for e in entries if float(str(e["t"])) >= since]


def run_pass(source: Source, mockserver: str) -> PassFigures:
    """Collect one source once; count what the server saw."""
    pattern = re.compile(source.article_url_pattern)
    started = time.time()
    [(_, outcome)] = collect([source.id])
    entries = server_log(mockserver, started)
    urls = ["https://" + str(e["path"]).lstrip("/") for e in entries]
    return PassFigures(
        requests=len(entries),
        article_pages=sum(1 for u in urls if pattern.search(u)),
        not_modified=sum(1 for e in entries if e.get("status") == 304),
        new=outcome.run.new if outcome.run else 0,
    )


def forget_newest_article(database_url: str, source: Source) -> None:
    """Delete the source's newest article and its feeds' validators: "published since"."""
    documents = [f.url for f in source.feeds] + [s.url for s in source.sitemaps]
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT url FROM articles WHERE source_id = %(s)s"
            " ORDER BY published_at DESC NULLS LAST, id DESC LIMIT 1", {"s": source.id}).fetchone()
        if row is None:
            return
        url = str(row[0])
        # gov.kz: .../details/123?lang=kk and ?lang=ru are one news item in two languages.
        same_item = url.split("?lang=")[0] + "?lang=%" if "?lang=" in url else url
        conn.execute("DELETE FROM articles WHERE source_id = %(s)s AND url LIKE %(u)s",
                     {"s": source.id, "u": same_item})
        conn.execute("DELETE FROM fetch_validators WHERE url = ANY(%(urls)s)", {"urls": documents})


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
    rows: list[tuple[Source, PassFigures, PassFigures, PassFigures]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="dozor-bench-") as data_dir:
            os.environ.update({"DATABASE_URL": database_url, "DOZOR_SITE_MIRROR": mockserver,
                               "DOZOR_DATA_DIR": data_dir, "DOZOR_DOWNLOAD_DELAY": "0"})
            for source in sources:
                cold = run_pass(source, mockserver)
                unchanged = run_pass(source, mockserver)
                forget_newest_article(database_url, source)
                one_new = run_pass(source, mockserver)
                rows.append((source, cold, unchanged, one_new))
    finally:
        mock.terminate()
        mock.wait(timeout=10)
        drop_database(server, name)  # and its per-database roles
    report(rows)


def report(rows: list[tuple[Source, PassFigures, PassFigures, PassFigures]]) -> None:
    """One line per source, then the totals and the ratios."""
    print(f"{'':<22}{'1: cold':^24}|{'2: unchanged':^24}|{'3: one new article':^24}")
    print(f"{'source':<22}{'requests':>9}{'new':>6}{'req/new':>9}|{'requests':>9}{'articles':>9}"
          f"{'304':>6}|{'requests':>9}{'new':>6}{'req/new':>9}")
    for source, cold, unchanged, one_new in rows:
        print(f"{source.id:<22}{cold.requests:>9}{cold.new:>6}{cold.per_new:>9}|"
              f"{unchanged.requests:>9}{unchanged.article_pages:>9}{unchanged.not_modified:>6}|"
              f"{one_new.requests:>9}{one_new.new:>6}{one_new.per_new:>9}")
    first = sum(r[1].requests for r in rows)
    second = sum(r[2].requests for r in rows)
    third = sum(r[3].requests for r in rows)
    stored = sum(r[1].new for r in rows)
    third_new = sum(r[3].new for r in rows)
    second_articles = sum(r[2].article_pages for r in rows)
    print(f"\nsources: {len(rows)}")
    print(f"pass 1 (cold):        {first} requests for {stored} new articles"
          f" = {first / max(stored, 1):.2f} requests per new article")
    print(f"pass 2 (unchanged):   {second} requests, {second_articles} of them article pages,"
          f" 0 new; ratio pass 2 / pass 1 = {second / max(first, 1):.2f}")
    print(f"pass 3 (one new each): {third} requests for {third_new} new articles"
          f" = {third / max(third_new, 1):.2f} requests per new article")


if __name__ == "__main__":
    main()
