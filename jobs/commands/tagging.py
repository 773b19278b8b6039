"""`dozor tag`, `eval-tags`, `retag`, `correct` and `corrections`: tagging outside the crawl."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import click

from crawler.config import PROJECT_ROOT
from crawler.tagging.disputes import (
    Applicable,
    Dispute,
    applicable,
    read_disputes,
    shipped_dispute_files,
)
from crawler.tagging.evaluate import (
    ALL,
    DISPUTED,
    EvaluationReport,
    dev_half,
    evaluate_halves,
    file_sha256,
    find_dev_dir,
    format_mechanisms,
    format_tables,
)
from crawler.tagging.jsonl import tag_jsonl
from crawler.tagging.model import load_model
from crawler.tagging.vocab import VOCAB_DIR, Vocabulary, load_vocabulary
from jobs.tasks import prepare_database
from jobs.tasks import retag as run_retag
from storage.corrections import export_rows, list_corrections, record_correction
from storage.db import connect
from storage.tags import retag_articles

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
@click.option("--model", "model_file", default=None,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Weigh the rules with this model file instead (a candidate or a retired one, "
                   "e.g. bench/models/ocg-add-2026.6.json).")
@click.option("--errors", "show_errors", is_flag=True, help="Also list the misses of each set.")
@click.option("--mechanisms", is_flag=True,
              help="Also count the wrong decisions of each half by mechanism (no offence or "
                   "cue word, one sentence of a long text's body, vetoed, ...): counts only, so"
                   " held-out halves too.")
@click.option("--disputes", "dispute_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A file of disputed labels (repeatable). Default: every file of "
                   "docs/data/disputes. The set's own labels are always scored first.")
def eval_tags(labelled: tuple[Path, ...], dev_dir: Path | None, rules_only: bool,
              model_file: Path | None, show_errors: bool, mechanisms: bool,
              dispute_files: tuple[Path, ...]) -> None:
    """P/R/F1 per topic x language (and Kazakh script) on real and project labelled sets.

    Real files are reported twice: on their held-out half (no rule was written from its
    texts; docs/tagging.md says what each round saw) and on the whole file. Where blind
    readers dispute some of a set's labels (docs/data/disputes), one more line scores the same
    tags against the labels as they read them.
    """
    dispute_files = dispute_files or shipped_dispute_files()
    disputes = read_disputes(dispute_files)
    if model_file is not None and rules_only:
        raise click.UsageError("--model and --rules-only exclude each other")
    with ExitStack() as stack:
        vocab = (_vocabulary_with_model(model_file, stack) if model_file is not None
                 else load_vocabulary())
        _eval_tags(labelled, dev_dir, rules_only, show_errors, mechanisms, vocab, disputes,
                   ", ".join(p.name for p in dispute_files))


def _vocabulary_with_model(model_file: Path, stack: ExitStack) -> Vocabulary:
    """The shipped vocabulary with `model_file` beside it, in a folder that lives as long as
    the stack: exactly what tagging would read if the model were shipped."""
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "vocab"
    shutil.copytree(VOCAB_DIR, folder)
    shutil.copyfile(model_file, folder / "model.json")
    return load_vocabulary(folder)


def _eval_tags(labelled: tuple[Path, ...], dev_dir: Path | None, rules_only: bool,
               show_errors: bool, mechanisms: bool, vocab: Vocabulary,
               disputes: list[Dispute], disputes_source: str) -> None:
    real: list[Path] = []
    if not labelled:
        dev = dev_dir or find_dev_dir(PROJECT_ROOT)
        if dev is None:
            click.echo("real labelled set not found: pass --dev-dir or set DOZOR_SHARED_DIR "
                       "to the folder holding tagging-dev/", err=True)
        else:
            real = sorted(dev.glob("*.jsonl"))
    files = [*real, *(labelled or PROJECT_SETS)]
    model = load_model(vocab)
    for path in files:
        found = applicable(disputes, path.name, file_sha256(path))
        halves = evaluate_halves(path, vocab, use_model=not rules_only, mechanisms=mechanisms,
                                 relabel=found.relabel)
        full = halves["all"]
        reports = [("held", halves["held"]), ("full", full)] if path in real else [("full", full)]
        click.echo(f"== {path.name}")
        click.echo(format_tables(reports))
        _echo_disputed(found, halves, path in real, disputes_source)
        if model is not None and not rules_only and full.sha256 in model.trained_on:
            # Honest figures for such a file come from a model that did not learn from it.
            click.echo(f"   model {model.version} learned from this file: its figures here are"
                       " in-sample; out-of-sample ones: bench/train_tagging_model.py"
                       " --protocols b (docs/tagging.md); --rules-only for the rules alone")
        if mechanisms:
            for half in (("held", "tune") if path in real else (ALL,)):
                label = {"held": "held-out half", "tune": "tuning half"}.get(half, "whole set")
                click.echo(f"   wrong decisions by mechanism, {label}:")
                for line in format_mechanisms(halves[half]).splitlines():
                    click.echo(f"     {line}")
        if show_errors:
            # Of a real file only the tuning half's misses are shown: reading the held-out
            # half's would make its figures dishonest.
            errors = [e for e in full.errors
                      if path not in real or dev_half(e.split(":")[0]) == "tune"]
            click.echo(f"   misses{' (tuning half)' if path in real else ''}: {len(errors)}")
            for line in errors:
                click.echo(f"   {line}")
        click.echo("")


def _echo_disputed(found: Applicable, halves: dict[str, EvaluationReport], real: bool,
                   source: str) -> None:
    """The line scoring the same tags against disputed labels as blind readers read them."""
    if found.stale:
        click.echo(f"   {len(found.stale)} disputed label(s) were written for another version of"
                   " this file: not applied")
    if not found:
        return
    parts = []
    for half, label in ((("held", "held-out"),) if real else ()) + ((ALL, "full"),):
        report = halves[half + DISPUTED]
        worst, cell = report.worst()
        parts.append(f"{label} {worst:.3f} ({cell}), false ocg {report.false_positives('ocg')}")
    click.echo(f"   with {len(found.relabel)} disputed label(s) as blind readers read them"
               f" ({source}): worst topic x language F1 {'; '.join(parts)}")


@click.command()
@click.option("--source", default=None, metavar="ID", help="Only this source's articles.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Tagging processes (default: one per core, at most 2).")
def retag(source: str | None, workers: int | None) -> None:
    """Re-apply the current rules to every stored article (no refetch); say what changed.

    Analysts' corrections stay in force: a rejected topic is not put back.
    """
    report = run_retag(source, workers=workers)
    click.echo(f"retagged {report.articles} articles with rules {report.rules_version}:"
               f" topics changed on {report.changed}, {report.written} rewritten")


@click.command()
@click.argument("article_id", type=int)
@click.option("--topic", type=click.Choice(["fraud", "ocg"]), required=True)
@click.option("--confirm", "verdict", flag_value="confirm", help="The topic is right.")
@click.option("--reject", "verdict", flag_value="reject", help="The topic is wrong.")
@click.option("--by", "analyst", envvar="DOZOR_ANALYST", required=True,
              help="Who decides (or $DOZOR_ANALYST).")
@click.option("--note", default=None, help="Why, in one line (exported as `why`).")
@click.option("--kz-related/--not-kz-related", default=None,
              help="The analyst's view of kz_related, if any.")
def correct(article_id: int, topic: str, verdict: str | None, analyst: str, note: str | None,
            kz_related: bool | None) -> None:
    """Confirm or reject a topic of a stored article; kept across `dozor retag`."""
    if verdict is None:
        raise click.UsageError("say --confirm or --reject")
    with connect(prepare_database()) as conn:
        c = record_correction(conn, article_id, topic, verdict, analyst, note, kz_related)
        retag_articles(conn, [article_id])  # a confirmed topic gets the rules' evidence back
        conn.commit()
    said = "had" if c.rules_said else "had not"
    click.echo(f"article {c.article_id}: {c.topic} {c.verdict}ed by {c.analyst} at"
               f" {c.created_at:%Y-%m-%d %H:%M} (the rules {said} tagged it)")


@click.command()
@click.option("--article", "article_id", type=int, default=None, help="Only this article.")
@click.option("--export", "export_to", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Write corrected articles as labelled JSON Lines "
                                 "(the format of ../shared/tagging-dev); '-' for stdout.")
def corrections(article_id: int | None, export_to: Path | None) -> None:
    """List analysts' verdicts, or export corrected articles in the dev-set format."""
    with connect(prepare_database()) as conn:
        if export_to is None:
            for c in list_corrections(conn, article_id):
                click.echo(f"{c.created_at:%Y-%m-%d %H:%M}  article {c.article_id}  {c.topic}"
                           f"  {c.verdict}  by {c.analyst}" + (f"  ({c.note})" if c.note else ""))
            return
        lines = [json.dumps(row, ensure_ascii=False) for row in export_rows(conn)]
    if str(export_to) == "-":
        for line in lines:
            click.echo(line)
        return
    export_to.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    click.echo(f"{len(lines)} corrected articles written to {export_to}", err=True)


COMMANDS = [tag, eval_tags, retag, correct, corrections]
