"""`dozor import` of an archive that caught a not-found page: no article, counted as a crawl does.

Web archives keep what the sites answered, removed articles' "Материал не найден" pages (200)
included; a history import must not store one as an article (crawler/extract/soft_404.py).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from tests.e2e.mock_site import crawl_setup, dozor
from tests.golden import GoldenCase, load_cases
from tests.mockserver.files import file_server
from tests.warc_shapes import wget_warc

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SOFT_404 = PROJECT_ROOT / "tests" / "fixtures" / "soft_404" / "nur_ru_not_found"

pytestmark = pytest.mark.slow


def test_an_archived_not_found_page_is_rejected_and_the_real_article_stored(
    database_url: str, mockserver: str, tmp_path_factory: pytest.TempPathFactory,
) -> None:
    facts = json.loads(SOFT_404.with_suffix(".json").read_text(encoding="utf-8"))
    real = next(c for c in load_cases() if c.source_id == "nur_kz")
    not_found = GoldenCase("nur_kz", SOFT_404.with_suffix(".html"), facts["requested_url"],
                           datetime(2025, 12, 20, 9, 0, tzinfo=UTC), {})
    warcs = tmp_path_factory.mktemp("warcs")
    (warcs / "nur.warc.gz").write_bytes(wget_warc([real, not_found]).data)
    with crawl_setup(database_url, mockserver, tmp_path_factory.mktemp("data")), \
            file_server(warcs) as server:
        done = dozor("import", f"{server.url}/nur.warc.gz")
        assert done.returncode == 0, done.stdout + done.stderr
        with psycopg.connect(database_url) as conn:
            stored = [r[0] for r in conn.execute("SELECT url FROM articles")]
            run = conn.execute("SELECT found, new, rejected, errors, stats FROM crawl_runs"
                               " WHERE source_id = 'nur_kz' AND mode = 'import'").fetchone()
    assert stored == [real.url]
    assert run is not None
    found, new, rejected, errors, stats = run
    # Counted by kind under a crawl's keys, and said so (an archive read is left out of the
    # live site's soft-404 view and warnings: migration 0065).
    assert (stats["dozor/soft_404"], stats["dozor/soft_404/not_found_page"]) == (1, 1)
    assert "nur_kz: soft-404s in the archive, not stored: 1 a not-found page (HTTP 200)" \
        in done.stdout
    assert (found, new, rejected) == (2, 1, 1)
    soft = [e for e in errors if e["kind"] == "soft_404"]
    assert [e["url"] for e in soft] == [facts["requested_url"]]
    assert "Материал не найден" in soft[0]["message"]
