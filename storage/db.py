"""Connections to PostgreSQL: DATABASE_URL when set, else an embedded server under the data dir."""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from crawler.config import Config
from crawler.errors import DatabaseUnavailableError, first_line

log = logging.getLogger(__name__)

# A connect attempt to a dead server must fail fast: the scheduler retries later.
CONNECT_TIMEOUT_S = 10


def redact_url(url: str) -> str:
    """The connection string without its password (URL or key=value form), for messages."""
    if "://" in url:
        parts = urlsplit(url)
        userinfo, at, host = parts.netloc.rpartition("@")  # rpartition: an @ in the password
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":***"
        query = re.sub(r"(?i)(^|&)(password=)[^&]*", r"\1\2***", parts.query)
        return urlunsplit(parts._replace(netloc=f"{userinfo}{at}{host}", query=query))
    try:
        params = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "<unparsable connection string>"
    if "password" in params:
        params["password"] = "***"  # noqa: S105 - the mask, not a password
    return psycopg.conninfo.make_conninfo("", **params)


def start_embedded_server(data_dir: Path) -> str:
    """Start (or reuse) the embedded PostgreSQL under `data_dir/pg`; return its URL."""
    pgdata = data_dir / "pg"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI); the fallback it
        # takes is fine and the warning only confuses users.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        try:
            import pgserver  # imported here: only a user without DATABASE_URL needs it
        except ImportError as exc:
            raise DatabaseUnavailableError(
                "DATABASE_URL is unset and the embedded PostgreSQL (pgserver) is not installed;"
                " run `make run` (it installs it) or set DATABASE_URL"
            ) from exc
        try:
            # cleanup_mode=None leaves the server running for the crawl subprocesses and the
            # next command; pgserver itself handles running as root (PostgreSQL refuses uid 0).
            server = pgserver.get_server(pgdata, cleanup_mode=None)  # type: ignore[attr-defined]
        except Exception as exc:  # pgserver raises plain Exceptions with initdb/pg_ctl output
            raise DatabaseUnavailableError(
                f"could not start the embedded PostgreSQL in {pgdata}: {exc}"
            ) from exc
    return str(server.get_uri())


def resolve_database_url(config: Config) -> str:
    """DATABASE_URL, or the embedded server's URL after starting it."""
    if config.database_url:
        return config.database_url
    return start_embedded_server(config.data_dir)


def connect(url: str, *, autocommit: bool = False) -> psycopg.Connection[tuple[object, ...]]:
    """A connection, or DatabaseUnavailableError naming the (redacted) server."""
    try:
        return psycopg.connect(
            url, autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT_S,
            application_name="dozor",
            # A run holds its source's advisory lock on a connection idle for up to an hour:
            # keepalives stop firewalls and proxies from dropping it (and the lock) unnoticed.
            keepalives=1, keepalives_idle=60, keepalives_interval=15, keepalives_count=4,
        )
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailableError(
            f"cannot connect to PostgreSQL at {redact_url(url)}: {first_line(exc)}"
        ) from exc


# The kinds of per-database role migrations 0011 and 0060 make: <database>_analyst,
# <database>_reader, <database>_alert_editor.
ROLE_KINDS = ("analyst", "reader", "alert_editor")


def database_role(database: str, kind: str) -> str:
    """A database's analyst, reader or alert editor role name, as SQL's dozor_role_name()."""
    if len(database.encode()) + 1 + len(kind) <= 63:
        return f"{database}_{kind}"
    # Role names stop at 63 bytes: a longer name is replaced by its digest.
    digest = hashlib.md5(database.encode(), usedforsecurity=False).hexdigest()[:16]
    return f"dozor_{digest}_{kind}"


def role_name(conn: psycopg.Connection[Any], kind: str) -> str:
    """This database's analyst or reader role name (whether or not the role exists)."""
    row = conn.execute("SELECT dozor_role_name(%s)", (kind,)).fetchone()
    assert row is not None
    return str(row[0])


def drop_database(server_url: str, name: str) -> None:
    """Drop a database and its per-database roles (roles outlive the database otherwise)."""
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        for kind in ROLE_KINDS:
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(
                sql.Identifier(database_role(name, kind))))


@contextmanager
def scratch_database(server_url: str, prefix: str, *, keep: bool = False) -> Iterator[str]:
    """A new, migrated database on the server of `server_url`, dropped afterwards (or kept)."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = psycopg.conninfo.make_conninfo(server_url, dbname=name)
    try:
        from storage.migrate import migrate  # storage.migrate needs no connection helpers

        with psycopg.connect(url, autocommit=True) as conn:
            migrate(conn)
        yield url
    finally:
        if not keep:
            drop_database(server_url, name)
