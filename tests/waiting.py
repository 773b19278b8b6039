"""How long tests wait on real processes: for a condition, up to a ceiling scaled by one knob.

CI runs the suite on a shared 2-core machine whose load reaches 15-35; there a process that
takes a second on an idle machine can take twenty. So a test never sleeps a fixed time hoping
something has happened: it polls for the thing itself (a row, a log line, a file, an exit) and
fails, saying what it awaited, only after a ceiling that is reached when something is wrong.

Every ceiling (and every timeout a test gives a process or a download so that a deliberately
slow fault site stays slower) is written as what an idle machine needs with a margin, and
multiplied by DOZOR_TEST_TIME_SCALE. Its default, 3, was chosen from runs of the process-timing
tests on 2 cores under load 10-20 (busy loops beside the suite); a slower host raises it, e.g.
`DOZOR_TEST_TIME_SCALE=6 make test`.
A ceiling is never a speed claim: speed is measured in bench/, not asserted by tests.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
DEFAULT_TIME_SCALE = 3.0


def time_scale() -> float:
    """DOZOR_TEST_TIME_SCALE, at least 1 (a ceiling is never shortened below its idle size)."""
    raw = os.environ.get("DOZOR_TEST_TIME_SCALE") or str(DEFAULT_TIME_SCALE)
    try:
        scale = float(raw)
    except ValueError:
        raise ValueError(f"DOZOR_TEST_TIME_SCALE must be a number, got {raw!r}") from None
    return max(1.0, scale)


def patience(seconds: float) -> float:
    """A ceiling of `seconds` on an idle machine, scaled for this one."""
    return seconds * time_scale()


def wait_for(check: Callable[[], T], timeout: float, what: str, every: float = 0.05) -> T:
    """Poll `check` until it is true and return its value, or fail after patience(timeout)
    saying what was awaited."""
    ceiling = patience(timeout)
    deadline = time.monotonic() + ceiling
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {ceiling:g} s for {what}")
        time.sleep(every)
    return value
