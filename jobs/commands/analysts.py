"""`dozor search`, `stats`, `digest`, `serve` and `eval-search`: the analysts' commands."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from jobs.tasks import prepare_read_database
from serve.connection import connect_read_only
from serve.i18n import UI_LANGUAGES, cli_language, messages
from serve.request import MAX_OFFSET, ORDERS, Filters, SearchRequest, parse_range
from serve.search import search

# The terminal table shows at most this many rows; exports have no limit (every match).
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


def ui_option(command: F) -> F:
    """--ui-lang: the language of what the command prints (default: DOZOR_UI_LANG or LANG)."""
    return click.option(
        "--ui-lang", "ui", type=click.Choice(UI_LANGUAGES), default=None,
        help="Language of the output: kk, ru or en (default: $DOZOR_UI_LANG, else $LANG).",
    )(command)


def search_switches(command: F) -> F:
    """--expand (one row per article) and --no-cross-language, shared by search and stats."""
    command = click.option(
        "--expand", is_flag=True,
        help="One row per article; by default republications and language versions of one"
        " story are one row.")(command)
    return click.option(
        "--cross-language/--no-cross-language", default=True, show_default=True,
        help="Russian words also find Kazakh articles and back (vocabulary terms).")(command)


def make_filters(params: dict[str, Any]) -> Filters:
    """Filters from the shared options."""
    since, until = parse_range(params["since"], params["until"])
    return Filters(
        topics=params["topics"], subtopics=params["subtopics"], sources=params["sources"],
        langs=params["langs"], regions=params["regions"], since=since, until=until,
    )


@click.command("search")
@click.argument("words", nargs=-1)
@filter_options
@search_switches
@click.option("--order", type=click.Choice(ORDERS), default="relevance", show_default=True,
              help="relevance needs words; without them results are newest first.")
@click.option("--limit", type=click.IntRange(1, MAX_CLI_ROWS), default=None,
              help="Rows of the table (default 20); an export holds every match unless set.")
@click.option("--offset", type=click.IntRange(0, MAX_OFFSET), default=0)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "jsonl", "xlsx"]),
              default="table", show_default=True)
@click.option("--body", "with_text", is_flag=True, help="Exports: add the lead and full text.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (needed for xlsx); default: standard output.")
@ui_option
def search_command(words: tuple[str, ...], order: str, limit: int | None, offset: int, fmt: str,
                   output: Path | None, with_text: bool, expand: bool, cross_language: bool,
                   ui: str | None, **params: Any) -> None:
    """Search stored articles; Kazakh and Russian word forms are found alike.

    WORDS are all required; "a phrase" keeps words together, -word excludes, a OR b, prefix*.
    The table shows one row per story and adds close matches (every word but one) when few
    hold them all. CSV, JSON Lines and Excel hold every article with every word (streamed,
    nothing cut), each with its story. Times are Asia/Almaty.
    """
    from serve import export, terminal

    ui = ui or cli_language()
    t = messages(ui)
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx needs --output FILE.xlsx")
    filters = make_filters(params)
    _, url = prepare_read_database()  # a replica when DOZOR_READ_DATABASE_URL is set
    if fmt != "table":
        request = SearchRequest(" ".join(words), filters, order, 1, 0,  # type: ignore[arg-type]
                                cross_language=cross_language)
        _export(url, request, fmt, output, limit, export.ExportOptions(with_text, ui), t)
        return
    request = SearchRequest(" ".join(words), filters, order, limit or 20, offset,  # type: ignore[arg-type]
                            close_matches=True, cross_language=cross_language,
                            stories=not expand)
    with connect_read_only(url) as conn:
        page = search(conn, request, max_limit=MAX_CLI_ROWS)
    with click.open_file(str(output) if output else "-", "w", encoding="utf-8") as out:
        terminal.write_table(page.hits, out, page.total, page.total_exact, page.parsed, ui,
                             stories=not expand)


def _export(url: str, request: SearchRequest, fmt: str, output: Path | None,
            limit: int | None, options: Any, t: Any) -> None:
    """Stream every match (or the first `limit`) to a file or standard output; say N of N."""
    from itertools import islice

    from serve import export

    with connect_read_only(url) as conn:
        total = export.count_matches(conn, request)
        records = export.iter_records(conn, request, options)
        if limit is not None:
            records = islice(records, limit)
        written = 0

        def counted(rows: Any) -> Any:
            nonlocal written
            for row in rows:
                written += 1
                yield row

        if fmt == "xlsx":
            assert output is not None
            export.write_xlsx(counted(records), output, options)
        else:
            # A file for a spreadsheet gets a byte-order mark: Excel then reads Cyrillic.
            encoding = "utf-8-sig" if fmt == "csv" and output else "utf-8"
            chunks = (export.csv_chunks(counted(records), options) if fmt == "csv"
                      else export.jsonl_lines(counted(records), options))
            with click.open_file(str(output) if output else "-", "w", encoding=encoding) as out:
                for chunk in chunks:
                    out.write(chunk)
    where = str(output) if output else t("standard output")
    click.echo(t("{written} of {total} matching articles written to {where}", written=written,
                 total=total, where=where), err=True)


@click.command("stats")
@click.argument("words", nargs=-1)
@filter_options
@search_switches
@click.option("--by", "dimensions", multiple=True,
              type=click.Choice(["day", "week", "region", "source", "lang"]),
              help="Count per day, week, region, source or language (repeatable; default"
              " week, region and source).")
@click.option("--chart", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw the counts into this PNG file.")
@ui_option
def stats_command(words: tuple[str, ...], dimensions: tuple[str, ...], chart: Path | None,
                  expand: bool, cross_language: bool, ui: str | None, **params: Any) -> None:
    """Count matching stories (or, with --expand, articles) per week, region and source."""
    from serve.stats import ALL_DIMENSIONS, DIMENSIONS, chart_png, count_by, format_table

    ui = ui or cli_language()
    t = messages(ui)
    chosen = [d for d in ALL_DIMENSIONS if d in dimensions] or list(DIMENSIONS)
    filters = make_filters(params)
    _, url = prepare_read_database()  # a replica when DOZOR_READ_DATABASE_URL is set
    with connect_read_only(url) as conn:
        tables = {d: count_by(conn, d, " ".join(words), filters, stories=not expand,
                              cross_language=cross_language) for d in chosen}
    unit = "articles" if expand else "stories"
    click.echo("\n\n".join(format_table(tb, ui=ui, unit=unit) for tb in tables.values()))
    if chart:
        chart.write_bytes(chart_png(tables, ui=ui))
        click.echo("\n" + t("chart written to {path}", path=chart), err=True)


@click.command("digest")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]),
              help="The Asia/Almaty day to report (default: yesterday).")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file; default: standard output (or a file in the data"
              " directory when DOZOR_DIGEST_HOOK is set).")
@ui_option
def digest_command(day: Any, fmt: str, output: Path | None, ui: str | None) -> None:
    """The day's new fraud and organized-crime stories, by topic and region (Markdown/HTML).

    A story told by several outlets or in both languages is one entry, its other articles
    linked beside it.

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

    ui = ui or cli_language()
    target_day: date = day.date() if day is not None else digest_day()
    _, url = prepare_read_database()  # a replica when DOZOR_READ_DATABASE_URL is set
    with connect_read_only(url) as conn:
        digest = build_digest(conn, target_day, ui)
    text = render(digest, fmt)
    hook = hook_command()
    if output is None and hook:
        output = digest_path(target_day, fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(messages(ui)("digest of {day} ({n} stories) written to {path}", day=target_day,
                            n=digest.count, path=output), err=True)
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

    url, read_url = prepare_read_database()
    uvicorn.run(create_app(url, read_url=read_url), host=host, port=port, proxy_headers=True,
                log_level="info")


@click.command("eval-search")
@click.option("--corpus", "corpus", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="A judged set: a folder with corpus.jsonl and queries.jsonl"
              " (default: the bundled synthetic corpus).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_search_command(corpus: Path | None, as_json: bool) -> None:
    """Recall@10 and MRR@10 of Dozor's search against plain PostgreSQL baselines.

    The corpus is stored in a scratch database through the normal store path (tags, stems),
    every query runs through every system, and the database is dropped. With
    `relevant_other_lang` judgments, cross-language figures are printed too.
    """
    from serve.evaluate import CORPUS_DIR, run_evaluation

    report = run_evaluation(folder=corpus or CORPUS_DIR)
    sys.stdout.write(report.to_json() + "\n" if as_json else report.format_table() + "\n")


COMMANDS = [search_command, stats_command, digest_command, serve_command, eval_search_command]
