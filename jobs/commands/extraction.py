"""`dozor eval-extraction`: how well bodies are extracted, against hand-checked gold text."""

from __future__ import annotations

import importlib
import json
import math
import sys
from pathlib import Path
from types import ModuleType

import click

from crawler.config import PROJECT_ROOT
from crawler.errors import DozorError
from crawler.extract.evaluate import (
    GOLD_SUFFIX,
    ExtractionReport,
    PageScore,
    corpus_sha256,
    draft_gold,
    floor_failures,
    score,
)

FLOORS_FILE = PROJECT_ROOT / "tests" / "fixtures" / "extraction_floors.json"


def golden_module() -> ModuleType:
    """tests/golden.py: the golden corpus and its loader live in the repository, not the package."""
    if not (PROJECT_ROOT / "tests" / "golden.py").is_file():
        raise DozorError(f"no golden corpus: {PROJECT_ROOT / 'tests'} is not there (a checkout"
                         " of the repository has it)")
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    return importlib.import_module("tests.golden")


def evaluate_golden_corpus() -> ExtractionReport:
    """Extract every golden page that has a gold file and score its body."""
    golden = golden_module()
    scored, hashed, unannotated = [], [], 0
    for case in golden.load_cases():
        gold_file = case.page.with_name(case.page.name + GOLD_SUFFIX)
        if not gold_file.is_file():
            unannotated += 1
            continue
        gold = gold_file.read_text("utf-8")
        extracted = golden.extract_case(case)["body"]
        scored.append(PageScore(case.case_id, case.source_id, score(gold, extracted)))
        # What extraction reads (the page, or the API answer or preview the item came in) and
        # the gold text: a change to any of them makes earlier figures incomparable.
        source = (golden.SITES_DIR / case.source_id / case.discovered_in
                  if case.discovered_in else case.page)
        inputs = [case.url.encode(), case.captured_at.isoformat().encode(),
                  source.read_bytes() if source.is_file() else b"", gold.encode()]
        hashed.append((case.page.relative_to(golden.SITES_DIR).as_posix(), b"\0".join(inputs)))
    return ExtractionReport(corpus_sha256(hashed), scored, unannotated)


def read_floors(path: Path = FLOORS_FILE) -> dict[str, object]:
    """The pinned floors and corpus hash, or {} before the first pin."""
    if not path.is_file():
        return {}
    data: dict[str, object] = json.loads(path.read_text("utf-8"))
    return data


def pinned_floors(report: ExtractionReport, old: dict[str, object], allow_lower: bool,
                  ) -> dict[str, object]:
    """Floors at today's figures; an existing floor is never lowered without `allow_lower`."""
    figures = report.figures()
    old_floors = old.get("floors") if isinstance(old.get("floors"), dict) else {}
    assert isinstance(old_floors, dict)
    failures = floor_failures(report, old_floors)
    if failures and not allow_lower:
        raise DozorError("these figures are below their floors; fix extraction, or pass"
                         " --allow-lower to lower them on purpose: " + "; ".join(failures))
    # Three decimals, rounded down: a floor is what was measured, never a hair above it.
    floors = {measure: {key: math.floor(value * 1000) / 1000 for key, value in values.items()}
              for measure, values in figures.items()}
    return {"corpus_sha256": report.sha256, "pages": len(report.pages), "floors": floors}


@click.command("eval-extraction")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--update-floors", is_flag=True,
              help=f"Pin today's figures and corpus hash in {FLOORS_FILE.name}.")
@click.option("--allow-lower", is_flag=True, help="With --update-floors: allow lower floors.")
@click.option("--draft", "draft_page", type=click.Path(exists=True, dir_okay=False,
                                                       path_type=Path),
              help="Print a saved page's paragraphs: the start of its hand-written gold file.")
def eval_extraction(as_json: bool, update_floors: bool, allow_lower: bool,
                    draft_page: Path | None) -> None:
    """Precision, recall and F1 of extracted bodies on the golden pages with gold text."""
    if draft_page is not None:
        click.echo(draft_gold(draft_page.read_bytes()))
        return
    report = evaluate_golden_corpus()
    if as_json:
        click.echo(json.dumps({"corpus_sha256": report.sha256, "pages": len(report.pages),
                               "unannotated": report.unannotated, **report.figures()}, indent=2))
    else:
        click.echo(report.format_table())
    if update_floors:
        pinned = pinned_floors(report, read_floors(), allow_lower)
        FLOORS_FILE.write_text(json.dumps(pinned, indent=2, sort_keys=True) + "\n", "utf-8")
        click.echo(f"pinned in {FLOORS_FILE}; review the diff")


COMMANDS = [eval_extraction]
