"""Least privilege: the analysts' role of each database, tested from a real login (finding 3).

Each Dozor database has its own NOLOGIN roles, named after it: `<database>_analyst` (BI tools,
psql: the analyst views only) and `<database>_reader` (the API and `dozor search`: the content
tables, read-only). Neither reaches crawl internals (runs' errors and pids, leases, the job
store), takes or breaks a lease, takes an advisory lock, or connects to another Dozor database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from importlib import resources
from typing import Any

import psycopg
import pytest
from psycopg import sql

from serve.connection import connect_read_only
from storage.db import database_role, drop_database, role_name, scratch_database
from storage.migrate import migrate
from tests.analyst_seed import SEED


@pytest.fixture(scope="module")
def analyst_login(database_url: str, pg_server_url: str) -> Iterator[str]:
    """A login (its own password-less role, dropped after) that inherits the analyst role."""
    login = f"dozor_bi_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(database_url, autocommit=True) as admin:
        analyst = role_name(admin, "analyst")
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN IN ROLE {}").format(
            sql.Identifier(login), sql.Identifier(analyst)))
    try:
        yield psycopg.conninfo.make_conninfo(database_url, user=login)
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(login)))


@pytest.fixture
def as_analyst(analyst_login: str, seeded: dict[str, int]) -> Iterator[psycopg.Connection[Any]]:
    """A session of a BI tool logged in as a member of the analyst role."""
    try:
        conn = psycopg.connect(analyst_login, autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.skip(f"this server does not let a new login in without a password: {exc}")
    with conn:
        yield conn


def test_each_database_has_its_own_roles_named_after_it_that_cannot_log_in(
    database_url: str,
) -> None:
    with psycopg.connect(database_url) as conn:
        database = conn.execute("SELECT current_database()").fetchone()[0]  # type: ignore[index]
        assert role_name(conn, "analyst") == f"{database}_analyst"
        rows = conn.execute(
            "SELECT rolname, rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolinherit"
            " FROM pg_roles WHERE rolname = ANY(%s) ORDER BY rolname",
            ([f"{database}_analyst", f"{database}_reader"],)).fetchall()
    assert rows == [(f"{database}_analyst", False, False, False, False, True),
                    (f"{database}_reader", False, False, False, False, True)]


def test_the_analyst_reads_the_views(
    as_analyst: psycopg.Connection[Any], seeded: dict[str, int]
) -> None:
    row = as_analyst.execute(
        "SELECT topics, subtopics, is_fraud, is_ocg, regions, published_local::date"
        " = published_date, criminal_code_articles FROM analyst_articles WHERE id = %s",
        (seeded["ru_ocg_almaty"],)).fetchone()
    assert row == (["ocg"], ["extortion", "group"], False, True, ["almaty_city"], True, ["262"])
    assert as_analyst.execute("SELECT count(*) FROM analyst_articles").fetchone() == (len(SEED),)
    counts = dict(as_analyst.execute(
        "SELECT topic, sum(articles) FROM analyst_daily_counts GROUP BY topic").fetchall())
    assert counts == {"fraud": 5, "ocg": 2, "": 1}
    as_analyst.execute("SELECT * FROM source_health").fetchall()


def test_the_analyst_sees_runs_without_their_internals(
    database_url: str, as_analyst: psycopg.Connection[Any],
) -> None:
    with psycopg.connect(database_url, autocommit=True) as owner:
        owner.execute("INSERT INTO crawl_runs (source_id, status, found, new, errors, pid)"
                      " VALUES ('zakon_kz', 'partial', 3, 2, '[{\"kind\": \"store\","
                      " \"message\": \"database: connection to 10.0.0.5 failed\"}]', 4242)")
    columns = [c.name for c in as_analyst.execute("SELECT * FROM analyst_runs").description]
    assert {"source_id", "started_at", "finished_at", "status", "found", "new"} <= set(columns)
    assert not {"errors", "stats", "pid", "lease_token", "reason"} & set(columns)
    assert ("zakon_kz", "partial", 3, 2) in as_analyst.execute(
        "SELECT source_id, status, found, new FROM analyst_runs").fetchall()


@pytest.mark.parametrize("table", ["articles", "article_tags", "crawl_runs", "leases",
                                   "sources", "fetch_validators", "schema_migrations",
                                   # the task queue: jobs' arguments, workers, events
                                   "procrastinate_jobs", "procrastinate_workers",
                                   "procrastinate_events", "procrastinate_periodic_defers"])
def test_the_analyst_cannot_read_a_table(as_analyst: psycopg.Connection[Any], table: str) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_analyst.execute(sql.SQL("SELECT * FROM {} LIMIT 1").format(sql.Identifier(table)))


@pytest.mark.parametrize("statement", [
    # Taking or breaking a source's lease.
    "INSERT INTO leases (name, owner, token, expires_at) VALUES ('source:zakon_kz', 'bi', 1,"
    " now() + interval '1 day')",
    "DELETE FROM leases",
    "UPDATE leases SET expires_at = now()",
    "SELECT nextval('lease_tokens')",
    # The crawl's (or any) advisory locks.
    "SELECT pg_advisory_lock(7305, 1)",
    "SELECT pg_try_advisory_lock(1)",
    "SELECT pg_advisory_xact_lock(7305001)",
    "SELECT pg_try_advisory_lock_shared(7305, 1)",
    # Any write.
    "INSERT INTO sources (id, name, home, languages, kind) VALUES ('x', 'x', 'x', '{}', 'x')",
    "UPDATE articles SET title = 'changed'",
    "TRUNCATE crawl_runs",
    # Queueing a job (a crawl, an import of a path the analyst chose).
    "SELECT procrastinate_defer_jobs_v1(ARRAY[ROW('crawls', 'crawl', 0, NULL, NULL,"
    " '{}'::jsonb, NULL)::procrastinate_job_to_defer_v1])",
    "CREATE TABLE analyst_scratch (id int)",
])
def test_the_analyst_cannot_take_locks_or_leases_or_write(
    as_analyst: psycopg.Connection[Any], statement: str
) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_analyst.execute(statement.encode())


def test_the_analyst_cannot_connect_to_another_dozor_database(
    analyst_login: str, pg_server_url: str,
) -> None:
    with scratch_database(pg_server_url, "dozor_other") as other:
        elsewhere = psycopg.conninfo.make_conninfo(
            other, user=psycopg.conninfo.conninfo_to_dict(analyst_login)["user"])
        with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
            psycopg.connect(elsewhere).close()


def test_the_old_server_wide_role_has_nothing_left_here(database_url: str) -> None:
    with psycopg.connect(database_url) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'dozor_analyst'").fetchone():
            granted = conn.execute(
                "SELECT has_database_privilege('dozor_analyst', current_database(), 'CONNECT'),"
                " has_table_privilege('dozor_analyst', 'articles', 'SELECT')").fetchone()
            assert granted == (False, False)


def test_the_read_only_connection_takes_the_reader_role(
    database_url: str, seeded: dict[str, int]
) -> None:
    with connect_read_only(database_url) as conn:
        reader = role_name(conn, "reader")
        assert conn.execute("SELECT current_user").fetchone() == (reader,)
        assert conn.execute("SELECT count(*) FROM analyst_articles").fetchone() == (len(SEED),)
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (len(SEED),)
        for internal in ("crawl_runs", "leases", "procrastinate_jobs", "procrastinate_events",
                         "procrastinate_workers"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql.SQL("SELECT 1 FROM {}").format(sql.Identifier(internal)))
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
        drop_database(pg_server_url, db)
        with psycopg.connect(pg_server_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def test_without_createrole_the_migration_skips_the_roles_with_a_notice(
    owner_without_createrole: str,
) -> None:
    try:
        conn = psycopg.connect(owner_without_createrole, autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.skip(f"this server does not let a new login in without a password: {exc}")
    notices: list[str] = []
    conn.add_notice_handler(lambda diag: notices.append(str(diag.message_primary)))
    with conn:
        # The whole chain applies as a plain owner: the views are made; the roles are not.
        migrate(conn)
        assert conn.execute("SELECT count(*) FROM analyst_articles").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s",
                            (role_name(conn, "analyst"),)).fetchone() == (0,)
        # The read side still works, read-only, without a role to take.
        assert conn.execute("SELECT 1").fetchone() == (1,)
    assert any("not created: this user may not create roles" in n for n in notices), notices
    text = resources.files("storage.migrations").joinpath("0011_analyst_roles.sql").read_text(
        encoding="utf-8")
    assert "may not create roles" in text


@pytest.mark.parametrize("database", ["dozor", "d" * 54, "д" * 31])
def test_python_and_sql_name_a_database_s_roles_alike(database_url: str, database: str) -> None:
    with psycopg.connect(database_url) as conn:
        expected = conn.execute(
            "SELECT CASE WHEN octet_length(%(db)s) + 1 + octet_length(%(kind)s) <= 63"
            " THEN %(db)s || '_' || %(kind)s"
            " ELSE 'dozor_' || left(md5(%(db)s), 16) || '_' || %(kind)s END",
            {"db": database, "kind": "analyst"}).fetchone()
    name = database_role(database, "analyst")
    assert (name,) == expected and len(name.encode()) <= 63
    # The SQL above is dozor_role_name's body, with the database as a parameter.
    body = resources.files("storage.migrations").joinpath("0011_analyst_roles.sql").read_text(
        encoding="utf-8")
    assert "ELSE 'dozor_' || left(md5(current_database()), 16) || '_' || kind END" in body
