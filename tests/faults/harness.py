"""What the fault cases share: `dozor` as a real process, waiting on the database, cleanup."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from tests.waiting import patience, wait_for

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Short heartbeats and leases, so a lost lease or a dead runner shows within a second or two;
# the lease lives ten heartbeats (scaled), so a runner starved of CPU does not lose it.
FAST_LEASES = {"DOZOR_HEARTBEAT": "0.3", "DOZOR_LEASE_TTL": f"{patience(3):g}",
               "DOZOR_BACKOFF_BASE": "0.1"}


@dataclass
class Finished:
    """A `dozor` process that ended: exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str

    def line(self, source_id: str) -> list[str]:
        """The summary line of a source (`dozor collect`), split on spaces."""
        return next(line.split() for line in self.stdout.splitlines()
                    if line.startswith(source_id + " "))


class Processes:
    """`dozor` processes of one test; those still running at the end are killed."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.running: list[subprocess.Popen[str]] = []

    def start(self, *args: str, file_size_limit: int | None = None,
              **env: str) -> subprocess.Popen[str]:
        """`dozor ARGS` in the background; with a limit, no file it or its crawls write may
        grow past that many bytes (RLIMIT_FSIZE: a full disk for this process tree only)."""
        def limit() -> None:
            if file_size_limit is not None:
                resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

        process = subprocess.Popen(
            [sys.executable, "-m", "jobs.cli", *args], cwd=PROJECT_ROOT,
            env={**self.env, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=limit if file_size_limit is not None else None,
        )
        self.running.append(process)
        return process

    def run(self, *args: str, timeout: float = 120, file_size_limit: int | None = None,
            **env: str) -> Finished:
        """`dozor ARGS` to its end."""
        return self.finish(self.start(*args, file_size_limit=file_size_limit, **env), timeout)

    def finish(self, process: subprocess.Popen[str], timeout: float = 120) -> Finished:
        """Wait for a started process (up to patience(timeout)); its exit code and output."""
        out, err = process.communicate(timeout=patience(timeout))
        return Finished(process.returncode, out, err)

    def close(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.kill()
            process.communicate(timeout=30)


@contextmanager
def processes(env: dict[str, str]) -> Iterator[Processes]:
    """Processes of one test, cleaned up after it."""
    tracker = Processes(env)
    try:
        yield tracker
    finally:
        tracker.close()


def query(url: str, statement: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of a query, or [] while the database cannot be reached."""
    try:
        with psycopg.connect(url, connect_timeout=2) as conn:
            return conn.execute(statement.encode(), params or None).fetchall()
    except psycopg.OperationalError:
        return []


def kill(pid: int, sig: signal.Signals = signal.SIGKILL) -> None:
    """Send a signal to one process (never a group), ignoring one that is gone."""
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def crawl_pid(url: str, run_id: int) -> int:
    """The pid of a run's crawl subprocess, once the runner has recorded it."""
    rows: list[tuple[Any, ...]] = []
    wait_for(lambda: (rows := query(url, "SELECT pid FROM crawl_runs WHERE id = %s", run_id))
             and rows[0][0], 30, f"run {run_id}'s crawl to start")
    rows = query(url, "SELECT pid FROM crawl_runs WHERE id = %s", run_id)
    return int(rows[0][0])


def execute(url: str, statement: str, *params: Any) -> None:
    """One statement outside a transaction (ALTER SYSTEM, CHECKPOINT, …)."""
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement.encode(), params or None)
