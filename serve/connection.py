"""Read-only connections for the analysts' side: read-only transactions, the analyst role."""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from psycopg import sql

from storage.db import CONNECT_TIMEOUT_S, connect

log = logging.getLogger(__name__)

# Set at connection start as well, so not even the first statement can write.
READ_ONLY_OPTIONS = "-c default_transaction_read_only=on"


def make_read_only(conn: psycopg.Connection[Any]) -> bool:
    """Make every transaction of a connection read-only and act as the database's reader role.

    The reader role (migration 0011, `<database>_reader`) reads the content tables and views,
    never crawl internals. Returns whether the role was taken: it is not when the migration
    could not create it (no CREATEROLE) or this login is not a member of it; read-only
    transactions still hold.
    """
    conn.execute("SET default_transaction_read_only = on")
    # Searches are short: compiling a plan to machine code (JIT) costs more than it saves.
    conn.execute("SET jit = off")
    # psycopg prepares a statement run five times, and PostgreSQL may then plan it once for
    # any value; a generic plan cannot know that one word is in a quarter of the articles
    # and another in ten (800 ms instead of 100 ms measured on a million rows).
    conn.execute("SET plan_cache_mode = force_custom_plan")
    row = conn.execute(
        "SELECT r.rolname, pg_has_role(current_user, r.oid, 'MEMBER') FROM pg_roles r"
        " WHERE r.rolname = dozor_role_name('reader')"
    ).fetchone()
    if row and row[1]:
        conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(str(row[0]))))
        return True
    log.warning("the reader role is unavailable to this login: read-only transactions only")
    return False


def connect_read_only(url: str) -> psycopg.Connection[Any]:
    """A new autocommit connection whose every statement runs read-only."""
    conn = connect(url, autocommit=True)
    make_read_only(conn)
    return conn


def pool_kwargs() -> dict[str, Any]:
    """Connection arguments of the API's pool: autocommit, read-only from the first statement."""
    return {
        "autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S,
        "application_name": "dozor-api", "options": READ_ONLY_OPTIONS,
    }
