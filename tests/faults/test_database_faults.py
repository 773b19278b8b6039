"""The database goes away, restarts, fills up or turns read-only under a running crawl.

A private PostgreSQL server (tests/faults/private_pg.py), never the machine's shared one, is
stopped, restarted, limited or switched under real `dozor` processes crawling slow healthy sites
of the fault site. Each case checks the exit code and the one line the operator reads, then,
with the database healthy again, that the next run records the interrupted one truthfully and
stores every article exactly once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.faults.conftest import FaultSite, adds_up, fault_environment, runs_by_source
from tests.faults.harness import Processes, execute, processes, query, wait_for
from tests.faults.matrix import fault
from tests.faults.private_pg import PrivateServer, private_server
from tests.faults.site import ARTICLES_PER_SITE, PROCESS_ARTICLES, SLOW_ARTICLES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pg() -> Iterator[PrivateServer]:
    with private_server() as server:
        yield server


@pytest.fixture(scope="module")
def dozor(
    pg: PrivateServer, fault_site: FaultSite, tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Processes]:
    url = pg.create_database("dozor_faults")
    env = fault_environment(url, fault_site.url, tmp_path_factory.mktemp("data"))
    with processes(env) as tracker:
        assert tracker.run("db-url").returncode == 0  # migrated, sources synced
        yield tracker


def url_of(dozor: Processes) -> str:
    return dozor.env["DATABASE_URL"]


def stored(dozor: Processes, source_id: str) -> int:
    rows = query(url_of(dozor), "SELECT count(*) FROM articles WHERE source_id = %s", source_id)
    return int(rows[0][0]) if rows else -1


def runs(dozor: Processes, source_id: str) -> list[dict[str, Any]]:
    return runs_by_source(url_of(dozor)).get(source_id, [])


def lease_expired(dozor: Processes, name: str) -> bool:
    rows = query(url_of(dozor), "SELECT expires_at < now() FROM leases WHERE name = %s", name)
    return bool(rows) and bool(rows[0][0])


def all_stored_once(dozor: Processes, source_id: str, count: int = SLOW_ARTICLES) -> bool:
    host = source_id.removeprefix("fault_").replace("_", "-")
    rows = query(url_of(dozor), "SELECT url FROM articles WHERE source_id = %s ORDER BY url",
                 source_id)
    return [r[0] for r in rows] == sorted(f"https://{host}.faults.invalid/news/{n}.html"
                                          for n in range(1, count + 1))


@fault("PostgreSQL restarts mid-crawl",
       "nothing unusual: the lease (a row) survives, a second `dozor run` meanwhile is refused"
       " (“another run of this source is in progress …”); the run reconnects and ends `ok`",
       "nothing")
def test_a_restart_mid_crawl_keeps_the_lease_and_the_run_goes_on(
    pg: PrivateServer, dozor: Processes,
) -> None:
    # The lease's time to live (90 s by default) covers a restart however loaded the machine.
    first = dozor.start("run", "fault_db_restart", DOZOR_LEASE_TTL="60")
    wait_for(lambda: stored(dozor, "fault_db_restart") >= 1, 60, "the run to store")
    pg.restart()
    second = dozor.run("run", "fault_db_restart")
    assert second.returncode == 1, second
    assert "skipped: another run of this source is in progress" in second.stdout
    done = dozor.finish(first)
    assert done.returncode == 0, done
    [run] = runs(dozor, "fault_db_restart")
    assert (run["status"], run["new"]) == ("ok", PROCESS_ARTICLES) and adds_up(run)
    assert all_stored_once(dozor, "fault_db_restart", PROCESS_ARTICLES)


@fault("PostgreSQL stopped mid-crawl, and still down when the run ends",
       "`dozor collect` exits 2 with one line “dozor: PostgreSQL failed during the run of …”;"
       " once it is back, the next run records the interrupted one `lost` with the counts the"
       " database holds", "bring PostgreSQL back; the next run (or schedule slot) catches up")
def test_a_database_that_stays_down_mid_crawl_exits_2_and_the_next_run_tells_the_truth(
    pg: PrivateServer, dozor: Processes,
) -> None:
    collect = dozor.start("collect", "--source", "fault_db_down")
    wait_for(lambda: stored(dozor, "fault_db_down") >= 1, 60, "the run to store")
    kept = stored(dozor, "fault_db_down")
    pg.stop()
    done = dozor.finish(collect)
    assert done.returncode == 2, done
    *warnings, line = done.stderr.splitlines()
    assert line.startswith("dozor: PostgreSQL failed during the run of fault_db_down: cannot"
                           " connect"), line
    assert all(" WARNING jobs.runner " in w for w in warnings), warnings  # its heartbeats

    # While it is down, a new collect says so in one line, and writes nothing.
    late = dozor.run("collect", "--source", "fault_db_late")
    assert late.returncode == 2
    assert late.stderr.splitlines() == [
        f"dozor: cannot connect to PostgreSQL at {url_of(dozor)}: " + late.stderr.split(": ", 2)[2]
        .rstrip("\n")]
    pg.start()
    # The dead run could not release its lease with the database down: the source is free
    # again when the lease expires (as a schedule slot later finds it), not before.
    wait_for(lambda: lease_expired(dozor, "source:fault_db_down"), 60, "the dead run's lease")
    rerun = dozor.run("collect", "--source", "fault_db_down", "--source", "fault_db_late")
    assert rerun.returncode == 0, rerun
    dead, last = runs(dozor, "fault_db_down")
    assert dead["status"] == "lost" and "closed by run" in dead["reason"], dead
    assert dead["new"] >= kept and adds_up(dead) and adds_up(last)
    assert all_stored_once(dozor, "fault_db_down")
    assert all_stored_once(dozor, "fault_db_late", ARTICLES_PER_SITE)


@fault("PostgreSQL turns read-only mid-crawl (a failover to a standby)",
       "`dozor collect` exits 2 with one line “dozor: PostgreSQL failed during the run of …:"
       " cannot execute … in a read-only transaction”; the next run on a writable database"
       " closes it `lost` and stores the rest", "point DATABASE_URL at the primary")
def test_a_database_that_turns_read_only_mid_crawl_exits_2_then_recovers(
    dozor: Processes,
) -> None:
    collect = dozor.start("collect", "--source", "fault_db_ro")
    wait_for(lambda: stored(dozor, "fault_db_ro") >= 1, 60, "the run to store")
    admin = url_of(dozor).rsplit("/", 1)[0] + "/postgres"
    execute(admin, "ALTER SYSTEM SET default_transaction_read_only = on")
    execute(admin, "SELECT pg_reload_conf()")
    try:
        done = dozor.finish(collect)
    finally:
        execute(admin, "ALTER SYSTEM RESET default_transaction_read_only")
        execute(admin, "SELECT pg_reload_conf()")
    assert done.returncode == 2, done
    assert done.stderr.splitlines()[-1].startswith(
        "dozor: PostgreSQL failed during the run of fault_db_ro:")
    assert "read-only transaction" in done.stderr
    # The dead run could not release its lease (no write went through): the next run may
    # take the source once that lease has expired, a lease TTL after its last heartbeat.
    wait_for(lambda: lease_expired(dozor, "source:fault_db_ro"), 60, "the dead run's lease")
    rerun = dozor.run("collect", "--source", "fault_db_ro")
    assert rerun.returncode == 0, rerun
    dead, _ = runs(dozor, "fault_db_ro")
    assert dead["status"] == "lost" and adds_up(dead)
    assert all_stored_once(dozor, "fault_db_ro")


def _fill_articles_table(dozor: Processes, megabytes: int) -> Path:
    """Ballast rows of another source until the articles table is `megabytes` large; its file."""
    url = url_of(dozor)
    # Hex of random digests: PostgreSQL would compress a repeated text to nothing.
    execute(url, "INSERT INTO articles (source_id, url, content_hash, fetched_at, body)"
                 " SELECT 'fault_down', 'https://ballast.invalid/' || g, 'h', now(),"
                 " (SELECT string_agg(md5(random()::text || g || n), '')"
                 "  FROM generate_series(1, 30) AS n) FROM generate_series(1, %s) AS g",
            megabytes * 1024 * 1024 // 1100)
    execute(url, "CHECKPOINT")
    [(relative,)] = query(url, "SELECT pg_relation_filepath('articles')")
    return Path(relative)


@fault("PostgreSQL's disk is full (its files cannot grow)",
       "the articles that could not be stored are counted failed, reason “store: database:"
       " could not extend file … Check free disk space”; `dozor collect` exits 2; after space"
       " is freed a re-run stores every article once",
       "free disk space on the database server; the next run fetches what was not stored")
def test_a_full_database_fails_the_writes_clearly_and_a_rerun_stores_everything_once(
    pg: PrivateServer, dozor: Processes,
) -> None:
    heap = pg.pgdata / _fill_articles_table(dozor, 4)
    size = heap.stat().st_size
    # No file of the server may grow past the articles table's present size: writing a new page
    # of it fails as on a full disk (RLIMIT_FSIZE: EFBIG instead of ENOSPC, same code path).
    pg.restart(file_size_limit=size)
    try:
        done = dozor.run("collect", "--source", "fault_db_full")
    finally:
        pg.restart()
    assert done.returncode == 2, done
    [run] = runs(dozor, "fault_db_full")
    failures = [e for e in run["errors"] if e["kind"] == "store"]
    assert failures and "could not extend file" in failures[0]["message"], run["errors"]
    assert run["status"] in ("failed", "partial") and adds_up(run)
    assert "PostgreSQL refused to store some articles" in done.stdout
    rerun = dozor.run("collect", "--source", "fault_db_full")
    assert rerun.returncode == 0, rerun
    assert all_stored_once(dozor, "fault_db_full")
    assert os.path.getsize(heap) > size
