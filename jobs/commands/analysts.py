"""`dozor search`, `stats`, `digest`, `serve` and `eval-search`: the analysts' commands."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from jobs.tasks import prepare_database
from serve.connection import connect_read_only
from serve.search import MAX_OFFSET, ORDERS, Filters, SearchRequest, parse_when, search

# The command line may export more rows than one API page; still bounded, a row is small.
MAX_CLI_ROWS = 10_000

F = TypeVar("F", bound=Callable[..., Any])


def filter_options(command: F) -> F:
    """The filter options shared by search, stats and digest-like commands."""
    options = [
        click.option("--topic", "topics", multiple=True, metavar="TOPIC",
                     help="fraud or ocg (repeatable: any of them)."),
        click.option("--subtopic", "subtopics", multiple=True, metavar="SUB",
                     help="e.g. phone, internet, pyramid, extortion (repeatable)."),
        click.option("--source", "sources", multiple=True, metavar="ID",
                     help="A source id such as zakon_kz (repeatable)."),
        click.option("--lang", "langs", multiple=True, type=click.Choice(["kk", "ru", "en"]),
                     help="Article language (repeatable)."),
        click.option("--region", "regions", multiple=True, metavar="REGION",
                     help="A region id such as almaty_city, karaganda (repeatable)."),
        click.option("--since", metavar="WHEN",
                     help="From this day or time: YYYY-MM-DD, 'yesterday', '7d' (Asia/Almaty)."),
        click.option("--until", metavar="WHEN",
                     help="Up to and including this day (Asia/Almaty), or before an ISO time."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def make_filters(params: dict[str, Any]) -> Filters:
    """Filters from the shared options."""
    return Filters(
        topics=params["topics"], subtopics=params["subtopics"], sources=params["sources"],
        langs=params["langs"], regions=params["regions"],
        since=parse_when(params["since"]) if params["since"] else None,
        until=parse_when(params["until"], end=True) if params["until"] else None,
    )


@click.command("search")
@click.argument("words", nargs=-1)
@filter_options
@click.option("--order", type=click.Choice(ORDERS), default="relevance", show_default=True,
              help="relevance needs words; without them results are newest first.")
@click.option("--limit", type=click.IntRange(1, MAX_CLI_ROWS), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(0, MAX_OFFSET), default=0)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "jsonl", "xlsx"]),
              default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (needed for xlsx); default: standard output.")
def search_command(words: tuple[str, ...], order: str, limit: int, offset: int, fmt: str,
                   output: Path | None, **params: Any) -> None:
    """Search stored articles; Kazakh and Russian word forms are found alike.

    WORDS are all required; "a phrase" keeps words together, -word excludes, a OR b, prefix*.
    The table adds close matches (every word but one) when few articles hold them all;
    CSV, JSON Lines and Excel hold only articles with every word. Times are Asia/Almaty.
    """
    from serve import export

    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx needs --output FILE.xlsx")
    # Close matches help a reader at the terminal; exports hold articles with every word.
    request = SearchRequest(" ".join(words), make_filters(params), order, limit, offset,  # type: ignore[arg-type]
                            close_matches=fmt == "table")
    url = prepare_database()
    with connect_read_only(url) as conn:
        page = search(conn, request, max_limit=MAX_CLI_ROWS)
    if fmt == "xlsx":
        assert output is not None
        export.write_xlsx(page.hits, output)
        click.echo(f"{len(page.hits)} articles written to {output}", err=True)
        return
    # A file for a spreadsheet gets a byte-order mark: Excel then reads Cyrillic as UTF-8.
    encoding = "utf-8-sig" if fmt == "csv" and output else "utf-8"
    # "-" is standard output, which click keeps open after the block.
    with click.open_file(str(output) if output else "-", "w", encoding=encoding) as out:
        if fmt == "table":
            export.write_table(page.hits, out, page.total, page.total_exact)
        elif fmt == "csv":
            export.write_csv(page.hits, out)
        else:
            export.write_jsonl(page.hits, out)


@click.command("stats")
@click.argument("words", nargs=-1)
@filter_options
@click.option("--by", "dimensions", multiple=True, type=click.Choice(["week", "region", "source"]),
              help="Count per week, region or source (repeatable; default all three).")
@click.option("--chart", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw the counts into this PNG file.")
def stats_command(words: tuple[str, ...], dimensions: tuple[str, ...], chart: Path | None,
                  **params: Any) -> None:
    """Count matching articles per week (Asia/Almaty), region and source, by topic."""
    from serve.stats import DIMENSIONS, chart_png, count_by, format_table

    chosen = [d for d in DIMENSIONS if d in dimensions] or list(DIMENSIONS)
    filters = make_filters(params)
    url = prepare_database()
    with connect_read_only(url) as conn:
        tables = {d: count_by(conn, d, " ".join(words), filters) for d in chosen}
    click.echo("\n\n".join(format_table(t) for t in tables.values()))
    if chart:
        chart.write_bytes(chart_png(tables))
        click.echo(f"\nchart written to {chart}", err=True)


@click.command("digest")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]),
              help="The Asia/Almaty day to report (default: yesterday).")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file; default: standard output (or a file in the data"
              " directory when DOZOR_DIGEST_HOOK is set).")
def digest_command(day: Any, fmt: str, output: Path | None) -> None:
    """The day's new fraud and organized-crime articles, by topic and region (Markdown/HTML).

    With DOZOR_DIGEST_HOOK set, that command is then run with the file's path as its last
    argument (to mail it, post it to a chat...).
    """
    from serve.digest import (
        build_digest,
        digest_day,
        digest_path,
        hook_command,
        render,
        run_hook,
    )

    target_day: date = day.date() if day is not None else digest_day()
    url = prepare_database()
    with connect_read_only(url) as conn:
        digest = build_digest(conn, target_day)
    text = render(digest, fmt)
    hook = hook_command()
    if output is None and hook:
        output = digest_path(target_day, fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"digest of {target_day} ({digest.count} articles) written to {output}", err=True)
    if hook:
        run_hook(hook, output)
        click.echo(f"delivered with {hook[0]}", err=True)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
def serve_command(host: str, port: int) -> None:
    """Serve the read-only HTTP API and the web page (OpenAPI at /openapi.json)."""
    import uvicorn

    from serve.api import create_app

    url = prepare_database()
    uvicorn.run(create_app(url), host=host, port=port, proxy_headers=True, log_level="info")


@click.command("eval-search")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_search_command(as_json: bool) -> None:
    """Recall@10 and MRR@10 of Dozor's search against plain baselines, on the bundled corpus."""
    from serve.evaluate import run_evaluation

    report = run_evaluation()
    sys.stdout.write(report.to_json() + "\n" if as_json else report.format_table() + "\n")


COMMANDS = [search_command, stats_command, digest_command, serve_command, eval_search_command]
