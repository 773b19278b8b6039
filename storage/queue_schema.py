"""The task queue's tables (procrastinate's own schema), applied by `migrate` once per database.

procrastinate ships its schema as one SQL file per release; Dozor applies the installed
release's file through procrastinate's text rather than a copy of it, and records it in
`schema_migrations` under QUEUE_SCHEMA_VERSION (0046, reserved for it in the numbered range),
with the file's checksum. A database created by another procrastinate release stops `migrate`
with a clear error instead of failing later inside a worker: pyproject.toml pins the release.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import version as package_version
from typing import Any

import psycopg
from procrastinate.schema import SchemaManager

from crawler.errors import DozorError

# The number in schema_migrations that records the queue's schema; no file may take it.
QUEUE_SCHEMA_VERSION = 46


class QueueSchemaChangedError(DozorError):
    """Raised when the database's task-queue tables come from another procrastinate release,
    from `migrate`."""


def queue_schema_name() -> str:
    """The name recorded for the installed release's schema: 'procrastinate_3_10_0'."""
    return "procrastinate_" + package_version("procrastinate").replace(".", "_")


def apply_queue_schema(conn: psycopg.Connection[Any], recorded: str | None,
                       done: bool) -> bool:
    """Create the queue's tables unless `schema_migrations` records them; True if created now.

    `done` says whether QUEUE_SCHEMA_VERSION is recorded, `recorded` its checksum. Run inside
    `migrate`'s transaction and lock.
    """
    schema = SchemaManager.get_schema()
    checksum = hashlib.sha256(schema.encode("utf-8")).hexdigest()
    if done:
        if recorded is not None and recorded != checksum:
            raise QueueSchemaChangedError(
                "this database's task-queue tables were made by another procrastinate release"
                f" than the installed {package_version('procrastinate')}; install the release"
                " pyproject.toml pins, or apply procrastinate's migrations between the two"
                " (procrastinate/sql/migrations) and update the checksum of version"
                f" {QUEUE_SCHEMA_VERSION} in schema_migrations")
        return False
    with conn.transaction():
        conn.execute(schema.encode())  # bytes: several statements, no parameters
        conn.execute(
            "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
            (QUEUE_SCHEMA_VERSION, queue_schema_name(), checksum),
        )
    return True
