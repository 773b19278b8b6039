"""The saved_searches table: an analyst's query, filters and where to send what is new.

Written by the owner's connection (`dozor alerts ...`) or, from the web page, by a connection
that took the database's `<database>_alert_editor` role, which may change this table and
nothing else.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from serve.errors import BadQueryError
from serve.i18n import UI_LANGUAGES
from serve.query import MAX_QUERY_CHARS, parse_query
from serve.request import Filters, validate_filters

KINDS = ("matches", "spikes")
FILTER_FIELDS = ("topics", "subtopics", "sources", "langs", "regions")
MAX_RECIPIENTS = 20
DEFAULT_CAP = 20
MAX_CAP = 500
# A webhook chosen on the web page names an environment variable of the server (the URL of a
# chat webhook is a secret, and the page must not make the server post anywhere it likes).
WEB_WEBHOOK_PREFIX = "DOZOR_WEBHOOK_"
EMAIL_DOMAINS_ENV = "DOZOR_ALERT_EMAIL_DOMAINS"
_EMAIL_RE = re.compile(r"^[^@\s<>,;\"]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$")
_ENV_NAME_RE = re.compile(r"^env:([A-Z][A-Z0-9_]{0,63})$")


def filters_from(saved: dict[str, list[str]]) -> Filters:
    """Search Filters from a saved search's filters (lists of ids by field)."""
    def get(name: str) -> tuple[str, ...]:
        return tuple(saved.get(name, ()))

    return Filters(topics=get("topics"), subtopics=get("subtopics"), sources=get("sources"),
                   langs=get("langs"), regions=get("regions"))


@dataclass
class SavedSearch:
    """One row of saved_searches."""

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
    active: bool
    checked_until: datetime
    last_run_at: datetime | None
    last_error: str | None
    created_at: datetime
    paused_at: datetime | None = None
    # Alerts never look at what was stored before the last resume (migration 0061).
    resumed_at: datetime | None = None

    def search_filters(self) -> Filters:
        """The saved filters as search Filters."""
        return filters_from(self.filters)

    def webhook_shown(self) -> str | None:
        """The webhook as a list may show it: env:NAME, or the URL's host only."""
        if not self.webhook or self.webhook.startswith("env:"):
            return self.webhook
        host = re.sub(r"^https?://([^/]+).*$", r"\1", self.webhook)
        return f"{host}/…"


@dataclass
class NewSavedSearch:
    """What a user asks to save."""

    name: str
    query: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    kind: str = "matches"
    cross_language: bool = True
    email: list[str] = field(default_factory=list)
    webhook: str | None = None
    daily_cap: int = DEFAULT_CAP
    ui_lang: str = "kk"


def validate(new: NewSavedSearch, *, from_web: bool = False) -> NewSavedSearch:
    """Check a saved search before it is stored; raise BadQueryError saying what is wrong."""
    name = " ".join(new.name.split())
    if not 1 <= len(name) <= 120:
        raise BadQueryError("saved_search_name")
    if new.kind not in KINDS:
        raise BadQueryError("unknown_kind", value=new.kind, known=", ".join(KINDS))
    if len(new.query) > MAX_QUERY_CHARS:
        raise BadQueryError("query_too_long", max=MAX_QUERY_CHARS)
    parse_query(new.query)  # refuses what search would refuse
    unknown = set(new.filters) - set(FILTER_FIELDS)
    if unknown:
        raise BadQueryError("unknown_filter", value=sorted(unknown)[0])
    filters = {k: sorted(set(v)) for k, v in new.filters.items() if v}
    validate_filters(filters_from(filters))
    if new.kind == "matches" and not new.query.strip() and not filters:
        raise BadQueryError("alert_on_everything")
    email = sorted({e.strip() for e in new.email if e.strip()})
    if len(email) > MAX_RECIPIENTS:
        raise BadQueryError("too_many_recipients", max=MAX_RECIPIENTS)
    allowed = [d.strip().lower() for d in os.environ.get(EMAIL_DOMAINS_ENV, "").split(",")
               if d.strip()]
    for address in email:
        if not _EMAIL_RE.match(address):
            raise BadQueryError("not_an_email", value=address[:80])
        if allowed and address.rsplit("@", 1)[1].lower() not in allowed:
            raise BadQueryError("email_domain_not_allowed", value=address,
                                setting=EMAIL_DOMAINS_ENV)
    webhook = (new.webhook or "").strip() or None
    if webhook:
        env = _ENV_NAME_RE.match(webhook)
        if from_web and not (env and env[1].startswith(WEB_WEBHOOK_PREFIX)):
            raise BadQueryError("web_webhook_not_env", prefix=WEB_WEBHOOK_PREFIX)
        if not env and not re.match(r"^https?://[^\s/]+", webhook):
            raise BadQueryError("bad_webhook")
    if not email and not webhook:
        raise BadQueryError("no_channel")
    if not 1 <= new.daily_cap <= MAX_CAP:
        raise BadQueryError("daily_cap_out_of_range", max=MAX_CAP)
    if new.ui_lang not in UI_LANGUAGES:
        raise BadQueryError("unknown_alert_language", value=new.ui_lang)
    return NewSavedSearch(name, new.query.strip(), filters, new.kind, new.cross_language,
                          email, webhook, new.daily_cap, new.ui_lang)


COLUMNS = ("id, name, kind, query, filters, cross_language, email, webhook, daily_cap, ui_lang,"
           " active, checked_until, last_run_at, last_error, created_at, paused_at, resumed_at")


def create(conn: psycopg.Connection[Any], new: NewSavedSearch) -> SavedSearch:
    """Store a validated saved search; its alerts start with what is stored from now on."""
    with conn.cursor(row_factory=class_row(SavedSearch)) as cur:
        try:
            row = cur.execute(
                f"INSERT INTO saved_searches (name, kind, query, filters, cross_language, email,"
                f" webhook, daily_cap, ui_lang) VALUES (%(name)s, %(kind)s, %(query)s,"
                f" %(filters)s, %(cross)s, %(email)s, %(webhook)s, %(cap)s, %(ui)s)"
                f" RETURNING {COLUMNS}",
                {"name": new.name, "kind": new.kind, "query": new.query,
                 "filters": Jsonb(new.filters), "cross": new.cross_language,
                 "email": new.email, "webhook": new.webhook, "cap": new.daily_cap,
                 "ui": new.ui_lang},
            ).fetchone()
        except psycopg.errors.UniqueViolation:
            raise BadQueryError("saved_search_exists", value=new.name) from None
    assert row is not None
    return row


def list_saved(conn: psycopg.Connection[Any], *, active_only: bool = False) -> list[SavedSearch]:
    """Every saved search, by name."""
    where = " WHERE active" if active_only else ""
    with conn.cursor(row_factory=class_row(SavedSearch)) as cur:
        return cur.execute(f"SELECT {COLUMNS} FROM saved_searches{where} ORDER BY name").fetchall()


def find_saved(conn: psycopg.Connection[Any], reference: str) -> SavedSearch | None:
    """A saved search by id or name."""
    with conn.cursor(row_factory=class_row(SavedSearch)) as cur:
        return cur.execute(
            f"SELECT {COLUMNS} FROM saved_searches WHERE name = %(ref)s"
            " OR (%(ref)s ~ '^[0-9]{1,18}$' AND id = %(ref)s::bigint)", {"ref": reference},
        ).fetchone()


def remove(conn: psycopg.Connection[Any], search_id: int) -> bool:
    """Delete a saved search and its delivery log; whether it existed."""
    row = conn.execute("DELETE FROM saved_searches WHERE id = %s RETURNING id",
                       (search_id,)).fetchone()
    return row is not None


SET_ACTIVE_SQL = f"""
UPDATE saved_searches SET
    active = %(active)s, updated_at = now(),
    paused_at = CASE WHEN %(active)s THEN NULL ELSE coalesce(paused_at, now()) END,
    resumed_at = CASE WHEN %(active)s AND NOT active THEN now() ELSE resumed_at END,
    checked_until = CASE WHEN %(active)s AND NOT active THEN now() ELSE checked_until END
WHERE id = %(id)s
RETURNING {COLUMNS}
"""


def set_active(conn: psycopg.Connection[Any], search_id: int, active: bool
               ) -> SavedSearch | None:
    """Pause or resume a saved search; None if there is none with this id.

    Resuming starts its alerts afresh: what was stored while it was paused is never sent (the
    right side of SET reads the row before the update, so a repeated resume changes nothing).
    """
    with conn.cursor(row_factory=class_row(SavedSearch)) as cur:
        return cur.execute(SET_ACTIVE_SQL, {"active": active, "id": search_id}).fetchone()
