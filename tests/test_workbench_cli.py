"""The workbench's commands: complete exports saying N of N, `dozor show`, `dozor eval-search
--corpus` on an external judged set, names and messages in the user's language."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner

from jobs.cli import dozor
from tests.analyst_seed import empty_tables, store_seed, store_story_seed
from tests.test_workbench_api import BULK, store_bulk

CROSSLANG_CORPUS = Path(__file__).parent / "fixtures" / "search_crosslang"
# Floors of the bundled cross-language set: a regression gate (same author as the vocabulary).
CROSS_FLOORS = {"recall_at_10": 0.9, "mrr_at_10": 0.9}


@pytest.fixture(scope="module")
def seed(database_url: str, analysts_day: None) -> Iterator[dict[str, int]]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        empty_tables(conn)
        ids = store_seed(conn)
        store_bulk(conn, BULK)
        ids |= store_story_seed(conn)
    yield ids
    with psycopg.connect(database_url, autocommit=True) as conn:
        empty_tables(conn)


def run(database_url: str, *args: str, ui: str = "en") -> Any:
    result = CliRunner().invoke(dozor, list(args), env={"DATABASE_URL": database_url,
                                                        "DOZOR_UI_LANG": ui})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def test_an_export_holds_every_match_and_says_n_of_n(
    database_url: str, seed: dict[str, int], tmp_path: Path
) -> None:
    target = tmp_path / "fraud.csv"
    result = run(database_url, "search", "--topic", "fraud", "--region", "pavlodar",
                 "--format", "csv", "-o", str(target))
    assert result.exit_code == 0
    assert f"{BULK} of {BULK} matching articles written to {target}" in result.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert len(rows) == BULK
    limited = run(database_url, "search", "--topic", "fraud", "--region", "pavlodar",
                  "--format", "jsonl", "--limit", "10")
    assert len(limited.stdout.splitlines()) == 10
    assert f"10 of {BULK} matching articles" in limited.stderr
    russian = run(database_url, "search", "--region", "pavlodar", "--format", "jsonl",
                  ui="ru")
    assert f"Записано {BULK} из {BULK} найденных статей" in russian.stderr


def test_the_table_has_ids_links_and_stories(database_url: str, seed: dict[str, int]) -> None:
    out = run(database_url, "search", "пирамида", "--region", "karaganda").stdout
    assert f"{seed['story_kk_afm_pyramid']:>7} " in out
    assert "https://www.zakon.kz/kk/6473921-afm-piramida.html  [3 articles, kk+ru]" in out
    assert "Stories with every word: 1, shown: 1." in out
    expanded = run(database_url, "search", "пирамида", "--region", "karaganda",
                   "--expand").stdout
    assert "Articles with every word: 3, shown: 3." in expanded
    kazakh = run(database_url, "search", "мошенники", "--region", "karaganda", ui="kk").stdout
    assert "Сондай-ақ ізделді: алаяқ" in kazakh and "Әр оқиға бір жолда" in kazakh


def test_show_prints_the_article_with_its_evidence_and_story(
    database_url: str, seed: dict[str, int]
) -> None:
    out = run(database_url, "show", str(seed["story_ru_afm_pyramid"])).stdout
    assert out.startswith(f"#{seed['story_ru_afm_pyramid']}  АФМ закрыло финансовую пирамиду")
    assert "Regions" in out and "Karaganda Region" in out
    assert "\u27e6статье 217\u27e7[" in out  # evidence marked, numbered by rule
    assert "fraud.article:217" in out
    assert "Language versions:" in out and "ҚМА Қарағандыда" in out
    assert "Other outlets of the same story:" in out and "tengrinews_kz" in out
    by_url = run(database_url, "show", "https://www.zakon.kz/6473921-afm-piramida.html",
                 ui="ru").stdout
    assert "Версии на других языках:" in by_url and "Карагандинская область" in by_url
    missing = run(database_url, "show", "https://nowhere.example/x")
    assert missing.exit_code == 1 and "no stored article" in missing.output


def test_stats_count_stories_per_day_in_russian(database_url: str, seed: dict[str, int],
                                                tmp_path: Path) -> None:
    chart = tmp_path / "chart.png"
    out = run(database_url, "stats", "--by", "day", "--by", "region", "--chart", str(chart),
              ui="ru").stdout
    assert out.splitlines()[0].split()[:2] == ["день", "сюжетов"]
    assert "Павлодарская область" in out
    assert chart.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.slow
def test_eval_search_on_an_external_judged_set(pg_server_url: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", pg_server_url)
    result = CliRunner().invoke(dozor, ["eval-search", "--corpus", str(CROSSLANG_CORPUS),
                                        "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    figures = report["figures"]
    assert report["articles"] == 78 and report["queries"] == 14
    assert set(figures["dozor"]) == {"same-language", "cross-language", "both", "kk same",
                                     "kk cross", "ru same", "ru cross"}
    cross = figures["dozor"]["cross-language"]
    assert cross["recall_at_10"] >= CROSS_FLOORS["recall_at_10"]
    assert cross["mrr_at_10"] >= CROSS_FLOORS["mrr_at_10"]
    # Without the vocabulary, and for PostgreSQL's own search, the other language is lost.
    assert figures["dozor_samelang"]["cross-language"]["recall_at_10"] < 0.5
    assert figures["simple"]["cross-language"]["recall_at_10"] == 0.0
    assert figures["russian"]["cross-language"]["recall_at_10"] == 0.0
    table = CliRunner().invoke(dozor, ["eval-search", "--corpus", str(CROSSLANG_CORPUS)])
    assert "cross-language" in table.stdout and "dozor_samelang" in table.stdout


def test_eval_search_says_what_is_wrong_with_a_corpus(tmp_path: Path) -> None:
    (tmp_path / "corpus.jsonl").write_text('{"id": "a", "lang": "kk", "title": "x"}\n')
    (tmp_path / "queries.jsonl").write_text("")
    result = CliRunner().invoke(dozor, ["eval-search", "--corpus", str(tmp_path)])
    assert "corpus.jsonl document 1 lacks body" in str(result.exception)
    (tmp_path / "corpus.jsonl").write_text('{"id": "a", "lang": "kk", "title": "x", "body": "y"}\n')
    (tmp_path / "queries.jsonl").write_text('{"id": "q", "query": "x", "lang": "kk",'
                                            ' "relevant": ["b"]}\n')
    result = CliRunner().invoke(dozor, ["eval-search", "--corpus", str(tmp_path)])
    assert "query q: unknown documents ['b']" in str(result.exception)


def test_the_digest_lists_a_story_once_in_the_users_language(
    database_url: str, seed: dict[str, int]
) -> None:
    from datetime import timedelta

    from tests.analyst_seed import seed_now

    day = (seed_now() - timedelta(days=2)).date().isoformat()
    out = run(database_url, "digest", "--date", day, ui="ru").stdout
    assert out.startswith(f"# Дайджест Dozor, {day} (время Алматы)")
    assert out.count("ҚМА Қарағандыда") == 1 and "АФМ закрыло" not in out.split("\n- ")[0]
    assert "публикаций: 3, kk+ru" in out
    assert "Тот же сюжет: [zakon_kz ru]" in out and "[tengrinews_kz ru]" in out
    assert "## Мошенничество" in out and "### Карагандинская область" in out
    html = run(database_url, "digest", "--date", day, "--format", "html", ui="kk").stdout
    assert '<html lang="kk">' in html and "Dozor дайджесті" in html
