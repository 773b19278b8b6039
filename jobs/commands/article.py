"""`dozor show ID|URL`: one stored article with its evidence, facts, story and versions."""

from __future__ import annotations

import sys

import click

from jobs.commands.analysts import ui_option
from jobs.tasks import prepare_read_database
from serve.connection import connect_read_only
from serve.i18n import cli_language


@click.command("show")
@click.argument("reference", metavar="ID|URL")
@click.option("--archived", is_flag=True,
              help="Write the page as it was fetched (from the WARC archive) to standard output.")
@ui_option
def show(reference: str, archived: bool, ui: str | None) -> None:
    """One article: facts, tags, the text with each tag's evidence marked ⟦…⟧[rule], language
    versions, other outlets of the story, earlier versions with what changed."""
    from crawler.archive import ArchiveReadError, read_response
    from crawler.config import load_config
    from serve.article import find_article_id, load_article_view
    from serve.terminal import render_article

    with connect_read_only(prepare_read_database()[1]) as conn:
        article_id = find_article_id(conn, reference)
        view = load_article_view(conn, article_id) if article_id is not None else None
    if view is None:
        raise click.ClickException(f"no stored article {reference[:200]!r}")
    if archived:
        if not view.warc_record:
            raise click.ClickException("this article has no archived page")
        try:
            page = read_response(load_config().archive_dir, view.warc_record)
        except ArchiveReadError as exc:
            raise click.ClickException(str(exc)) from None
        sys.stdout.buffer.write(page.body)
        return
    click.echo(render_article(view, ui or cli_language()), nl=False)


COMMANDS = [show]
