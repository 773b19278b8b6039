"""The corrections routes refuse like the rest of the API: a stable code and a message in the
analyst's language (?ui=, the switch's cookie, Accept-Language; English for programs), from a
real server; a refused verdict leaves tag_corrections as it was."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import psycopg
import pytest
from psycopg import sql

from serve.api import create_app
from storage.db import role_name
from tests.live_api import serve_app

TOKEN = "s3cret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
VERDICT = {"topic": "ocg", "verdict": "reject", "analyst": "dana"}


def recorded(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM tag_corrections").fetchone()
    assert row is not None
    return int(row[0])


@pytest.fixture(scope="module")
def api(database_url: str, seeded: dict[str, int]) -> Iterator[httpx.Client]:
    with serve_app(create_app(database_url)) as base, \
            httpx.Client(base_url=base, timeout=30) as client:
        yield client


def test_corrections_off_and_a_wrong_token_in_each_language(
    api: httpx.Client, seeded: dict[str, int], database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = f"/api/articles/{seeded['kk_ocg_almaty']}/corrections"
    monkeypatch.delenv("DOZOR_CORRECTIONS_TOKEN", raising=False)
    off = api.post(url, params={"ui": "kk"}, json=VERDICT)
    assert off.status_code == 403
    assert off.json() == {
        "code": "corrections_off",
        "message": "бұл серверде түзетулер өшірулі: оларды оператор DOZOR_CORRECTIONS_TOKEN"
                   " орнатып қосады",
        "detail": "бұл серверде түзетулер өшірулі: оларды оператор DOZOR_CORRECTIONS_TOKEN"
                  " орнатып қосады",
        "values": {"setting": "DOZOR_CORRECTIONS_TOKEN"}}

    monkeypatch.setenv("DOZOR_CORRECTIONS_TOKEN", TOKEN)
    wrong = api.post(url, json=VERDICT, headers={"Authorization": "Bearer nope",
                                                 "Accept-Language": "ru-RU,ru;q=0.9"})
    assert wrong.status_code == 401  # the client can fix it: RFC 6750's challenge says how
    assert wrong.headers["www-authenticate"] == (
        'Bearer realm="dozor corrections", error="invalid_token"')
    assert (wrong.json()["code"], wrong.json()["message"]) == (
        "corrections_token_invalid",
        "для записи исправления нужен действительный токен 'Authorization: Bearer'")
    missing = api.post(url, json=VERDICT)  # a program without the header: English
    assert missing.status_code == 401
    assert 'error="invalid_request"' in missing.headers["www-authenticate"]
    plain = missing.json()
    assert (plain["code"], plain["message"]) == (
        "corrections_token_invalid",
        "a valid 'Authorization: Bearer' token is needed to record corrections")
    assert recorded(database_url) == 0


def test_a_verdict_dozor_cannot_accept_names_its_fault_in_the_language(
    api: httpx.Client, seeded: dict[str, int], database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOZOR_CORRECTIONS_TOKEN", TOKEN)
    url = f"/api/articles/{seeded['kk_ocg_almaty']}/corrections"
    topic = api.post(url, params={"ui": "kk"}, headers=AUTH, json={**VERDICT, "topic": "drugs"})
    assert topic.status_code == 422
    assert topic.json() == {
        "code": "unknown_topic", "message": "белгісіз тақырып «drugs»; белгілілері: fraud, ocg",
        "detail": "белгісіз тақырып «drugs»; белгілілері: fraud, ocg",
        "values": {"value": "drugs", "known": "fraud, ocg"}}

    api.cookies.set("dozor_ui", "ru")  # the switch's cookie wins over the browser's language
    try:
        verdict = api.post(url, headers={**AUTH, "Accept-Language": "kk"},
                           json={**VERDICT, "verdict": "maybe"})
    finally:
        api.cookies.clear()
    assert verdict.status_code == 422
    assert (verdict.json()["code"], verdict.json()["message"]) == (
        "unknown_verdict", "неизвестный вердикт «maybe»; известные: confirm, reject")

    blank = api.post(url, params={"ui": "kk"}, headers=AUTH, json={**VERDICT, "analyst": "   "})
    assert blank.status_code == 422
    assert (blank.json()["code"], blank.json()["message"]) == (
        "analyst_name_required", "талдаушының аты міндетті (ең көбі 200 таңба)")

    nowhere = api.post("/api/articles/999999/corrections", params={"ui": "ru"}, headers=AUTH,
                       json=VERDICT)
    assert nowhere.status_code == 404
    assert (nowhere.json()["code"], nowhere.json()["message"]) == (
        "no_such_article", "такой статьи нет")
    assert recorded(database_url) == 0


@pytest.fixture
def reader_login(database_url: str, pg_server_url: str) -> Iterator[str]:
    """A login (password-less, dropped after) in the database's read-only reader role."""
    login = f"dozor_ro_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(database_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN IN ROLE {}").format(
            sql.Identifier(login), sql.Identifier(role_name(admin, "reader"))))
    url = psycopg.conninfo.make_conninfo(database_url, user=login)
    try:
        psycopg.connect(url).close()
    except psycopg.OperationalError as exc:
        pytest.skip(f"this server does not let a new login in without a password: {exc}")
    try:
        yield url
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(login)))


def test_a_read_only_login_is_refused_in_the_language_not_with_a_server_error(
    reader_login: str, seeded: dict[str, int], database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOZOR_CORRECTIONS_TOKEN", TOKEN)
    url = f"/api/articles/{seeded['ru_ocg_almaty']}/corrections"
    with serve_app(create_app(reader_login)) as base, httpx.Client(base_url=base) as api:
        kazakh = api.post(url, params={"ui": "kk"}, headers=AUTH, json=VERDICT)
        assert kazakh.status_code == 403, kazakh.text
        assert kazakh.json() == {
            "code": "corrections_read_only",
            "message": "бұл сервердің дерекқор логині тек оқи алады: түзетуді `dozor correct`"
                       " арқылы жазыңыз (docs/tagging.md)",
            "detail": "бұл сервердің дерекқор логині тек оқи алады: түзетуді `dozor correct`"
                      " арқылы жазыңыз (docs/tagging.md)"}
        russian = api.post(url, headers={**AUTH, "Accept-Language": "ru"}, json=VERDICT).json()
        assert russian["message"].startswith("логин этого сервера в базе данных может только")
        # It still reads: the verdicts list answers, empty.
        assert api.get(url).json() == []
    assert recorded(database_url) == 0
