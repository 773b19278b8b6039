"""The saved searches' HTTP routes (list, save, pause, resume, delete), for the web page.

They write through a connection that took this database's `<database>_alert_editor` role (it
may change saved_searches and nothing else; migration 0060); a server where the login may not
take it answers 403, and `dozor alerts` manages them instead.
"""

# No `from __future__ import annotations` here: FastAPI must see the body's model, not its name.
from typing import Annotated, Any, Literal

import psycopg
from fastapi import Body, FastAPI
from fastapi.responses import Response
from psycopg import sql
from pydantic import BaseModel, Field

from serve.alerts.saved import NewSavedSearch, create, list_saved, remove, set_active, validate
from serve.errors import ApiError
from serve.query import MAX_QUERY_CHARS
from serve.request import ALMATY
from storage.db import role_name


class SavedSearchIn(BaseModel):
    """A saved search as the web page sends it."""

    name: str = Field(max_length=120)
    query: str = Field("", max_length=MAX_QUERY_CHARS)
    filters: dict[str, list[str]] = {}
    kind: Literal["matches", "spikes"] = "matches"
    cross_language: bool = True
    email: list[str] = Field([], max_length=20)
    webhook: str | None = Field(None, max_length=200)
    daily_cap: int = Field(20, ge=1, le=500)
    ui_lang: Literal["kk", "ru", "en"] = "kk"


class SavedSearchOut(BaseModel):
    """A saved search as listed (webhook URLs shown by host only)."""

    id: int
    name: str
    kind: str
    query: str
    filters: dict[str, list[str]]
    cross_language: bool
    email: list[str]
    webhook: str | None
    daily_cap: int
    ui_lang: str
    active: bool = Field(description="false while paused: the alert pass skips it")
    paused_since: str | None = Field(description="When it was paused (Asia/Almaty)")
    alerts_from: str | None = Field(description="Since its last resume, alerts look only at"
                                    " what is stored from then on (Asia/Almaty)")
    last_run: str | None
    last_error: str | None


def _almaty(moment: Any) -> str | None:
    return moment.astimezone(ALMATY).isoformat() if moment else None


def saved_out(saved: Any) -> SavedSearchOut:
    """A SavedSearch as listed."""
    return SavedSearchOut(
        id=saved.id, name=saved.name, kind=saved.kind, query=saved.query, filters=saved.filters,
        cross_language=saved.cross_language, email=saved.email, webhook=saved.webhook_shown(),
        daily_cap=saved.daily_cap, ui_lang=saved.ui_lang, active=saved.active,
        paused_since=_almaty(saved.paused_at), alerts_from=_almaty(saved.resumed_at),
        last_run=_almaty(saved.last_run_at), last_error=saved.last_error,
    )


def editor_connection(database_url: str) -> psycopg.Connection[Any]:
    """A connection acting as <database>_alert_editor, or 403 when this login may not take it."""
    conn = psycopg.connect(database_url, autocommit=True, connect_timeout=10,
                           application_name="dozor-api-alerts")
    editor = role_name(conn, "alert_editor")
    row = conn.execute(
        "SELECT pg_has_role(current_user, oid, 'MEMBER') FROM pg_roles WHERE rolname = %s",
        (editor,)).fetchone()
    if not (row and row[0]):
        conn.close()
        raise ApiError("editor_role_unavailable", 403, role=editor)
    conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(editor)))
    return conn


def add_saved_search_routes(app: FastAPI, database_url: str) -> None:
    """Register the saved-search routes: list, save, pause, resume, delete."""

    @app.get("/api/saved-searches", response_model=list[SavedSearchOut], tags=["alerts"])
    def saved_searches() -> list[SavedSearchOut]:
        """The saved searches with alerts (needs the database's alert editor role)."""
        with editor_connection(database_url) as conn:
            return [saved_out(s) for s in list_saved(conn)]

    @app.post("/api/saved-searches", response_model=SavedSearchOut, status_code=201,
              tags=["alerts"])
    def save_search(new: Annotated[SavedSearchIn, Body()]) -> SavedSearchOut:
        """Save a search; alerts begin with what is collected from now on. A webhook from the
        web page is env:DOZOR_WEBHOOK_NAME (the server's environment holds the URL)."""
        wanted = validate(NewSavedSearch(**new.model_dump()), from_web=True)
        with editor_connection(database_url) as conn:
            return saved_out(create(conn, wanted))

    def switch(search_id: int, active: bool) -> SavedSearchOut:
        with editor_connection(database_url) as conn:
            found = set_active(conn, search_id, active)
        if found is None:
            raise ApiError("no_such_saved_search", 404)
        return saved_out(found)

    @app.post("/api/saved-searches/{search_id}/pause", response_model=SavedSearchOut,
              tags=["alerts"])
    def pause_search(search_id: int) -> SavedSearchOut:
        """Pause a saved search: the alert pass skips it until it is resumed."""
        return switch(search_id, False)

    @app.post("/api/saved-searches/{search_id}/resume", response_model=SavedSearchOut,
              tags=["alerts"])
    def resume_search(search_id: int) -> SavedSearchOut:
        """Resume a paused saved search. Its alerts start from now: what was stored while it
        was paused is never sent."""
        return switch(search_id, True)

    @app.delete("/api/saved-searches/{search_id}", status_code=204, tags=["alerts"],
                response_class=Response)
    def delete_search(search_id: int) -> Response:
        """Delete a saved search and its delivery log."""
        with editor_connection(database_url) as conn:
            if not remove(conn, search_id):
                raise ApiError("no_such_saved_search", 404)
        return Response(status_code=204)
