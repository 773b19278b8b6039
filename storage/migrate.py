"""Apply the numbered SQL files in storage/migrations once each, in order."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from importlib import resources

import psycopg

from crawler.errors import DozorError
from storage.queue_schema import QUEUE_SCHEMA_VERSION, apply_queue_schema

log = logging.getLogger(__name__)

MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# Any fixed number: it serialises concurrent migrators (a scheduler and a CLI starting together).
MIGRATION_LOCK_KEY = 7_305_001


class MigrationChangedError(DozorError):
    """Raised when an applied migration file was edited since, from `migrate`."""


@dataclass(frozen=True, slots=True)
class Migration:
    """One SQL file: its version number, name and text."""

    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        """sha256 of the file's text: an applied migration must never change."""
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()


def available_migrations() -> list[Migration]:
    """The migration files shipped with the package, ordered by version."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migration files share a version number: {versions}")
    return found


def migrate(conn: psycopg.Connection[tuple[object, ...]]) -> list[int]:
    """Apply the pending migrations, each in its own transaction; return their versions."""
    applied_now: list[int] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_KEY,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        # Databases migrated before checksums were kept have NULL there: nothing to compare.
        conn.execute("ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text")
        done: dict[int, str | None] = {
            int(str(version)): (str(checksum) if checksum is not None else None)
            for version, checksum in conn.execute(
                "SELECT version, checksum FROM schema_migrations"
            )
        }
        for migration in available_migrations():
            if migration.version == QUEUE_SCHEMA_VERSION:
                raise RuntimeError(f"migration version {QUEUE_SCHEMA_VERSION} records the task"
                                   " queue's schema (storage/queue_schema.py): take another")
            if migration.version in done:
                recorded = done[migration.version]
                if recorded is not None and recorded != migration.checksum:
                    raise MigrationChangedError(
                        f"migration {migration.version:04d}_{migration.name}.sql was edited after"
                        " this database applied it; put the change in a new migration file"
                    )
                continue
            with conn.transaction():
                conn.execute(migration.sql.encode())  # bytes: several statements, no params
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                    (migration.version, migration.name, migration.checksum),
                )
            log.info("applied migration %04d_%s", migration.version, migration.name)
            applied_now.append(migration.version)
        # The task queue's tables (`dozor worker`), from the installed procrastinate release.
        if apply_queue_schema(conn, done.get(QUEUE_SCHEMA_VERSION),
                              QUEUE_SCHEMA_VERSION in done):
            log.info("applied the task queue's schema (procrastinate)")
            applied_now.append(QUEUE_SCHEMA_VERSION)
        if applied_now and conn.execute(
                "SELECT to_regprocedure('dozor_refresh_role_grants()')").fetchone() != (None,):
            # New tables and views reach the per-database roles (0012), under the lock.
            conn.execute("SELECT dozor_refresh_role_grants()")
    return applied_now
