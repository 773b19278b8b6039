"""`dozor tag`, `dozor eval-tags` and `dozor retag`: topic tagging outside the crawl."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from crawler.config import PROJECT_ROOT
from crawler.tagging.evaluate import evaluate, find_dev_dir, format_tables
from crawler.tagging.jsonl import tag_jsonl
from jobs.tasks import retag as run_retag

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "tagging"
PROJECT_SETS = (FIXTURES / "labelled.jsonl", FIXTURES / "heldout.jsonl")


@click.command()
def tag() -> None:
    """Tag JSON Lines from stdin ({"id", "title", "text"}); one JSON line out per line in.

    A line that is not a JSON object, lacks a text, or is too long (see docs/tagging.md)
    gives {"id", "line", "error"} in its place, and the next line is read.
    """
    for line in tag_jsonl(sys.stdin.buffer):
        click.echo(line)


@click.command("eval-tags")
@click.option("--labelled", "labelled", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A labelled JSON Lines file (repeatable). Default: every file of "
                   "../shared/tagging-dev, then the project's own regression sets.")
@click.option("--dev-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Folder of the real labelled set (default: ../shared/tagging-dev "
                                 "or $DOZOR_SHARED_DIR/tagging-dev).")
@click.option("--rules-only", is_flag=True, help="Decide by the rules, without vocab/model.json.")
@click.option("--errors", "show_errors", is_flag=True, help="Also list the misses of each set.")
def eval_tags(labelled: tuple[Path, ...], dev_dir: Path | None, rules_only: bool,
              show_errors: bool) -> None:
    """P/R/F1 per topic x language (and Kazakh script) on real and project labelled sets.

    Real files are reported twice: on their held-out half (the honest figure: rules were
    tuned on the other half only) and on the whole file.
    """
    real: list[Path] = []
    if not labelled:
        dev = dev_dir or find_dev_dir(PROJECT_ROOT)
        if dev is None:
            click.echo("real labelled set not found: pass --dev-dir or set DOZOR_SHARED_DIR "
                       "to the folder holding tagging-dev/", err=True)
        else:
            real = sorted(dev.glob("*.jsonl"))
    files = [*real, *(labelled or PROJECT_SETS)]
    for path in files:
        full = evaluate(path, use_model=not rules_only)
        reports = [("full", full)]
        if path in real:
            reports.insert(0, ("held", evaluate(path, half="held", use_model=not rules_only)))
        click.echo(f"== {path.name}")
        click.echo(format_tables(reports))
        if show_errors:
            for line in full.errors:
                click.echo(f"   {line}")
        click.echo("")


@click.command()
@click.option("--source", default=None, metavar="ID", help="Only this source's articles.")
def retag(source: str | None) -> None:
    """Re-apply the current rules to every stored article (no refetch); say what changed."""
    report = run_retag(source)
    click.echo(f"retagged {report.articles} articles with rules {report.rules_version}:"
               f" topics changed on {report.changed}")


COMMANDS = [tag, eval_tags, retag]
