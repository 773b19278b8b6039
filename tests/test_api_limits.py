"""The API's own inputs are bounded: every oversized or malformed parameter answers a short
error object naming it, never a 500 or a traceback (issue 12, bounded inputs)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from serve.api import create_app
from tests.live_api import serve_app


@pytest.fixture(scope="module")
def api(database_url: str, seeded: dict[str, int]) -> Iterator[httpx.Client]:
    with serve_app(create_app(database_url)) as base, \
            httpx.Client(base_url=base, timeout=30) as client:
        yield client


@pytest.mark.parametrize(("path", "params", "status", "parameter"), [
    ("/api/search", {"q": "а" * 201}, 422, "q"),
    ("/feeds/search.atom", {"q": "a" * 5000}, 422, "q"),
    ("/api/search", {"page_size": 10_000}, 422, "page_size"),
    ("/api/search", {"page": 1001}, 422, "page"),
    ("/api/search", [("topic", "fraud")] * 26, 422, "topic"),
    ("/api/search", {"since": "2025-01-01" * 5}, 422, "since"),
    ("/api/stats", [("by", "week")] * 6, 422, "by"),
    ("/api/articles/abc", {}, 422, "article_id"),
])
def test_an_input_past_its_bound_answers_422_naming_the_parameter(
    api: httpx.Client, path: str, params: Any, status: int, parameter: str,
) -> None:
    response = api.get(path, params=params)
    assert response.status_code == status, response.text
    [error] = response.json()["detail"]
    assert error["parameter"] == parameter and error["message"]


@pytest.mark.parametrize(("params", "says"), [
    ({"topic": "x" * 20_000}, "unknown topic"),
    ({"source": "z" * 5000}, "not a source id"),
    ({"lang": "\x00"}, "unknown language"),
])
def test_a_value_dozor_cannot_read_answers_400_with_a_short_reason(
    api: httpx.Client, params: dict[str, str], says: str,
) -> None:
    response = api.get("/api/search", params=params)
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert says in detail and len(detail) < 300, "the value is not echoed whole"


@pytest.mark.parametrize("article", ["99999999999999999999", "-1", "0"])
def test_an_article_id_out_of_range_is_not_found_not_an_error(
    api: httpx.Client, article: str,
) -> None:
    response = api.get(f"/api/articles/{article}")
    assert response.status_code == 404
    assert (response.json()["code"], response.json()["detail"]) == ("no_such_article",
                                                                    "no such article")
