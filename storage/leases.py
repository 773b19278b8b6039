"""Leases: one holder at a time per name, kept in PostgreSQL rows with a fencing token.

The storage-level API a runner (or a worker on another machine) uses to hold a source's runs:

    lease = acquire(conn, source_lease("zakon_kz"), owner_name(), ttl_s=90)   # None: held
    heartbeat(conn, lease)          # every few seconds; LeaseLostError once another took it
    with conn.transaction():
        check(conn, lease)          # first in every write transaction of the run (fencing)
        ...writes...
    release(conn, lease)

Nothing lives in the process: the lease is a row of `leases` (migration 0010), its times are the
database's clock, and it survives PostgreSQL restarts and the death of its holder. A holder that
stops heartbeating loses it `ttl_s` after its last heartbeat: the next `acquire` takes it over
with a new, larger token, and `check` then refuses the old holder's writes. `break_lease` frees
a lease at once (an operator's `dozor break-lease`). Only Dozor's own roles have privileges on
the table; the analysts' role cannot read, take or break a lease.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import class_row

from crawler.errors import LeaseLostError

# A run's lease outlives a missed heartbeat or two, and a PostgreSQL restart.
DEFAULT_TTL_S = 90.0
SCHEDULER_LEASE = "scheduler"

LEASE_COLUMNS = "name, owner, token, run_id, acquired_at, heartbeat_at, expires_at"


@dataclass(frozen=True, slots=True)
class Lease:
    """A held lease: its name, holder, fencing token and expiry (database time)."""

    name: str
    owner: str
    token: int
    run_id: int | None
    acquired_at: datetime
    heartbeat_at: datetime
    expires_at: datetime


def source_lease(source_id: str) -> str:
    """The lease name of a source's runs."""
    return f"source:{source_id}"


def owner_name() -> str:
    """Who holds a lease, for people: '<host> pid <pid>'."""
    return f"{socket.gethostname()} pid {os.getpid()}"


def acquire(
    conn: psycopg.Connection[Any], name: str, owner: str, ttl_s: float = DEFAULT_TTL_S,
) -> Lease | None:
    """Take the lease if it is free or expired, with a new fencing token; None while held."""
    with conn.transaction(), conn.cursor(row_factory=class_row(Lease)) as cur:
        return cur.execute(
            "INSERT INTO leases (name, owner, token, expires_at)"
            " VALUES (%(name)s, %(owner)s, nextval('lease_tokens'),"
            "         now() + make_interval(secs => %(ttl)s))"
            " ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, token = EXCLUDED.token,"
            "     run_id = NULL, acquired_at = now(), heartbeat_at = now(),"
            "     expires_at = EXCLUDED.expires_at"
            " WHERE leases.expires_at < now()"
            f" RETURNING {LEASE_COLUMNS}",
            {"name": name, "owner": owner, "ttl": ttl_s},
        ).fetchone()


def heartbeat(conn: psycopg.Connection[Any], lease: Lease, ttl_s: float = DEFAULT_TTL_S) -> Lease:
    """Extend the lease by `ttl_s` from now; LeaseLostError if another holder has it now.

    A lease that expired while nobody else took it is kept: its token is still the current one.
    """
    with conn.transaction(), conn.cursor(row_factory=class_row(Lease)) as cur:
        renewed = cur.execute(
            "UPDATE leases SET heartbeat_at = now(),"
            " expires_at = now() + make_interval(secs => %(ttl)s)"
            f" WHERE name = %(name)s AND token = %(token)s RETURNING {LEASE_COLUMNS}",
            {"name": lease.name, "token": lease.token, "ttl": ttl_s},
        ).fetchone()
    if renewed is None:
        raise LeaseLostError(_lost_message(conn, lease))
    return renewed


def check(conn: psycopg.Connection[Any], lease: Lease) -> None:
    """Fencing: raise LeaseLostError unless `lease` is still held; call inside a transaction.

    The row stays share-locked until the transaction ends, so nobody can take or break the lease
    between this check and the commit of the writes that follow it.
    """
    row = conn.execute(
        "SELECT 1 FROM leases WHERE name = %s AND token = %s FOR SHARE",
        (lease.name, lease.token),
    ).fetchone()
    if row is None:
        raise LeaseLostError(_lost_message(conn, lease))


def set_run(conn: psycopg.Connection[Any], lease: Lease, run_id: int) -> None:
    """Note which crawl run holds the lease (shown by `dozor leases`)."""
    with conn.transaction():
        conn.execute("UPDATE leases SET run_id = %s WHERE name = %s AND token = %s",
                     (run_id, lease.name, lease.token))


def release(conn: psycopg.Connection[Any], lease: Lease) -> bool:
    """Give the lease up; False if it was no longer ours."""
    with conn.transaction():
        cur = conn.execute("DELETE FROM leases WHERE name = %s AND token = %s",
                           (lease.name, lease.token))
    return cur.rowcount == 1


def break_lease(conn: psycopg.Connection[Any], name: str) -> Lease | None:
    """Free a lease whoever holds it (operators only); the lease as it was, or None if free.

    Its holder's next heartbeat or write fails, and the holder stops.
    """
    with conn.transaction(), conn.cursor(row_factory=class_row(Lease)) as cur:
        return cur.execute(
            f"DELETE FROM leases WHERE name = %s RETURNING {LEASE_COLUMNS}", (name,)
        ).fetchone()


def holder(conn: psycopg.Connection[Any], name: str) -> Lease | None:
    """The lease as held now, if it is held and not expired."""
    with conn.cursor(row_factory=class_row(Lease)) as cur:
        return cur.execute(
            f"SELECT {LEASE_COLUMNS} FROM leases WHERE name = %s AND expires_at >= now()",
            (name,),
        ).fetchone()


def held(conn: psycopg.Connection[Any], name: str, token: int) -> Lease | None:
    """The lease `name` if it still carries `token` (a crawl told its token by its runner)."""
    with conn.cursor(row_factory=class_row(Lease)) as cur:
        return cur.execute(
            f"SELECT {LEASE_COLUMNS} FROM leases WHERE name = %s AND token = %s", (name, token)
        ).fetchone()


def all_leases(conn: psycopg.Connection[Any]) -> list[Lease]:
    """Every lease row, expired ones included, by name."""
    with conn.cursor(row_factory=class_row(Lease)) as cur:
        return cur.execute(f"SELECT {LEASE_COLUMNS} FROM leases ORDER BY name").fetchall()


def _lost_message(conn: psycopg.Connection[Any], lease: Lease) -> str:
    now_held = conn.execute("SELECT owner, token FROM leases WHERE name = %s",
                            (lease.name,)).fetchone()
    if now_held is None:
        return f"lease {lease.name} (token {lease.token}) was broken or released"
    return (f"lease {lease.name} (token {lease.token}) was taken over by {now_held[0]}"
            f" (token {now_held[1]}) after it expired")
