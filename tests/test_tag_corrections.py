"""Analysts correct tags: confirm or reject a stored article's topic from the CLI and the API,
recorded with who and when, kept across `dozor retag`, exported in the dev-set format."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from click.testing import CliRunner, Result

from crawler.tagging.evaluate import evaluate, read_labelled
from jobs.cli import dozor
from jobs.tasks import retag
from serve.api import create_app
from tests.live_api import serve_app
from tests.waiting import patience

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str) -> Result:
    return CliRunner().invoke(dozor, list(args))


def topics(conn: psycopg.Connection[Any], article_id: int) -> dict[str, tuple[str, str | None]]:
    rows = conn.execute("SELECT topic, source, corrected_by FROM article_tags"
                        " WHERE article_id = %s", (article_id,)).fetchall()
    return {str(r[0]): (str(r[1]), r[2]) for r in rows}


@pytest.fixture
def conn(database_url: str, seeded: dict[str, int]) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(database_url, autocommit=True) as c:
        c.execute("DELETE FROM tag_corrections")
        yield c
        c.execute("DELETE FROM tag_corrections")
    retag(workers=1)  # the seed's own tags back for the next test


def test_cli_rejects_and_confirms_with_who_and_when_and_retag_keeps_them(
    conn: psycopg.Connection[Any], seeded: dict[str, int],
) -> None:
    ocg, sport = seeded["ru_ocg_almaty"], seeded["ru_sport_almaty"]
    assert "ocg" in topics(conn, ocg) and topics(conn, sport) == {}

    out = cli("correct", str(ocg), "--topic", "ocg", "--reject", "--by", "alice",
              "--note", "a verdict, not a group")
    assert out.exit_code == 0, out.output
    assert "ocg rejected by alice" in out.output and "the rules had tagged it" in out.output
    out = cli("correct", str(sport), "--topic", "fraud", "--confirm", "--by", "bob")
    assert out.exit_code == 0, out.output

    assert "ocg" not in topics(conn, ocg)
    assert topics(conn, sport) == {"fraud": ("analyst", "bob")}
    rows = conn.execute("SELECT analyst, verdict, rules_said, created_at > now() - interval '1 min'"
                        " FROM tag_corrections ORDER BY id").fetchall()
    assert rows == [("alice", "reject", True, True), ("bob", "confirm", False, True)]

    # Older rules that said otherwise of every article: retag rewrites them all, the verdicts
    # stay in force.
    conn.execute("UPDATE articles SET rules_version = 'old', tagging_digest = NULL")
    report = retag(workers=1)
    assert report.written == report.articles > 0 and report.changed == 0
    assert "ocg" not in topics(conn, ocg)
    assert topics(conn, sport) == {"fraud": ("analyst", "bob")}

    # A later verdict wins: confirming the group again brings the rules' tag back.
    assert cli("correct", str(ocg), "--topic", "ocg", "--confirm", "--by", "carol").exit_code == 0
    assert topics(conn, ocg)["ocg"] == ("rules", "carol")
    listing = cli("corrections", "--article", str(ocg)).output.splitlines()
    assert [line.split()[5:8] for line in listing] == [
        ["confirm", "by", "carol"], ["reject", "by", "alice"]]


def test_retag_in_worker_processes_gives_what_one_process_gives(
    conn: psycopg.Connection[Any], seeded: dict[str, int],
) -> None:
    conn.execute("UPDATE articles SET rules_version = 'old', tagging_digest = NULL")
    conn.execute("DELETE FROM article_tags")
    report = retag(workers=2)
    assert report.written == report.articles == len(seeded)
    assert report.changed == sum(1 for key in seeded if "sport" not in key)
    assert "ocg" in topics(conn, seeded["kk_ocg_almaty"])
    assert retag(workers=1).written == 0  # same rules, same topics: nothing rewritten


def test_bad_corrections_are_refused_in_one_line(
    database_url: str, conn: psycopg.Connection[Any], seeded: dict[str, int],
) -> None:
    # Through the installed command, as an analyst runs it: one line, exit code 2.
    done = subprocess.run(
        [sys.executable, "-m", "jobs.cli", "correct", "999999", "--topic", "fraud", "--reject",
         "--by", "alice"], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=patience(60),
        env={**os.environ, "DATABASE_URL": database_url}, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == "dozor: no stored article with id 999999"
    out = cli("correct", str(seeded["ru_ocg_almaty"]), "--topic", "fraud", "--by", "alice")
    assert out.exit_code == 2 and "--confirm or --reject" in out.output
    out = CliRunner(env={"DOZOR_ANALYST": None}).invoke(
        dozor, ["correct", "1", "--topic", "fraud", "--reject"])
    assert out.exit_code == 2 and "--by" in out.output


def test_export_is_the_dev_set_format_and_the_evaluator_reads_it(
    conn: psycopg.Connection[Any], seeded: dict[str, int], tmp_path: Path,
) -> None:
    ocg, sport = seeded["ru_ocg_almaty"], seeded["ru_sport_almaty"]
    cli("correct", str(ocg), "--topic", "ocg", "--reject", "--by", "alice", "--note", "no group")
    cli("correct", str(sport), "--topic", "fraud", "--confirm", "--by", "bob",
        "--not-kz-related")
    target = tmp_path / "corrections.jsonl"
    out = cli("corrections", "--export", str(target))
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 2
    by_url = {r["url"]: r for r in rows}
    ocg_row = by_url["https://example.test/ru_ocg_almaty.html"]
    assert {k: ocg_row[k] for k in ("fraud", "ocg", "hard", "lang", "why")} == {
        "fraud": False, "ocg": False, "hard": True, "lang": "ru", "why": "ocg: no group"}
    assert ocg_row["labelled_by"] == {"fraud": "rules", "ocg": "analyst:alice"}
    assert ocg_row["text"].startswith("Сотрудники полиции Алматы") and ocg_row["title"]
    sport_row = by_url["https://example.test/ru_sport_almaty.html"]
    assert (sport_row["fraud"], sport_row["kz_related"], sport_row["hard"]) == (True, False, True)
    items = read_labelled(target)
    assert {i.labels["ocg"] for i in items} == {False}
    assert evaluate(target).counts[("fraud", "all")].n == 2


def test_api_records_only_with_the_operators_token_and_exports(
    database_url: str, conn: psycopg.Connection[Any], seeded: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ocg = seeded["kk_ocg_almaty"]
    verdict = {"topic": "ocg", "verdict": "reject", "analyst": "dana", "note": "бір адам"}
    with serve_app(create_app(database_url)) as base, httpx.Client(base_url=base) as api:
        monkeypatch.delenv("DOZOR_CORRECTIONS_TOKEN", raising=False)
        off = api.post(f"/api/articles/{ocg}/corrections", json=verdict)
        assert off.status_code == 403 and "DOZOR_CORRECTIONS_TOKEN" in off.json()["detail"]

        monkeypatch.setenv("DOZOR_CORRECTIONS_TOKEN", "s3cret")
        wrong = api.post(f"/api/articles/{ocg}/corrections", json=verdict,
                         headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and wrong.headers["www-authenticate"].startswith("Bearer")
        auth = {"Authorization": "Bearer s3cret"}
        made = api.post(f"/api/articles/{ocg}/corrections", json=verdict, headers=auth)
        assert made.status_code == 201, made.text
        assert made.json()["analyst"] == "dana" and made.json()["rules_said"] is True
        assert api.post("/api/articles/999999/corrections", json=verdict,
                        headers=auth).status_code == 404
        bad = api.post(f"/api/articles/{ocg}/corrections", headers=auth,
                       json={**verdict, "topic": "drugs"})
        assert bad.status_code == 422

        listed = api.get(f"/api/articles/{ocg}/corrections").json()
        assert [(c["verdict"], c["analyst"]) for c in listed] == [("reject", "dana")]
        article = api.get(f"/api/articles/{ocg}").json()
        assert "ocg" not in [t["topic"] for t in article["tags"]]
        export = api.get("/api/corrections/export")
        assert export.headers["content-type"].startswith("application/x-ndjson")
        (row,) = [json.loads(line) for line in export.text.splitlines()]
        assert row["ocg"] is False and row["why"] == "ocg: бір адам" and row["lang"] == "kk"


def test_stored_damage_is_one_amount_with_its_sentence_as_written(
    conn: psycopg.Connection[Any], seeded: dict[str, int],
) -> None:
    row = conn.execute("SELECT damage_kzt, damage_sentence FROM articles WHERE id = %s",
                       (seeded["kk_phone_karaganda"],)).fetchone()
    assert row == ([5_000_000], "Жәбірленушілер 5 миллион теңгеден айырылды.")
