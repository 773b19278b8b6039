"""`dozor dedup` and `dozor stories`: the same news across outlets, edits and languages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import click
from psycopg.rows import class_row

from crawler.extract.dates import ALMATY
from jobs.tasks import prepare_database
from serve.i18n import cli_language, messages
from storage.db import connect
from storage.stories import group_stories


@dataclass(frozen=True, slots=True)
class Story:
    """One row of `stories`, as the listing shows it."""

    id: int
    first_published_at: datetime | None
    article_count: int
    sources: list[str]
    languages: list[str]
    title: str | None


# Stories told by more than one article, newest first.
SHARED_STORIES = """
SELECT id, first_published_at, article_count, sources, languages, title FROM stories
WHERE article_count > 1 AND (%(since)s::timestamptz IS NULL OR first_published_at >= %(since)s)
ORDER BY first_published_at DESC NULLS LAST, id DESC LIMIT %(limit)s
"""


@click.command()
def dedup() -> None:
    """Group articles not yet in a story (collect does this after every crawl)."""
    with connect(prepare_database(), autocommit=True) as conn:
        report = group_stories(conn)
    click.echo(messages(cli_language())(
        "grouped {articles} articles: {new} new stories, {exact} exact and {near} near"
        " duplicates of earlier ones, {pairs} translation pairs, {merged} stories merged",
        articles=report.articles, new=report.new_stories, exact=report.exact,
        near=report.near, pairs=report.translations, merged=report.merged_stories))


@click.command()
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only stories first published on or after this day (Asia/Almaty).")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
def stories(since: datetime | None, limit: int) -> None:
    """Stories told by several articles: when, how many, which outlets and languages."""
    t = messages(cli_language())
    start = since.replace(tzinfo=ALMATY) if since else None
    with connect(prepare_database()) as conn, conn.cursor(row_factory=class_row(Story)) as cur:
        rows = cur.execute(SHARED_STORIES, {"since": start, "limit": limit}).fetchall()
    heads = [t("story"), t("first published"), t("languages"), t("sources / title")]
    click.echo(f"{heads[0]:>6} {heads[1]:<16} {'n':>3} {heads[2]:<9} {heads[3]}")
    for story in rows:
        first = story.first_published_at
        when = f"{first.astimezone(ALMATY):%Y-%m-%d %H:%M}" if first else t("undated")
        click.echo(f"{story.id:>6} {when:<16} {story.article_count:>3}"
                   f" {','.join(story.languages):<9} {','.join(story.sources)}: {story.title}")


COMMANDS = [dedup, stories]
