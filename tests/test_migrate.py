"""Migrations: applied once each, in order, and never silently edited afterwards."""

from __future__ import annotations

import psycopg
import pytest

from storage.migrate import MigrationChangedError, available_migrations, migrate
from storage.queue_schema import QUEUE_SCHEMA_VERSION, QueueSchemaChangedError, queue_schema_name


def test_every_migration_is_recorded_once_with_its_checksum(
    db: psycopg.Connection[tuple[object, ...]],
) -> None:
    rows = db.execute("SELECT version, checksum FROM schema_migrations"
                      " WHERE version <> %s ORDER BY version", (QUEUE_SCHEMA_VERSION,)).fetchall()
    assert rows == [(m.version, m.checksum) for m in available_migrations()]
    assert migrate(db) == []  # a second start applies nothing


def test_the_task_queue_tables_come_with_the_migrations_once(
    db: psycopg.Connection[tuple[object, ...]],
) -> None:
    assert db.execute("SELECT name FROM schema_migrations WHERE version = %s",
                      (QUEUE_SCHEMA_VERSION,)).fetchone() == (queue_schema_name(),)
    tables = {r[0] for r in db.execute(
        "SELECT tablename FROM pg_tables WHERE tablename LIKE 'procrastinate%'")}
    assert {"procrastinate_jobs", "procrastinate_events", "procrastinate_workers"} <= tables
    assert migrate(db) == []


def test_queue_tables_of_another_procrastinate_release_are_refused(
    db: psycopg.Connection[tuple[object, ...]],
) -> None:
    (checksum,) = db.execute("SELECT checksum FROM schema_migrations WHERE version = %s",
                             (QUEUE_SCHEMA_VERSION,)).fetchone()  # type: ignore[misc]
    db.execute("UPDATE schema_migrations SET checksum = 'older' WHERE version = %s",
               (QUEUE_SCHEMA_VERSION,))
    try:
        with pytest.raises(QueueSchemaChangedError, match="another procrastinate release"):
            migrate(db)
    finally:
        db.execute("UPDATE schema_migrations SET checksum = %s WHERE version = %s",
                   (checksum, QUEUE_SCHEMA_VERSION))


def test_an_applied_migration_that_was_edited_is_refused(
    db: psycopg.Connection[tuple[object, ...]],
) -> None:
    db.execute("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
    try:
        with pytest.raises(MigrationChangedError, match=r"0001_init\.sql was edited"):
            migrate(db)
    finally:
        first = available_migrations()[0]
        db.execute("UPDATE schema_migrations SET checksum = %s WHERE version = 1",
                   (first.checksum,))
