"""robots.txt kept per host between runs, as RFC 9309 §2.4 allows: up to 24 hours.

One crawl is one subprocess, so Scrapy's in-memory robots parsers die with each run; a source
crawled every hour would ask each of its hosts for robots.txt 24 times a day. The last answer
that carried rules (2xx) or said there are none (4xx) is kept as a small JSON file per host
under `<data dir>/robots/`, written atomically: runs of other sources on the same machine may
read it at the same moment. When robots.txt cannot be read (5xx, 429, no answer) a kept copy
of any age is used instead of refusing the host (RFC 9309 §2.4: "unless the robots.txt file is
unreachable"); with no copy the host is refused for the run (§2.3.1.4). Each machine keeps its
own copies: one robots.txt request per host, machine and day at most.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# RFC 9309 §2.4: "Crawlers SHOULD NOT use the cached version for more than 24 hours".
MAX_AGE_S = 24 * 3600.0


@dataclass(frozen=True, slots=True)
class RobotsCopy:
    """robots.txt as a host last answered it: its status (2xx or 4xx), body, and when."""

    status: int
    body: bytes
    fetched_at: float  # time.time()

    def age_s(self, now: float | None = None) -> float:
        return (time.time() if now is None else now) - self.fetched_at


class RobotsCache:
    """The robots.txt copies under one folder, one file per scheme and host (port included)."""

    def __init__(self, folder: Path, max_age_s: float = MAX_AGE_S) -> None:
        self.folder = folder
        self.max_age_s = max_age_s

    def _path(self, scheme: str, netloc: str) -> Path:
        # A host name and port hold no path separators, but a file name must not trust that.
        safe = re.sub(r"[^A-Za-z0-9.\-]", "_", f"{scheme}_{netloc}")
        return self.folder / f"{safe}.json"

    def load(self, scheme: str, netloc: str) -> RobotsCopy | None:
        """The kept copy of any age, or None (never kept, or unreadable: then fetched anew)."""
        try:
            data = json.loads(self._path(scheme, netloc).read_text(encoding="utf-8"))
            return RobotsCopy(int(data["status"]), str(data["body"]).encode("latin-1"),
                              float(data["fetched_at"]))
        except (OSError, ValueError, KeyError, TypeError, UnicodeEncodeError):
            return None

    def fresh(self, scheme: str, netloc: str, now: float | None = None) -> RobotsCopy | None:
        """The kept copy if younger than the maximum age (and not from the future)."""
        copy = self.load(scheme, netloc)
        if copy is None or self.max_age_s <= 0 or not 0 <= copy.age_s(now) < self.max_age_s:
            return None
        return copy

    def save(self, scheme: str, netloc: str, status: int, body: bytes) -> None:
        """Keep an answer that carries rules (2xx) or says there are none (4xx)."""
        if not 200 <= status < 500 or status == 429:
            raise ValueError(f"only 2xx and 4xx robots.txt answers are kept, not {status}")
        self.folder.mkdir(parents=True, exist_ok=True)
        # latin-1 maps every byte to one character: the body comes back byte for byte.
        text = json.dumps({"status": status, "body": body.decode("latin-1"),
                           "fetched_at": time.time()})
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".robots-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, self._path(scheme, netloc))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
