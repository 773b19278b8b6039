"""The API's error answers: a stable code for programs, a message in the analyst's language.

The codes and messages are serve/errors.py's. The language is the page's: ?ui=, the switch's
cookie, Accept-Language, else English (programs). The body:

    {"code": "unknown_topic", "message": "<in the language>", "detail": "<the same>",
     "values": {"value": "drugs", "known": "fraud, ocg"}}

422 keeps `detail` as the list of {parameter, code, message} it always was.
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from psycopg_pool import PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from crawler.errors import DatabaseUnavailableError, SearchQueryError
from serve.errors import ERRORS, INVALID_VALUE, VALIDATION, ApiError
from serve.i18n import UI_COOKIE, choose_ui, messages

log = logging.getLogger(__name__)

# Starlette's own refusals (no route, wrong method) worded like ours.
HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


def request_language(request: Request) -> str:
    """The UI language of a request's error: ?ui=, the switch's cookie, Accept-Language, en."""
    return choose_ui(request.query_params.get("ui"), request.cookies.get(UI_COOKIE),
                     request.headers.get("accept-language"))


def error_body(code: str, message: str, values: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON of an error: code, message, and `detail` (what clients read before codes)."""
    body: dict[str, Any] = {"code": code, "message": message, "detail": message}
    if values:
        body["values"] = {k: v if isinstance(v, int | float | bool) else str(v)
                          for k, v in values.items()}
    return body


def validation_reason(error: dict[str, Any], lang: str) -> str:
    """One pydantic error's reason in a UI language (its context values filled in)."""
    template = VALIDATION.get(str(error.get("type", "")))
    if template is None:
        return messages(lang)(INVALID_VALUE)
    context = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    try:
        return messages(lang)(template, **context)
    except (KeyError, IndexError):  # a pydantic version with other context names
        return messages(lang)(INVALID_VALUE)


def add_error_handlers(app: FastAPI) -> None:
    """Short JSON errors: what was wrong with the request, never how the server failed."""

    async def refused(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        body = error_body(exc.code, exc.message(request_language(request)), exc.values)
        return JSONResponse(body, status_code=exc.status, headers=exc.headers)

    async def bad_query(request: Request, exc: Exception) -> JSONResponse:
        # A SearchQueryError without a code (raised outside serve): its English reason.
        return JSONResponse(error_body("bad_query", str(exc)), status_code=400)

    async def invalid_parameter(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        lang = request_language(request)
        errors = [
            {"parameter": ".".join(str(p) for p in e.get("loc", ())[1:]) or "request",
             "code": str(e.get("type", "invalid")), "message": validation_reason(e, lang)}
            for e in exc.errors()
        ]
        summary = "; ".join(f"{e['parameter']}: {e['message']}" for e in errors)
        message = messages(lang)(ERRORS["invalid_parameters"], errors=summary)
        return JSONResponse({"code": "invalid_parameters", "message": message, "detail": errors},
                            status_code=422)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = HTTP_CODES.get(exc.status_code)
        message = (messages(request_language(request))(ERRORS[code]) if code
                   else str(exc.detail))
        return JSONResponse(error_body(code or f"http_{exc.status_code}", message),
                            status_code=exc.status_code, headers=exc.headers)

    async def database_down(request: Request, exc: Exception) -> JSONResponse:
        log.error("database unavailable: %s", type(exc).__name__)
        message = messages(request_language(request))(ERRORS["database_unavailable"])
        return JSONResponse(error_body("database_unavailable", message), status_code=503)

    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("error answering %s", request.url.path)
        message = messages(request_language(request))(ERRORS["internal_error"])
        return JSONResponse(error_body("internal_error", message), status_code=500)

    app.add_exception_handler(ApiError, refused)
    app.add_exception_handler(SearchQueryError, bad_query)
    app.add_exception_handler(RequestValidationError, invalid_parameter)
    app.add_exception_handler(StarletteHTTPException, http_error)
    for down in (PoolTimeout, psycopg.OperationalError, DatabaseUnavailableError):
        app.add_exception_handler(down, database_down)
    app.add_exception_handler(psycopg.Error, internal_error)
    app.add_exception_handler(Exception, internal_error)
