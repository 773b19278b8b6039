"""Zakon.kz end to end: a real Scrapy crawl of the saved site into a real PostgreSQL, twice."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import psycopg
import pytest

from jobs.tasks import collect

ALMATY = ZoneInfo("Asia/Almaty")
SEED_URL = ("https://kaz.zakon.kz/oqighalar/"
            "6502117-uyymdasqan-qylmystyq-top-adamdardy-baqylap-aqsha-talap-etken.html")


def test_collect_stores_every_article_once_and_a_second_pass_fetches_nothing_new(
    crawl_env: dict[str, str], db: psycopg.Connection[tuple[object, ...]]
) -> None:
    [(_, first)] = collect(["zakon_kz"])
    assert first.status == "ok", first.message
    assert first.run is not None
    assert (first.run.new, first.run.failed) == (4, 0)

    rows = db.execute("SELECT url, lang, title FROM articles ORDER BY url").fetchall()
    assert len(rows) == 4
    # The feed's ?utm_source=rss copy of the Karaganda article folded into the same row.
    assert not any("utm_" in str(url) for url, _, _ in rows)
    assert {lang for _, lang, _ in rows} == {"kk", "ru"}

    seed = db.execute(
        "SELECT title, published_at, body, lang FROM articles WHERE url = %s", (SEED_URL,)
    ).fetchone()
    assert seed is not None
    title, published_at, body, lang = seed
    assert title == ("Ұйымдасқан қылмыстық топ адамдарды бақылап, ақша талап еткен:"
                     " ІІМ тергеу деректері жариялады")
    assert isinstance(published_at, datetime)
    assert published_at.astimezone(ALMATY).date().isoformat() == "2025-12-26"
    assert str(body).startswith("Қазақстанда 2025 жылы ұйымдасқан қылмыстық топ құру")
    assert "күшейтілген жұмыс режиміне көшті" in str(body)
    assert "Тағы оқыңыз" not in str(body) and "Пікірлер" not in str(body)
    assert lang == "kk"

    [(_, second)] = collect(["zakon_kz"])
    assert second.status == "ok", second.message
    assert second.run is not None
    # The feeds answer 304 and the listings, read minutes ago, wait for them: nothing found.
    assert (second.run.found, second.run.new, second.run.updated) == (0, 0, 0)
    assert db.execute("SELECT count(*) FROM articles").fetchone() == (4,)
    runs = db.execute("SELECT status, new FROM crawl_runs ORDER BY id").fetchall()
    assert runs == [("ok", 4), ("ok", 0)]


def test_unreachable_site_gives_a_failed_run_with_a_reason(
    crawl_env: dict[str, str], db: psycopg.Connection[tuple[object, ...]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Nothing listens on port 9: every request fails as on a machine without internet.
    monkeypatch.setenv("DOZOR_SITE_MIRROR", "http://127.0.0.1:9")
    [(_, outcome)] = collect(["zakon_kz"])
    assert outcome.status == "failed"
    assert outcome.message is not None and "robots.txt unreachable" in outcome.message
    row = db.execute("SELECT status, errors FROM crawl_runs").fetchone()
    assert row is not None
    status, errors = row
    assert status == "failed"
    assert isinstance(errors, list) and errors, "the run row keeps the reason"


def test_stored_articles_carry_tags_evidence_regions_and_rules_version_and_retag_restores_them(
    crawl_env: dict[str, str], db: psycopg.Connection[tuple[object, ...]]
) -> None:
    from crawler.tagging.rules import rules_version
    from jobs.tasks import retag

    collect(["zakon_kz"])
    row = db.execute(
        "SELECT t.topic, t.subtopics, t.evidence, a.regions, a.rules_version, a.kz_related"
        " FROM articles a JOIN article_tags t ON t.article_id = a.id WHERE a.url = %s",
        (SEED_URL,),
    ).fetchall()
    assert [r[0] for r in row] == ["ocg"]
    _, subtopics, evidence, regions, version, kz_related = row[0]
    assert "transnational" in subtopics  # type: ignore[operator]
    assert any(e["phrase"].startswith("трансұлттық") for e in evidence)  # type: ignore[attr-defined, union-attr]
    assert {"almaty_city", "astana", "ulytau"} <= set(regions)  # type: ignore[call-overload]
    assert version == rules_version() and kz_related is True
    fraud_titles = {str(t) for (t,) in db.execute(
        "SELECT a.title FROM articles a JOIN article_tags t ON t.article_id = a.id"
        " WHERE t.topic = 'fraud'")}
    assert len(fraud_titles) == 3  # the Almaty shop, the Karaganda calls, the AFM pyramid

    # Rules untouched: retag changes nothing. A lost tag (or older rules) is put back.
    assert retag("zakon_kz").changed == 0
    # The seed's group, and the Almaty "интернет-алаяқтар тобы" (a group of fraudsters).
    groups = db.execute("SELECT count(*) FROM article_tags WHERE topic = 'ocg'").fetchone()
    assert groups == (2,)
    db.execute("DELETE FROM article_tags WHERE topic = 'ocg'")
    db.execute("UPDATE articles SET rules_version = 'older', tagging_digest = 'said otherwise'")
    report = retag("zakon_kz")
    assert (report.articles, report.changed) == (4, 2)
    assert db.execute("SELECT count(*) FROM article_tags WHERE topic = 'ocg'").fetchone() == groups
    assert db.execute(
        "SELECT count(*) FROM articles WHERE rules_version = %s", (rules_version(),)
    ).fetchone() == (4,)
