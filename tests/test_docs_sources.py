"""docs/sources.md is generated from the registry, and `dozor sources` shows the registry."""

from __future__ import annotations

from pathlib import Path

import psycopg
from click.testing import CliRunner

from crawler.sources import all_sources
from jobs.cli import dozor
from jobs.sources_doc import (
    DOCS_PATH,
    REGENERATE,
    docstring_section,
    registry_modules,
    sources_markdown,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def test_docs_sources_md_is_current() -> None:
    written = (PROJECT_ROOT / DOCS_PATH).read_text("utf-8")
    assert written == sources_markdown(), (
        f"{DOCS_PATH} does not match the source registry: run `{REGENERATE}` and commit it"
    )


def test_every_declared_source_has_a_row_with_its_caveats() -> None:
    markdown = sources_markdown()
    for source, doc in registry_modules():
        [row] = [line for line in markdown.splitlines() if line.startswith(f"| `{source.id}` |")]
        assert source.name in row
        caveats = docstring_section(doc, "Caveats")
        assert caveats, f"crawler/sources/{source.id}.py: its docstring has no Caveats: section"
        assert caveats.split()[0] in row


def test_a_caveats_section_is_read_up_to_the_next_section() -> None:
    doc = ("Site: www.example.kz.\nCaveats: the date has no zone;\n"
           "    it is Almaty time.\nDiscovery: RSS.\n")
    assert docstring_section(doc, "Caveats") == "the date has no zone; it is Almaty time."
    assert docstring_section(doc, "Hints") == ""


def test_dozor_sources_lists_every_source_with_its_last_run(
    db: psycopg.Connection[tuple[object, ...]],
) -> None:
    db.execute("INSERT INTO crawl_runs (source_id, mode, status, started_at, new)"
               " VALUES ('zakon_kz', 'daily', 'ok', '2025-12-26 07:00+00', 4)")
    result = CliRunner().invoke(dozor, ["sources"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:5] == ["id", "name", "languages", "discovery", "schedule"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == set(all_sources())
    zakon = rows["zakon_kz"]
    assert "Zakon.kz" in zakon and "ru,kk" in zakon and "feed,listing" in zakon
    # Started at 07:00 UTC: shown in Almaty time.
    assert zakon.endswith("2025-12-26 12:00 ok (+4)")
    assert rows["tengrinews_kz"].endswith("never")
