"""`dozor reprocess` (stored articles extracted again from the archive, offline) and `dozor import`
(article pages from anyone's WARC files: CC-NEWS, the Internet Archive, Browsertrix, wget)."""

from __future__ import annotations

import logging
from datetime import datetime

import click

from crawler.config import load_config
from crawler.extract.soft_404 import SOFT_404_KIND_NAMES
from crawler.sources import get_source
from crawler.warc_import import RECORD_KINDS
from jobs.reprocessing import reprocess_articles
from jobs.runner import RunOutcome
from jobs.tasks import group_after_crawl, prepare_database
from jobs.warc_import import ImportProgress, SourceImport, WarcImport
from storage.db import connect

log = logging.getLogger(__name__)

@click.command()
@click.option("--source", default=None, metavar="ID", help="Only this source's articles.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only articles published (or, undated, fetched) on or after this day.")
def reprocess(source: str | None, since: datetime | None) -> None:
    """Extract and tag stored articles again from their archived pages (no network)."""
    if source is not None:
        get_source(source)  # an unknown id fails here, naming the known ones
    config = load_config()
    with connect(prepare_database(config), autocommit=True) as conn:
        report = reprocess_articles(conn, config.archive_dir, source,
                                    since.date() if since else None)
    click.echo(f"reprocessed {report.articles} archived articles from {config.archive_dir}:"
               f" {report.changed} changed, {report.unchanged} unchanged,"
               f" {len(report.missing)} without readable evidence")
    for line in report.missing[:20]:
        click.echo(f"  {line}")


IMPORT_HEADER = (f"{'source':<22} {'run':>6} {'status':<8} {'found':>6} {'new':>5} {'updated':>7}"
                 f" {'unchanged':>9} {'skipped':>7} {'failed':>6}")


def _import_line(state: SourceImport) -> str:
    c = state.counts
    return (f"{state.source.id:<22} {state.run_id or '-':>6} {state.status:<8} {c['found']:>6}"
            f" {c['new']:>5} {c['updated']:>7} {c['unchanged']:>9} {c['skipped']:>7}"
            f" {c['failed'] + c['rejected']:>6}")


def _show_progress(progress: ImportProgress) -> None:
    # Standard error, like a backfill's progress: stdout stays the summary.
    click.echo(f"  … {progress.records:,} records read, {progress.articles_stored:,} articles"
               f" stored, {progress.rate:,.0f} records/s", err=True)


@click.command("import")
@click.argument("locations", nargs=-1, required=True, metavar="FILE|URL...")
def import_warcs(locations: tuple[str, ...]) -> None:
    """Store the article pages of declared sources found in WARC files or http(s) URLs."""
    config = load_config()
    database_url = prepare_database(config)
    report = WarcImport(config, database_url, on_progress=_show_progress).import_files(locations)
    runs = [s for s in report.sources.values() if s.run is not None]
    if runs:
        click.echo(IMPORT_HEADER)
        for state in sorted(runs, key=lambda s: s.source.id):
            click.echo(_import_line(state))
        # New articles join stories, as after a crawl (one grouping pass covers every source).
        with_new = next((s.run for s in runs if s.counts["new"]), None)
        group_after_crawl(database_url, RunOutcome(with_new, "ok"))
    for state in report.sources.values():
        if state.soft_404:  # archives keep the not-found pages they met: expected, not stored
            kinds = ", ".join(f"{n} {SOFT_404_KIND_NAMES.get(k, k)}"
                              for k, n in state.soft_404.most_common())
            click.echo(f"{state.source.id}: soft-404s in the archive, not stored: {kinds}")
        if state.off_pattern:
            count, example = len(state.off_pattern), next(iter(state.off_pattern))
            shape = ("URL looks like an article but fails" if count == 1
                     else "URLs look like articles but fail")
            click.echo(f"! {count} {state.source.id} {shape} its article_url_pattern,"
                       f" e.g. {example}")
    articles = sum(s.counts["found"] for s in report.sources.values())
    skipped = ", ".join(f"{n:,} {RECORD_KINDS[k]}" for k, n in report.kinds.most_common())
    click.echo(f"\n{report.records:,} records read in {report.seconds:.1f} s"
               f" ({report.records / max(report.seconds, 1e-9):,.0f}/s): {articles:,} article"
               f" pages of {len(runs)} sources" + (f"; not imported: {skipped}" if skipped else ""))
    for problem in report.unreadable_files:
        click.echo(f"! {problem}", err=True)
    if report.unreadable_files or any(s.status in ("failed", "killed") for s in runs):
        raise SystemExit(1)


COMMANDS = [reprocess, import_warcs]
