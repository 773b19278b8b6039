"""How far workers scale: one full cycle of N synthetic sources for 1, 2 and 4 `dozor worker`s.

    .venv/bin/python bench/bench_scale.py [--sources 50 200 500] [--workers 1 2 4]
                                          [--concurrency 4] [--delay 0]

For each N, a local server (a subprocess of this script) answers for N synthetic sites
(bench/scale_sources.py: one feed of ARTICLES articles each, on its own host). For each worker
count, a scratch database (dropped after) gets N crawl jobs at once, as the scheduler enqueues
a cycle; the workers (processes, each running --concurrency jobs, every crawl its own
subprocess) run them all. Reported: the cycle's time (enqueue of the first job to the end of
the last), requests per second the sites saw, the queue delay (job deferred -> started, p50 and
p95, from procrastinate's events) and the ratio of each cycle time to the 1-worker one of the
same N (the baseline of the same run). PostgreSQL: DATABASE_URL, else the embedded server.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ARTICLES = 3  # per synthetic source and cycle
PARAGRAPH = ("Департамент полиции сообщил о задержании подозреваемого в мошенничестве."
             " По данным следствия, он получил от потерпевших более двух миллионов тенге,"
             " обещая выгодные вложения в несуществующий проект. Возбуждено уголовное дело.")


class SyntheticSites(BaseHTTPRequestHandler):
    """GET /<host>/rss.xml, /<host>/news/<n>.html, anything else 404; /_count the total."""

    served = 0
    lock = threading.Lock()

    def do_GET(self) -> None:
        if self.path == "/_count":
            return self._send(200, "application/json", json.dumps(self.served))
        with self.lock:
            type(self).served += 1
        host, _, path = self.path.lstrip("/").partition("/")
        now = datetime.now(UTC)
        if path == "rss.xml":
            items = "".join(
                f"<item><title>Новость {n} сайта {host}</title>"
                f"<link>https://{host}/news/{n}.html</link>"
                f"<pubDate>{format_datetime(now - timedelta(hours=n))}</pubDate></item>"
                for n in range(1, ARTICLES + 1))
            return self._send(200, "application/rss+xml", '<?xml version="1.0"?><rss'
                              f' version="2.0"><channel><title>{host}</title>{items}'
                              "</channel></rss>")
        if path.startswith("news/"):
            n = path.removeprefix("news/").removesuffix(".html")
            published = (now - timedelta(hours=int(n) if n.isdigit() else 1)).isoformat()
            body = "".join(f"<p>{PARAGRAPH} Эпизод {n}.{k}.</p>" for k in range(6))
            return self._send(200, "text/html; charset=utf-8", (
                f"<html lang='ru'><head><title>Новость {n}</title><meta property="
                f"'article:published_time' content='{published}'></head><body><article>"
                f"<h1>Новость {n} сайта {host}</h1>{body}</article></body></html>"))
        return self._send(404, "text/plain", "not found")

    def _send(self, status: int, kind: str, text: str) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_: object) -> None:
        pass


def serve() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), SyntheticSites)
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


def served(site: str) -> int:
    from urllib.request import urlopen

    with urlopen(f"{site}/_count", timeout=10) as response:
        return int(json.loads(response.read()))


def percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def one_cycle(server_url: str, site: str, n: int, workers: int, concurrency: int,
              env: dict[str, str]) -> dict[str, float]:
    from jobs.queue import enqueue, open_queue
    from jobs.tasks import prepare_database
    from storage.db import scratch_database

    with scratch_database(server_url, "dozor_scale") as url, \
            tempfile.TemporaryDirectory(prefix="dozor-scale-") as data_dir:
        os.environ.update({**env, "DATABASE_URL": url, "DOZOR_DATA_DIR": data_dir})
        prepare_database()  # the N sources' rows, before the clock starts
        logs = []
        procs = []
        for k in range(workers):
            log = open(Path(data_dir) / f"worker{k}.log", "wb")
            logs.append(log)
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "jobs.cli", "worker", "--concurrency", str(concurrency),
                 "--queue", "crawls"], cwd=ROOT, env=dict(os.environ), stdout=log, stderr=log))
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                while conn.execute("SELECT count(*) FROM procrastinate_workers").fetchone() != (
                        workers,):
                    time.sleep(0.2)
                requests_before = served(site)
                started = time.monotonic()
                with open_queue(url) as app:
                    for i in range(n):
                        enqueue(app, "crawl", lock=f"crawl:bench_{i:04d}",
                                source_id=f"bench_{i:04d}")
                while conn.execute("SELECT count(*) FROM procrastinate_jobs WHERE status IN"
                                   " ('todo', 'doing')").fetchone() != (0,):
                    time.sleep(0.2)
                cycle_s = time.monotonic() - started
                requests = served(site) - requests_before
                delays = [float(d) for (d,) in conn.execute(
                    "SELECT extract(epoch FROM s.at - d.at) FROM procrastinate_events d"
                    " JOIN procrastinate_events s ON s.job_id = d.job_id AND s.type = 'started'"
                    " WHERE d.type = 'deferred'")]
                outcome = dict(conn.execute(
                    "SELECT status, count(*) FROM crawl_runs GROUP BY status").fetchall())
                (articles,) = conn.execute("SELECT count(*) FROM articles").fetchone() or (0,)
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                proc.wait(timeout=120)
            for log in logs:
                log.close()
    return {"cycle_s": cycle_s, "requests": requests, "rps": requests / cycle_s,
            "p50": percentile(delays, 50), "p95": percentile(delays, 95),
            "articles": articles, "runs": outcome}  # type: ignore[dict-item]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, nargs="+", default=[50, 200, 500])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--concurrency", type=int, default=4, help="jobs per worker process")
    parser.add_argument("--delay", default="0", help="DOZOR_DOWNLOAD_DELAY (per host)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve()
    from crawler.config import load_config
    from storage.db import resolve_database_url

    server_url = resolve_database_url(load_config())
    print(f"{'sources':>7} {'workers':>7} {'cycle s':>8} {'vs 1':>5} {'req':>6} {'req/s':>6}"
          f" {'delay p50':>9} {'p95':>7} {'articles':>8}  runs", flush=True)
    for n in args.sources:
        site_proc = subprocess.Popen([sys.executable, __file__, "--serve"], cwd=ROOT,
                                     stdout=subprocess.PIPE, text=True)
        assert site_proc.stdout is not None
        site = site_proc.stdout.readline().strip()
        env = {"DOZOR_SITE_MIRROR": site, "DOZOR_DOWNLOAD_DELAY": args.delay,
               "DOZOR_SOURCE_MODULES": "bench.scale_sources", "DOZOR_BENCH_SOURCES": str(n),
               "DOZOR_LOG_FORMAT": "text"}
        baseline = None
        try:
            for workers in args.workers:
                r = one_cycle(server_url, site, n, workers, args.concurrency, env)
                baseline = baseline or r["cycle_s"]
                print(f"{n:>7} {workers:>7} {r['cycle_s']:>8.1f} {r['cycle_s'] / baseline:>5.2f}"
                      f" {r['requests']:>6.0f} {r['rps']:>6.1f} {r['p50']:>8.1f}s"
                      f" {r['p95']:>6.1f}s {r['articles']:>8.0f}  {r['runs']}", flush=True)
        finally:
            site_proc.terminate()
            site_proc.wait(timeout=10)


if __name__ == "__main__":
    main()
