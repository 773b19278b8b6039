"""Recall@10 and MRR@10 of Dozor's search against plain PostgreSQL baselines, on a judged corpus.

The bundled corpus and judgments are tests/fixtures/search/{corpus,queries}.jsonl (written by
generate_corpus.py there; relevance by construction of facts, not by any stemmer); any other
folder with the same two files can be given (`dozor eval-search --corpus DIR`): corpus.jsonl
lines `{id, lang, url, title, body}` (source_id and published_at optional), queries.jsonl
lines `{id, query, lang, relevant, relevant_other_lang}`. With `relevant_other_lang`, each
system also answers each query restricted to the query's language (judged on `relevant`:
same-language) and to the other languages (judged on `relevant_other_lang`: cross-language).
Every system answers the same queries over the same stored articles, in the same run:

- dozor:   serve.search as the API and web page run it: Dozor's stems in the index and in
           the query, cross-language terms, articles with every word first, then close
           matches (all words but one);
- dozor_samelang: the same without cross-language terms;
- dozor_and: articles with every word only, no cross-language terms (exports and feeds);
- simple:  to_tsvector('simple', title || body) @@ plainto_tsquery('simple', q), no stemming;
- russian: the same with PostgreSQL's 'russian' configuration (Snowball, Russian stop words);
- trigram: pg_trgm word_similarity(q, title || body), best 10, when the extension is there.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg

from crawler.config import PROJECT_ROOT
from crawler.errors import DozorError
from crawler.items import Article, content_hash
from crawler.tagging.apply import analyse_article
from crawler.tagging.normalize import normalize_text
from serve.request import Filters, SearchRequest
from serve.search import search
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
SYSTEMS = ("dozor", "dozor_samelang", "dozor_and", "simple", "russian", "trigram")
# A system answers a query, optionally restricted to some article languages.
Runner = Callable[[psycopg.Connection[Any], str, "list[str] | None"], list[str]]


@dataclass(frozen=True)
class Judged:
    """One query with the ids of its relevant articles."""

    id: str
    query: str
    lang: str
    kind: str
    relevant: frozenset[str]
    relevant_other: frozenset[str] = frozenset()


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
        """A plain-text table: one line per group of queries, Recall@10 and MRR@10 per system."""
        systems = list(self.figures)
        groups = list(next(iter(self.figures.values())))
        lines = [
            f"Search evaluation: {self.articles} articles, {self.queries} judged queries,"
            f" corpus sha256 {self.corpus_sha256[:12]}",
            "Recall@10 / MRR@10 per group of queries (n queries); dozor is what the API runs",
            f"{'group':<16}{'n':>4}" + "".join(f"{s:>16}" for s in systems),
        ]
        for group in groups:
            n = self.figures[systems[0]][group].n
            cells = "".join(
                f"{self.figures[s][group].recall_at_k:>9.3f} {self.figures[s][group].mrr_at_k:.3f}"
                for s in systems)
            lines.append(f"{group:<16}{n:>4}{cells}")
        for system, reason in self.unavailable.items():
            lines.append(f"{system}: not measured: {reason}")
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


def _jsonl(path: Path) -> list[dict[str, Any]]:
    """The objects of a JSON Lines file; a broken line is an error naming its number."""
    if not path.is_file():
        raise DozorError(f"no {path.name} in {path.parent}")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise DozorError(f"{path}:{number}: not JSON ({exc.msg})") from None
    return rows


def load_corpus(folder: Path = CORPUS_DIR) -> tuple[list[dict[str, Any]], list[Judged]]:
    """The articles and the judged queries (checked: ids known, fields present)."""
    docs = _jsonl(folder / "corpus.jsonl")
    ids = set()
    for number, doc in enumerate(docs, start=1):
        missing = [f for f in ("id", "lang", "title", "body") if f not in doc]
        if missing:
            raise DozorError(f"corpus.jsonl document {number} lacks {', '.join(missing)}")
        doc["id"] = str(doc["id"])
        ids.add(doc["id"])
    judged = []
    for q in _jsonl(folder / "queries.jsonl"):
        missing = [f for f in ("id", "query", "lang", "relevant") if f not in q]
        if missing:
            raise DozorError(f"queries.jsonl query {q.get('id', '?')} lacks {', '.join(missing)}")
        relevant = frozenset(map(str, q["relevant"]))
        other = frozenset(map(str, q.get("relevant_other_lang") or ()))
        unknown = (relevant | other) - ids
        if unknown:
            raise DozorError(f"query {q['id']}: unknown documents {sorted(unknown)[:5]}")
        judged.append(Judged(str(q["id"]), q["query"], q["lang"], q.get("kind", ""),
                             relevant, other))
    return docs, judged


# A corpus document without a date is dated from this moment back, a minute per line, so
# that "newest first" among equals keeps the file's order.
UNDATED_FROM = datetime(2025, 1, 1, tzinfo=UTC)


def _source_of(doc: dict[str, Any]) -> str:
    """The source id of a corpus document: given, else from its URL's host, else 'eval'."""
    if doc.get("source_id"):
        return str(doc["source_id"])
    host = urlsplit(str(doc.get("url") or "")).hostname or "eval"
    return re.sub(r"[^a-z0-9]+", "_", host.lower().removeprefix("www.")).strip("_")[:64] or "eval"


def store_corpus(conn: psycopg.Connection[Any], docs: list[dict[str, Any]]) -> None:
    """Store the corpus as a crawl would: tags and search stems computed per article."""
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO sources (id, name, home, languages, kind) VALUES (%s, %s, %s,"
            " '{kk,ru}', 'newsroom') ON CONFLICT (id) DO NOTHING",
            [(s, s, f"https://{s}.example") for s in sorted({_source_of(d) for d in docs})],
        )
    for number, doc in enumerate(docs):
        published = (datetime.fromisoformat(doc["published_at"]) if doc.get("published_at")
                     else UNDATED_FROM - timedelta(minutes=number))
        article = Article(
            source_id=_source_of(doc), url=EVAL_HOST + doc["id"], title=doc["title"],
            body=doc["body"], lang=doc["lang"], languages=(doc["lang"],),
            published_at=published, fetched_at=published, date_source="jsonld",
            body_normalized=normalize_text(doc["body"]),
            content_hash=content_hash(doc["title"], doc["body"]),
        )
        store_article(conn, article, analyse_article(article), None)


def _dozor(close: bool, cross: bool) -> Runner:
    def run(conn: psycopg.Connection[Any], query: str, langs: list[str] | None) -> list[str]:
        filters = Filters(langs=tuple(langs or ()))
        request = SearchRequest(query, filters, limit=K, close_matches=close,
                                cross_language=cross)
        return [h.url for h in search(conn, request, count=False).hits]

    return run


def _baseline(name: str) -> Runner:
    statement = BASELINES[name]

    def run(conn: psycopg.Connection[Any], query: str, langs: list[str] | None) -> list[str]:
        where = " AND a.lang = ANY(%(langs)s)" if langs else ""
        text = (statement.replace(" ORDER BY", where + " ORDER BY", 1) if " WHERE " in statement
                else statement.replace(" ORDER BY", " WHERE true" + where + " ORDER BY", 1))
        return [str(r[0]) for r in conn.execute(text, {"q": query, "k": K, "langs": langs})]

    return run


def _trigram_available(conn: psycopg.Connection[Any]) -> str | None:
    """None when pg_trgm is usable (installing it if allowed), else the reason it is not."""
    try:
        with conn.transaction():
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except psycopg.Error as exc:
        return f"pg_trgm unavailable ({type(exc).__name__})"
    return None


def _add(groups: dict[str, Figures], group: str, found: list[str],
         relevant: frozenset[str]) -> tuple[int, int]:
    """Count one query's answer into a group: relevant found in the first K, and of how many."""
    hits = [i for i, doc in enumerate(found[:K]) if doc in relevant]
    figures = groups.setdefault(group, Figures())
    figures.n += 1
    figures.recall += len(hits) / len(relevant)
    figures.rr += 1.0 / (hits[0] + 1) if hits else 0.0
    return len(hits), len(relevant)


def _score_query(conn: psycopg.Connection[Any], run: Runner, q: Judged,
                 groups: dict[str, Figures], cross: bool) -> str:
    """Run one query through a system into the groups; say what it missed ('' if nothing)."""

    def answer(langs: list[str] | None) -> list[str]:
        return [u.removeprefix(EVAL_HOST) for u in run(conn, q.query, langs)]

    if not cross:
        found_all = answer(None)
        for group in ("all", q.lang, q.kind):
            found, total = _add(groups, group, found_all, q.relevant)
        return f"found {found} of {total}" if found < total else ""
    missed = ""
    if q.relevant:
        same = answer([q.lang])
        for group in ("same-language", f"{q.lang} same"):
            found, total = _add(groups, group, same, q.relevant)
        if found < total:
            missed += f"same-language {found} of {total} "
    if q.relevant_other:
        other = answer([lg for lg in ("kk", "ru", "en") if lg != q.lang])
        for group in ("cross-language", f"{q.lang} cross"):
            found, total = _add(groups, group, other, q.relevant_other)
        if found < total:
            missed += f"cross-language {found} of {total}"
    if q.relevant | q.relevant_other:
        _add(groups, "both", answer(None), q.relevant | q.relevant_other)
    return missed.strip()


def evaluate(conn: psycopg.Connection[Any], judged: list[Judged], *, articles: int,
             sha256: str) -> EvaluationReport:
    """Run every judged query through every system over the articles stored in `conn`."""
    report = EvaluationReport(sha256, articles, len(judged))
    systems: dict[str, Runner] = {
        "dozor": _dozor(True, True), "dozor_samelang": _dozor(True, False),
        "dozor_and": _dozor(False, False)}
    for name in ("simple", "russian", "trigram"):
        reason = _trigram_available(conn) if name == "trigram" else None
        if reason:
            report.unavailable[name] = reason
        else:
            systems[name] = _baseline(name)
    languages = sorted({q.lang for q in judged})
    cross = any(q.relevant_other for q in judged)
    for name, run in systems.items():
        groups: dict[str, Figures] = {}
        for q in judged:
            missed = _score_query(conn, run, q, groups, cross)
            if name == "dozor" and missed:
                report.misses.append(f"{q.id} {q.query!r}: {missed}")
        order = (["same-language", "cross-language", "both"]
                 + [f"{lg} {k}" for lg in languages for k in ("same", "cross")]
                 if cross else ["all", "kk", "ru", "crime+city", "crime+victim", "company"])
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
