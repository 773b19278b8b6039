"""`dozor collect` and `dozor sources`: the main job and the registry."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import click

from crawler.config import load_config
from crawler.errors import DateWindowError
from crawler.extract.dates import ALMATY
from crawler.sources import Source, all_sources, get_source
from jobs.logs import say
from jobs.runner import RunOutcome, check_window, exit_on_termination
from jobs.sources_doc import sources_markdown
from jobs.tasks import collect as run_collect
from jobs.tasks import prepare_database, prepare_read_database
from jobs.verdicts import FAILED_STATUSES, store_refused
from storage.db import connect, redact_url
from storage.health import source_health
from storage.history import run_history_figures

SUMMARY_HEADER = (
    f"{'source':<22} {'status':<8} {'found':>6} {'new':>5} {'updated':>7} {'failed':>6}"
)


def _summary_line(source: Source, outcome: RunOutcome) -> str:
    run = outcome.run
    if run is None:
        return f"{source.id:<22} {outcome.status:<8} {outcome.message or ''}"
    failed = run.failed + run.rejected + run.discovery_failed
    line = (f"{source.id:<22} {outcome.status:<8} {run.found:>6} {run.new:>5} {run.updated:>7}"
            f" {failed:>6}")
    if outcome.message:
        line += f"\n{'':<22} └ {outcome.message}"
    return line


def _command_name() -> str:
    """How the user can call dozor again: plain `dozor` if on PATH, else the venv's path."""
    if shutil.which("dozor"):
        return "dozor"
    venv_dozor = Path(sys.executable).with_name("dozor")
    if venv_dozor.exists():
        inside = venv_dozor.is_relative_to(Path.cwd())
        return os.path.relpath(venv_dozor) if inside else str(venv_dozor)
    return "dozor"


@click.command()
@click.option("--source", "sources", multiple=True, metavar="ID",
              help="Collect only this source (repeatable); default: every source.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Backfill from this date.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Backfill up to this date.")
@click.option("--replay", "replay", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Replay responses from these WARC files instead of the network.")
@click.option("--from", "origin", type=click.Choice(["site", "wayback"]), default="site",
              show_default=True,
              help="wayback: backfill --since/--until from the Internet Archive's captures.")
@click.option("--include-paused", is_flag=True,
              help="Collect paused sources too (they are skipped otherwise, named or not).")
def collect(
    sources: tuple[str, ...], since: object, until: object, replay: tuple[str, ...],
    origin: str, include_paused: bool,
) -> None:
    """Collect new articles from the sources into PostgreSQL and print a summary.

    Exits 0 when every source was read (ok or partial), 1 when some failed, 2 on a usage error
    or when PostgreSQL is unavailable or refused to store articles (full, read-only).
    """
    if origin == "wayback":
        sources = _wayback_sources(sources, since)
    if replay:
        os.environ["DOZOR_REPLAY_WARCS"] = os.pathsep.join(str(Path(p).resolve()) for p in replay)
    since_day = since.date() if since is not None else None  # type: ignore[attr-defined]
    until_day = until.date() if until is not None else None  # type: ignore[attr-defined]
    try:
        check_window(since_day, until_day)
    except DateWindowError as exc:
        raise click.UsageError(str(exc)) from exc
    exit_on_termination()  # a stopped collect records its run as killed
    log_format = load_config().log_format
    click.echo(SUMMARY_HEADER)

    def show(source: Source, outcome: RunOutcome) -> None:
        click.echo(_summary_line(source, outcome))

    def progress(line: str) -> None:
        # Standard error: a backfill can take hours, and stdout stays the summary table.
        say(line, log_format, prefix="  … ")

    results = run_collect(sources, since=since_day, until=until_day,
                          include_paused=include_paused, on_result=show, on_progress=progress,
                          origin=origin)
    config = load_config()
    _show_revisits([o.run.id for _, o in results if o.run])
    where = redact_url(config.database_url) if config.database_url else "the embedded PostgreSQL"
    new = sum(o.run.new for _, o in results if o.run)
    failed = [o for _, o in results if o.status in FAILED_STATUSES]
    click.echo(
        f"\n{new} new articles stored in {where}; {len(failed)} of {len(results)} sources failed."
    )
    if new:
        me = _command_name()
        click.echo(f"Look at them: `{me} search --since 7d`, `{me} status`, or"
                   f" `psql \"$({me} db-url)\" -c 'select published_at, title from articles"
                   " order by published_at desc limit 20'`.")
    if results and not replay and all(o.status == "failed" for o in failed) and (
            len(failed) == len(results)):
        click.echo("No source could be read. Offline? Try the saved sample:"
                   f" `{_command_name()} collect --replay docs/sample/zakon_kz.warc.gz"
                   " --source zakon_kz`.")
    if any(store_refused(o.run) for _, o in results):
        click.echo("PostgreSQL refused to store some articles (down, full or read-only: see the"
                   " reasons above); the next run fetches them again.")
        raise SystemExit(2)  # the store is unavailable: not a site's fault
    if failed:
        # Some source failed (or was killed, timed out, lost its lease): a monitor must know.
        raise SystemExit(1)


def _wayback_sources(sources: tuple[str, ...], since: object) -> tuple[str, ...]:
    """The sources a Wayback backfill can read: those whose articles are pages."""
    if since is None:
        raise click.UsageError("--from wayback needs --since (and takes --until): the window"
                               " of captures to read")
    named = [get_source(s) for s in sources] or list(all_sources().values())
    unreadable = [s.id for s in named if not s.reads_pages]
    if sources and unreadable:
        raise click.UsageError(f"{', '.join(unreadable)} publish through an API or a channel,"
                               " not pages the Internet Archive captures: backfill them with"
                               " --since/--until from the source itself")
    return tuple(s.id for s in named if s.reads_pages)


def _show_revisits(run_ids: list[int]) -> None:
    """One line on the revisits the runs made (recent articles asked for again)."""
    if not run_ids:
        return
    with connect(prepare_database()) as conn:
        figures = run_history_figures(conn, run_ids).values()
    revisits = sum(f.revisits for f in figures)
    if revisits:
        click.echo(f"\nrevisited {revisits} recent articles: {sum(f.changed for f in figures)}"
                   f" changed, {sum(f.removed for f in figures)} removed,"
                   f" {sum(f.unchanged for f in figures)} unchanged"
                   " (`dozor history URL` shows the versions)")


@click.command()
@click.option("--markdown", is_flag=True,
              help="Print docs/sources.md (the registry as a Markdown table); reads no database.")
def sources(markdown: bool) -> None:
    """List the source registry: name, languages, discovery methods, schedule, last run."""
    if markdown:
        click.echo(sources_markdown(), nl=False)
        return
    with connect(prepare_database()) as conn:
        # The same last run `dozor status` shows (finished, replays left out).
        health = {h.source_id: h for h in source_health(conn)}
    header = ("id", "name", "languages", "discovery", "schedule", "last run (Almaty)")
    rows = [header]
    for source in all_sources().values():
        h = health.get(source.id)
        last_run = (f"{h.last_run_at.astimezone(ALMATY):%Y-%m-%d %H:%M} {h.last_run_status}"
                    f" (+{h.last_run_new})" if h and h.last_run_at else "never")
        if h and h.paused:
            last_run += ", paused"
        rows.append((source.id, source.name, ",".join(source.languages),
                     ",".join(source.discovery_methods), source.schedule, last_run))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
                   + "  " + row[-1])


@click.command("db-url")
@click.option("--read", "read", is_flag=True,
              help="the URL analysts read from: DOZOR_READ_DATABASE_URL (a replica) if set")
def db_url(read: bool) -> None:
    """Print the database URL (starting the embedded server if needed), for psql and BI tools."""
    url, read_url = prepare_read_database()
    click.echo(read_url if read else url)


COMMANDS = [collect, sources, db_url]
