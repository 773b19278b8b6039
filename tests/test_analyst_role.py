"""The read-only role `dozor_analyst` and the BI views of migration 0005."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from importlib import resources
from typing import Any

import psycopg
import pytest
from psycopg import sql

from serve.connection import connect_read_only
from storage.migrate import migrate
from tests.analyst_seed import SEED


@pytest.fixture
def as_analyst(database_url: str, seeded: dict[str, int]) -> Iterator[psycopg.Connection[Any]]:
    """A session that took the analyst role with SET ROLE, as a BI login inheriting it would."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SET ROLE dozor_analyst")
        yield conn


def test_the_role_is_a_group_that_cannot_log_in(database_url: str) -> None:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles"
            " WHERE rolname = 'dozor_analyst'").fetchone()
    assert row == (False, False, False, False)


def test_the_analyst_reads_the_views(
    as_analyst: psycopg.Connection[Any], seeded: dict[str, int]
) -> None:
    row = as_analyst.execute(
        "SELECT topics, subtopics, is_fraud, is_ocg, regions, published_local::date"
        " = published_date, criminal_code_articles FROM analyst_articles WHERE id = %s",
        (seeded["ru_ocg_almaty"],)).fetchone()
    assert row == (["ocg"], ["extortion", "group"], False, True, ["almaty_city"], True, ["262"])
    untagged = as_analyst.execute(
        "SELECT topics, is_fraud FROM analyst_articles WHERE id = %s",
        (seeded["ru_sport_almaty"],)).fetchone()
    assert untagged == ([], False)
    assert as_analyst.execute("SELECT count(*) FROM analyst_articles").fetchone() == (len(SEED),)
    counts = dict(as_analyst.execute(
        "SELECT topic, sum(articles) FROM analyst_daily_counts GROUP BY topic").fetchall())
    assert counts == {"fraud": 5, "ocg": 2, "": 1}
    # The tables are readable too, for questions the views do not answer.
    assert as_analyst.execute("SELECT count(*) FROM article_tags").fetchone() == (7,)


@pytest.mark.parametrize("statement", [
    "INSERT INTO sources (id, name, home, languages, kind) VALUES ('x', 'x', 'x', '{}', 'x')",
    "UPDATE articles SET title = 'changed'",
    "DELETE FROM article_tags",
    "TRUNCATE crawl_runs",
    "CREATE TABLE analyst_scratch (id int)",
])
def test_the_analyst_is_refused_any_write(
    as_analyst: psycopg.Connection[Any], statement: str
) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_analyst.execute(statement.encode())


def test_the_read_only_connection_takes_the_role(database_url: str, seeded: dict[str, int]) -> None:
    with connect_read_only(database_url) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("dozor_analyst",)
        assert conn.execute("SELECT count(*) FROM analyst_articles").fetchone() == (len(SEED),)
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("UPDATE articles SET title = 'changed'")


@pytest.fixture
def owner_without_createrole(pg_server_url: str) -> Iterator[str]:
    """A login owning a fresh database, without CREATEROLE (as on a hosted PostgreSQL)."""
    suffix = uuid.uuid4().hex[:8]
    role, db = f"dozor_owner_{suffix}", f"dozor_norole_{suffix}"
    with psycopg.connect(pg_server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN NOCREATEROLE").format(sql.Identifier(role)))
        admin.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
            sql.Identifier(db), sql.Identifier(role)))
    try:
        yield psycopg.conninfo.make_conninfo(pg_server_url, dbname=db, user=role)
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(db)))
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def test_without_createrole_the_migration_skips_the_role_with_a_notice(
    owner_without_createrole: str,
) -> None:
    try:
        conn = psycopg.connect(owner_without_createrole, autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.skip(f"this server does not let a new login in without a password: {exc}")
    notices: list[str] = []
    conn.add_notice_handler(lambda diag: notices.append(str(diag.message_primary)))
    with conn:
        # The whole chain applies as a plain owner: the views are made, the existing
        # server-wide role is granted SELECT by the owner of the tables.
        migrate(conn)
        assert conn.execute("SELECT count(*) FROM analyst_articles").fetchone() == (0,)
        # A role that does not exist yet cannot be created by this login: the same block,
        # aimed at a new name, ends in a notice instead of an error.
        block = next(
            part for part in resources.files("storage.migrations")
            .joinpath("0005_analysts.sql").read_text(encoding="utf-8").split("DO $$")[1:]
            if "CREATE ROLE" in part)
        missing = f"dozor_analyst_{uuid.uuid4().hex[:8]}"
        conn.execute(("DO $$" + block.replace("dozor_analyst", missing)).encode())
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s",
                            (missing,)).fetchone() == (0,)
    assert any("may not create roles" in n for n in notices), notices
