"""Pausing and resuming a saved search through the HTTP API (a real uvicorn server, the alert
editor role): a paused search gets no alerts, and resuming does not send what matched while it
was paused. Alerts go to a real local SMTP server, sent by the real alert pass."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql

from serve.alerts.run import AlertReport, run_alerts
from serve.api import create_app
from storage.db import role_name
from tests import test_alerts
from tests.live_api import serve_app
from tests.test_alerts import KARAGANDA_KK, KARAGANDA_RU, Mailbox, add_article
from tests.waiting import patience, wait_for

# test_alerts' fixtures: a real SMTP server on 127.0.0.1, the tables emptied around each test.
smtp = test_alerts.smtp
store = test_alerts.store


@pytest.fixture
def api(database_url: str) -> Iterator[httpx.Client]:
    with serve_app(create_app(database_url)) as base, \
            httpx.Client(base_url=base, timeout=30) as client:
        yield client


def mailed_text(box: Mailbox) -> str:
    return "\n".join(m.get_body(("plain",)).get_content()  # type: ignore[union-attr]
                     for m in box.messages)


def test_a_paused_search_is_skipped_and_resumes_from_the_moment_of_resuming(
    api: httpx.Client, store: psycopg.Connection[Any], smtp: Mailbox,
) -> None:
    created = api.post("/api/saved-searches", json={
        "name": "Karaganda desk", "query": "мошенники", "filters": {"regions": ["karaganda"]},
        "email": ["desk@example.kz"], "ui_lang": "ru"})
    assert created.status_code == 201, created.text
    search = created.json()
    assert search["active"] and search["paused_since"] is None

    paused = api.post(f"/api/saved-searches/{search['id']}/pause")
    assert paused.status_code == 200, paused.text
    assert not paused.json()["active"] and paused.json()["paused_since"]
    [listed] = api.get("/api/saved-searches").json()
    assert not listed["active"] and listed["paused_since"] == paused.json()["paused_since"]

    # Stored while paused: the alert pass does not even look at the search.
    add_article(store, "while-paused", *KARAGANDA_RU, "ru")
    report = run_alerts(store)
    assert report.searches == [] and smtp.messages == []

    resumed = api.post(f"/api/saved-searches/{search['id']}/resume")
    assert resumed.json()["active"] and resumed.json()["paused_since"] is None
    assert resumed.json()["alerts_from"]
    # What matched while it was paused is not sent after resuming (it was stored minutes
    # before: within the pass's one-hour look-back, which must not reach into the pause).
    [outcome] = run_alerts(store).searches
    assert (outcome.name, outcome.sent) == ("Karaganda desk", 0) and smtp.messages == []

    add_article(store, "after-resume", *KARAGANDA_KK, "kk")
    [outcome] = run_alerts(store).searches
    assert outcome.sent == 1 and outcome.error is None
    text = mailed_text(smtp)
    assert KARAGANDA_KK[0] in text and KARAGANDA_RU[0] not in text

    # Resuming an active search changes nothing; pausing twice keeps the first moment.
    again = api.post(f"/api/saved-searches/{search['id']}/resume").json()
    assert again["alerts_from"] == resumed.json()["alerts_from"]
    first = api.post(f"/api/saved-searches/{search['id']}/pause").json()["paused_since"]
    assert api.post(f"/api/saved-searches/{search['id']}/pause").json()["paused_since"] == first


def test_pausing_needs_a_saved_search_and_the_editor_role(
    api: httpx.Client, store: psycopg.Connection[Any],
) -> None:
    missing = api.post("/api/saved-searches/987654/pause", params={"ui": "kk"})
    assert missing.status_code == 404
    assert missing.json()["code"] == "no_such_saved_search"
    assert missing.json()["message"] == "мұндай сақталған іздеу жоқ"
    # Only the editor role may change saved searches: the API's reader role may not pause one.
    store.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role_name(store, "reader"))))
    try:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            store.execute("UPDATE saved_searches SET active = false")
    finally:
        store.execute("RESET ROLE")


def pass_with(database_url: str, store: psycopg.Connection[Any],
              meanwhile: Callable[[], None]) -> AlertReport:
    """An alert pass on its own connection, held after it has read the saved searches and
    their matches and before it sends: a concurrent transaction holds alert_deliveries, which
    the pass reads next. `meanwhile` runs while it waits; then the pass goes on."""
    with psycopg.connect(database_url) as gate, \
            psycopg.connect(database_url, autocommit=True) as conn, \
            ThreadPoolExecutor(1) as pool:
        gate.execute("LOCK TABLE alert_deliveries IN ACCESS EXCLUSIVE MODE")
        running = pool.submit(run_alerts, conn)
        wait_for(lambda: store.execute(
            "SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted"
            " AND relation = 'alert_deliveries'::regclass", (conn.info.backend_pid,)).fetchone(),
            30, "the alert pass waiting on alert_deliveries")
        try:
            meanwhile()
        finally:
            gate.commit()  # the lock goes: the pass finds what it read, and sends or not
        return running.result(timeout=patience(60))


@pytest.mark.parametrize("meanwhile", ["nothing", "pause", "pause and resume"])
def test_a_search_paused_while_a_pass_runs_does_not_get_that_pass(
    api: httpx.Client, store: psycopg.Connection[Any], smtp: Mailbox, database_url: str,
    meanwhile: str,
) -> None:
    created = api.post("/api/saved-searches", json={
        "name": "Karaganda desk", "query": "мошенники", "filters": {"regions": ["karaganda"]},
        "email": ["desk@example.kz"], "ui_lang": "ru"})
    assert created.status_code == 201, created.text
    search_id = created.json()["id"]
    add_article(store, "during-the-pass", *KARAGANDA_RU, "ru")

    def act() -> None:
        for step in {"nothing": [], "pause": ["pause"],
                     "pause and resume": ["pause", "resume"]}[meanwhile]:
            done = api.post(f"/api/saved-searches/{search_id}/{step}")
            assert done.status_code == 200, done.text

    report = pass_with(database_url, store, act)
    sent = store.execute("SELECT count(*) FROM alert_deliveries").fetchone()
    if meanwhile == "nothing":  # the harness itself lets a pass send
        assert [(o.name, o.sent) for o in report.searches] == [("Karaganda desk", 1)]
        assert len(smtp.messages) == 1 and sent == (1,)
        return
    # Read as active, paused before its send: no message, nothing logged as sent.
    assert report.searches == [] and smtp.messages == [] and sent == (0,)
    if meanwhile == "pause and resume":
        # Resumed during the pass: its alerts start from the resume, as for any resume; the
        # story stored before it is not sent by the next pass either.
        [outcome] = run_alerts(store).searches
        assert outcome.sent == 0 and smtp.messages == []
