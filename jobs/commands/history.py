"""`dozor history URL|ID`: the texts an article has had, with what changed, and its removal."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise

import click

from crawler.discovery.urls import canonicalize_url
from crawler.extract.dates import ALMATY
from jobs.tasks import prepare_database
from storage.db import connect
from storage.history import ArticleHistory, article_history, text_diff


def _almaty(moment: datetime | None) -> str:
    return moment.astimezone(ALMATY).strftime("%Y-%m-%d %H:%M") if moment else "-"


def find_history(key: str) -> ArticleHistory | None:
    """The history of the article an id or a URL (as stored, or as a link spells it) names."""
    with connect(prepare_database()) as conn:
        if key.isdigit():
            return article_history(conn, int(key))
        return article_history(conn, key) or article_history(conn, canonicalize_url(key))


@click.command()
@click.argument("article", metavar="URL|ID")
def history(article: str) -> None:
    """Show an article's versions (revisits, re-sent feeds) with the changes, and its removal."""
    found = find_history(article)
    if found is None:
        raise click.ClickException(f"no stored article {article}: `dozor search` finds ids")
    click.echo(f"{found.url}\n  article {found.id} of {found.source_id}, first seen"
               f" {_almaty(found.first_seen_at)} (Asia/Almaty); revisited {found.revisits}"
               f" times, last {_almaty(found.last_revisited_at)}")
    if found.removed_at is not None:
        click.echo(f"  REMOVED {_almaty(found.removed_at)}: {found.removed_reason}")
    click.echo()
    for version in found.versions:
        mark = " (current)" if version.current else ""
        click.echo(f"version {version.version}{mark}, fetched {_almaty(version.fetched_at)}:"
                   f" {version.title or '(no title)'}")
    for before, after in pairwise(found.versions):
        click.echo()
        for line in text_diff(before, after):
            click.echo(line)
    if len(found.versions) == 1:
        click.echo("\none version: the text has not changed since it was stored")


COMMANDS = [history]
