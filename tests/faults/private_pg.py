"""A private PostgreSQL server in a temporary directory, for cases that stop, restart, fill or
make read-only a database (never the shared server of the machine).

It runs pgserver's bundled binaries (a user's fresh machine has those and nothing else), listens
on 127.0.0.1 on a port of its own that stays the same across restarts (a crawl reconnects to the
same URL), and can be started with a file-size limit (RLIMIT_FSIZE) on the server process: its
relation files then cannot grow past it, and PostgreSQL fails writes as on a full disk
("could not extend file …: File too large. HINT: Check free disk space.").
As root, PostgreSQL runs as pgserver's `pgserver` system user, as the embedded server does; its
data then lives in a directory of its own under the system's temporary directory, not under
pytest's, which pytest keeps private to root (mode 0700, re-applied by any pytest run).
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from tests.waiting import patience

PG_BIN = Path(__import__("pgserver").__file__).parent / "pginstall" / "bin"
SYSTEM_USER = "pgserver"  # pgserver's own choice when running as root


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateServer:
    """One PostgreSQL cluster in `base`: initdb once, then start/stop/restart at will."""

    def __init__(self, base: Path | None = None) -> None:
        self.base = base or Path(tempfile.mkdtemp(prefix="dozor-pg-"))
        self.pgdata = self.base / "pgdata"
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.user = SYSTEM_USER if os.geteuid() == 0 else None
        self.log = self.base / "postgres.log"

    def url(self, dbname: str = "postgres") -> str:
        """The connection string of a database on this server."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def init(self) -> None:
        """initdb with 1 MB WAL segments (a file-size limit above that leaves WAL writable)."""
        self.base.mkdir(parents=True, exist_ok=True)
        if self.user:
            self.base.chmod(0o755)
            from pgserver.utils import ensure_prefix_permissions, ensure_user_exists

            ensure_user_exists(self.user)
            self.pgdata.mkdir()
            ensure_prefix_permissions(self.pgdata)
            shutil.chown(self.pgdata, self.user, self.user)
            shutil.chown(self.base, self.user, self.user)
        subprocess.run(
            [str(PG_BIN / "initdb"), "-D", str(self.pgdata), "-U", "postgres", "--auth=trust",
             "--encoding=utf8", "--wal-segsize=1", "--no-sync"],
            check=True, capture_output=True, user=self.user,
        )

    def start(self, *, file_size_limit: int | None = None, read_only: bool = False) -> None:
        """Start the server; with a limit, no file it writes may grow past that many bytes."""
        assert self.process is None, "already running"

        def limits() -> None:
            if file_size_limit is not None:
                resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

        options = ["-c", "listen_addresses=127.0.0.1", "-c", f"port={self.port}",
                   "-c", "unix_socket_directories=", "-c", "fsync=off",
                   "-c", "max_connections=40", "-c", "shared_buffers=16MB"]
        if read_only:
            options += ["-c", "default_transaction_read_only=on"]
        log = self.log.open("ab")
        self.process = subprocess.Popen(
            [str(PG_BIN / "postgres"), "-D", str(self.pgdata), *options],
            stdout=log, stderr=log, user=self.user, preexec_fn=limits,
        )
        log.close()
        deadline = time.monotonic() + patience(30)
        while True:
            try:
                with psycopg.connect(self.url(), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    message = f"private PostgreSQL did not start: {self.log_tail()}"
                    raise RuntimeError(message) from None
                time.sleep(0.1)

    def stop(self) -> None:
        """Fast shutdown: open sessions are cut, as when an operator stops the database."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=patience(30))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def restart(self, **options: object) -> None:
        """Stop, then start again on the same port (options as for `start`)."""
        self.stop()
        self.start(**options)  # type: ignore[arg-type]

    def log_tail(self, chars: int = 2000) -> str:
        """The end of the server's log, for failure messages."""
        try:
            return self.log.read_text("utf-8", "replace")[-chars:]
        except OSError:
            return ""

    def create_database(self, name: str) -> str:
        """A new database on this server; its URL."""
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)


@contextmanager
def private_server() -> Iterator[PrivateServer]:
    """A started private server in a new temporary directory, stopped and deleted afterwards."""
    server = PrivateServer()
    server.init()
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.base, ignore_errors=True)
