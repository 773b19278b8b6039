"""The crawl's subprocess as its runner sees it: its standard error read as it comes (progress
lines passed on, the tail kept for messages) and its stop (SIGTERM, then SIGKILL)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
from collections import deque
from collections.abc import Callable
from typing import IO

from jobs.logs import forward_line

# A crawl's progress, as the spider logs it in text or JSON lines: "backfill zakon_kz: listing
# page 3, 20 links, oldest 2025-04-03 …" (crawler/spiders/news.py).
PROGRESS_LINE = re.compile(r"(backfill [a-z0-9_]+: [^\"\n]*)")


class StderrTail:
    """The crawl's standard error: its tail kept for messages, each line passed on when logging.

    When the runner logs at INFO (the scheduler, `dozor -v`), the crawl's own log lines (already
    formatted, with the run id) go to this process's standard error as they come; with JSON
    logs, a line the crawl did not write as JSON (a crash's traceback) is wrapped into one.
    """

    def __init__(
        self, stream: IO[bytes], *, forward: bool, log_format: str = "text",
        run_id: int | None = None, on_progress: Callable[[str], None] | None = None,
    ) -> None:
        self._on_progress = on_progress
        self._lines: deque[bytes] = deque(maxlen=200)
        self._forward = forward
        self._log_format = log_format
        self._run_id = run_id
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True,
                                        name="crawl-stderr")
        self._thread.start()

    def _pump(self, stream: IO[bytes]) -> None:
        with stream:
            for line in stream:
                self._lines.append(line)
                text = line.decode("utf-8", "replace")
                if self._on_progress is not None:
                    progress = PROGRESS_LINE.search(text)
                    if progress:
                        self._on_progress(progress.group(1).strip())
                if self._forward:
                    try:
                        forward_line(text, self._log_format, self._run_id)
                    except (OSError, ValueError):
                        self._forward = False  # our stderr is gone; keep the tail only

    def text(self) -> str:
        """The last 4000 characters the crawl wrote, once its stderr is closed."""
        self._thread.join(timeout=10)
        return b"".join(self._lines)[-4000:].decode("utf-8", "replace")


def stop_crawl_process(process: subprocess.Popen[bytes], grace_s: float = 20.0) -> int | None:
    """SIGTERM the crawl's process group (Scrapy closes cleanly), SIGKILL after a grace period."""
    for sig, wait in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            return process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
    return process.poll()
