"""One alert pass: every active saved search, what is new for it, sent and logged.

Called at the end of every collection (`jobs.tasks`), and by `dozor alerts run`. A saved
search whose every channel failed keeps its watermark, so the next pass tries again; what
was sent is logged per story and never sent twice.

A pass reads the active saved searches first and sends later; a search paused (or paused and
resumed, or handled by another pass) in between must not get that pass. So each search is
sent under its row's lock (SELECT ... FOR UPDATE), re-read at that moment: still active, with
the watermark the pass read, or it is left out. A pause that comes while its message is being
sent waits for the send (at most the SMTP or webhook timeout) and takes effect after it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg

from serve.alerts.deliver import (
    AlertDeliveryError,
    Message,
    compose,
    send_email,
    send_webhook,
)
from serve.alerts.find import AlertItem, new_matches, not_delivered, sent_today, spikes
from serve.alerts.saved import SavedSearch, list_saved

log = logging.getLogger(__name__)

RECORD_SQL = """
INSERT INTO alert_deliveries (saved_search_id, alert_key, article_id, status, channels)
VALUES (%(id)s, %(key)s, %(article)s, %(status)s, %(channels)s)
ON CONFLICT (saved_search_id, alert_key) DO NOTHING
"""
# The saved search as the pass read it, locked until its deliveries are recorded: a pause,
# a resume (it moves checked_until) or another pass's send (so does it) waits for this one.
STILL_DUE_SQL = """
SELECT active AND checked_until IS NOT DISTINCT FROM %(checked)s FROM saved_searches
WHERE id = %(id)s FOR UPDATE
"""
FINISH_SQL = """
UPDATE saved_searches SET last_run_at = %(now)s, last_error = %(error)s,
       checked_until = CASE WHEN %(advance)s THEN %(now)s ELSE checked_until END
WHERE id = %(id)s
"""


@dataclass
class SearchOutcome:
    """What one saved search got in a pass."""

    name: str
    sent: int = 0
    held_back: int = 0
    channels: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class AlertReport:
    """What an alert pass did."""

    searches: list[SearchOutcome] = field(default_factory=list)

    @property
    def sent(self) -> int:
        """Items sent over all saved searches."""
        return sum(s.sent for s in self.searches)

    @property
    def failed(self) -> int:
        """Saved searches with a delivery error."""
        return sum(1 for s in self.searches if s.error)


def run_alerts(conn: psycopg.Connection[Any], now: datetime | None = None, *,
               dry_run: bool = False) -> AlertReport:
    """Check every active saved search and send what is new (autocommit connection)."""
    report = AlertReport()
    moment = now or _db_now(conn)
    for saved in list_saved(conn, active_only=True):
        outcome = _run_one(conn, saved, moment, dry_run)
        if outcome is not None:
            report.searches.append(outcome)
    return report


def _db_now(conn: psycopg.Connection[Any]) -> datetime:
    row = conn.execute("SELECT now()").fetchone()
    assert row is not None
    return row[0]  # type: ignore[no-any-return]


def _run_one(conn: psycopg.Connection[Any], saved: SavedSearch, now: datetime,
             dry_run: bool) -> SearchOutcome | None:
    """What one saved search got; None when it was paused (or changed) since the pass read it."""
    outcome = SearchOutcome(saved.name)
    found: list[AlertItem] = (spikes(conn, saved, now) if saved.kind == "spikes"
                              else new_matches(conn, saved, now))
    found = not_delivered(conn, saved.id, found)
    room = max(0, saved.daily_cap - sent_today(conn, saved.id, now))
    to_send, held = found[:room], found[room:]
    outcome.held_back = len(held)
    if dry_run:
        outcome.sent = len(to_send)
        return outcome
    with conn.transaction():
        row = conn.execute(STILL_DUE_SQL, {"id": saved.id,
                                           "checked": saved.checked_until}).fetchone()
        if row is None or not row[0]:
            log.info("saved search %r was paused or changed during the alert pass: skipped",
                     saved.name)
            return None
        if to_send:
            _deliver(saved, compose(saved, to_send, len(held)), outcome)
        delivered = bool(outcome.channels) or not to_send
        if delivered:
            for item, status in [*((i, "sent") for i in to_send), *((i, "capped") for i in held)]:
                conn.execute(RECORD_SQL, {"id": saved.id, "key": item.key,
                                          "article": item.article_id, "status": status,
                                          "channels": outcome.channels if status == "sent"
                                          else []})
            outcome.sent = len(to_send)
        conn.execute(FINISH_SQL, {"now": now, "error": outcome.error, "advance": delivered,
                                  "id": saved.id})
    if outcome.error:
        log.error("alerts of saved search %r: %s", saved.name, outcome.error)
    return outcome


def _deliver(saved: SavedSearch, message: Message, outcome: SearchOutcome) -> None:
    """Send a message on each of the saved search's channels; note which worked, and why not."""
    errors: list[str] = []
    if saved.email:
        try:
            send_email(saved.email, message)
            outcome.channels.append("email")
        except AlertDeliveryError as exc:
            errors.append(str(exc))
    if saved.webhook:
        try:
            send_webhook(saved.webhook, message)
            outcome.channels.append("webhook")
        except AlertDeliveryError as exc:
            errors.append(str(exc))
    outcome.error = "; ".join(errors) or None


def after_collection(database_url: str) -> AlertReport | None:
    """The alert pass at the end of a collection; a failure is logged, never raised."""
    from storage.db import connect

    try:
        with connect(database_url, autocommit=True) as conn:
            report = run_alerts(conn)
    except Exception:
        # Alerts must never cost a collection its result; `dozor alerts run` retries.
        log.exception("alert pass after collection failed")
        return None
    if report.sent or report.failed:
        log.info("alerts: %d items sent, %d saved searches failed", report.sent, report.failed)
    return report
