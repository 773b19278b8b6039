"""One crawl in this process: `python -m jobs.crawl <source> --run-id N [--since D --until D]
[--from wayback]`.

Run by jobs.runner as a subprocess: Scrapy's reactor cannot be restarted inside one process,
and a hanging or crashing spider must not take the scheduler down with it.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from types import FrameType
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

from crawler.config import load_config
from jobs.logs import configure_logging
from jobs.pipeline import drop_queued_downloads


def main(argv: list[str] | None = None) -> int:
    """Crawl one source; exit 0 when the crawl finished (the runner judges what it stored)."""
    parser = argparse.ArgumentParser(prog="python -m jobs.crawl")
    parser.add_argument("source")
    parser.add_argument("--run-id", type=int)
    parser.add_argument("--since")
    parser.add_argument("--until")
    parser.add_argument("--stats-file")
    parser.add_argument("--lease-token", type=int)
    parser.add_argument("--from", dest="origin", choices=("site", "wayback"), default="site")
    args = parser.parse_args(argv)
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    if args.stats_file:
        settings.set("DOZOR_STATS_FILE", args.stats_file)
    if args.lease_token is not None:
        # Every write of the run checks this token (jobs/pipeline.py); the crawl stops itself
        # when its runner (this process's parent) dies.
        settings.set("DOZOR_LEASE_TOKEN", args.lease_token)
        settings.set("DOZOR_RUNNER_PID", os.getppid())
    if os.environ.get("DOZOR_LOG_LEVEL"):
        settings.set("LOG_LEVEL", os.environ["DOZOR_LOG_LEVEL"])
    # Dozor's handler instead of Scrapy's: one line per event, JSON when DOZOR_LOG_FORMAT=json,
    # and the run id in every line, so the scheduler's output tells the runs apart.
    settings.set("LOG_INSTALL_ROOT_HANDLER", False)
    configure_logging(settings.get("LOG_LEVEL"), load_config().log_format, run_id=args.run_id)
    process = CrawlerProcess(settings)
    spider_args = {"source": args.source, "run_id": args.run_id, "since": args.since,
                   "until": args.until, "origin": args.origin}
    process.crawl("news", **{k: v for k, v in spider_args.items() if v is not None})
    # The reactor CrawlerProcess installed (imported only now: importing it earlier would
    # install Twisted's default one instead).
    from twisted.internet import reactor

    # Installed once the reactor runs, after Scrapy's own handlers, which it then calls.
    reactor.callWhenRunning(reactor.callLater, 0, _stop_fast_on_signals, process)
    process.start()
    return 0


def _stop_fast_on_signals(process: CrawlerProcess) -> None:
    """On SIGTERM/SIGINT (the runner stopping a crawl), drop the downloads queued behind the
    politeness delay first: Scrapy's graceful shutdown would fetch them all before it ends."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        scrapy_handler = signal.getsignal(signum)

        def stop(received: int, frame: FrameType | None, then: Any = scrapy_handler) -> None:
            from twisted.internet import reactor

            for crawler in process.crawlers:
                reactor.callFromThread(drop_queued_downloads, crawler, "shutdown")
            if callable(then):
                then(received, frame)

        signal.signal(signum, stop)


if __name__ == "__main__":
    sys.exit(main())
