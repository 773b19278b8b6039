"""The evidence archive: WARC files written per run, readable after a crash, reprocessed offline."""

from __future__ import annotations

import gzip
import random
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from crawler.archive import Exchange, WarcArchive, read_response
from crawler.discovery.urls import canonicalize_url
from crawler.items import DiscoveredLink
from jobs.cli import dozor
from jobs.tasks import collect
from tests.golden import SITES_DIR
from tests.waiting import patience

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEED_URL = ("https://kaz.zakon.kz/oqighalar/"
            "6502117-uyymdasqan-qylmystyq-top-adamdardy-baqylap-aqsha-talap-etken.html")


def _exchange(n: int, body: bytes = b"<html><body>page</body></html>") -> Exchange:
    return Exchange(
        url=f"https://www.zakon.kz/incident/650200{n}-page.html", method="GET", status=200,
        response_headers=[("Content-Type", "text/html; charset=utf-8")], body=body,
        request_headers=[("User-Agent", "DozorBot/0.1")],
        link=DiscoveredLink(f"https://www.zakon.kz/incident/650200{n}-page.html",
                            datetime(2025, 12, 26, 4, 15, tzinfo=UTC), f"Title {n}", "ru",
                            via="feed"),
    )


def test_archive_rotates_by_size_and_every_reference_reads_back(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, "zakon_kz", 42, datetime(2025, 12, 26, 7, 0, tzinfo=UTC),
                          max_bytes=2_000)
    big = random.Random(1).randbytes(4_000)  # incompressible: each record passes 2,000 bytes
    references = [archive.write(_exchange(n, big)) for n in range(3)]
    archive.close()

    assert [p.name for p in archive.paths] == [
        "42-20251226T070000Z.warc.gz", "42-20251226T070000Z-001.warc.gz",
        "42-20251226T070000Z-002.warc.gz",
    ]
    for n, reference in enumerate(references):
        back = read_response(tmp_path, reference)
        assert back.url == f"https://www.zakon.kz/incident/650200{n}-page.html"
        assert (back.status, back.body) == (200, big)
        assert back.link is not None and back.link.title == f"Title {n}"
        assert back.link.published_at == datetime(2025, 12, 26, 4, 15, tzinfo=UTC)


def test_a_crashed_crawl_keeps_every_record_written_before_the_crash(tmp_path: Path) -> None:
    # A real process writes two records and dies without closing anything.
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from crawler.archive import WarcArchive\n"
        "from tests.test_archive import _exchange\n"
        "archive = WarcArchive(Path(sys.argv[1]), 'zakon_kz', 7)\n"
        "print(archive.write(_exchange(1)))\n"
        "print(archive.write(_exchange(2)), flush=True)\n"
        "os._exit(9)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=patience(60))
    assert done.returncode == 9, done.stderr
    references = done.stdout.split()
    assert len(references) == 2
    assert [read_response(tmp_path, r).url for r in references] == [
        "https://www.zakon.kz/incident/6502001-page.html",
        "https://www.zakon.kz/incident/6502002-page.html",
    ]


def _archived_responses(folder: Path) -> list[tuple[str, str, int]]:
    """(file name, target URI, status) of every response record under a folder."""
    found = []
    for path in sorted(folder.glob("*.warc.gz")):
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type == "response":
                    found.append((path.name, record.rec_headers.get_header("WARC-Target-URI"),
                                  int(record.http_headers.get_statuscode())))
    return found


def _saved_page(url: str) -> bytes:
    host, _, path = url.removeprefix("https://").partition("/")
    return (SITES_DIR / "zakon_kz" / host / path).read_bytes()


def test_a_crawl_archives_every_response_and_reprocess_rebuilds_articles_from_it(
    crawl_env: dict[str, str], db: psycopg.Connection[tuple[object, ...]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    [(_, outcome)] = collect(["zakon_kz"])
    assert outcome.status == "ok", outcome.message
    assert outcome.run is not None
    run_id = outcome.run.id

    folder = Path(crawl_env["DOZOR_DATA_DIR"]) / "warc" / "zakon_kz"
    archived = _archived_responses(folder)
    assert {name.split("-")[0] for name, _, _ in archived} == {str(run_id)}
    uris = {uri for _, uri, _ in archived}
    # Robots, feeds, listings and articles alike: every response Scrapy received.
    for expected in ("https://www.zakon.kz/robots.txt", "https://kaz.zakon.kz/robots.txt",
                     "https://www.zakon.kz/rss.xml", "https://kaz.zakon.kz/rss.xml",
                     "https://www.zakon.kz/news/?handler=LoadMoreNews&p=1&type=list", SEED_URL):
        assert expected in uris
    stats = db.execute("SELECT stats FROM crawl_runs WHERE id = %s", (run_id,)).fetchone()
    assert stats is not None and isinstance(stats[0], dict)
    assert len(archived) == stats[0]["downloader/response_count"]

    rows = db.execute("SELECT url, warc_record FROM articles ORDER BY url").fetchall()
    assert len(rows) == 4
    # The crawl was followed by a grouping pass: four different stories, no translation pairs.
    assert db.execute("SELECT count(DISTINCT story_id), count(story_id) FROM articles"
                      ).fetchone() == (4, 4)
    assert db.execute("SELECT count(*) FROM article_translations").fetchone() == (0,)
    archive_dir = Path(crawl_env["DOZOR_DATA_DIR"]) / "warc"
    for url, reference in rows:
        assert isinstance(reference, str) and reference.startswith(f"zakon_kz/{run_id}-")
        evidence = read_response(archive_dir, reference)
        assert canonicalize_url(evidence.url) == url
        assert evidence.body == _saved_page(str(url))  # the page byte for byte
        assert evidence.link is not None and evidence.link.via in ("feed", "listing")

    # Reprocessing reads files and the database only: any Python-level network use fails.
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("reprocess tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    runner = CliRunner()
    result = runner.invoke(dozor, ["reprocess", "--source", "zakon_kz"])
    assert result.exit_code == 0, result.output
    assert "reprocessed 4 archived articles" in result.output
    assert "0 changed, 4 unchanged, 0 without readable evidence" in result.output

    # A stored body that an older extractor got wrong, and tags lost: reprocess restores both.
    good = db.execute("SELECT body, title FROM articles WHERE url = %s", (SEED_URL,)).fetchone()
    db.execute("UPDATE articles SET body = 'Тағы оқыңыз', content_hash = 'stale'"
               " WHERE url = %s", (SEED_URL,))
    db.execute("DELETE FROM article_tags")
    result = runner.invoke(dozor, ["reprocess"])
    assert result.exit_code == 0, result.output
    assert "1 changed, 3 unchanged" in result.output
    assert db.execute("SELECT body, title FROM articles WHERE url = %s",
                      (SEED_URL,)).fetchone() == good
    assert db.execute("SELECT count(DISTINCT article_id) FROM article_tags").fetchone() == (4,)
    # The wrong body stays visible as an earlier version.
    assert db.execute("SELECT body FROM article_versions").fetchall() == [("Тағы оқыңыз",)]

    result = runner.invoke(dozor, ["reprocess", "--since", "2030-01-01"])
    assert "reprocessed 0 archived articles" in result.output

    # Evidence that went missing is reported per article, not a crash.
    for path in folder.glob("*.warc.gz"):
        path.write_bytes(gzip.compress(b"not a warc"))
    result = runner.invoke(dozor, ["reprocess"])
    assert result.exit_code == 0, result.output
    assert "0 changed, 0 unchanged, 4 without readable evidence" in result.output
