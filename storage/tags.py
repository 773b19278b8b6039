"""Writing topic tags and tagged facts, one article or a thousand at a time.

A batch is copied into temporary tables (COPY) and applied by four set-based statements,
so retagging a million stored articles costs a few statements per thousand, not four per
article. The analysts' corrections are applied after every write: a rejected topic stays
out of article_tags and a confirmed one stays in, whatever the rules now say.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from crawler.tagging.apply import analyse_text
from crawler.tagging.stem import SEARCH_TERMS_VERSION
from storage.corrections import apply_corrections

_CREATE_STAGING = """
CREATE TEMP TABLE IF NOT EXISTS staged_tags (
    article_id bigint, topic text, score real, subtopics text[], evidence jsonb,
    rules_version text, model_version text
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS staged_facts (
    id bigint, kz_related boolean, regions text[], criminal_code_articles text[],
    agencies text[], damage_kzt bigint[], damage_sentence text, case_counts integer[],
    rules_version text, search_terms text, search_terms_version text, tagging_digest text
) ON COMMIT DELETE ROWS
"""

_APPLY = (
    "DELETE FROM article_tags WHERE article_id IN (SELECT id FROM staged_facts)",
    "INSERT INTO article_tags (article_id, topic, score, subtopics, evidence, rules_version,"
    " model_version) SELECT article_id, topic, score, subtopics, evidence, rules_version,"
    " model_version FROM staged_tags",
    "UPDATE articles a SET kz_related = f.kz_related, regions = f.regions,"
    " criminal_code_articles = f.criminal_code_articles, agencies = f.agencies,"
    " damage_kzt = f.damage_kzt, damage_sentence = f.damage_sentence,"
    " case_counts = f.case_counts, rules_version = f.rules_version, tagged_at = now(),"
    " search_terms_version = coalesce(f.search_terms_version, a.search_terms_version),"
    " tagging_digest = f.tagging_digest"
    " FROM staged_facts f WHERE a.id = f.id",
    # The search vector is generated from search_terms: rewrite it only where it changed.
    "UPDATE articles a SET search_terms = f.search_terms FROM staged_facts f"
    " WHERE a.id = f.id AND f.search_terms IS NOT NULL"
    " AND a.search_terms IS DISTINCT FROM f.search_terms",
)


@dataclass(frozen=True, slots=True)
class TagWrite:
    """One article's new tags and facts (and search terms, None to leave them)."""

    article_id: int
    tags: Sequence[dict[str, Any]]  # ArticleAnalysis.tag_rows()
    facts: dict[str, Any]  # ArticleAnalysis.facts()
    rules_version: str
    search_terms: str | None = None

    @property
    def digest(self) -> str:
        """What the rules said (tags and facts, versions left out), hashed: a retag whose
        rules say the same of an article does not rewrite it."""
        facts = {k: v for k, v in self.facts.items() if k not in _VERSIONS}
        said = json.dumps([list(self.tags), facts], sort_keys=True, ensure_ascii=False,
                          separators=(",", ":"))
        return hashlib.blake2b(said.encode(), digest_size=16).hexdigest()


_VERSIONS = ("rules_version", "model_version")


def write_tags(conn: psycopg.Connection[Any], writes: Sequence[TagWrite]) -> None:
    """Replace the tags and facts of these articles in one transaction, then apply corrections."""
    if not writes:
        return
    with conn.transaction(), conn.cursor() as cur:
        for statement in _CREATE_STAGING.split(";"):
            cur.execute(statement)
        # Empty already, unless an outer transaction staged rows that a commit has not yet
        # cleared (ON COMMIT DELETE ROWS acts at the outermost commit).
        cur.execute("DELETE FROM staged_tags")
        cur.execute("DELETE FROM staged_facts")
        with cur.copy("COPY staged_tags (article_id, topic, score, subtopics, evidence,"
                      " rules_version, model_version) FROM STDIN") as copy:
            for w in writes:
                for t in w.tags:
                    copy.write_row((w.article_id, t["topic"], t["score"], list(t["subtopics"]),
                                    Jsonb(t["evidence"]), w.rules_version,
                                    w.facts.get("model_version")))
        with cur.copy("COPY staged_facts (id, kz_related, regions, criminal_code_articles,"
                      " agencies, damage_kzt, damage_sentence, case_counts, rules_version,"
                      " search_terms, search_terms_version, tagging_digest) FROM STDIN") as copy:
            for w in writes:
                f = w.facts
                damage = f.get("damage")
                copy.write_row((
                    w.article_id, f.get("kz_related"), list(f.get("regions", ())),
                    list(f.get("criminal_code_articles", ())), list(f.get("agencies", ())),
                    list(f.get("damage_kzt", ())), damage["sentence"] if damage else None,
                    list(f.get("case_counts", ())), w.rules_version, w.search_terms,
                    None if w.search_terms is None else SEARCH_TERMS_VERSION, w.digest))
        for statement in _APPLY:
            cur.execute(statement)
        apply_corrections(conn, [w.article_id for w in writes])


def topics_in_force(
    conn: psycopg.Connection[Any], article_ids: Sequence[int]
) -> tuple[dict[int, dict[str, tuple[float, list[str]]]], dict[int, dict[str, str]]]:
    """The stored topics of these articles {id: {topic: (score, subtopics)}}, and the
    analysts' verdicts in force {id: {topic: verdict}}."""
    ids = list(article_ids)
    tags: dict[int, dict[str, tuple[float, list[str]]]] = {i: {} for i in ids}
    for article_id, topic, score, subtopics in conn.execute(
        "SELECT article_id, topic, score, subtopics FROM article_tags"
        " WHERE article_id = ANY(%s)", (ids,)):
        tags[int(article_id)][str(topic)] = (round(float(score), 4), sorted(subtopics))
    verdicts: dict[int, dict[str, str]] = {}
    for article_id, topic, verdict in conn.execute(
        "SELECT article_id, topic, verdict FROM current_tag_corrections"
        " WHERE article_id = ANY(%s)", (ids,)):
        verdicts.setdefault(int(article_id), {})[str(topic)] = str(verdict)
    return tags, verdicts


@dataclass(frozen=True, slots=True)
class StoredText:
    """What re-tagging reads of a stored article."""

    id: int
    title: str | None
    body: str | None
    body_normalized: str | None
    lang: str | None
    languages: list[str]
    rules_version: str | None
    search_terms_version: str | None = None
    tagging_digest: str | None = None


def iter_texts_to_retag(
    conn: psycopg.Connection[Any], source_id: str | None = None, *, shard: int = 0,
    shards: int = 1, batch_size: int = 1000,
) -> Iterator[list[StoredText]]:
    """Stored texts in batches through a server-side cursor, one shard (id % shards) of them:
    retag workers each read, tag and write their own shard."""
    with conn.transaction(), conn.cursor(
        name=f"dozor_retag_{shard}", row_factory=class_row(StoredText)
    ) as cur:
        cur.execute(
            "SELECT id, title, body, body_normalized, lang, languages, rules_version,"
            " search_terms_version, tagging_digest FROM articles"
            " WHERE (%(s)s::text IS NULL OR source_id = %(s)s)"
            " AND id %% %(shards)s = %(shard)s ORDER BY id",
            {"s": source_id, "shard": shard, "shards": shards},
        )
        while batch := cur.fetchmany(batch_size):
            yield batch


def analyse_stored(stored: StoredText) -> TagWrite:
    """Tag one stored text with the current rules (in a retag worker process, or inline); its
    search terms are rebuilt only when other stemmers built the stored ones."""
    analysis = analyse_text(
        stored.title, stored.body or stored.body_normalized, stored.lang, stored.languages,
        with_search_terms=stored.search_terms_version != SEARCH_TERMS_VERSION)
    # What analysis.tag_rows() and analysis.facts() give, from one to_dict (with the evidence).
    facts = analysis.tags.to_dict()
    rows = [{"topic": topic, **values} for topic, values in facts.pop("topics").items()]
    return TagWrite(stored.id, rows, facts, analysis.tags.rules_version, analysis.search_terms)


def retag_articles(conn: psycopg.Connection[Any], article_ids: list[int]) -> None:
    """Tag these stored articles again now, in this process (after an analyst's verdict)."""
    with conn.cursor(row_factory=class_row(StoredText)) as cur:
        stored = cur.execute(
            "SELECT id, title, body, body_normalized, lang, languages, rules_version,"
            " search_terms_version, tagging_digest FROM articles WHERE id = ANY(%s) ORDER BY id",
            (article_ids,)).fetchall()
    write_tags(conn, [analyse_stored(s) for s in stored])
