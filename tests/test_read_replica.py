"""Analysts off the writer: the API reads from a streaming replica (DOZOR_READ_DATABASE_URL).

A primary and a hot standby of our own (initdb, pg_basebackup -R, pg_ctl from PostgreSQL 15's
binaries) run in a temporary folder on free ports: the shared test server is never touched.
Articles written on the primary reach the standby by streaming replication; the API built
with the standby as its read URL serves them from there, and the standby refuses writes even
to a login that asks for a read-write transaction. Then the primary is stopped: the API
still answers from the standby.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from click.testing import CliRunner

from jobs.cli import dozor as cli
from serve.api import create_app
from storage.migrate import migrate
from tests.analyst_seed import SEED, store_seed
from tests.live_api import serve_app
from tests.waiting import patience

PG_BIN = Path(os.environ.get("DOZOR_PG_BIN", "/usr/lib/postgresql/15/bin"))


@dataclass(frozen=True)
class Pair:
    primary: str
    standby: str
    primary_dir: Path
    run_as: tuple[str, ...]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(run_as: tuple[str, ...], *args: str | Path) -> None:
    done = subprocess.run([*run_as, *map(str, args)], capture_output=True, text=True,
                          timeout=patience(120), check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}")


def _url(port: int, database: str = "dozor") -> str:
    return f"postgresql://dozor@127.0.0.1:{port}/{database}"


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    missing = [n for n in ("initdb", "pg_ctl", "pg_basebackup") if not (PG_BIN / n).exists()]
    if missing:
        pytest.skip(f"the read-replica test needs PostgreSQL's {', '.join(missing)} in {PG_BIN}"
                    " (Debian: apt-get install postgresql-15; or set DOZOR_PG_BIN)")
    run_as: tuple[str, ...] = ()
    root = Path(tempfile.mkdtemp(prefix="dozor-replica-"))
    if os.getuid() == 0:  # PostgreSQL refuses to run as root: its own user runs both servers
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: cannot start PostgreSQL as postgres")
        run_as = ("runuser", "-u", "postgres", "--")
        shutil.chown(root, "postgres")
    primary_dir, standby_dir = root / "primary", root / "standby"
    primary_port, standby_port = _free_port(), _free_port()
    started: list[Path] = []
    try:
        _run(run_as, PG_BIN / "initdb", "-D", primary_dir, "-U", "dozor", "--auth=trust",
             "--encoding=UTF8", "--locale=C.UTF-8")
        with (primary_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(f"listen_addresses = '127.0.0.1'\nunix_socket_directories = '{root}'\n"
                       "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n")
        _run(run_as, PG_BIN / "pg_ctl", "-D", primary_dir, "-l", root / "primary.log",
             "-o", f"-p {primary_port}", "-w", "start")
        started.append(primary_dir)
        with psycopg.connect(_url(primary_port, "postgres"),
                             autocommit=True) as admin:
            admin.execute("CREATE DATABASE dozor")
        with psycopg.connect(_url(primary_port), autocommit=True) as conn:
            migrate(conn)
        # -R writes standby.signal and primary_conninfo: a hot standby streaming from it.
        _run(run_as, PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary_port),
             "-U", "dozor", "-D", standby_dir, "-R", "-X", "stream", "--checkpoint=fast")
        _run(run_as, PG_BIN / "pg_ctl", "-D", standby_dir, "-l", root / "standby.log",
             "-o", f"-p {standby_port}", "-w", "start")
        started.append(standby_dir)
        yield Pair(_url(primary_port), _url(standby_port), primary_dir, run_as)
    finally:
        for data in reversed(started):
            subprocess.run([*run_as, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate",
                            "stop"], capture_output=True, timeout=patience(60),
                           check=False)
        shutil.rmtree(root, ignore_errors=True)


def _wait_for(url: str, query: str, expected: Any, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + patience(timeout_s)
    while True:
        with psycopg.connect(url, autocommit=True) as conn:
            row = conn.execute(query).fetchone()
        if row is not None and row[0] == expected:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{query!r} gave {row} on {url}, not {expected!r}")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def served(pair: Pair) -> Iterator[tuple[Any, httpx.Client, dict[str, int]]]:
    with psycopg.connect(pair.primary, autocommit=True) as conn:
        ids = store_seed(conn)
    _wait_for(pair.standby, "SELECT count(*) FROM articles", len(SEED))
    app = create_app(pair.primary, read_url=pair.standby)
    with serve_app(app) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield app, client, ids


def test_the_api_serves_what_the_primary_wrote_from_the_standby(
    pair: Pair, served: tuple[Any, httpx.Client, dict[str, int]],
) -> None:
    app, api, ids = served
    key, article_id = next(iter(ids.items()))
    answer = api.get(f"/api/articles/{article_id}")
    assert answer.status_code == 200, answer.text
    assert answer.json()["title"] == next(s.title for s in SEED if s.key == key)
    with app.state.pool.connection() as conn:
        row = conn.execute("SELECT pg_is_in_recovery(), inet_server_port()").fetchone()
    assert row == (True, int(pair.standby.split(":")[2].split("/")[0]))


def test_a_write_through_the_read_connection_is_refused(
    pair: Pair, served: tuple[Any, httpx.Client, dict[str, int]],
) -> None:
    app, _, _ = served
    with app.state.pool.connection() as conn, pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        conn.execute("DELETE FROM articles")
    # Not only the read-only default: the standby itself refuses a superuser's writes.
    with psycopg.connect(pair.standby, autocommit=True) as conn:
        conn.execute("SET default_transaction_read_only = off")
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("UPDATE articles SET title = 'changed'")
        with pytest.raises(psycopg.Error, match="during recovery"):
            conn.execute("BEGIN READ WRITE")
    with psycopg.connect(pair.primary) as conn:
        assert conn.execute("SELECT count(*) FROM articles WHERE title = 'changed'"
                            ).fetchone() == (0,)


def test_db_url_read_prints_the_replica_for_bi_tools(
    pair: Pair, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", pair.primary)
    monkeypatch.setenv("DOZOR_READ_DATABASE_URL", pair.standby)
    assert CliRunner().invoke(cli, ["db-url", "--read"]).output.strip() == pair.standby
    assert CliRunner().invoke(cli, ["db-url"]).output.strip() == pair.primary
    monkeypatch.delenv("DOZOR_READ_DATABASE_URL")
    assert CliRunner().invoke(cli, ["db-url", "--read"]).output.strip() == pair.primary


def test_the_api_answers_with_the_primary_stopped(
    pair: Pair, served: tuple[Any, httpx.Client, dict[str, int]],
) -> None:
    _, api, ids = served
    _run(pair.run_as, PG_BIN / "pg_ctl", "-D", pair.primary_dir, "-m", "fast", "-w", "stop")
    for article_id in ids.values():
        assert api.get(f"/api/articles/{article_id}").status_code == 200
