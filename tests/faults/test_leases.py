"""One run per source, across database restarts and processes: finding 1 of issue 12.

Real `dozor run` processes crawl the slow test site (tests/slow_site.py: four articles, one a
second) into a private PostgreSQL server that the test restarts under them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.harness import FAST_LEASES, Processes, processes, query, wait_for
from tests.faults.private_pg import PrivateServer, private_server


@pytest.fixture(scope="module")
def pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateServer]:
    with private_server(tmp_path_factory.mktemp("leases") / "pg") as server:
        yield server


@pytest.fixture
def dozor(pg: PrivateServer, mockserver: str, tmp_path: Path) -> Iterator[Processes]:
    """`dozor` processes on a fresh, migrated database of the private server."""
    url = pg.create_database(f"leases_{os.urandom(4).hex()}")
    modules = ",".join(filter(None, [os.environ.get("DOZOR_SOURCE_MODULES"), "tests.slow_site"]))
    env = {**os.environ, "DATABASE_URL": url, "DOZOR_SITE_MIRROR": mockserver,
           "DOZOR_DATA_DIR": str(tmp_path / "data"), "DOZOR_DOWNLOAD_DELAY": "0",
           "DOZOR_SOURCE_MODULES": modules, **FAST_LEASES}
    with processes(env) as tracker:
        assert tracker.run("db-url").returncode == 0
        yield tracker


def test_a_database_restart_mid_crawl_does_not_let_a_second_run_of_the_source_start(
    pg: PrivateServer, dozor: Processes,
) -> None:
    url = dozor.env["DATABASE_URL"]
    first = dozor.start("run", "slow_site")
    wait_for(lambda: query(url, "SELECT count(*) FROM articles") == [(1,)], 30,
             "the first run to store an article")
    pg.restart()
    second = dozor.run("run", "slow_site")
    assert second.returncode == 1, second
    assert "skipped: another run of this source is in progress" in second.stdout
    done = dozor.finish(first)
    runs = query(url, "SELECT status, new FROM crawl_runs ORDER BY id")
    assert runs == [("ok", 4)], (runs, done)
    assert done.returncode == 0, done
    assert query(url, "SELECT count(*), count(DISTINCT url) FROM articles") == [(4, 4)]
