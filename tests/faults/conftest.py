"""Fixtures of the fault matrix: the fault site server, a database, the environment of `dozor`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import psycopg
import pytest
from psycopg.rows import dict_row

from storage.db import scratch_database
from tests.faults.cases import DOWNLOAD_TIMEOUT_S
from tests.faults.harness import FAST_LEASES, PROJECT_ROOT


@dataclass(frozen=True)
class FaultSite:
    """The fault site server (tests/faults/site.py): its URL and its phase switch."""

    url: str

    def phase(self, number: int) -> None:
        """1: every fault host misbehaves; 2: every host is healthy."""
        with urlopen(f"{self.url}/_phase/{number}", timeout=10) as answer:
            assert answer.read() == b"ok"


@pytest.fixture(scope="module")
def fault_site() -> Iterator[FaultSite]:
    """A fault site server subprocess for one test module, in phase 1."""
    process = subprocess.Popen([sys.executable, "-m", "tests.faults.site", "--port", "0"],
                               cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    try:
        if not url.startswith("http://"):
            raise RuntimeError(f"fault site did not start: {url!r}")
        yield FaultSite(url)
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def fault_environment(database_url: str, site: str, data_dir: Path) -> dict[str, str]:
    """The environment of `dozor` in a fault case: the fault sources, short timeouts."""
    modules = [*filter(None, os.environ.get("DOZOR_SOURCE_MODULES", "").split(",")),
               "tests.faults.sources"]
    return {**os.environ, "DATABASE_URL": database_url, "DOZOR_SITE_MIRROR": site,
            "DOZOR_DATA_DIR": str(data_dir), "DOZOR_DOWNLOAD_DELAY": "0",
            "DOZOR_DOWNLOAD_TIMEOUT": f"{DOWNLOAD_TIMEOUT_S:g}",
            "DOZOR_SOURCE_MODULES": ",".join(dict.fromkeys(modules)), **FAST_LEASES}


@pytest.fixture(scope="module")
def fault_env(
    pg_server_url: str, fault_site: FaultSite, tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, str]]:
    """A migrated database of this module and the environment of `dozor` on it."""
    with scratch_database(pg_server_url, "dozor_faults") as url:
        yield fault_environment(url, fault_site.url, tmp_path_factory.mktemp("data"))


def runs_by_source(database_url: str) -> dict[str, list[dict[str, Any]]]:
    """Every run row, by source, oldest first."""
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        rows = conn.execute("SELECT * FROM crawl_runs ORDER BY id").fetchall()
    runs: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        runs.setdefault(row["source_id"], []).append(row)
    return runs


def stored_urls(database_url: str, source_id: str) -> list[str]:
    """The URLs stored for a source, one entry per row (a double would show twice)."""
    with psycopg.connect(database_url) as conn:
        return [str(r[0]) for r in conn.execute(
            "SELECT url FROM articles WHERE source_id = %s ORDER BY url", (source_id,))]


def adds_up(run: dict[str, Any]) -> bool:
    """found = new + updated + unchanged + skipped + failed + rejected."""
    return bool(run["found"] == sum(run[k] for k in (
        "new", "updated", "unchanged", "skipped", "failed", "rejected")))
