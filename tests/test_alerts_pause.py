"""Pausing and resuming a saved search through the HTTP API (a real uvicorn server, the alert
editor role): a paused search gets no alerts, and resuming does not send what matched while it
was paused. Alerts go to a real local SMTP server, sent by the real alert pass."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql

from serve.alerts.run import run_alerts
from serve.api import create_app
from storage.db import role_name
from tests import test_alerts
from tests.live_api import serve_app
from tests.test_alerts import KARAGANDA_KK, KARAGANDA_RU, Mailbox, add_article

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
