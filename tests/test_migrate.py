"""Migrations: applied once each, in order, and never silently edited afterwards."""

from __future__ import annotations

import psycopg
import pytest

from storage.migrate import MigrationChangedError, available_migrations, migrate


def test_every_migration_is_recorded_once_with_its_checksum(
    db: psycopg.Connection[tuple[object, ...]],
) -> None:
    rows = db.execute("SELECT version, checksum FROM schema_migrations ORDER BY version").fetchall()
    assert rows == [(m.version, m.checksum) for m in available_migrations()]
    assert migrate(db) == []  # a second start applies nothing


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
