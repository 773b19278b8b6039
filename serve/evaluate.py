"""Recall@10 and MRR@10 of Dozor's search against plain PostgreSQL baselines, on a judged corpus.

The corpus and judgments are tests/fixtures/search/{corpus,queries}.jsonl (written by
generate_corpus.py there; relevance by construction of facts, not by any stemmer). Every
system answers the same queries over the same stored articles, in the same run:

- dozor:   serve.search as the API and web page run it: Dozor's stems in the index and in
           the query, articles with every word first, then close matches (all words but one);
- dozor_and: the same, articles with every word only (what exports and feeds hold);
- simple:  to_tsvector('simple', title || body) @@ plainto_tsquery('simple', q), no stemming;
- russian: the same with PostgreSQL's 'russian' configuration (Snowball, Russian stop words);
- trigram: pg_trgm word_similarity(q, title || body), best 10, when the extension is there.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg

from crawler.config import PROJECT_ROOT
from crawler.errors import DozorError
from crawler.items import Article, content_hash
from crawler.tagging.apply import analyse_article
from crawler.tagging.normalize import normalize_text
from serve.search import SearchRequest, search
from storage.articles import store_article

CORPUS_DIR = PROJECT_ROOT / "tests" / "fixtures" / "search"
K = 10
EVAL_HOST = "https://eval.dozor.test/"

_DOC_TEXT = "coalesce(a.title, '') || ' ' || coalesce(a.body, '')"
BASELINES: dict[str, str] = {
    "simple": (
        f"SELECT a.url FROM articles a WHERE to_tsvector('simple', {_DOC_TEXT})"
        " @@ plainto_tsquery('simple', %(q)s)"
        f" ORDER BY ts_rank_cd(to_tsvector('simple', {_DOC_TEXT}),"
        " plainto_tsquery('simple', %(q)s)) DESC, a.id LIMIT %(k)s"
    ),
    "russian": (
        f"SELECT a.url FROM articles a WHERE to_tsvector('russian', {_DOC_TEXT})"
        " @@ plainto_tsquery('russian', %(q)s)"
        f" ORDER BY ts_rank_cd(to_tsvector('russian', {_DOC_TEXT}),"
        " plainto_tsquery('russian', %(q)s)) DESC, a.id LIMIT %(k)s"
    ),
    "trigram": (
        f"SELECT a.url FROM articles a ORDER BY word_similarity(%(q)s, {_DOC_TEXT}) DESC, a.id"
        " LIMIT %(k)s"
    ),
}
SYSTEMS = ("dozor", "dozor_and", "simple", "russian", "trigram")


@dataclass(frozen=True)
class Judged:
    """One query with the ids of its relevant articles."""

    id: str
    query: str
    lang: str
    kind: str
    relevant: frozenset[str]


@dataclass
class Figures:
    """Recall@10 and MRR@10 summed over some queries."""

    n: int = 0
    recall: float = 0.0
    rr: float = 0.0

    @property
    def recall_at_k(self) -> float:
        """Mean Recall@10."""
        return self.recall / self.n if self.n else 0.0

    @property
    def mrr_at_k(self) -> float:
        """Mean reciprocal rank of the first relevant article within the first 10."""
        return self.rr / self.n if self.n else 0.0


@dataclass
class EvaluationReport:
    """Figures per system and per group of queries ('all', 'kk', 'ru', a kind)."""

    corpus_sha256: str
    articles: int
    queries: int
    figures: dict[str, dict[str, Figures]] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def get(self, system: str, group: str = "all") -> Figures:
        """The figures of one system over one group of queries."""
        return self.figures[system][group]

    def format_table(self) -> str:
        """A plain-text table: system x group, Recall@10 / MRR@10."""
        groups = list(next(iter(self.figures.values())))
        lines = [
            f"Search evaluation: {self.articles} articles, {self.queries} judged queries,"
            f" corpus sha256 {self.corpus_sha256[:12]}",
            f"{'system':<10}" + "".join(f"{g:>22}" for g in groups),
            f"{'':<10}" + "".join(f"{'R@10   MRR@10 (n)':>22}" for _ in groups),
        ]
        for system, by_group in self.figures.items():
            cells = "".join(
                f"{f.recall_at_k:>10.3f} {f.mrr_at_k:>6.3f} ({f.n:>3})" for f in by_group.values()
            )
            lines.append(f"{system:<10}{cells}")
        for system, reason in self.unavailable.items():
            lines.append(f"{system:<10} not measured: {reason}")
        return "\n".join(lines)

    def to_json(self) -> str:
        """The figures as JSON."""
        return json.dumps({
            "corpus_sha256": self.corpus_sha256, "articles": self.articles,
            "queries": self.queries,
            "figures": {s: {g: {"recall_at_10": round(f.recall_at_k, 4),
                                "mrr_at_10": round(f.mrr_at_k, 4), "n": f.n}
                            for g, f in by_group.items()}
                        for s, by_group in self.figures.items()},
            "unavailable": self.unavailable,
        }, ensure_ascii=False, indent=2)


def corpus_sha256(folder: Path = CORPUS_DIR) -> str:
    """A hash of the corpus and judgments: floors are pinned to it."""
    digest = hashlib.sha256()
    for name in ("corpus.jsonl", "queries.jsonl"):
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()


def load_corpus(folder: Path = CORPUS_DIR) -> tuple[list[dict[str, Any]], list[Judged]]:
    """The articles and the judged queries."""
    if not (folder / "corpus.jsonl").is_file():
        raise DozorError(f"no search evaluation corpus in {folder}; run from a source checkout")
    lines = (folder / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    docs = [json.loads(line) for line in lines if line.strip()]
    judged = [
        Judged(q["id"], q["query"], q["lang"], q["kind"], frozenset(q["relevant"]))
        for q in (json.loads(line) for line in
                  (folder / "queries.jsonl").read_text(encoding="utf-8").splitlines()
                  if line.strip())
    ]
    return docs, judged


def store_corpus(conn: psycopg.Connection[Any], docs: list[dict[str, Any]]) -> None:
    """Store the corpus as a crawl would: tags and search stems computed per article."""
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO sources (id, name, home, languages, kind) VALUES (%s, %s, %s,"
            " '{kk,ru}', 'newsroom') ON CONFLICT (id) DO NOTHING",
            [(s, s, f"https://{s}.example") for s in sorted({d["source_id"] for d in docs})],
        )
    for doc in docs:
        published = datetime.fromisoformat(doc["published_at"])
        article = Article(
            source_id=doc["source_id"], url=EVAL_HOST + doc["id"], title=doc["title"],
            body=doc["body"], lang=doc["lang"], languages=(doc["lang"],),
            published_at=published, fetched_at=published, date_source="jsonld",
            body_normalized=normalize_text(doc["body"]),
            content_hash=content_hash(doc["title"], doc["body"]),
        )
        store_article(conn, article, analyse_article(article), None)


def _dozor(conn: psycopg.Connection[Any], query: str) -> list[str]:
    page = search(conn, SearchRequest(query, limit=K, close_matches=True), count=False)
    return [h.url for h in page.hits]


def _dozor_and(conn: psycopg.Connection[Any], query: str) -> list[str]:
    page = search(conn, SearchRequest(query, limit=K), count=False)
    return [h.url for h in page.hits]


def _baseline(name: str) -> Callable[[psycopg.Connection[Any], str], list[str]]:
    statement = BASELINES[name]

    def run(conn: psycopg.Connection[Any], query: str) -> list[str]:
        return [str(r[0]) for r in conn.execute(statement, {"q": query, "k": K})]

    return run


def _trigram_available(conn: psycopg.Connection[Any]) -> str | None:
    """None when pg_trgm is usable (installing it if allowed), else the reason it is not."""
    try:
        with conn.transaction():
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except psycopg.Error as exc:
        return f"pg_trgm unavailable ({type(exc).__name__})"
    return None


def evaluate(conn: psycopg.Connection[Any], judged: list[Judged], *, articles: int,
             sha256: str) -> EvaluationReport:
    """Run every judged query through every system over the articles stored in `conn`."""
    report = EvaluationReport(sha256, articles, len(judged))
    systems: dict[str, Callable[[psycopg.Connection[Any], str], list[str]]] = {
        "dozor": _dozor, "dozor_and": _dozor_and}
    for name in ("simple", "russian", "trigram"):
        reason = _trigram_available(conn) if name == "trigram" else None
        if reason:
            report.unavailable[name] = reason
        else:
            systems[name] = _baseline(name)
    for name, run in systems.items():
        groups: dict[str, Figures] = {}
        for q in judged:
            found = [u.removeprefix(EVAL_HOST) for u in run(conn, q.query)][:K]
            hits = [i for i, doc in enumerate(found) if doc in q.relevant]
            recall = len(hits) / len(q.relevant)
            rr = 1.0 / (hits[0] + 1) if hits else 0.0
            for group in ("all", q.lang, q.kind):
                figures = groups.setdefault(group, Figures())
                figures.n += 1
                figures.recall += recall
                figures.rr += rr
            if name == "dozor" and recall < 1.0:
                report.misses.append(f"{q.id} {q.query!r}: found {len(hits)} of {len(q.relevant)}")
        order = ["all", "kk", "ru", "crime+city", "crime+victim", "company"]
        report.figures[name] = {g: groups[g] for g in order if g in groups}
    return report


def run_evaluation(server_url: str | None = None, folder: Path = CORPUS_DIR) -> EvaluationReport:
    """Store the corpus in a scratch database, evaluate every system, drop the database."""
    from crawler.config import load_config
    from storage.db import resolve_database_url, scratch_database

    docs, judged = load_corpus(folder)
    server = server_url or resolve_database_url(load_config())
    with scratch_database(server, "dozor_eval") as url:
        with psycopg.connect(url, autocommit=True) as conn:
            store_corpus(conn, docs)
            return evaluate(conn, judged, articles=len(docs), sha256=corpus_sha256(folder))
