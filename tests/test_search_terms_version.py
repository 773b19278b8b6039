"""Stored search terms carry the version of the stemmers that built them, and `retag` trusts it.

`retag` rebuilds an article's search terms only when its stored `search_terms_version`
differs from `SEARCH_TERMS_VERSION`, so a change to normalising, tokenising or stemming
that forgets to bump `SEARCH_TERMS_CODE` would leave stale terms in every stored article.
The fixture pins what the project's own labelled sets stem to: a change shows here first.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import psycopg

from crawler.tagging.apply import analyse_text
from crawler.tagging.evaluate import read_labelled
from crawler.tagging.stem import SEARCH_TERMS_CODE, SEARCH_TERMS_VERSION
from jobs.retagging import retag_database

FIXTURES = Path(__file__).parent / "fixtures" / "tagging"
PINNED = FIXTURES / "search_terms_pin.json"


def _terms_digest() -> str:
    digest = hashlib.sha256()
    for name in ("labelled.jsonl", "heldout.jsonl"):
        for item in read_labelled(FIXTURES / name):
            terms = analyse_text(item.title, item.text, item.lang).search_terms
            digest.update(f"{item.id}\t{terms}\n".encode())
    return digest.hexdigest()


def test_search_terms_change_only_with_a_new_code():
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))
    got = {"search_terms_code": SEARCH_TERMS_CODE, "sha256": _terms_digest()}
    assert got == pinned, (
        "The search terms of the labelled sets changed, or SEARCH_TERMS_CODE did. If the terms"
        " changed, bump SEARCH_TERMS_CODE in crawler/tagging/stem.py (so that `dozor retag`"
        f" rebuilds stored search terms) and write {got} to {PINNED.name}.")


def _terms(conn: psycopg.Connection[Any], article_id: int) -> tuple[str | None, str | None]:
    row = conn.execute("SELECT search_terms, search_terms_version FROM articles WHERE id = %s",
                       (article_id,)).fetchone()
    assert row is not None
    return row[0], row[1]


def test_retag_rebuilds_search_terms_only_where_other_stemmers_built_them(
    database_url: str, seeded: dict[str, int],
) -> None:
    kept, rebuilt = seeded["ru_ocg_almaty"], seeded["ru_sport_almaty"]
    with psycopg.connect(database_url, autocommit=True) as conn:
        good_kept, good_rebuilt = _terms(conn, kept)[0], _terms(conn, rebuilt)[0]
        # Crawling stored each article's terms with the running stemmers' version.
        assert _terms(conn, kept) == (good_kept, SEARCH_TERMS_VERSION)
        assert good_kept and good_rebuilt
        try:
            # As after a change of rules: both stale for tagging; one's terms from old stemmers.
            conn.execute("UPDATE articles SET rules_version = 'old', search_terms = 'stale'"
                         " WHERE id = ANY(%s)", ([kept, rebuilt],))
            conn.execute("UPDATE articles SET search_terms_version = 'old' WHERE id = %s",
                         (rebuilt,))
            report = retag_database(database_url, workers=1)
            assert report.written >= 2
            assert _terms(conn, rebuilt) == (good_rebuilt, SEARCH_TERMS_VERSION)
            # The other's version says the running stemmers built them: not rebuilt.
            assert _terms(conn, kept) == ("stale", SEARCH_TERMS_VERSION)
            found = conn.execute("SELECT id FROM articles WHERE search_vector @@"
                                 " to_tsquery('simple', 'stale')").fetchall()
            assert found == [(kept,)]
        finally:
            conn.execute("UPDATE articles SET search_terms_version = NULL WHERE id = %s", (kept,))
            retag_database(database_url, workers=1)
        assert _terms(conn, kept) == (good_kept, SEARCH_TERMS_VERSION)
