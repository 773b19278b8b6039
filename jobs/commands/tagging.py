"""`dozor tag`, `dozor eval-tags` and `dozor retag`: topic tagging outside the crawl."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from crawler.config import PROJECT_ROOT
from crawler.tagging.evaluate import evaluate
from crawler.tagging.jsonl import tag_jsonl
from jobs.tasks import retag as run_retag

LABELLED_SET = PROJECT_ROOT / "tests" / "fixtures" / "tagging" / "labelled.jsonl"


@click.command()
def tag() -> None:
    """Tag JSON Lines from stdin ({"id", "title", "text"}); one JSON line out per line in."""
    for line in tag_jsonl(sys.stdin):
        click.echo(line)


@click.command("eval-tags")
@click.option("--labelled", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=LABELLED_SET, show_default=True, help="Labelled texts (JSON Lines).")
def eval_tags(labelled: Path) -> None:
    """Precision, recall and F1 of the tagger per topic and language on a labelled set."""
    click.echo(evaluate(labelled).format_table())


@click.command()
@click.option("--source", default=None, metavar="ID", help="Only this source's articles.")
def retag(source: str | None) -> None:
    """Re-apply the current rules to every stored article (no refetch); say what changed."""
    report = run_retag(source)
    click.echo(f"retagged {report.articles} articles with rules {report.rules_version}:"
               f" topics changed on {report.changed}")


COMMANDS = [tag, eval_tags, retag]
