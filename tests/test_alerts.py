"""Saved searches and their alerts, delivered to a real local SMTP server (aiosmtpd) and a real
HTTP webhook receiver, managed with `dozor alerts`, run at the end of a real collection."""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner

from crawler.extract.body import content_hash
from crawler.items import Article
from crawler.tagging.apply import analyse_article
from crawler.tagging.normalize import normalize_text
from jobs.cli import dozor
from storage.articles import store_article
from storage.stories import group_stories
from tests.analyst_seed import ALMATY, empty_tables, seed_now
from tests.waiting import patience, wait_for


class Mailbox:
    """Messages an aiosmtpd handler received."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1 in a thread; DOZOR_SMTP_* point at it."""
    from aiosmtpd.controller import Controller

    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("DOZOR_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("DOZOR_SMTP_PORT", str(port))
    monkeypatch.setenv("DOZOR_SMTP_FROM", "dozor@alerts.test")
    monkeypatch.setenv("DOZOR_PUBLIC_URL", "http://dozor.test:8000")
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def webhook(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """A chat webhook receiver (HTTP on 127.0.0.1); its URL is in $DOZOR_WEBHOOK_DESK."""
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append({"type": self.headers["Content-Type"],
                             "body": json.loads(self.rfile.read(length))})
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("DOZOR_WEBHOOK_DESK", f"http://127.0.0.1:{server.server_port}/hook")
    try:
        yield received
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def store(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        empty_tables(conn)
        conn.execute("INSERT INTO sources (id, name, home, languages, kind) VALUES"
                     " ('polisia_kz', 'Police', 'https://polisia.kz', '{kk,ru}', 'official')"
                     " ON CONFLICT DO NOTHING")
        yield conn
        empty_tables(conn)


def add_article(conn: psycopg.Connection[Any], key: str, title: str, body: str, lang: str,
                hours_ago: float = 1, source: str = "polisia_kz") -> None:
    when = seed_now() - timedelta(hours=hours_ago)
    article = Article(
        source_id=source, url=f"https://polisia.kz/{lang}/{key}", title=title, body=body,
        lang=lang, languages=(lang,), published_at=when, fetched_at=seed_now(),
        date_source="jsonld", body_normalized=normalize_text(body),
        content_hash=content_hash(title, body))
    store_article(conn, article, analyse_article(article), None)


def cli(database_url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(dozor, list(args), env={"DATABASE_URL": database_url,
                                                        "DOZOR_UI_LANG": "en"})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


KARAGANDA_RU = ("В Караганде задержан телефонный мошенник",
                "Полицейские Карагандинской области задержали мошенника, который звонил"
                " пенсионерам от имени банка. Возбуждено уголовное дело по статье 190 УК РК.")
KARAGANDA_KK = ("Қарағандыда телефон алаяғы ұсталды",
                "Қарағанды облысының полицейлері зейнеткерлерге банк атынан қоңырау шалған"
                " алаяқты ұстады. ҚР ҚК 190-бабы бойынша қылмыстық іс қозғалды.")


def test_new_stories_are_mailed_and_posted_once_each(
    database_url: str, store: psycopg.Connection[Any], smtp: Mailbox,
    webhook: list[dict[str, Any]],
) -> None:
    add_article(store, "old", *KARAGANDA_RU, "ru")  # stored before the search: not news to it
    code, out = cli(database_url, "alerts", "add", "Karaganda fraud", "мошенники",
                    "--region", "karaganda", "--email", "desk@example.kz",
                    "--webhook", "env:DOZOR_WEBHOOK_DESK", "--alert-lang", "ru")
    assert code == 0 and "added" in out
    add_article(store, "new-ru", KARAGANDA_RU[0] + " повторно", KARAGANDA_RU[1] + " Второй.",
                "ru")
    add_article(store, "new-kk", *KARAGANDA_KK, "kk")  # found through "алаяқ"
    add_article(store, "other", "В Актобе задержан мошенник", "Полиция Актобе задержала"
                " мошенника. Возбуждено дело по статье 190 УК РК.", "ru")
    group_stories(store)  # as a collection does before its alerts

    code, out = cli(database_url, "alerts", "run")
    assert code == 0 and "Karaganda fraud: sent 2, over the daily cap 0 (email, webhook)" in out
    [mail] = smtp.messages
    assert smtp.recipients == [["desk@example.kz"]]
    assert mail["Subject"] == "Dozor · Karaganda fraud: новое — 2"
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Новое по сохранённому поиску «Karaganda fraud»" in text
    assert KARAGANDA_KK[0] in text and "повторно" in text and "Актобе" not in text
    assert "http://dozor.test:8000/article/" in text
    assert mail.get_body(("html",)) is not None
    [post] = webhook
    assert post["type"].startswith("application/json")
    assert "Karaganda fraud" in post["body"]["text"]
    assert len(post["body"]["dozor"]["items"]) == 2

    # Nothing new: nothing sent. A republication of an alerted story: not sent again.
    assert cli(database_url, "alerts", "run")[1].startswith("Karaganda fraud: sent 0")
    add_article(store, "repost", KARAGANDA_KK[0], KARAGANDA_KK[1], "kk", source="zakon_kz")
    group_stories(store)
    assert store.execute("SELECT count(DISTINCT story_id) FROM articles WHERE title = %s",
                         (KARAGANDA_KK[0],)).fetchone() == (1,)
    assert cli(database_url, "alerts", "run")[1].startswith("Karaganda fraud: sent 0")
    assert len(smtp.messages) == 1


def before_almaty_midnight(conn: psycopg.Connection[Any]) -> float:
    """Seconds until midnight in Almaty by the database's clock, which `alerts run` reads."""
    row = conn.execute("SELECT now()").fetchone()
    assert row is not None
    now = row[0].astimezone(ALMATY)
    midnight = datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=ALMATY)
    return float((midnight - now).total_seconds())


def within_one_day(conn: psycopg.Connection[Any]) -> None:
    """Return when the day has room for a test that counts what was sent today over two runs
    (a run each side of midnight starts a new day's count): at once but in the last seconds
    before Almaty midnight, when it waits for midnight to pass."""
    room = patience(10)
    wait_for(lambda: before_almaty_midnight(conn) > room, room + 5, "Almaty midnight to pass")


def test_the_daily_cap_holds_back_the_rest_and_says_so(
    database_url: str, store: psycopg.Connection[Any], smtp: Mailbox,
) -> None:
    within_one_day(store)
    cli(database_url, "alerts", "add", "capped", "--topic", "fraud", "--email", "a@example.kz",
        "--cap", "1", "--alert-lang", "en")
    add_article(store, "one", *KARAGANDA_RU, "ru", hours_ago=2)
    add_article(store, "two", *KARAGANDA_KK, "kk", hours_ago=1)
    _, out = cli(database_url, "alerts", "run")
    assert "capped: sent 1, over the daily cap 1" in out
    text = smtp.messages[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "1 more today beyond the daily cap of 1." in text
    add_article(store, "three", "В Караганде снова мошенники", KARAGANDA_RU[1] + " Третий.",
                "ru")
    assert "capped: sent 0, over the daily cap 1" in cli(database_url, "alerts", "run")[1]
    assert len(smtp.messages) == 1


def test_a_failed_delivery_is_retried_on_the_next_run(
    database_url: str, store: psycopg.Connection[Any], smtp: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cli(database_url, "alerts", "add", "retry", "алаяқ", "--email", "b@example.kz")
    add_article(store, "kk", *KARAGANDA_KK, "kk")
    real_port = os.environ["DOZOR_SMTP_PORT"]
    monkeypatch.setenv("DOZOR_SMTP_PORT", str(free_port()))  # nothing listens there
    code, out = cli(database_url, "alerts", "run")
    assert code == 1 and "ConnectionRefusedError" in out
    listed = cli(database_url, "alerts", "list")[1]
    assert "error: SMTP 127.0.0.1" in listed
    monkeypatch.setenv("DOZOR_SMTP_PORT", real_port)
    code, out = cli(database_url, "alerts", "run")
    assert code == 0 and "retry: sent 1" in out and len(smtp.messages) == 1


def test_a_spike_of_a_topic_in_a_region_is_alerted(
    database_url: str, store: psycopg.Connection[Any], smtp: Mailbox,
) -> None:
    within_one_day(store)
    cli(database_url, "alerts", "add", "spikes", "--spikes", "--topic", "fraud",
        "--email", "c@example.kz", "--alert-lang", "kk")
    # A usual month: one Karaganda fraud story every week; today: four.
    for week in range(1, 5):
        add_article(store, f"base-{week}", f"Карагандада алаяқ ұсталды {week}",
                    KARAGANDA_KK[1] + f" Апта {week}.", "kk", hours_ago=24 * 7 * week - 30)
    for n in range(4):
        add_article(store, f"today-{n}", f"{KARAGANDA_RU[0]}, случай {n + 1}",
                    KARAGANDA_RU[1] + f" Эпизод {n + 1}, ущерб {n + 2} млн тенге.", "ru",
                    hours_ago=n + 1)
    _, out = cli(database_url, "alerts", "run")
    assert "spikes: sent 1" in out
    text = smtp.messages[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Қарағанды облысы: Алаяқтық, 24 сағатта 4 оқиға" in text
    assert "spikes: sent 0" in cli(database_url, "alerts", "run")[1]  # once a day


def test_saved_searches_are_managed_from_the_command_line(
    database_url: str, store: psycopg.Connection[Any],
) -> None:
    code, _ = cli(database_url, "alerts", "add", "desk", "ОПГ", "--webhook",
                  "https://hooks.example.com/services/T000/B000/SECRET")
    assert code == 0
    listed = cli(database_url, "alerts", "list")[1]
    assert "desk" in listed and "hooks.example.com/…" in listed and "SECRET" not in listed
    assert cli(database_url, "alerts", "pause", "desk")[0] == 0
    assert "paused" in cli(database_url, "alerts", "list")[1]
    assert cli(database_url, "alerts", "resume", "desk")[0] == 0
    assert cli(database_url, "alerts", "remove", "desk")[0] == 0
    assert "No saved searches yet" in cli(database_url, "alerts", "list")[1]
    result = CliRunner().invoke(dozor, ["alerts", "add", "bad", "--topic", "fraud"],
                                env={"DATABASE_URL": database_url})
    assert "say where to send alerts" in str(result.exception)


@pytest.mark.slow
def test_a_collection_ends_with_the_alerts(
    crawl_env: dict[str, str], db: psycopg.Connection[tuple[object, ...]], smtp: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from jobs.tasks import collect

    # The saved Zakon.kz pages are from December 2025: old news for the alert's age limit.
    monkeypatch.setenv("DOZOR_ALERT_MAX_AGE_DAYS", "100000")
    url = crawl_env["DATABASE_URL"]
    assert cli(url, "alerts", "add", "OCG desk", "ҰҚТ", "--email", "ocg@example.kz")[0] == 0
    [(_, outcome)] = collect(["zakon_kz"])
    assert outcome.status == "ok"
    [mail] = smtp.messages
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Ұйымдасқан қылмыстық топ адамдарды бақылап" in text
    collect(["zakon_kz"])  # nothing new: nothing sent
    assert len(smtp.messages) == 1
