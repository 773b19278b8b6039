"""`dozor learn-template-lines`: a source's template lines, learned from its archived pages."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.timeutils import iso_date_to_datetime

from crawler.archive import MAX_DECODED_BYTES, http_headers_dict
from crawler.config import load_config
from crawler.discovery.urls import canonicalize_url
from crawler.extract.body import extract_article
from crawler.extract.template_lines import (
    TemplateLines,
    learn_template_lines,
    table_path,
)
from crawler.items import RawPage
from crawler.sources import Source, get_source


@dataclass
class PageCounts:
    """What the archive held for the source."""

    read: int = 0  # article responses of the source
    other: int = 0  # other records, other hosts, not HTML, not 200


def archived_pages(warcs: Iterable[Path], source: Source, counts: PageCounts) -> Iterator[RawPage]:
    """The source's archived article responses (status 200, HTML), as the crawl fetched them."""
    pattern = re.compile(source.article_url_pattern)
    for path in warcs:
        with path.open("rb") as handle:
            try:
                for record in ArchiveIterator(handle, arc2warc=True):
                    if record.rec_type != "response" or record.http_headers is None:
                        continue
                    url = canonicalize_url(str(record.rec_headers.get_header("WARC-Target-URI")))
                    headers = http_headers_dict(record)
                    if (not pattern.search(url) or record.http_headers.get_statuscode() != "200"
                            or "html" not in headers.get("content-type", "text/html")):
                        counts.other += 1
                        continue
                    body = bytes(record.content_stream().read(MAX_DECODED_BYTES))
                    fetched = iso_date_to_datetime(
                        record.rec_headers.get_header("WARC-Date")).replace(tzinfo=UTC)
                    counts.read += 1
                    yield RawPage(source.id, url, url, 200, headers, body, fetched)
            except ArchiveLoadFailed as exc:
                click.echo(f"  {path}: stopped reading, {exc}", err=True)


def learn_from_archive(
    source: Source, warcs: list[Path], previous: TemplateLines | None,
) -> tuple[TemplateLines, PageCounts]:
    """A new table for the source from its archived pages, each extracted without a table."""
    counts = PageCounts()
    bodies = (extract_article(raw, source, template=None).body
              for raw in archived_pages(warcs, source, counts))
    table = learn_template_lines(source.id, bodies, previous, learned_at=datetime.now(UTC))
    return table, counts


@click.command("learn-template-lines")
@click.option("--source", "source_id", required=True, metavar="ID")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write <source>.json to (default: crawler/sources/template_lines,"
                   " where extraction reads it; review the diff like a golden page's).")
@click.argument("warcs", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def learn_template_lines_command(
    source_id: str, output: Path | None, warcs: tuple[Path, ...],
) -> None:
    """Learn a source's template lines: lines on many of its archived pages are furniture.

    Reads the WARC files given, or else the source's own archive ($DOZOR_DATA_DIR/warc/ID/).
    """
    source = get_source(source_id)
    files = list(warcs) or sorted((load_config().archive_dir / source.id).glob("*.warc.gz"))
    if not files:
        raise click.ClickException(f"no WARC files for {source.id}: give some, or crawl first")
    committed = table_path(source.id)
    previous = (TemplateLines.from_json(committed.read_text("utf-8")) if committed.is_file()
                else None)
    table, counts = learn_from_archive(source, files, previous)
    target = table_path(source.id, output)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(table.to_json(), "utf-8")
    added = table.lines - (previous.lines if previous else frozenset())
    removed = (previous.lines if previous else frozenset()) - table.lines
    click.echo(f"{source.id}: {counts.read} archived article pages read ({counts.other} other"
               f" records) from {len(files)} files; {len(table.lines)} template lines, version"
               f" {table.version} ({len(added)} new, {len(removed)} gone) -> {target}")
    for line in sorted(added)[:20]:
        click.echo(f"  + {line}")
    for line in sorted(removed)[:20]:
        click.echo(f"  - {line}")


COMMANDS = [learn_template_lines_command]
