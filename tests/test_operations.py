"""Operator commands (`dozor run/pause/resume/runs/status`) and runs that lose their database."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner, Result

from jobs.cli import dozor
from jobs.scheduler import ALMATY
from jobs.tasks import collect, crawl_source
from tests.waiting import patience, wait_for

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str) -> Result:
    return CliRunner().invoke(dozor, list(args), catch_exceptions=False)


def source_block(output: str, source_id: str) -> list[str]:
    """The status line of one source and the warning lines under it."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(source_id + " "))
    block = [lines[start]]
    for line in lines[start + 1:]:
        if not line.startswith(" "):
            break
        block.append(line.strip())
    return block


def test_pause_skips_a_source_until_named_and_run_history_and_status_show_each_run(
    slow_site: str, db: psycopg.Connection[tuple[object, ...]], monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Only zakon_kz and the slow site are left unpaused, so a full `collect` stays short.
    db.execute("UPDATE sources SET paused = id NOT IN ('zakon_kz', 'slow_site')")
    paused = cli("pause", slow_site)
    assert paused.exit_code == 0 and "slow_site paused" in paused.output

    results = {source.id: outcome for source, outcome in collect()}
    assert results["zakon_kz"].status == "ok"
    assert results[slow_site].status == "paused"
    assert results[slow_site].message == (
        "paused: `dozor resume slow_site`, or `dozor collect --source slow_site --include-paused`")
    assert crawl_source(slow_site) == "paused"
    # Named, it is skipped too (as the pause message says), unless paused ones are included.
    [(_, named)] = collect([slow_site])
    assert named.status == "paused"
    assert db.execute("SELECT source_id FROM crawl_runs").fetchall() == [("zakon_kz",)]

    # Named explicitly, a paused source runs; this run hits its time limit and is stopped.
    monkeypatch.setenv("DOZOR_CRAWL_TIMEOUT", "2")
    started = time.monotonic()
    timed_out = cli("run", slow_site)
    assert time.monotonic() - started < patience(15)
    assert timed_out.exit_code == 1
    assert "slow_site: run 2 timeout" in timed_out.output
    status, errors = db.execute(
        "SELECT status, errors FROM crawl_runs WHERE source_id = %s", (slow_site,)).fetchone()
    assert status == "timeout"
    assert {"kind": "runner", "url": "", "message": "stopped after 2 s"} in errors

    assert cli("resume", slow_site).exit_code == 0
    assert db.execute("SELECT paused FROM sources WHERE id = %s", (slow_site,)).fetchone() == (
        False,)

    history = cli("runs", "--limit", "1").output.splitlines()
    assert history[0].split() == ["run", "source", "mode", "started", "took", "status", "found",
                                  "new", "upd", "fail", "rej", "reason"]
    assert history[1].split()[:2] == ["2", "slow_site"] and " timeout " in history[1]
    assert "stopped after 2 s;" in history[1]
    zakon = cli("runs", "--source", "zakon_kz").output.splitlines()[1:]
    assert len(zakon) == 1 and zakon[0].split()[:3] == ["1", "zakon_kz", "daily"]
    assert zakon[0].split()[6:12] == ["ok", "4", "4", "0", "0", "0"]

    report = cli("status").output
    zakon_status = source_block(report, "zakon_kz")
    assert zakon_status[0].split()[3:] == ["ok", *zakon_status[0].split()[4:6], "4", "0%"]
    assert len(zakon_status) == 1, "a healthy source has no warnings"
    assert source_block(report, slow_site)[0].split()[3:5] == ["timeout", "-"]


def _add_articles(
    db: psycopg.Connection[tuple[object, ...]], source_id: str, count: int, days_ago: float,
    status: str = "ok",
) -> None:
    seen = datetime.now(UTC) - timedelta(days=days_ago)
    with db.cursor() as cur:
        cur.executemany(
            "INSERT INTO articles (source_id, url, content_hash, fetched_at, first_seen_at,"
            " status) VALUES (%s, %s, 'h', %s, %s, %s)",
            [(source_id, f"https://{source_id}.test/{days_ago}/{status}/{i}", seen, seen, status)
             for i in range(count)],
        )


def _add_run(
    db: psycopg.Connection[tuple[object, ...]], source_id: str, status: str, days_ago: float,
) -> datetime:
    """A finished run `days_ago` days back; when it started (and ended)."""
    started = datetime.now(UTC) - timedelta(days=days_ago)
    db.execute("INSERT INTO crawl_runs (source_id, status, started_at, finished_at)"
               " VALUES (%s, %s, %s, %s)", (source_id, status, started, started))
    return started


def test_status_warns_when_a_source_goes_quiet_fails_in_a_row_or_stops_extracting(
    slow_site: str, db: psycopg.Connection[tuple[object, ...]],
) -> None:
    # zakon_kz gave 40 articles over the past month, none this week, and has not run for 10 days.
    _add_run(db, "zakon_kz", "ok", days_ago=10)
    _add_articles(db, "zakon_kz", 40, days_ago=12)
    # The slow site ran fine until three failures in a row (a run that lost its lease is one);
    # this week 6 of its 10 articles came out empty where none did before: its layout changed.
    runs = {status: _add_run(db, slow_site, status, days_ago)
            for status, days_ago in (("ok", 3), ("failed", 2), ("lost", 1), ("timeout", 0.1))}
    _add_articles(db, slow_site, 10, days_ago=20)
    _add_articles(db, slow_site, 4, days_ago=1)
    _add_articles(db, slow_site, 6, days_ago=1, status="empty")

    report = cli("status").output
    zakon = source_block(report, "zakon_kz")
    assert zakon[1:] == [
        "! no run for 10 days: is `dozor schedule` running?",
        "! no new articles in 7 days (40 in the 28 days before): has the site changed its feeds"
        " or listings?",
    ]
    slow = source_block(report, slow_site)
    assert slow[0].split()[3:] == ["timeout", *slow[0].split()[4:6], "10", "60%"]
    # The day of the stored run, not of "now - 3 days" read again (a day later past midnight).
    last_success = runs["ok"].astimezone(ALMATY).strftime("%Y-%m-%d")
    assert slow[1].startswith(f"! 3 failed runs in a row (last success {last_success}")
    assert slow[2] == ("! extraction failing: 6 of 10 articles in 7 days not 'ok' (60%, was 0%):"
                       " has the site's layout changed?")
    assert len(slow) == 3


def test_a_crawl_whose_connections_are_cut_midway_reconnects_and_loses_nothing(
    slow_site: str, db: psycopg.Connection[tuple[object, ...]],
) -> None:
    def stored() -> int:
        row = db.execute("SELECT count(*) FROM articles WHERE source_id = %s",
                         (slow_site,)).fetchone()
        return int(row[0]) if row else 0

    with ThreadPoolExecutor(1) as pool:
        crawl = pool.submit(collect, [slow_site])
        wait_for(stored, 30, "the crawl to store its first article")
        assert stored() < 4, "the cut comes mid-crawl"
        # Every other connection to the database is cut: the crawl's and its runner's.
        cut = db.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                         " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                         " AND backend_type = 'client backend'").fetchone()
        assert cut is not None and cut[0] >= 2
        [(_, outcome)] = crawl.result(timeout=patience(60))

    # The crawl and its runner open new connections (the lease is a row, not a session's
    # lock): the run goes on, and its record counts what the database holds.
    assert outcome.status == "ok", outcome
    assert outcome.run is not None and (outcome.run.new, outcome.run.failed) == (4, 0)
    assert stored() == 4
    # A database that stays away is the fault matrix's (tests/faults/test_database_faults.py).


def test_a_command_with_the_database_down_says_so_in_one_line(unused_port: int) -> None:
    url = f"postgresql://dozor:secret@127.0.0.1:{unused_port}/dozor"
    done = subprocess.run([sys.executable, "-m", "jobs.cli", "run", "zakon_kz"],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=patience(60),
                          env={"PATH": "/usr/bin:/bin", "DATABASE_URL": url})
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith(
        f"dozor: cannot connect to PostgreSQL at postgresql://dozor:***@127.0.0.1:{unused_port}"
    )
    assert "secret" not in done.stderr


def test_passwords_are_masked_in_every_connection_string_form() -> None:
    from storage.db import redact_url

    assert redact_url("postgresql://u:p%40ss@h:5432/d") == "postgresql://u:***@h:5432/d"
    assert redact_url("postgresql://u@h/d?sslmode=require&password=x") == (
        "postgresql://u@h/d?sslmode=require&password=***")
    masked = redact_url("host=127.0.0.1 port=1 user=u password=s3cret dbname=d")
    assert "s3cret" not in masked and "password=***" in masked


def test_a_replay_is_no_sign_of_health_and_a_never_successful_source_warns_at_once(
    db: psycopg.Connection[tuple[object, ...]],
) -> None:
    from storage.health import health_warnings, source_health

    now = datetime.now(UTC)
    db.execute("INSERT INTO crawl_runs (source_id, mode, status, started_at, finished_at)"
               " VALUES ('zakon_kz', 'daily', 'failed', %s, %s),"
               " ('zakon_kz', 'replay', 'ok', %s, %s)", (now, now, now, now))
    [health] = [h for h in source_health(db) if h.source_id == "zakon_kz"]
    assert (health.last_run_status, health.last_success_at) == ("failed", None)
    assert health_warnings(health, now)[0].startswith("1 failed runs in a row (never succeeded)")
