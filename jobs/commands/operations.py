"""Operator commands: `dozor schedule` (the service), `run`, `pause`, `resume`, `runs`, `status`,
`leases` and `break-lease`."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import FrameType

import click

from crawler.config import load_config
from crawler.extract.soft_404 import SOFT_404_KIND_NAMES
from crawler.sources import all_sources, get_source
from jobs.adaptive import AdaptivePollTrigger, source_bounds
from jobs.logs import configure_logging
from jobs.queue import queue_mode
from jobs.runner import CrawlRequest, RunOutcome, exit_on_termination, run_crawl
from jobs.scheduler import (
    ALMATY,
    build_scheduler,
    crawl_job_id,
    run_scheduler,
    source_trigger,
)
from jobs.tasks import group_after_crawl, prepare_database
from jobs.verdicts import store_refused
from storage.db import connect
from storage.freshness import SourceFreshness, freshness_warnings, source_freshness
from storage.health import (
    SoftNotFound,
    health_warnings,
    soft_404_warning,
    soft_404s,
    source_health,
)
from storage.history import RunHistoryFigures, latest_drift
from storage.leases import all_leases, break_lease, source_lease
from storage.runs import CrawlRun, recent_runs
from storage.sources import paused_source_ids, set_paused

# Statuses after which `dozor run` exits non-zero, so a cron line or a script notices.
FAILED_STATUSES = ("failed", "timeout", "killed", "lost", "skipped")


def _almaty(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return moment.astimezone(ALMATY).strftime(fmt) if moment else "-"


@click.group(invoke_without_command=True)
@click.option("--enqueue", is_flag=True, default=None,
              help="Queue mode (also DOZOR_QUEUE=1): only enqueue due crawls for `dozor worker`;"
                   " several schedulers may run, one is active, the others on standby.")
@click.pass_context
def schedule(ctx: click.Context, enqueue: bool | None) -> None:
    """Run each source's crawl on its schedule (Asia/Almaty) until SIGTERM; or a subcommand."""
    if ctx.invoked_subcommand is not None:
        return
    config = load_config()
    configure_logging(logging.INFO, config.log_format)
    url = prepare_database(config)
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        logging.getLogger(__name__).info("received %s", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    run_scheduler(url, all_sources().values(), stop,
                  enqueue=queue_mode() if enqueue is None else enqueue)


@schedule.command("list")
def schedule_list() -> None:
    """Each source's schedule and next run time, as the scheduler has stored them."""
    url = prepare_database()
    scheduler = build_scheduler(url)
    scheduler.start(paused=True)  # reads the job table; runs nothing
    try:
        jobs = {job.id: job for job in scheduler.get_jobs(jobstore="default")}
    finally:
        scheduler.shutdown(wait=False)
    with connect(url) as conn:
        paused = paused_source_ids(conn)
    click.echo(f"{'source':<22} {'schedule':<14} {'next run (Asia/Almaty)':<24} note")
    now = datetime.now(ALMATY)
    for source in all_sources().values():
        job = jobs.get(crawl_job_id(source.id))
        if job is not None:
            next_run, note = _almaty(job.next_run_time), ""
            if isinstance(job.trigger, AdaptivePollTrigger):
                note = _plan_note(job.trigger)
            if job.next_run_time is not None and job.next_run_time < now:
                note = "overdue: runs when the scheduler is up"
        else:
            next_run = _almaty(source_trigger(source).get_next_fire_time(None, now))
            note = "not stored yet: start `dozor schedule`"
        if source.id in paused:
            note = f"paused (`dozor resume {source.id}`)"
        click.echo(f"{source.id:<22} {source.schedule:<14} {next_run:<24} {note}".rstrip())


def _plan_note(trigger: AdaptivePollTrigger) -> str:
    minutes = [s / 60 for s in trigger.plan.intervals_s]
    return (f"adaptive: {trigger.plan.polls_per_day:.0f} polls a day, every"
            f" {min(minutes):.0f}-{max(minutes):.0f} min")


def _run_one(source_id: str) -> None:
    get_source(source_id)  # an unknown id fails before the database is touched
    config = load_config()
    url = prepare_database(config)
    exit_on_termination()  # a stopped run is recorded as killed
    # Named explicitly: a paused source runs too.
    outcome = run_crawl(CrawlRequest(source_id, mode="manual"), config, url)
    group_after_crawl(url, outcome)
    click.echo(_outcome_line(source_id, outcome))
    if store_refused(outcome.run):
        sys.exit(2)  # PostgreSQL refused writes: the store, not the site
    if outcome.status in FAILED_STATUSES:
        sys.exit(1)


def _outcome_line(source_id: str, outcome: RunOutcome) -> str:
    run = outcome.run
    if run is None:
        return f"{source_id}: {outcome.status}: {outcome.message}"
    line = (f"{source_id}: run {run.id} {outcome.status}: found {run.found}, new {run.new},"
            f" updated {run.updated}, failed {run.failed}, rejected {run.rejected}")
    return line + (f"\n  {outcome.message}" if outcome.message else "")


@schedule.command("run-now")
@click.argument("source_id")
def schedule_run_now(source_id: str) -> None:
    """Crawl one source now, in this process (the same as `dozor run`)."""
    _run_one(source_id)


@click.command("run")
@click.argument("source_id")
def run(source_id: str) -> None:
    """Crawl one source now, even if paused; exit 1 unless the run was ok or partial (2 when
    PostgreSQL is unavailable)."""
    _run_one(source_id)


def _set_paused(source_id: str, paused: bool) -> None:
    get_source(source_id)
    url = prepare_database()
    with connect(url) as conn:
        set_paused(conn, source_id, paused)


@click.command()
@click.argument("source_id")
def pause(source_id: str) -> None:
    """Pause a source: the scheduler and `dozor collect` skip it until resumed."""
    _set_paused(source_id, True)
    click.echo(f"{source_id} paused: scheduled runs and `dozor collect` skip it, also when named"
               f" with --source; `dozor run {source_id}` or `dozor collect --source {source_id}"
               f" --include-paused` still run it; `dozor resume {source_id}` undoes it.")


@click.command()
@click.argument("source_id")
def resume(source_id: str) -> None:
    """Resume a paused source."""
    _set_paused(source_id, False)
    click.echo(f"{source_id} resumed: it runs on its schedule again.")


def _run_line(run: CrawlRun) -> str:
    took = (f"{(run.finished_at - run.started_at).total_seconds():.0f}s"
            if run.finished_at else "running")
    first_error = ""
    if run.reason:
        first_error = run.reason[:90]
    elif run.errors:
        first = run.errors[0]
        first_error = f"{first.get('kind')}: {first.get('message')}"[:70]
    return (f"{run.id:>6} {run.source_id:<20} {run.mode:<9} {_almaty(run.started_at):<16}"
            f" {took:>7} {run.status:<8} {run.found:>5} {run.new:>5} {run.updated:>5}"
            f" {run.failed:>5} {run.rejected:>5}  {first_error}").rstrip()


@click.command()
@click.option("--source", "source_id", metavar="ID", help="Only this source's runs.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000),
              help="How many runs, newest first.")
def runs(source_id: str | None, limit: int) -> None:
    """Run history: start (Asia/Almaty), duration, status, counts and first error."""
    if source_id:
        get_source(source_id)
    url = prepare_database()
    with connect(url) as conn:
        rows = recent_runs(conn, source_id, limit)
    click.echo(f"{'run':>6} {'source':<20} {'mode':<9} {'started':<16} {'took':>7} {'status':<8}"
               f" {'found':>5} {'new':>5} {'upd':>5} {'fail':>5} {'rej':>5}  reason")
    for row in rows:
        click.echo(_run_line(row))
    if not rows:
        click.echo("no runs yet: `dozor run <source>` or `dozor schedule`")


@click.command()
def status() -> None:
    """Each source's last run and last success, new articles in 7 days, and warnings.

    Exits 1 when it shows a warning, so a monitor can run it.
    """
    url = prepare_database()
    with connect(url) as conn:
        rows = source_health(conn)
        drift = latest_drift(conn)
        freshness = {f.source_id: f for f in source_freshness(conn)}
        not_found = soft_404s(conn)
    now = datetime.now(UTC)
    click.echo(f"{'source':<20} {'last run (Asia/Almaty)':<28} {'last success':<16}"
               f" {'new 7d':>6} {'not ok 7d':>9}")
    warned = 0
    for health in rows:
        if health.running_since is not None:
            last = f"running since {_almaty(health.running_since, '%H:%M')}"
        elif health.last_run_at is not None:
            last = f"{_almaty(health.last_run_at)} {health.last_run_status}"
        else:
            last = "never"
        if health.paused:
            last += " (paused)"
        not_ok = f"{health.not_ok_7d / health.new_7d:.0%}" if health.new_7d else "-"
        click.echo(f"{health.source_id:<20} {last:<28} {_almaty(health.last_success_at):<16}"
                   f" {health.new_7d:>6} {not_ok:>9}")
        warnings = health_warnings(health, now)
        if health.source_id in drift:
            warnings.append(drift_warning(drift[health.source_id]))
        if (gone := soft_404_warning(health, not_found.get(health.source_id, []))):
            warnings.append(gone)
        if health.source_id in freshness:
            warnings += freshness_warnings(freshness[health.source_id],
                                           longest_wait(health.source_id))
        warned += bool(warnings)
        for warning in warnings:
            click.echo(f"{'':<20} ! {warning}")
    _freshness_table(list(freshness.values()))
    _soft_404_table(not_found)
    click.echo(f"\n{len(rows)} sources, {warned} with warnings.")
    if warned:
        sys.exit(1)


def _freshness_table(rows: list[SourceFreshness]) -> None:
    click.echo("\nfreshness: publication -> stored, minutes (articles stored by polling runs,"
               " with a time of day)")
    click.echo(f"{'source':<20} {'articles 7d':>11} {'p50 7d':>7} {'p95 7d':>7} {'p50 1d':>7}")
    for row in rows:
        click.echo(f"{row.source_id:<20} {row.articles_7d:>11} {_minutes(row.p50_minutes_7d):>7}"
                   f" {_minutes(row.p95_minutes_7d):>7} {_minutes(row.p50_minutes_1d):>7}")


def _soft_404_table(by_source: dict[str, list[SoftNotFound]]) -> None:
    click.echo("\nsoft-404s in 7 days: new article links answered by a not-found page or a"
               " redirect (rejected, not stored), stored articles a revisit found so (removed)")
    if not by_source:
        click.echo("none")
        return
    click.echo(f"{'source':<20} {'reason':<32} {'rejected':>8} {'removed':>7} {'runs':>4}"
               " last (Asia/Almaty)")
    for source_id, rows in by_source.items():
        for i, row in enumerate(rows):
            name = source_id if i == 0 else ""
            reason = SOFT_404_KIND_NAMES.get(row.reason, row.reason)
            click.echo(f"{name:<20} {reason:<32} {row.rejected:>8} {row.removed:>7}"
                       f" {row.runs:>4} {_almaty(row.last_seen_at)}")


def _minutes(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def longest_wait(source_id: str) -> timedelta | None:
    """The longest a source's poll may wait (its bounds and cron), None for an unknown id."""
    source = all_sources().get(source_id)
    if source is None:
        return None
    now = datetime.now(ALMATY)
    return source_bounds(source, source_trigger(source), now).max_interval


@click.command()
def leases() -> None:
    """Who holds which lease (a source's runs, the scheduler), since when, until when."""
    with connect(prepare_database()) as conn:
        rows = all_leases(conn)
    click.echo(f"{'lease':<28} {'holder':<28} {'run':>6} {'since (Almaty)':<16} expires")
    for lease in rows:
        run = str(lease.run_id) if lease.run_id else "-"
        click.echo(f"{lease.name:<28} {lease.owner:<28} {run:>6} {_almaty(lease.acquired_at):<16}"
                   f" {_almaty(lease.expires_at, '%H:%M:%S')}")
    if not rows:
        click.echo("no leases held: no run is in progress")


@click.command("break-lease")
@click.argument("source_id")
def break_lease_command(source_id: str) -> None:
    """Free a source's lease now: its run stops within a heartbeat and is recorded 'lost'.

    Needed only when a holder is stuck but heartbeating; a dead holder's lease expires alone.
    """
    get_source(source_id)
    with connect(prepare_database()) as conn:
        broken = break_lease(conn, source_lease(source_id))
    if broken is None:
        click.echo(f"{source_id}: no lease held")
        return
    run = f"run {broken.run_id} of " if broken.run_id else ""
    click.echo(f"{source_id}: lease broken ({run}{broken.owner}, token {broken.token}); its crawl"
               " stops at its next heartbeat")


def drift_warning(figures: RunHistoryFigures) -> str:
    """The warning for links that look like a source's articles but fail its pattern."""
    count = figures.off_pattern
    links = ("1 link on its hosts looks like an article but fails" if count == 1 else
             f"{count} links on its hosts look like articles but fail")
    example = figures.off_pattern_examples[0] if figures.off_pattern_examples else ""
    return (f"{links} its article_url_pattern (run {figures.run_id}), e.g. {example}: has"
            " the site changed its URL shape? (left out on purpose: its ignored_url_pattern)")


COMMANDS = [schedule, run, pause, resume, runs, status, leases, break_lease_command]
