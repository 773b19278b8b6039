"""What `dozor retag` rewrites: only articles whose tagging changed, and search terms only where
other stemmers built them. A retag of a million articles after a change of rules must not
rewrite a million rows (each a new entry in every index) to say what they already said."""

from __future__ import annotations

from typing import Any

import psycopg

from crawler.tagging.rules import rules_version
from crawler.tagging.stem import SEARCH_TERMS_VERSION
from jobs.retagging import retag_database


def _versions(conn: psycopg.Connection[Any]) -> dict[int, tuple[str | None, str | None]]:
    return {r[0]: (r[1], r[2]) for r in conn.execute(
        "SELECT id, rules_version, tagging_digest FROM articles")}


def test_retag_rewrites_only_the_articles_whose_tags_or_facts_the_rules_now_say_otherwise(
    database_url: str, seeded: dict[str, int],
) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        stored = _versions(conn)
        assert len(stored) == len(seeded)
        assert all(v == rules_version() and d for v, d in stored.values())
        changed, same = seeded["ru_ocg_almaty"], seeded["ru_sport_almaty"]
        try:
            # Rules of another version: for one article they said something else, for the
            # other they said the same.
            conn.execute("UPDATE articles SET rules_version = 'old' WHERE id = ANY(%s)",
                         ([changed, same],))
            conn.execute("UPDATE articles SET tagging_digest = 'said otherwise' WHERE id = %s",
                         (changed,))
            report = retag_database(database_url, workers=1)
            assert (report.articles, report.written, report.changed) == (len(seeded), 1, 0)
            after = _versions(conn)
            assert after[changed] == stored[changed]  # rewritten: the new version and digest
            # Not rewritten: its version is still that of the rules that last changed its tags.
            assert after[same] == ("old", stored[same][1])
            assert retag_database(database_url, workers=1).written == 0
        finally:
            conn.execute("UPDATE articles SET rules_version = %s WHERE id = %s",
                         (rules_version(), same))


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
            assert report.written == 1  # the other's tags and terms stay as they are
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
