"""Loaded by Python at start-up when this folder is on PYTHONPATH (a fault case of tests/faults):
a second after start, every clock Python reads (time.time, datetime.now, …, not the monotonic
one, as with a real wall-clock jump) jumps DOZOR_TEST_CLOCK_JUMP_S seconds. Children inherit it.
"""

import os
import sys
import threading
import time

_JUMP = float(os.environ.get("DOZOR_TEST_CLOCK_JUMP_S") or 0)


def _jump() -> None:
    import time_machine

    traveller = time_machine.travel(time.time() + _JUMP, tick=True)
    traveller.start()
    sys.stderr.write(f"clock jumped {_JUMP:+.0f} s (pid {os.getpid()})\n")
    sys.stderr.flush()


if _JUMP:
    timer = threading.Timer(1.0, _jump)
    timer.daemon = True
    timer.start()
