"""`dozor alerts`: saved searches that send new matches (and spikes) by e-mail or webhook."""

from __future__ import annotations

from typing import Any

import click

from jobs.commands.analysts import filter_options, ui_option
from jobs.tasks import prepare_database
from serve.i18n import cli_language, messages
from storage.db import connect


@click.group("alerts")
def alerts() -> None:
    """Saved searches with alerts: after each collection, new stories are sent once each.

    Saved searches are written by this command (the database owner's login) or from the web
    page through the <database>_alert_editor role; the analysts' read-only role cannot see them.
    """


@alerts.command("add")
@click.argument("name")
@click.argument("words", nargs=-1)
@filter_options
@click.option("--email", "emails", multiple=True, metavar="ADDRESS",
              help="Send alerts to this address (repeatable); needs DOZOR_SMTP_HOST.")
@click.option("--webhook", metavar="URL|env:NAME",
              help="POST alerts as JSON (Slack-compatible `text`) to this URL, or to the URL in"
              " the environment variable NAME (keeps the secret out of the database).")
@click.option("--cap", "daily_cap", type=click.IntRange(1, 500), default=20, show_default=True,
              help="At most this many stories a day (Asia/Almaty); the rest are counted.")
@click.option("--spikes", is_flag=True,
              help="Alert when a topic x region count of the last 24 hours exceeds its"
              " baseline (the 28 days before), instead of on each new story.")
@click.option("--cross-language/--no-cross-language", default=True, show_default=True)
@click.option("--alert-lang", type=click.Choice(["kk", "ru", "en"]), default=None,
              help="Language of the alerts (default: the command line's).")
def add(name: str, words: tuple[str, ...], emails: tuple[str, ...], webhook: str | None,
        daily_cap: int, spikes: bool, cross_language: bool, alert_lang: str | None,
        **params: Any) -> None:
    """Save a search NAME with WORDS and filters; alerts begin with what is stored from now."""
    from serve.alerts.saved import NewSavedSearch, create, validate

    if params.get("since") or params.get("until"):
        raise click.UsageError("a saved search follows new articles: --since/--until do not apply")
    filters = {k: list(params[k]) for k in ("topics", "subtopics", "sources", "langs", "regions")
               if params.get(k)}
    new = validate(NewSavedSearch(
        name=name, query=" ".join(words), filters=filters,
        kind="spikes" if spikes else "matches", cross_language=cross_language,
        email=list(emails), webhook=webhook, daily_cap=daily_cap,
        ui_lang=alert_lang or cli_language()))
    with connect(prepare_database(), autocommit=True) as conn:
        saved = create(conn, new)
    click.echo(messages(cli_language())("saved search #{id} {name!r} added", id=saved.id,
                                        name=saved.name))


@alerts.command("list")
@ui_option
def list_command(ui: str | None) -> None:
    """The saved searches: words, filters, where alerts go, the last run."""
    from serve.alerts.saved import list_saved

    t = messages(ui or cli_language())
    with connect(prepare_database()) as conn:
        rows = list_saved(conn)
    if not rows:
        click.echo(t("No saved searches yet: `dozor alerts add NAME WORDS --email ...`."))
        return
    last_run, error = t("last run"), t("error")
    for s in rows:
        filters = "; ".join(f"{k}={','.join(v)}" for k, v in s.filters.items())
        where = ", ".join([*s.email, s.webhook_shown() or ""]).strip(", ")
        state = t("active") if s.active else t("paused")
        last = f"{s.last_run_at:%Y-%m-%d %H:%M}" if s.last_run_at else "—"
        click.echo(f"#{s.id} {s.name} [{s.kind}, {state}, cap {s.daily_cap}, {s.ui_lang}]"
                   f" {s.query!r} {filters} -> {where}; {last_run}: {last}"
                   + (f"; {error}: {s.last_error}" if s.last_error else ""))


def _find(conn: Any, reference: str) -> Any:
    from serve.alerts.saved import find_saved

    saved = find_saved(conn, reference)
    if saved is None:
        raise click.ClickException(f"no saved search {reference!r} (see `dozor alerts list`)")
    return saved


@alerts.command("remove")
@click.argument("reference", metavar="NAME|ID")
def remove_command(reference: str) -> None:
    """Delete a saved search and what it was sent."""
    from serve.alerts.saved import remove

    with connect(prepare_database(), autocommit=True) as conn:
        saved = _find(conn, reference)
        remove(conn, saved.id)
    click.echo(f"removed #{saved.id} {saved.name}")


@alerts.command("pause")
@click.argument("reference", metavar="NAME|ID")
def pause_command(reference: str) -> None:
    """Stop a saved search's alerts (resume starts from that moment, nothing replayed)."""
    from serve.alerts.saved import set_active

    with connect(prepare_database(), autocommit=True) as conn:
        set_active(conn, _find(conn, reference).id, False)
    click.echo(f"paused {reference}")


@alerts.command("resume")
@click.argument("reference", metavar="NAME|ID")
def resume_command(reference: str) -> None:
    """Resume a paused saved search."""
    from serve.alerts.saved import set_active

    with connect(prepare_database(), autocommit=True) as conn:
        set_active(conn, _find(conn, reference).id, True)
    click.echo(f"resumed {reference}")


@alerts.command("run")
@click.option("--dry-run", is_flag=True, help="Say what would be sent; send and record nothing.")
@ui_option
def run_command(dry_run: bool, ui: str | None) -> None:
    """Check every saved search now and send what is new (collect does this after each pass)."""
    from serve.alerts.run import run_alerts

    t = messages(ui or cli_language())
    with connect(prepare_database(), autocommit=True) as conn:
        report = run_alerts(conn, dry_run=dry_run)
    for outcome in report.searches:
        line = t("{name}: sent {sent}, over the daily cap {held}", name=outcome.name,
                 sent=outcome.sent, held=outcome.held_back)
        if outcome.channels:
            line += f" ({', '.join(outcome.channels)})"
        if outcome.error:
            line += "; " + t("error") + f": {outcome.error}"
        click.echo(line)
    if report.failed:
        raise SystemExit(1)


COMMANDS = [alerts]
