"""An article's versions and removal for the API (`/api/articles/{id}/history`)."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise
from typing import Any

import psycopg
from pydantic import BaseModel, Field

from crawler.extract.dates import ALMATY
from storage.history import article_history, text_diff


class VersionOut(BaseModel):
    """One text the article had."""

    version: int
    fetched: datetime = Field(description="When this text was fetched, Asia/Almaty offset")
    title: str | None
    body: str | None
    current: bool


class DiffOut(BaseModel):
    """What changed from one version to the next: a unified diff, one line per paragraph."""

    before: int
    after: int
    lines: list[str]


class HistoryOut(BaseModel):
    """An article's versions, oldest first, the changes between them, and its removal."""

    id: int
    url: str
    source: str
    first_seen: datetime
    revisits: int = Field(description="Revisits made (1 h, 6 h, 24 h, 72 h after first seen)")
    last_revisited: datetime | None
    removed: datetime | None = Field(description="When a revisit found it gone, if it did")
    removed_reason: str | None
    versions: list[VersionOut]
    diffs: list[DiffOut]


def _local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(ALMATY) if moment else None


def history_out(conn: psycopg.Connection[Any], article_id: int) -> HistoryOut | None:
    """The history of one article, or None if there is no such article."""
    found = article_history(conn, article_id)
    if found is None:
        return None
    versions = found.versions
    return HistoryOut(
        id=found.id, url=found.url, source=found.source_id,
        first_seen=found.first_seen_at.astimezone(ALMATY), revisits=found.revisits,
        last_revisited=_local(found.last_revisited_at), removed=_local(found.removed_at),
        removed_reason=found.removed_reason,
        versions=[VersionOut(version=v.version, fetched=v.fetched_at.astimezone(ALMATY),
                             title=v.title, body=v.body, current=v.current) for v in versions],
        diffs=[DiffOut(before=a.version, after=b.version, lines=text_diff(a, b))
               for a, b in pairwise(versions)],
    )
