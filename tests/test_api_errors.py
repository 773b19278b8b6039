"""The API's client errors in the analyst's language, with a stable code: every message of the
table has its Kazakh and Russian forms, and a real server answers in the language the page
uses (?ui=, the switch's cookie, Accept-Language; English for other clients)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from serve.api import create_app
from serve.errors import ERRORS, INVALID_VALUE, VALIDATION, ApiError
from serve.i18n import read_catalog
from tests.live_api import serve_app

PLACEHOLDER = re.compile(r"\{(\w+)(?:![rs])?\}")
TABLE = sorted({*ERRORS.values(), *VALIDATION.values(), INVALID_VALUE})


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_error_message_has_its_kazakh_and_russian_form(lang: str) -> None:
    held = {str(m.id): str(m.string) for m in read_catalog(lang) if m.id and not m.context}
    for english in TABLE:
        translated = held.get(english, "")
        assert translated, f"{english!r} has no {lang} form: python -m serve.catalogues update"
        assert translated != english, f"{english!r} is not translated to {lang}"
        assert set(PLACEHOLDER.findall(english)) == set(PLACEHOLDER.findall(translated))


@pytest.mark.parametrize("code", sorted(ERRORS))
def test_every_code_words_itself_in_each_language(code: str) -> None:
    values = {name: "x" for name in PLACEHOLDER.findall(ERRORS[code])}
    error = ApiError(code, **values)
    english, kazakh, russian = (error.message(lang) for lang in ("en", "kk", "ru"))
    assert english == str(error) and "{" not in kazakh + russian
    assert len({english, kazakh, russian}) == 3


@pytest.fixture(scope="module")
def api(database_url: str, seeded: dict[str, int]) -> Iterator[httpx.Client]:
    with serve_app(create_app(database_url)) as base, \
            httpx.Client(base_url=base, timeout=30) as client:
        yield client


def test_an_unknown_topic_in_each_language(api: httpx.Client) -> None:
    kazakh = api.get("/api/search", params={"topic": "drugs", "ui": "kk"})
    assert kazakh.status_code == 400
    assert kazakh.json() == {
        "code": "unknown_topic", "message": "белгісіз тақырып «drugs»; белгілілері: fraud, ocg",
        "detail": "белгісіз тақырып «drugs»; белгілілері: fraud, ocg",
        "values": {"value": "drugs", "known": "fraud, ocg"}}
    russian = api.get("/api/stats", params={"topic": "drugs"},
                      headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    assert russian.json()["message"] == "неизвестная тема «drugs»; известные: fraud, ocg"
    # A program that asks for no language reads English; the code is the same everywhere.
    plain = api.get("/api/count", params={"topic": "drugs"})
    assert (plain.json()["code"], plain.json()["message"]) == (
        "unknown_topic", "unknown topic 'drugs'; known: fraud, ocg")


def test_bad_dates_and_queries_follow_the_page_language(api: httpx.Client) -> None:
    # The switch's cookie, as the page sets it, wins over the browser's languages.
    api.cookies.set("dozor_ui", "ru")
    try:
        feb30 = api.get("/api/search", params={"since": "2025-02-30"},
                        headers={"Accept-Language": "kk"})
    finally:
        api.cookies.clear()
    assert feb30.json()["code"] == "not_a_calendar_date"
    assert feb30.json()["message"] == "такой даты нет в календаре: «2025-02-30»"
    someday = api.get("/api/search", params={"until": "someday", "ui": "kk"}).json()
    assert someday["code"] == "unreadable_date" and "күн ретінде оқылмады" in someday["message"]
    excluded = api.get("/api/search", params={"q": "-алаяқ"}, headers={"Accept-Language": "kk"})
    assert excluded.json()["code"] == "only_excluded_words"
    assert excluded.json()["message"].startswith("сұрау тек сөздерді алып тастайды")
    empty = api.get("/api/search", params={"since": "2025-03-02", "until": "2025-03-01",
                                           "ui": "ru"}).json()
    assert (empty["code"], empty["message"]) == (
        "empty_date_range", "диапазон дат пуст: 'since' не раньше 'until'")


def test_validation_errors_name_the_field_in_the_language(api: httpx.Client) -> None:
    response = api.get("/api/search", params={"page_size": 10_000, "ui": "kk"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_parameters"
    assert body["message"] == "сұрау қате: page_size: ең көбі 100 болуы керек"
    assert body["detail"] == [{"parameter": "page_size", "code": "less_than_equal",
                               "message": "ең көбі 100 болуы керек"}]
    russian = api.get("/api/search", params={"page": "abc"},
                      headers={"Accept-Language": "ru"}).json()
    assert russian["message"] == "неверный запрос: page: должно быть целым числом"
    english = api.get("/api/export", params={"format": "pdf"}).json()
    assert english["message"].startswith("invalid request: format: must be one of: 'csv'")


def test_a_bad_saved_search_is_refused_in_the_language(api: httpx.Client) -> None:
    nowhere = {"name": "desk", "query": "алаяқ", "email": [], "webhook": None}
    response = api.post("/api/saved-searches", params={"ui": "kk"}, json=nowhere)
    assert response.status_code == 400
    assert response.json()["code"] == "no_channel"
    assert response.json()["message"] == ("хабарламаларды қайда жіберу керегін көрсетіңіз:"
                                          " e-mail мекенжайы немесе webhook")
    everything = api.post("/api/saved-searches", headers={"Accept-Language": "ru"},
                          json={"name": "all", "email": ["a@example.kz"]}).json()
    assert everything["code"] == "alert_on_everything"
    assert everything["message"].startswith("оповещения о каждой статье завалят вас")
    capped = api.post("/api/saved-searches", params={"ui": "ru"},
                      json={**nowhere, "email": ["a@example.kz"], "daily_cap": 0}).json()
    assert capped["detail"][0]["parameter"] == "daily_cap"
    assert "daily_cap: должно быть не меньше 1" in capped["message"]


def test_not_found_in_the_language(api: httpx.Client) -> None:
    article = api.get("/api/articles/999999", params={"ui": "kk"}).json()
    assert article == {"code": "no_such_article", "message": "мұндай мақала жоқ",
                       "detail": "мұндай мақала жоқ"}
    nothing = api.get("/api/nothing-here", headers={"Accept-Language": "ru"})
    assert nothing.status_code == 404 and nothing.json()["message"] == "не найдено"
