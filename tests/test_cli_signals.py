"""What a monitor and an operator read from `dozor` processes: exit codes, one JSON object per
log line, usage errors that make no request (issue 12 finding 6, issue 14 finding 10)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.e2e.mock_site import empty_database, now, request_log
from tests.waiting import patience

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def dozor(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jobs.cli", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True,
                          timeout=patience(120))


@pytest.fixture
def env(database_url: str, mockserver: str, tmp_path: Path) -> dict[str, str]:
    empty_database(database_url)
    return {**os.environ, "DATABASE_URL": database_url, "DOZOR_SITE_MIRROR": mockserver,
            "DOZOR_DATA_DIR": str(tmp_path / "data"), "DOZOR_DOWNLOAD_DELAY": "0"}


@pytest.mark.parametrize(("window", "says"), [
    (("--since", "2025-03-01", "--until", "2025-01-01"),
     "--since 2025-03-01 is after --until 2025-01-01: the window is empty"),
    (("--since", "2099-01-01"), "--since 2099-01-01 is in the future"),
])
def test_an_empty_or_future_window_is_a_usage_error_and_requests_nothing(
    env: dict[str, str], mockserver: str, database_url: str, window: tuple[str, ...], says: str,
) -> None:
    started = now()
    done = dozor(env, "collect", "--source", "zakon_kz", *window)
    assert done.returncode == 2, done
    assert says in done.stderr and "Traceback" not in done.stderr
    assert request_log(mockserver, since=started) == []
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM crawl_runs").fetchone() == (0,)


def test_with_json_logs_every_line_on_stderr_is_json_errors_and_progress_included(
    env: dict[str, str],
) -> None:
    json_env = {**env, "DOZOR_LOG_FORMAT": "json"}
    backfill = dozor(json_env, "-v", "collect", "--source", "zakon_kz", "--since", "2025-01-01",
                     "--until", "2025-03-31")
    assert backfill.returncode == 0, backfill.stderr
    records = [json.loads(line) for line in backfill.stderr.splitlines()]
    assert len(records) > 20
    progress = [r["message"] for r in records if r["message"].startswith("backfill zakon_kz:")]
    assert any("found" in m and "stored so far" in m for m in progress), progress
    usage = dozor(json_env, "collect", "--since", "2099-01-01")
    assert usage.returncode == 2
    [error] = [json.loads(line) for line in usage.stderr.splitlines()]
    assert error["level"] == "ERROR" and "in the future" in error["message"]


def test_status_exits_1_when_it_warns(env: dict[str, str], database_url: str) -> None:
    warned = dozor(env, "status")  # no source has ever run: each warns "never run"
    assert warned.returncode == 1 and "never run" in warned.stdout
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE sources SET paused = true")  # paused sources are not expected to run
    quiet = dozor(env, "status")
    assert quiet.returncode == 0, quiet.stdout


def test_a_paused_source_is_skipped_by_collect_even_when_named_unless_included(
    env: dict[str, str], database_url: str,
) -> None:
    paused = dozor(env, "pause", "zakon_kz")
    assert "skip it, also when named with --source" in paused.stdout
    skipped = dozor(env, "collect", "--source", "zakon_kz")
    assert skipped.returncode == 0
    assert skipped.stdout.splitlines()[1].split()[:2] == ["zakon_kz", "paused"]
    included = dozor(env, "collect", "--source", "zakon_kz", "--include-paused")
    assert included.returncode == 0, included.stderr
    assert included.stdout.splitlines()[1].split()[:4] == ["zakon_kz", "ok", "4", "4"]
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM crawl_runs").fetchone() == (1,)
