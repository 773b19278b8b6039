"""`/api/freshness`: how long after publication each source's articles reach Dozor."""

# No `from __future__ import annotations`: FastAPI resolves the local `Conn` alias at runtime.

from collections.abc import Callable, Iterator
from typing import Annotated, Any

import psycopg
from fastapi import Depends, FastAPI
from pydantic import BaseModel

from storage.freshness import freshness_warnings, source_freshness


class FreshnessOut(BaseModel):
    """One source's publication->stored delay in minutes (null: no article to measure)."""

    source_id: str
    articles_7d: int
    p50_minutes_7d: float | None
    p95_minutes_7d: float | None
    articles_1d: int
    p50_minutes_1d: float | None
    degraded: bool  # the last day's median far worse than the week's (docs/operations.md)


def _number(value: object) -> float | None:
    return None if value is None else float(str(value))


def add_freshness_routes(
    app: FastAPI, read_connection: Callable[..., Iterator[psycopg.Connection[Any]]],
) -> None:
    """Register /api/freshness on the API app."""
    Conn = Annotated[psycopg.Connection[Any], Depends(read_connection)]

    @app.get("/api/freshness", response_model=list[FreshnessOut], tags=["statistics"])
    def freshness(conn: Conn) -> list[FreshnessOut]:
        """Per source, over 7 days and the last day: median and 95th percentile of the delay
        from publication to storage, for articles with a time of day stored by polling runs."""
        return [FreshnessOut(
            source_id=row.source_id, articles_7d=row.articles_7d,
            p50_minutes_7d=_number(row.p50_minutes_7d), p95_minutes_7d=_number(row.p95_minutes_7d),
            articles_1d=row.articles_1d, p50_minutes_1d=_number(row.p50_minutes_1d),
            degraded=bool(freshness_warnings(row, None)),
        ) for row in source_freshness(conn)]
