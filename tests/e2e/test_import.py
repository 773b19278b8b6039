"""`dozor import FILE|URL ...` end to end: WARC files shaped like CC-NEWS's and wget's, served by a
real HTTP server, imported by the real command into a real PostgreSQL.

The CC-NEWS-shaped file holds every golden article page (50) of the 11 sources read from their pages
(nothing else of those sites: no feed, no listing it could be discovered from), among other
sites' pages, a listing, a 404, an image, a truncated payload and an article URL of a shape the
source's pattern does not know. Each page must be stored with the fields its golden case
expects, in one import run per source.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.e2e.mock_site import crawl_setup, dozor
from tests.golden import GoldenCase
from tests.mockserver.files import FileServer, file_server
from tests.waiting import patience
from tests.warc_shapes import article_cases, break_member, cc_news_warc, wget_warc

PROJECT_ROOT = Path(__file__).resolve().parents[2]
COUNTERS = ("found", "new", "updated", "unchanged", "skipped", "failed", "rejected")

pytestmark = pytest.mark.slow



def rows(database_url: str, query: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(query, params).fetchall()


@dataclass
class Imported:
    database_url: str
    server: FileServer
    warcs: Path
    cases: list[GoldenCase]
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    stored: dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def imported(database_url: str, mockserver: str,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    warcs = tmp_path_factory.mktemp("warcs")
    cases = article_cases()
    (warcs / "CC-NEWS-20251226120000-00001.warc.gz").write_bytes(cc_news_warc(cases).data)
    zakon = [c for c in cases if c.source_id == "zakon_kz"]
    (warcs / "zakon.warc.gz").write_bytes(wget_warc(zakon).data)
    with crawl_setup(database_url, mockserver, tmp_path_factory.mktemp("data")), \
            file_server(warcs) as server:
        cc_url = f"{server.url}/CC-NEWS-20251226120000-00001.warc.gz"
        first = dozor("import", cc_url, f"{server.url}/chunked/zakon.warc.gz")
        second = dozor("import", cc_url)
        with psycopg.connect(database_url) as conn, conn.cursor(
                row_factory=psycopg.rows.dict_row) as cur:
            stored = {r["url"]: r for r in cur.execute(
                "SELECT url, title, published_at, lang, status, fetched_at, warc_record,"
                " version FROM articles")}
        yield Imported(database_url, server, warcs, cases, first, second, stored)


def test_a_warc_of_article_pages_alone_stores_every_article(imported: Imported) -> None:
    assert imported.first.returncode == 0, imported.first.stderr
    assert set(imported.stored) == {c.url for c in imported.cases}
    assert len(imported.stored) == len(imported.cases) >= 48


@pytest.mark.parametrize("field", ["title", "published_at", "lang", "status"])
def test_each_article_is_extracted_as_its_golden_case_says(imported: Imported, field: str) -> None:
    wrong = []
    for case in imported.cases:
        got = imported.stored[case.url][field]
        want = case.expected[field]
        if field == "published_at" and want is not None:
            from datetime import datetime

            want = datetime.fromisoformat(want)
        if got != want:
            wrong.append(f"{case.url}: {got!r} != {want!r}")
    assert not wrong, "\n".join(wrong)


def test_the_capture_time_is_the_fetch_time(imported: Imported) -> None:
    # Relative dates ("вчера, 18:40") resolve against it; so must a reader of the row.
    for case in imported.cases:
        assert imported.stored[case.url]["fetched_at"] == case.captured_at


def test_each_source_gets_an_import_run_whose_counts_add_up(imported: Imported) -> None:
    runs = rows(imported.database_url,
                f"SELECT source_id, mode, status, {', '.join(COUNTERS)} FROM crawl_runs"
                " ORDER BY id")
    first = runs[:11]
    assert {r[0] for r in first} == {c.source_id for c in imported.cases}
    for source_id, mode, status, found, new, updated, unchanged, skipped, failed, rejected \
            in runs:
        assert mode == "import"
        assert status == "ok", source_id
        assert found == new + updated + unchanged + skipped + failed + rejected, source_id
    assert sum(r[4] for r in first) == len(imported.cases)  # new
    # wget's copy of the Zakon.kz pages, in the same command: the same texts, unchanged.
    zakon = next(r for r in first if r[0] == "zakon_kz")
    pages = sum(1 for c in imported.cases if c.source_id == "zakon_kz")
    assert (zakon[3], zakon[4], zakon[6]) == (2 * pages, pages, pages)


def test_the_summary_names_each_source_and_what_was_not_imported(imported: Imported) -> None:
    out = imported.first.stdout
    lines = {line.split()[0]: line.split() for line in out.splitlines()
             if line.split() and line.split()[0].endswith(("_kz", "_org"))}
    assert lines["nur_kz"][2:6] == ["ok", "4", "4", "0"]
    assert "2 other hosts" in out
    assert "1 truncated" in out
    assert "1 revisit (payload elsewhere)" in out
    assert "status not 200" in out and "not HTML" in out
    assert "records read" in out


def test_progress_shows_records_articles_and_rate(imported: Imported) -> None:
    progress = [line for line in imported.first.stderr.splitlines() if "records read" in line]
    assert progress, imported.first.stderr
    assert "articles stored" in progress[-1] and "records/s" in progress[-1]
    assert progress[-1].split()[1].replace(",", "").isdigit()


def test_an_article_shape_the_pattern_misses_is_reported(imported: Imported) -> None:
    assert "1 zakon_kz URL looks like an article but fails its article_url_pattern" \
        in imported.first.stdout
    [(stats,)] = rows(imported.database_url,
                      "SELECT stats FROM crawl_runs WHERE source_id = 'zakon_kz' ORDER BY id"
                      " LIMIT 1")
    assert stats["dozor/off_pattern"] == 1
    assert stats["dozor/off_pattern_examples"][0].startswith(
        "https://www.zakon.kz/incident/2025/12/26/moshenniki")


def test_a_second_import_stores_nothing_twice(imported: Imported) -> None:
    assert imported.second.returncode == 0, imported.second.stderr
    lines = [ln.split() for ln in imported.second.stdout.splitlines()
             if ln.split() and ln.split()[0].endswith(("_kz", "_org"))]
    assert len(lines) == 11
    for line in lines:
        found, new, updated, unchanged = map(int, line[3:7])
        assert (new, updated, unchanged) == (0, 0, found), line
    assert rows(imported.database_url, "SELECT count(*) FROM articles") == [(len(imported.cases),)]
    assert rows(imported.database_url, "SELECT count(*) FROM article_versions") == [(0,)]


def test_every_imported_article_keeps_evidence_that_reprocess_reads(imported: Imported) -> None:
    assert all(r["warc_record"] for r in imported.stored.values())
    result = dozor("reprocess", "--source", "nur_kz")
    assert result.returncode == 0, result.stderr
    assert "reprocessed 4 archived articles" in result.stdout
    assert "0 without readable evidence" in result.stdout


def test_a_broken_gzip_member_costs_that_record_only(
    imported: Imported, tmp_path: Path,
) -> None:
    cases = [c for c in imported.cases if c.source_id in ("orda_kz", "lada_kz")]
    broken = break_member(cc_news_warc(cases), f"article {cases[2].url}")
    path = tmp_path / "broken.warc.gz"
    path.write_bytes(broken.data)
    with psycopg.connect(imported.database_url, autocommit=True) as conn:
        conn.execute("DELETE FROM articles WHERE source_id IN ('orda_kz', 'lada_kz')")
    result = dozor("import", str(path))
    assert result.returncode == 0, result.stderr
    assert "1 broken gzip member" in result.stdout
    stored = {r[0] for r in rows(imported.database_url, "SELECT url FROM articles WHERE"
                                 " source_id IN ('orda_kz', 'lada_kz')")}
    assert stored == {c.url for c in cases} - {cases[2].url}


def test_a_plain_wget_warc_from_a_local_file_imports_too(
    imported: Imported, tmp_path: Path,
) -> None:
    zakon = [c for c in imported.cases if c.source_id == "zakon_kz"]
    path = tmp_path / "zakon.warc"
    path.write_bytes(wget_warc(zakon, compress=False).data)
    result = dozor("import", str(path))
    assert result.returncode == 0, result.stderr
    line = next(ln.split() for ln in result.stdout.splitlines() if ln.startswith("zakon_kz"))
    pages = str(len(zakon))
    assert line[3:7] == [pages, "0", "0", pages]  # found, new, updated, unchanged


def test_an_older_capture_never_replaces_a_newer_text(imported: Imported, tmp_path: Path) -> None:
    case = next(c for c in imported.cases if c.source_id == "kazpravda_kz")
    older = GoldenCase(case.source_id, case.page, case.url, case.captured_at - timedelta(days=3),
                       case.expected)
    path = tmp_path / "older.warc.gz"
    path.write_bytes(cc_news_warc([older]).data)
    result = dozor("import", str(path))
    assert result.returncode == 0, result.stderr
    line = next(ln.split() for ln in result.stdout.splitlines() if ln.startswith("kazpravda"))
    assert line[3] == "1" and line[7] == "1"  # found 1, skipped 1
    assert rows(imported.database_url, "SELECT fetched_at FROM articles WHERE url = %s",
                case.url) == [(case.captured_at,)]


def test_a_remote_file_is_streamed_not_loaded_whole(imported: Imported) -> None:
    """The server sends half the file and waits: articles of that half must be stored already."""
    with psycopg.connect(imported.database_url, autocommit=True) as conn:
        conn.execute("DELETE FROM articles")
    process = subprocess.Popen(
        [sys.executable, "-m", "jobs.cli", "import",
         f"{imported.server.url}/paused/CC-NEWS-20251226120000-00001.warc.gz"],
        cwd=PROJECT_ROOT, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    try:
        assert imported.server.paused.wait(patience(60))
        stored_while_paused = 0
        deadline = time.monotonic() + patience(60)
        while time.monotonic() < deadline and stored_while_paused < 5:
            stored_while_paused = rows(imported.database_url, "SELECT count(*) FROM articles")[0][0]
            time.sleep(0.2)
        assert stored_while_paused >= 5, "nothing stored before the whole file arrived"
    finally:
        imported.server.release()
        _, err = process.communicate(timeout=patience(120))
    assert process.returncode == 0, err
    assert rows(imported.database_url, "SELECT count(*) FROM articles") == [(len(imported.cases),)]


def test_a_file_that_cannot_be_opened_is_named_and_the_rest_imported(
    imported: Imported, tmp_path: Path,
) -> None:
    result = dozor("import", f"{imported.server.url}/no-such.warc.gz", str(tmp_path / "missing"))
    assert result.returncode == 1
    assert "no-such.warc.gz" in result.stderr and "HTTP Error 404" in result.stderr
    assert "missing" in result.stderr
