"""The API's corrections routes: analysts confirm or reject a stored article's topic.

    GET  /api/articles/{id}/corrections    the verdicts on an article, newest first
    POST /api/articles/{id}/corrections    record one: {"topic", "verdict", "analyst", ...}
    GET  /api/corrections/export           corrected articles as dev-set JSON Lines

The rest of the API is read-only, and so is this part unless the operator opts in:
writing needs DOZOR_CORRECTIONS_TOKEN set for the server and sent by the client as
"Authorization: Bearer <token>". A write uses its own short connection (the API's pool is
read-only) and touches only tag_corrections and the article's tags.

Refusals are serve/errors.py's codes, worded in the analyst's language like the rest of the
API: corrections_off, corrections_read_only (403), corrections_token_invalid (401, with
"WWW-Authenticate: Bearer" as RFC 6750 asks: the client can fix it by sending the token),
unknown_topic, unknown_verdict, analyst_name_required, note_too_long (422), no_such_article (404).
"""

# No `from __future__ import annotations`: FastAPI reads the route signatures below, and
# their dependency (the API's read-only connection) is a local name it could not resolve
# from a string annotation.
import hmac
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

import psycopg
from fastapi import Depends, FastAPI, Header
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from serve.errors import ApiError
from storage.corrections import (
    MAX_ANALYST_CHARS,
    MAX_NOTE_CHARS,
    TOPICS,
    VERDICTS,
    Correction,
    CorrectionError,
    export_rows,
    list_corrections,
    record_correction,
)
from storage.db import connect
from storage.tags import retag_articles

TOKEN_ENV = "DOZOR_CORRECTIONS_TOKEN"  # noqa: S105 - the name of a variable, not a secret


class CorrectionIn(BaseModel):
    """An analyst's verdict on one topic of an article."""

    # Plain text checked by storage.corrections, so that an unknown topic or verdict is
    # refused with its own code (unknown_topic, unknown_verdict); the schema still lists them.
    topic: str = Field(json_schema_extra={"enum": list(TOPICS)})
    verdict: str = Field(json_schema_extra={"enum": list(VERDICTS)})
    analyst: str = Field(min_length=1, max_length=MAX_ANALYST_CHARS)
    note: str | None = Field(default=None, max_length=MAX_NOTE_CHARS)
    kz_related: bool | None = None


class CorrectionOut(BaseModel):
    """A recorded verdict: who, when, and what the rules had said."""

    id: int
    article_id: int
    topic: str
    verdict: str
    analyst: str
    note: str | None
    kz_related: bool | None
    rules_said: bool
    rules_version: str | None
    created_at: datetime


def _out(c: Correction) -> CorrectionOut:
    return CorrectionOut(**asdict(c))


# A correction's refusal -> its HTTP status; the rest (unknown topic, verdict, no analyst,
# a long note) is a body Dozor cannot accept: 422, as pydantic's own refusals of it.
_STATUS = {"no_such_article": 404}


def _authorised(authorization: str | None) -> None:
    """403 when the server takes no corrections (no token would help); 401 when the request
    does not carry the server's token."""
    token = os.environ.get(TOKEN_ENV)
    if not token:
        raise ApiError("corrections_off", 403, setting=TOKEN_ENV)
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        error = "invalid_token" if authorization else "invalid_request"
        raise ApiError("corrections_token_invalid", 401, headers={
            "WWW-Authenticate": f'Bearer realm="dozor corrections", error="{error}"'})


def add_correction_routes(app: FastAPI, database_url: str,
                          read_connection: Callable[..., Iterator[psycopg.Connection[Any]]]
                          ) -> None:
    """Register the corrections routes on the API app."""
    Conn = Annotated[psycopg.Connection[Any], Depends(read_connection)]

    @app.get("/api/articles/{article_id}/corrections", response_model=list[CorrectionOut],
             tags=["corrections"])
    def article_corrections(conn: Conn, article_id: int) -> list[CorrectionOut]:
        """The analysts' verdicts on an article's topics, newest first."""
        return [_out(c) for c in list_corrections(conn, article_id)]

    @app.post("/api/articles/{article_id}/corrections", response_model=CorrectionOut,
              status_code=201, tags=["corrections"])
    def correct_article(article_id: int, body: CorrectionIn,
                        authorization: Annotated[str | None, Header()] = None) -> CorrectionOut:
        """Confirm or reject a topic of a stored article (needs the corrections token)."""
        _authorised(authorization)
        with connect(database_url, autocommit=True) as conn:
            try:
                c = record_correction(conn, article_id, body.topic, body.verdict, body.analyst,
                                      body.note, body.kz_related)
                retag_articles(conn, [article_id])  # a confirmed topic gets its evidence back
            except CorrectionError as exc:
                raise ApiError(exc.code, _STATUS.get(exc.code, 422), **exc.values) from exc
            except (psycopg.errors.InsufficientPrivilege,
                    psycopg.errors.ReadOnlySqlTransaction) as exc:
                # The server's login reads only (the reader or analyst role, a read-only
                # default): the operator's choice, not a fault of the server.
                raise ApiError("corrections_read_only", 403) from exc
        return _out(c)

    @app.get("/api/corrections/export", tags=["corrections"], response_class=StreamingResponse,
             responses={200: {"content": {"application/x-ndjson": {}}}})
    def export_corrections(conn: Conn) -> StreamingResponse:
        """Corrected articles as JSON Lines in the format of the real labelled set."""
        lines = [json.dumps(row, ensure_ascii=False) + "\n" for row in export_rows(conn)]
        return StreamingResponse(iter(lines), media_type="application/x-ndjson; charset=utf-8",
                                 headers={"Content-Disposition":
                                          'attachment; filename="dozor-corrections.jsonl"'})
