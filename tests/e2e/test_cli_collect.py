"""`dozor collect` as a user runs it: no DATABASE_URL, so the embedded PostgreSQL starts."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.waiting import patience

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DOZOR = [sys.executable, "-m", "jobs.cli"]


@pytest.fixture
def user_env(mockserver: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A user's environment: no DATABASE_URL, a fresh data dir, the mock sites as the web."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "DOZOR_TEST_DATABASE_URL")}
    env.update({"DOZOR_DATA_DIR": str(tmp_path / "data"), "DOZOR_SITE_MIRROR": mockserver,
                "DOZOR_DOWNLOAD_DELAY": "0"})
    yield env
    import pgserver

    pgdata = tmp_path / "data" / "pg"
    if pgdata.exists():
        pgserver.get_server(pgdata, cleanup_mode="stop").cleanup()  # type: ignore[attr-defined]


def _dozor(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*DOZOR, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
        timeout=patience(300),
    )


def test_collect_without_database_url_starts_the_embedded_store_and_prints_a_summary(
    user_env: dict[str, str],
) -> None:
    first = _dozor(user_env, "collect", "--source", "zakon_kz")
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0].split() == ["source", "status", "found", "new", "updated", "failed"]
    assert lines[1].split() == ["zakon_kz", "ok", "4", "4", "0", "0"]
    assert "4 new articles stored in the embedded PostgreSQL" in first.stdout
    assert "Traceback" not in first.stderr

    # The same store answers the next command: `dozor db-url` gives a URL psql can use.
    url = _dozor(user_env, "db-url").stdout.strip()
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (4,)

    second = _dozor(user_env, "collect", "--source", "zakon_kz")
    # Feeds unchanged (304), listings read minutes ago: nothing found, nothing asked again.
    assert second.stdout.splitlines()[1].split() == ["zakon_kz", "ok", "0", "0", "0", "0"]


def test_unknown_source_is_one_clear_line(user_env: dict[str, str]) -> None:
    result = _dozor(user_env, "collect", "--source", "no_such_site")
    assert result.returncode == 2
    assert "unknown source 'no_such_site'; known sources:" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_reachable_site_exits_1_with_a_reason_per_source_and_the_offline_hint(
    user_env: dict[str, str],
) -> None:
    offline = {**user_env, "DOZOR_SITE_MIRROR": "http://127.0.0.1:9"}  # nothing listens there
    result = _dozor(offline, "collect", "--source", "zakon_kz")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[1].split()[:2] == ["zakon_kz", "failed"]
    assert "robots.txt unreachable" in lines[2]
    assert "--replay docs/sample/zakon_kz.warc.gz" in result.stdout
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr
