"""What crawl tests need around the mock server: test sources registered, its request log read."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import psycopg
import pytest
from psycopg import sql

from crawler.sources import all_sources
from tests.waiting import patience

_PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request the mock server saw, with its real URL rebuilt from the mirror path."""

    url: str  # https://<host>/<path>?<query>
    host: str
    t: float  # arrival, server clock (time.time())
    t_end: float | None  # when the answer was written; None for a dropped connection
    status: int | None
    user_agent: str
    if_none_match: str
    if_modified_since: str


@contextmanager
def crawl_setup(
    database_url: str, mockserver: str, data_dir: Path, *source_modules: str,
    **extra_env: str,
) -> Iterator[None]:
    """conftest's crawl_env for a module-scoped crawl, with test source modules registered.

    The database is emptied first (as the `db` fixture does), and again after, with the test
    sources' rows: later tests that collect or list "every source" do not meet them. Read what
    the test needs inside the block.
    """
    # Added to the modules tests/conftest.py registers for the whole session.
    modules = [*filter(None, os.environ.get("DOZOR_SOURCE_MODULES", "").split(",")),
               *source_modules]
    env = {"DATABASE_URL": database_url, "DOZOR_SITE_MIRROR": mockserver,
           "DOZOR_DATA_DIR": str(data_dir), "DOZOR_DOWNLOAD_DELAY": "0",
           "DOZOR_SOURCE_MODULES": ",".join(dict.fromkeys(modules)), **extra_env}
    empty_database(database_url)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        patch.delenv("DOZOR_USER_AGENT", raising=False)  # the tests check Dozor's own
        all_sources.cache_clear()
        try:
            yield
        finally:
            test_ids = _declared_ids(source_modules)
            all_sources.cache_clear()
            empty_database(database_url)
            with psycopg.connect(database_url, autocommit=True) as conn:
                conn.execute("DELETE FROM sources WHERE id = ANY(%s)", (test_ids,))


@contextmanager
def mock_server(sites: Path) -> Iterator[str]:
    """The mock server on `sites` in a subprocess, on a free port; its URL while the block runs."""
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.mockserver.server", "--port", "0", "--sites", str(sites)],
        cwd=Path(__file__).resolve().parents[2], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    try:
        yield server.stdout.readline().strip()
    finally:
        server.terminate()
        server.wait(timeout=patience(10))
        server.stdout.close()


def _declared_ids(modules: tuple[str, ...]) -> list[str]:
    """The ids of the sources these modules declare."""
    return [importlib.import_module(name).SOURCE.id for name in modules]


def empty_database(database_url: str) -> None:
    """Truncate every table but the migrations and the registry."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            " AND tablename NOT IN ('schema_migrations', 'sources')"
        )]
        if tables:
            conn.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(
                sql.SQL(", ").join(sql.Identifier(t) for t in tables)))
        conn.execute("UPDATE sources SET paused = false")


def age(database_url: str, hours: float) -> None:
    """Time passes: every article was first seen `hours` earlier than it was (revisits fall due)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE articles SET first_seen_at = first_seen_at - %s * interval '1 hour'",
                     (hours,))


def request_log(mockserver: str, since: float = 0.0) -> list[LoggedRequest]:
    """Every request the mock server logged from `since` on, oldest first."""
    with urlopen(f"{mockserver}/_log", timeout=10) as response:
        entries: list[dict[str, Any]] = json.loads(response.read())
    logged = []
    for entry in entries:
        if entry["t"] < since:
            continue
        path = str(entry["path"])
        host, _, rest = path.lstrip("/").partition("/")
        logged.append(LoggedRequest(
            url=f"https://{host}/{rest}", host=host, t=float(entry["t"]),
            t_end=entry.get("t_end"), status=entry.get("status"), user_agent=str(entry["ua"]),
            if_none_match=str(entry.get("if_none_match", "")),
            if_modified_since=str(entry.get("if_modified_since", "")),
        ))
    return logged


def now() -> float:
    """The clock the mock server stamps its log with (same machine)."""
    return time.time()


def dozor(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the `dozor` command as a user would, with the test's environment (the crawl
    setup's database and mock sites), from the project folder."""
    return subprocess.run([sys.executable, "-m", "jobs.cli", *args], cwd=_PROJECT_ROOT,
                          env=dict(os.environ), capture_output=True, text=True,
                          timeout=patience(timeout))

