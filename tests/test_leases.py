"""storage/leases.py: one holder per name, fencing tokens, expiry by the database's clock."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from crawler.errors import LeaseLostError
from storage.leases import (
    acquire,
    all_leases,
    break_lease,
    check,
    heartbeat,
    held,
    holder,
    release,
    source_lease,
)
from tests.waiting import patience, wait_for

NAME = source_lease("zakon_kz")


def test_one_holder_at_a_time_and_a_released_lease_is_free_again(
    db: psycopg.Connection[tuple[object, ...]],
) -> None:
    first = acquire(db, NAME, "host-a pid 1", ttl_s=30)
    assert first is not None and first.owner == "host-a pid 1"
    assert acquire(db, NAME, "host-b pid 2", ttl_s=30) is None
    assert holder(db, NAME) == first
    assert release(db, first) is True
    second = acquire(db, NAME, "host-b pid 2", ttl_s=30)
    assert second is not None and second.token > first.token
    assert release(db, first) is False, "not first's any more"


def test_the_lease_is_a_row_not_a_session_it_outlives_its_holder_s_connection(
    database_url: str, db: psycopg.Connection[tuple[object, ...]],
) -> None:
    with psycopg.connect(database_url, autocommit=True) as holder_conn:
        lease = acquire(holder_conn, NAME, "host-a pid 1", ttl_s=30)
    assert lease is not None
    # The holder's session is gone (a PostgreSQL restart cuts them all): the lease is not.
    assert acquire(db, NAME, "host-b pid 2", ttl_s=30) is None
    assert held(db, NAME, lease.token) == lease


def test_an_expired_lease_is_taken_over_and_its_old_holder_is_fenced_off(
    db: psycopg.Connection[tuple[object, ...]],
) -> None:
    old = acquire(db, NAME, "host-a pid 1", ttl_s=0.2)
    assert old is not None
    time.sleep(0.3)  # no heartbeat: it expires (the database's clock)
    assert holder(db, NAME) is None
    new = acquire(db, NAME, "host-b pid 2", ttl_s=30)
    assert new is not None and new.token > old.token
    with pytest.raises(LeaseLostError, match="taken over by host-b pid 2"):
        heartbeat(db, old, ttl_s=30)
    with pytest.raises(LeaseLostError), db.transaction():
        check(db, old)
    with db.transaction():
        check(db, new)


def test_a_heartbeat_keeps_the_lease_past_its_first_expiry(
    db: psycopg.Connection[tuple[object, ...]],
) -> None:
    # Heartbeats every half TTL, for one and a half TTLs; scaled, so that on a loaded machine
    # a heartbeat late by a few tenths does not let the lease lapse.
    ttl_s = patience(0.4)
    lease = acquire(db, NAME, "host-a pid 1", ttl_s=ttl_s)
    assert lease is not None
    for _ in range(3):
        time.sleep(ttl_s / 2)
        lease = heartbeat(db, lease, ttl_s=ttl_s)
    assert acquire(db, NAME, "host-b pid 2", ttl_s=30) is None
    assert lease.expires_at > lease.acquired_at


def test_a_broken_lease_refuses_its_holder_s_next_heartbeat(
    db: psycopg.Connection[tuple[object, ...]],
) -> None:
    lease = acquire(db, NAME, "host-a pid 1", ttl_s=30)
    assert lease is not None
    broken = break_lease(db, NAME)
    assert broken is not None and broken.token == lease.token
    with pytest.raises(LeaseLostError, match="was broken or released"):
        heartbeat(db, lease)
    assert break_lease(db, NAME) is None
    assert all_leases(db) == []


def test_a_write_transaction_that_checked_its_token_commits_before_any_takeover(
    database_url: str, db: psycopg.Connection[tuple[object, ...]],
) -> None:
    lease = acquire(db, NAME, "host-a pid 1", ttl_s=30)
    assert lease is not None
    broke_after: list[float] = []
    with psycopg.connect(database_url, autocommit=True) as writer:
        with writer.transaction():
            check(writer, lease)  # holds the row until commit

            def operator() -> None:
                with psycopg.connect(database_url, autocommit=True) as other:
                    break_lease(other, NAME)
                broke_after.append(time.monotonic())

            breaker = threading.Thread(target=operator)
            breaker.start()
            wait_for(lambda: db.execute(
                "SELECT 1 FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND query LIKE '%%leases%%'").fetchone(),
                10, "the operator's break to wait on the lease row")
            assert broke_after == [], "the break waits for the write to commit"
            committed_at = time.monotonic()
        breaker.join(timeout=patience(10))
    assert broke_after and broke_after[0] >= committed_at
    with pytest.raises(LeaseLostError), db.transaction():
        check(db, lease)
