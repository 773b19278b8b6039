"""Processes that die, are stopped or race: real `dozor` processes, then one re-run of all.

The cases take turns on one slow healthy site (`fault_procs`: a hundred articles, a scaled
half second each; tests/faults/site.py): each starts a run, does something to its processes
once it has stored an article, and checks what the operator sees: the run's record (status,
reason, counts from the database), the exit code, the lease. Each run stores some articles and
leaves the rest to the next. The last test re-runs everything once the site is fast: every
article must then be stored exactly once.
"""

from __future__ import annotations

import json
import re
import signal
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import psutil
import pytest

from crawler.sources import all_sources
from jobs.scheduler import build_scheduler, stop_scheduler, sync_jobs
from tests.faults.conftest import FaultSite, adds_up, runs_by_source, stored_urls
from tests.faults.harness import (
    Processes,
    crawl_pid,
    execute,
    kill,
    processes,
    query,
    wait_for,
)
from tests.faults.matrix import fault
from tests.faults.site import ARTICLES_PER_SITE, PROCS_ARTICLES, SLOW_ARTICLES
from tests.quiet_schedule import only_overdue

pytestmark = pytest.mark.slow
PROCS = "fault_procs"
CLOCK_JUMP = Path(__file__).with_name("clock_jump")


@pytest.fixture(scope="module")
def dozor(fault_env: dict[str, str]) -> Iterator[Processes]:
    with processes(fault_env) as tracker:
        yield tracker


def url_of(dozor: Processes) -> str:
    return dozor.env["DATABASE_URL"]


def stored(dozor: Processes, source_id: str = PROCS) -> int:
    rows = query(url_of(dozor), "SELECT count(*) FROM articles WHERE source_id = %s", source_id)
    return int(rows[0][0]) if rows else -1


def runs(dozor: Processes, source_id: str = PROCS) -> list[dict[str, Any]]:
    return runs_by_source(url_of(dozor)).get(source_id, [])


def new_run(dozor: Processes, before: int) -> int:
    """Wait for a run of fault_procs beyond the first `before`, and for it to store; its id."""
    def started() -> bool:
        mine = runs(dozor)[before:]
        return bool(mine) and bool(query(
            url_of(dozor), "SELECT 1 FROM articles WHERE first_run_id = %s", mine[0]["id"]))

    wait_for(started, 60, "the run to store an article")
    return int(runs(dozor)[before]["id"])


def run_row(dozor: Processes, run_id: int) -> dict[str, Any]:
    return next(r for r in runs(dozor) if r["id"] == run_id)


def kept_by(dozor: Processes, run_id: int) -> int:
    rows = query(url_of(dozor), "SELECT count(*) FROM articles WHERE first_run_id = %s", run_id)
    return int(rows[0][0])


def lease_of(dozor: Processes, source_id: str = PROCS) -> list[tuple[Any, ...]]:
    return query(url_of(dozor), "SELECT owner, token FROM leases WHERE name = %s",
                 f"source:{source_id}")


@fault("`kill -9` (or the OOM killer) of a crawl",
       "run `killed`, reason “the crawl process was killed by SIGKILL …; N new … kept; M links"
       " left for the next run”; `dozor collect` exits 1 (no “Offline?”)",
       "nothing: the next run fetches the rest; if it recurs, look at memory")
def test_a_crawl_killed_with_sigkill_is_recorded_killed_with_what_it_stored(
    dozor: Processes, tmp_path: Path,
) -> None:
    # Where Scrapy 2.19's remote-control endpoint writes its job file (token and port).
    collect = dozor.start("collect", "--source", PROCS, XDG_STATE_HOME=str(tmp_path))
    run_id = new_run(dozor, 0)
    crawl = crawl_pid(url_of(dozor), run_id)
    # No remote control of a crawl: nothing listens (finding 7).
    assert [c for c in psutil.Process(crawl).net_connections() if c.status == "LISTEN"] == []
    kill(crawl)
    done = dozor.finish(collect)
    assert not list(tmp_path.rglob("*.json")), "no job file left behind"
    run = run_row(dozor, run_id)
    assert (done.returncode, run["status"]) == (1, "killed"), done
    assert "killed by SIGKILL" in run["reason"] and "links left for the next run" in run["reason"]
    # The counts are what the database holds, not the zeros of a crawl that wrote no report.
    assert run["new"] == kept_by(dozor, run_id) == stored(dozor) >= 1
    assert adds_up(run) and run["found"] == PROCS_ARTICLES
    assert "Offline?" not in done.stdout
    assert done.line(PROCS)[:2] == [PROCS, "killed"]
    assert lease_of(dozor) == []


@fault("`kill -9` of `dozor run` / `dozor collect` (the runner) mid-crawl",
       "the crawl notices within a heartbeat, stops itself and records its run `killed`, reason"
       " “its runner (pid N) died …”, and frees the lease",
       "nothing: run it again")
def test_a_crawl_whose_runner_is_killed_stops_itself_and_records_the_run(
    dozor: Processes,
) -> None:
    before, count = len(runs(dozor)), stored(dozor)
    runner = dozor.start("run", PROCS)
    run_id = new_run(dozor, before)
    kill(runner.pid)
    dozor.finish(runner)
    wait_for(lambda: run_row(dozor, run_id)["status"] != "running", 30,
             "the orphaned crawl to stop and record its run")
    run = run_row(dozor, run_id)
    assert run["status"] == "killed" and f"its runner (pid {runner.pid}) died" in run["reason"]
    assert run["new"] == kept_by(dozor, run_id) == stored(dozor) - count
    assert stored(dozor) < PROCS_ARTICLES - 10, "it stopped early"
    assert adds_up(run) and run["skipped"] == count
    assert lease_of(dozor) == []


@fault("SIGTERM to `dozor collect` (systemd stop, a script's timeout)",
       "run `killed`, reason “stopped: dozor received SIGTERM; N new … kept”; exit 143",
       "nothing: the next run fetches the rest")
def test_a_collect_stopped_with_sigterm_records_its_run_killed_and_exits_143(
    dozor: Processes,
) -> None:
    before = len(runs(dozor))
    collect = dozor.start("collect", "--source", PROCS)
    run_id = new_run(dozor, before)
    kill(collect.pid, signal.SIGTERM)
    done = dozor.finish(collect)
    run = run_row(dozor, run_id)
    assert done.returncode == 143, done
    assert run["status"] == "killed" and "stopped: dozor received SIGTERM" in run["reason"]
    assert run["new"] == kept_by(dozor, run_id) and adds_up(run)
    assert lease_of(dozor) == []


@fault("an operator breaks a running crawl's lease (`dozor break-lease`)",
       "the crawl stops within a heartbeat and writes nothing more; run `lost`, reason “lost"
       " its lease: … was broken …”; `dozor run` exits 1",
       "only for a stuck holder that still heartbeats; a dead one's lease expires by itself")
def test_a_crawl_that_loses_its_lease_stops_within_a_heartbeat_and_writes_nothing_more(
    dozor: Processes,
) -> None:
    before = len(runs(dozor))
    runner = dozor.start("run", PROCS)
    run_id = new_run(dozor, before)
    broken = dozor.run("break-lease", PROCS)
    at_break = kept_by(dozor, run_id)
    assert broken.returncode == 0 and "lease broken" in broken.stdout
    # A heartbeat, the crawl's grace, its exit: seconds on an idle machine, where the site's
    # hundred articles take a minute (what matters more is that nothing is written after the
    # break, below).
    wait_for(lambda: run_row(dozor, run_id)["status"] != "running", 10,
             "the crawl to stop and record its run after its lease was broken")
    done = dozor.finish(runner)
    run = run_row(dozor, run_id)
    assert (done.returncode, run["status"]) == (1, "lost"), done
    assert "lost its lease:" in run["reason"] and "was broken" in run["reason"]
    assert kept_by(dozor, run_id) == at_break == run["new"]  # fenced: no write after the break
    assert adds_up(run)


def _overdue(dozor: Processes, missed: timedelta) -> None:
    """Store fault_procs' schedule with its next run `missed` ago (the scheduler was down)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DOZOR_SOURCE_MODULES", dozor.env["DOZOR_SOURCE_MODULES"])
        all_sources.cache_clear()
        scheduler = build_scheduler(url_of(dozor))
        scheduler.start(paused=True)
        try:
            # The whole registry, as `dozor schedule` stores it: no other crawl comes due.
            sync_jobs(scheduler, all_sources().values())
            only_overdue(scheduler, f"crawl:{PROCS}", missed)
        finally:
            stop_scheduler(scheduler)
    all_sources.cache_clear()


@fault("the scheduler was down across three slots, then SIGTERM to it mid-crawl",
       "one catch-up run (not three) when it is back; on SIGTERM it exits 0 and the run is"
       " `killed`, reason “stopped: the scheduler shut down; N new … kept”",
       "nothing (a run more than 12 h late is skipped: `MISFIRE_GRACE`)")
def test_three_missed_slots_give_one_run_and_sigterm_records_it_killed(
    dozor: Processes,
) -> None:
    before = len(runs(dozor))
    _overdue(dozor, timedelta(hours=3, minutes=5))  # hourly: three slots missed
    service = dozor.start("schedule", DOZOR_LOG_FORMAT="json")
    run_id = new_run(dozor, before)
    kill(service.pid, signal.SIGTERM)
    done = dozor.finish(service)
    assert done.returncode == 0, done
    mine = runs(dozor)[before:]
    assert [(r["id"], r["mode"], r["status"]) for r in mine] == [(run_id, "scheduled", "killed")]
    assert "stopped: the scheduler shut down" in mine[0]["reason"]
    assert mine[0]["new"] == kept_by(dozor, run_id) and adds_up(mine[0])
    assert all(json.loads(line) for line in done.stderr.splitlines())


@fault("`kill -9` of `dozor schedule` mid-crawl",
       "the crawl stops within a heartbeat and records its run `killed` (“its runner … died”);"
       " the source's lease is free at once, the scheduler's expires",
       "restart the service: it starts once the dead one's lease expires (DOZOR_LEASE_TTL,"
       " 90 s; a restart before that is refused and retried by systemd/compose)")
def test_a_scheduler_killed_mid_crawl_leaves_a_true_record_and_a_free_lease(
    dozor: Processes,
) -> None:
    before = len(runs(dozor))
    _overdue(dozor, timedelta(minutes=5))
    service = dozor.start("schedule")
    run_id = new_run(dozor, before)
    kill(service.pid)
    dozor.finish(service)
    wait_for(lambda: run_row(dozor, run_id)["status"] != "running", 30,
             "the crawl to stop and record its run")
    run = run_row(dozor, run_id)
    assert run["status"] == "killed" and "its runner" in run["reason"]
    assert run["new"] == kept_by(dozor, run_id) and adds_up(run)
    assert lease_of(dozor) == []
    assert query(url_of(dozor), "SELECT count(*) FROM leases WHERE name = 'scheduler'") == [(1,)]


@fault("`kill -9` of both the runner and its crawl",
       "the lease holds until it expires (a new run is refused: “another run of this source is"
       " in progress (run N, host pid P, since …)”), then the next run records the dead one"
       " `lost` with the counts the database holds",
       "nothing: the next run (after DOZOR_LEASE_TTL) closes it and fetches the rest")
def test_when_runner_and_crawl_both_die_the_lease_holds_until_it_expires(
    dozor: Processes,
) -> None:
    before = len(runs(dozor))
    # A lease that outlives the test's next command even on a loaded machine.
    runner = dozor.start("run", PROCS, DOZOR_LEASE_TTL="60")
    run_id = new_run(dozor, before)
    crawl = crawl_pid(url_of(dozor), run_id)
    kill(runner.pid)
    kill(crawl)
    dozor.finish(runner)
    refused = dozor.run("run", PROCS)
    assert refused.returncode == 1
    assert f"skipped: another run of this source is in progress (run {run_id}," in refused.stdout
    assert run_row(dozor, run_id)["status"] == "running"  # closed by the next run (below)
    # The lease's time passes (no heartbeat will come): it expires as after DOZOR_LEASE_TTL.
    execute(url_of(dozor), "UPDATE leases SET expires_at = now() WHERE name = %s",
            f"source:{PROCS}")


@fault("two runs of one source started at once (cron and an operator)",
       "one runs; the other prints “skipped: another run of this source is in progress (run N,"
       " host pid P, since …)” and exits 1; one run row; with DOZOR_LOG_FORMAT=json every"
       " line on stderr is JSON, -v included", "nothing")
def test_two_runs_racing_make_one_run_and_every_log_line_is_json(dozor: Processes) -> None:
    env = {"DOZOR_LOG_FORMAT": "json"}
    racers = [dozor.start("-v", "run", "fault_race", **env) for _ in range(2)]
    done = [dozor.finish(p) for p in racers]
    assert sorted(d.returncode for d in done) == [0, 1], done
    loser = next(d for d in done if d.returncode == 1)
    winner = next(d for d in done if d.returncode == 0)
    # The winner's run id, or "starting" when the loser came between its lease and its row.
    assert re.search(r"skipped: another run of this source is in progress \((run \d+|starting),"
                     r" \S+ pid \d+, since \d{4}-\d\d-\d\d \d\d:\d\d\)", loser.stdout), loser
    assert len(runs(dozor, "fault_race")) == 1
    assert len(winner.stderr.splitlines()) > 10, "-v logs the run and its crawl"
    for line in winner.stderr.splitlines() + loser.stderr.splitlines():
        record = json.loads(line)
        assert {"time", "level", "logger", "message"} <= record.keys(), line


@fault("the wall clock jumps 3 hours forward mid-crawl",
       "nothing unusual: run `ok`, all stored (leases and timeouts use the database's clock and"
       " a monotonic one)", "nothing")
def test_a_clock_jump_mid_crawl_neither_loses_the_lease_nor_fails_the_run(
    dozor: Processes,
) -> None:
    # sitecustomize in tests/faults/clock_jump moves every Python clock of `dozor run` and its
    # crawl 3 h ahead, a second after each starts (as NTP or a VM resume would).
    done = dozor.run("run", "fault_clock", PYTHONPATH=str(CLOCK_JUMP),
                     DOZOR_TEST_CLOCK_JUMP_S=str(3 * 3600))
    [run] = runs(dozor, "fault_clock")
    assert (done.returncode, run["status"]) == (0, "ok"), done
    assert "clock jumped" in done.stderr  # the jump did happen
    assert stored(dozor, "fault_clock") == SLOW_ARTICLES and adds_up(run)
    assert timedelta(0) < run["finished_at"] - run["started_at"] < timedelta(minutes=5)


def test_a_rerun_closes_the_dead_run_and_stores_every_article_exactly_once(
    dozor: Processes, fault_site: FaultSite,
) -> None:
    fault_site.phase(2)
    sources = (PROCS, "fault_race", "fault_clock")
    done = dozor.run("collect", *(a for s in sources for a in ("--source", s)))
    assert done.returncode == 0, done
    every = runs_by_source(url_of(dozor))
    dead = next(r for r in every[PROCS] if r["reason"] and "closed by run" in r["reason"])
    assert dead["status"] == "lost" and dead["new"] == kept_by(dozor, dead["id"]) >= 1
    assert f"closed by run {every[PROCS][-1]['id']}" in dead["reason"]
    counts = {PROCS: PROCS_ARTICLES, "fault_race": ARTICLES_PER_SITE,
              "fault_clock": SLOW_ARTICLES}
    for source_id in sources:
        assert every[source_id][-1]["status"] == "ok", every[source_id][-1]
        assert all(adds_up(r) for r in every[source_id]), every[source_id]
        host = source_id.removeprefix("fault_")
        assert stored_urls(url_of(dozor), source_id) == sorted(
            f"https://{host}.faults.invalid/news/{n}.html"
            for n in range(1, counts[source_id] + 1))
