"""Search latency over a generated table of 1,000,000 articles: p50/p95 per kind of query.

    .venv/bin/python bench/bench_search.py [--rows 1000000] [--rounds 30] [--keep]

A scratch database is created on DATABASE_URL's server (or the embedded one) and dropped
after (--keep leaves it, and prints its URL). Rows are generated inside PostgreSQL with
generate_series and a vocabulary array: the stems of the search evaluation corpus (real
Kazakh and Russian stems, the frequent words) followed by made-up stems (the long tail),
drawn with a skewed distribution, 100 words per article; a fifth of the articles are tagged
fraud, a twelfth OCG; regions, languages and sources at random; three years of dates in
the order the rows are stored (as a daily crawl stores them), within a day of jitter. The
secondary indexes are dropped for the load and built again after, with the definitions the
migrations gave them.

Every query goes through serve.search.search as the API calls it (page of 20, total counted
up to 1,000, body read for the snippets) over a connection set up as the API's (read-only,
no JIT, custom plans), and the snippets are computed;
the figure is wall time in this process. The baseline, in the same run, is the cheapest
page there is: the newest 20 ids by the published_at index. Times depend on the machine and
on a warm cache (every query runs `--rounds` times); the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.config import load_config
from crawler.tagging.stem import search_terms
from serve.connection import connect_read_only
from serve.evaluate import CORPUS_DIR
from serve.highlight import hit_highlights
from serve.query import parse_query
from serve.request import Filters, SearchRequest, parse_when
from serve.search import search, search_statement, walks_dates
from serve.stats import count_by
from storage.db import resolve_database_url, scratch_database

SOURCES = ["zakon_kz", "tengrinews_kz", "kazpravda_kz", "polisia_kz", "govkz_qriim"]
REGIONS = ["astana", "almaty_city", "shymkent", "karaganda", "aktobe", "pavlodar", "atyrau",
           "kostanay", "jambyl", "turkistan", "east_kazakhstan", "mangystau", "abai", "akmola",
           "almaty_oblast", "jetisu", "kyzylorda", "north_kazakhstan", "ulytau", "west_kazakhstan"]
FRAUD_SUBTOPICS = ["internet", "phone", "pyramid", "droppers", "investment_crypto", "loans",
                   "fake_shops"]
OCG_SUBTOPICS = ["group", "transnational", "extortion", "raiding", "thieves_in_law",
                 "drug_trafficking"]
POOL_DOCS = 20_000
WORDS_PER_POOL_DOC = 50
TAIL_WORDS = 60_000
# Skew of the word draw: index = n * random()^SKEW, so the first words are the common ones.
SKEW = 2.5

# Documents of ~50 stems each; every article joins two of them (100 words, 4e8 combinations).
MAKE_VOCAB = """
CREATE TABLE bench_vocab AS
SELECT i::int AS i, w FROM unnest(%(vocab)s::text[]) WITH ORDINALITY AS v(w, i)
"""
MAKE_POOL = """
CREATE TABLE bench_pool AS
SELECT d.d AS id, string_agg(v.w, ' ' ORDER BY d.k) AS terms
FROM (SELECT d, k, 1 + floor(power(random(), %(skew)s) * %(n)s)::int AS pick
      FROM generate_series(1, %(docs)s) AS d, generate_series(1, %(words)s) AS k) AS d
JOIN bench_vocab v ON v.i = d.pick
GROUP BY d.d
"""

LOAD_ARTICLES = """
INSERT INTO articles (source_id, url, title, body, lang, languages, published_at, status,
                      content_hash, fetched_at, search_terms, regions, kz_related)
SELECT (%(sources)s::text[])[1 + i %% cardinality(%(sources)s::text[])],
       'https://bench.example/' || i,
       array_to_string((string_to_array(p1.terms, ' '))[1:9], ' '),
       p1.terms || ' ' || p2.terms,
       CASE WHEN i %% 20 = 0 THEN 'en' WHEN i %% 2 = 0 THEN 'kk' ELSE 'ru' END,
       ARRAY[CASE WHEN i %% 20 = 0 THEN 'en' WHEN i %% 2 = 0 THEN 'kk' ELSE 'ru' END],
       -- Stored roughly in publication order, as daily crawls store them (a day of jitter).
       now() - (1 - i::float8 / %(rows)s) * interval '3 years' - random() * interval '1 day',
       'ok', md5(i::text), now(),
       p1.terms || ' ' || p2.terms,
       CASE WHEN i %% 3 = 0 THEN '{}'::text[]
            WHEN i %% 3 = 1 THEN ARRAY[(%(regions)s::text[])[1 + (i / 3) %% 20]]
            ELSE ARRAY[(%(regions)s::text[])[1 + (i / 3) %% 20],
                       (%(regions)s::text[])[1 + (i / 7) %% 20]] END,
       true
FROM generate_series(1, %(rows)s) AS i
JOIN bench_pool p1 ON p1.id = 1 + i %% %(docs)s
JOIN bench_pool p2 ON p2.id = 1 + (i::bigint * 7919) %% %(docs)s
"""

LOAD_TAGS = """
INSERT INTO article_tags (article_id, topic, score, subtopics, evidence, rules_version)
SELECT id, 'fraud', 3 + (id %% 7), ARRAY[(%(fraud)s::text[])[1 + id %% 7]], '[]'::jsonb, 'bench'
FROM articles WHERE id %% 5 = 0
UNION ALL
SELECT id, 'ocg', 3 + (id %% 5), ARRAY[(%(ocg)s::text[])[1 + id %% 6]], '[]'::jsonb, 'bench'
FROM articles WHERE id %% 12 = 1
"""

BASELINE_SQL = (
    "SELECT id FROM articles WHERE status = 'ok'"
    " ORDER BY published_at DESC NULLS LAST, id DESC LIMIT 20"
)


def vocabulary(rng: random.Random) -> list[str]:
    """Real stems first (by frequency in the evaluation corpus), then a long made-up tail."""
    counts: dict[str, int] = {}
    for line in (CORPUS_DIR / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        for stem in search_terms(f"{doc['title']}\n{doc['body']}", doc["lang"]):
            if not stem.isdigit():
                counts[stem] = counts.get(stem, 0) + 1
    real = sorted(counts, key=lambda w: (-counts[w], w))
    letters = "абвгдежзиклмнопрстуфхшыәғқңөұүі"
    tail = {"".join(rng.choice(letters) for _ in range(rng.randint(5, 9)))
            for _ in range(TAIL_WORDS)}
    return real + sorted(tail - set(real))


def load(url: str, rows: int, vocab: list[str]) -> dict[str, float]:
    """Generate the articles and tags; return seconds per step."""
    seconds: dict[str, float] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.cursor().executemany(
            "INSERT INTO sources (id, name, home, languages, kind) VALUES (%s, %s, %s,"
            " '{kk,ru}', 'newsroom')", [(s, s, f"https://{s}.example") for s in SOURCES])
        indexes = [str(r[0]) for r in conn.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'"
            " AND tablename IN ('articles', 'article_tags')"
            " AND indexname NOT LIKE '%%_pkey' AND indexname NOT LIKE '%%_key'")]
        for (name,) in conn.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
                " AND tablename IN ('articles', 'article_tags')"
                " AND indexname NOT LIKE '%%_pkey' AND indexname NOT LIKE '%%_key'").fetchall():
            conn.execute(f'DROP INDEX "{name}"')
        start = time.perf_counter()
        conn.execute(MAKE_VOCAB, {"vocab": vocab})
        conn.execute("CREATE UNIQUE INDEX ON bench_vocab (i)")
        conn.execute(MAKE_POOL, {"skew": SKEW, "docs": POOL_DOCS, "words": WORDS_PER_POOL_DOC,
                                 "n": len(vocab)})
        seconds["word pool"] = time.perf_counter() - start
        start = time.perf_counter()
        conn.execute(LOAD_ARTICLES, {"sources": SOURCES, "regions": REGIONS, "rows": rows,
                                     "docs": POOL_DOCS})
        seconds["articles"] = time.perf_counter() - start
        start = time.perf_counter()
        conn.execute(LOAD_TAGS, {"fraud": FRAUD_SUBTOPICS, "ocg": OCG_SUBTOPICS})
        seconds["tags"] = time.perf_counter() - start
        start = time.perf_counter()
        for definition in indexes:
            conn.execute(definition.encode())
        seconds["indexes"] = time.perf_counter() - start
        start = time.perf_counter()
        conn.execute("DROP TABLE bench_pool, bench_vocab")
        conn.execute("VACUUM ANALYZE articles")
        conn.execute("VACUUM ANALYZE article_tags")
        seconds["vacuum analyze"] = time.perf_counter() - start
    return seconds


def document_frequency(conn: psycopg.Connection[Any], word: str) -> int:
    """How many articles hold a word (counted through the GIN index)."""
    row = conn.execute("SELECT count(*) FROM articles WHERE search_vector @@ %s::tsquery",
                       (f"'{word}'",)).fetchone()
    return int(row[0]) if row else 0


def sample_articles(conn: psycopg.Connection[Any], where: str, n: int) -> list[tuple[Any, ...]]:
    """Random articles (id, stems, regions) satisfying a fixed condition."""
    return conn.execute(
        "SELECT id, search_terms, regions FROM articles TABLESAMPLE SYSTEM (2) REPEATABLE (7)"
        f" WHERE {where} LIMIT %s", (n,)).fetchall()


def query_words(conn: psycopg.Connection[Any], rows: int) -> tuple[dict[str, int], dict[str, str]]:
    """Document frequency of words drawn from stored articles, and each word's band.

    Bands by the share of articles holding the word: common > 1 %, medium 0.05-1 %, rare less.
    Words are taken from real rows so that words of one query occur together somewhere.
    """
    words: set[str] = set()
    for _, terms, _ in sample_articles(conn, "true", 60):
        words.update(t for t in str(terms).split() if not t.isdigit()
                     and parse_query(t).tsquery == f"'{t}'")  # one stem: its band is its own
    df = {w: document_frequency(conn, w)
          for w in random.Random(3).sample(sorted(words), min(500, len(words)))}
    bands = {w: "common" if n > rows / 100 else "medium" if n > rows / 2000 else "rare"
             for w, n in df.items()}
    for band in ("common", "medium", "rare"):
        counts = [df[w] for w in df if bands[w] == band]
        print(f"  {band:<7} words: {len(counts):>4}, articles holding one: median"
              f" {statistics.median(counts) if counts else 0:,.0f}")
    return df, bands


def cases(conn: psycopg.Connection[Any], bands: dict[str, str]
          ) -> dict[str, list[SearchRequest]]:
    """The requests measured, ten or so per kind, built from words of sampled articles."""
    last_90 = parse_when("90d")
    last_7 = parse_when("7d")
    by_band: dict[str, list[str]] = {"common": [], "medium": [], "rare": []}
    for word, band in sorted(bands.items()):
        by_band[band].append(word)

    def pick(terms: str, band: str, k: int) -> list[str]:
        found = list(dict.fromkeys(t for t in terms.split() if bands.get(t) == band))
        return found[:k] if len(found) >= k else []

    pairs, mains, triples, phrases = [], [], [], []
    for _, terms, _ in sample_articles(conn, "true", 200):
        if two := pick(str(terms), "medium", 2):
            pairs.append(" ".join(two))
        if (m := pick(str(terms), "medium", 2)) and (r := pick(str(terms), "rare", 1)):
            # Two words of the article and one it lacks: a close-match search.
            lacking = by_band["medium"][len(triples) % len(by_band["medium"])]
            triples.append(f"{m[0]} {r[0]} {lacking}")
        words = str(terms).split()
        phrases += [f'"{a} {b}"' for a, b in itertools.pairwise(words)
                    if bands.get(a) == "medium" and bands.get(b) in ("common", "medium")][:1]
    recent_fraud = sample_articles(
        conn, "id %% 5 = 0 AND cardinality(regions) > 0 AND published_at > now() - interval"
        " '90 days'", 200)
    for _, terms, regions in recent_fraud:
        if (c := pick(str(terms), "common", 1)) and (m := pick(str(terms), "medium", 1)):
            mains.append((f"{c[0]} {m[0]}", regions[0]))
    common = by_band["common"]
    return {
        "rare word": [SearchRequest(w) for w in by_band["rare"][:10]],
        "medium word": [SearchRequest(w) for w in by_band["medium"][:10]],
        "common word": [SearchRequest(w) for w in common[:10]],
        "two medium words (same article)": [SearchRequest(p) for p in pairs[:10]],
        "common+medium, fraud, region, 90 days": [
            SearchRequest(text, Filters(topics=("fraud",), regions=(region,), since=last_90))
            for text, region in mains[:10]],
        "medium word, kk, newest": [
            SearchRequest(w, Filters(langs=("kk",)), order="newest")
            for w in by_band["medium"][10:20]],
        "phrase: medium + common word": [SearchRequest(p) for p in phrases[:10]],
        "three words, close matches": [SearchRequest(t, close_matches=True) for t in triples[:10]],
        "filters only: ocg + region": [
            SearchRequest(filters=Filters(topics=("ocg",), regions=(r,))) for r in REGIONS[:10]],
        "filters only: last 7 days": [SearchRequest(filters=Filters(since=last_7))],
        "filters only: fraud/phone, 90 days, oldest": [SearchRequest(
            filters=Filters(topics=("fraud",), subtopics=("phone",), since=last_90),
            order="oldest")],
    }


SLOWEST: list[tuple[float, str, SearchRequest]] = []


def timed_batch(run: Callable[[SearchRequest], object], batch: list[SearchRequest],
                rounds: int) -> list[float]:
    """Wall times of `rounds` passes over a batch of requests, one time per request."""
    for request in batch:  # warm-up
        run(request)
    times = []
    for _ in range(rounds):
        for request in batch:
            start = time.perf_counter()
            run(request)
            times.append(time.perf_counter() - start)
            SLOWEST.append((times[-1], getattr(run, "__name__", ""), request))
    return times


def timed(run: Callable[[], object], rounds: int) -> list[float]:
    """Wall times of `rounds` runs after one warm-up run."""
    run()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def table_rows(conn: psycopg.Connection[Any]) -> int:
    """The number of stored articles, as the statistics say."""
    row = conn.execute("SELECT reltuples FROM pg_class WHERE oid = 'articles'::regclass").fetchone()
    return int(row[0]) if row else 0


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5, help="passes over each batch")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--database", metavar="URL",
                        help="measure a database generated before with --keep (no generation)")
    args = parser.parse_args()
    if args.database:
        measure(args.database, args.rounds)
        return
    vocab = vocabulary(random.Random(7))
    server = resolve_database_url(load_config())
    with scratch_database(server, "dozor_bench_search", keep=args.keep) as url:
        print(f"generating {args.rows:,} articles ({len(vocab):,} distinct stems) ...")
        seconds = load(url, args.rows, vocab)
        print("  load: " + ", ".join(f"{k} {v:.0f} s" for k, v in seconds.items())
              + f"; total {sum(seconds.values()):.0f} s")
        measure(url, args.rounds)
        if args.keep:
            print(f"\nscratch database kept: {url}")


def measure(url: str, rounds: int) -> None:
    """Time every kind of search and the weekly trend; print the table and the main plan."""
    # Measured through the API's own connection set-up (read-only, role, plan settings).
    with connect_read_only(url) as conn:
        size = conn.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('articles'))").fetchone()
        print(f"  articles table with indexes: {size[0] if size else '?'}")
        _, bands = query_words(conn, table_rows(conn))
        requests = cases(conn, bands)
        baseline = timed(lambda: conn.execute(BASELINE_SQL).fetchall(), rounds)
        base_p50 = statistics.median(baseline)
        print(f"\nbaseline (newest 20 ids by index): p50 {base_p50 * 1000:.2f} ms")
        print("\nsearch(): page of 20, total counted up to 1,000; 'sql' without the body and"
              "\nsnippets, 'api' with both (what /api/search does before JSON)")
        print(f"{'query':<42}{'n':>3}{'sql p50':>9}{'p95':>8}{'api p50':>9}{'p95':>8}"
              f"{'api/base':>9}{'results':>9}")
        all_sql: list[float] = []
        all_api: list[float] = []
        for name, batch in requests.items():
            if not batch:
                print(f"{name:<42}  no sample found")
                continue
            sql_times = timed_batch(lambda r: search(conn, r), batch, rounds)

            def api(r: SearchRequest) -> None:
                page = search(conn, r, with_body=True)
                for hit in page.hits:
                    hit_highlights(hit, page.parsed)

            api_times = timed_batch(api, batch, rounds)
            all_sql += sql_times
            all_api += api_times
            results = statistics.median(search(conn, r).total for r in batch)
            print(f"{name:<42}{len(batch):>3}{ms(statistics.median(sql_times)):>9}"
                  f"{ms(p95(sql_times)):>8}{ms(statistics.median(api_times)):>9}"
                  f"{ms(p95(api_times)):>8}"
                  f"{statistics.median(api_times) / base_p50:>9.0f}{results:>9,.0f}")
        print(f"{'all of the above':<42}{'':>3}{ms(statistics.median(all_sql)):>9}"
              f"{ms(p95(all_sql)):>8}{ms(statistics.median(all_api)):>9}{ms(p95(all_api)):>8}")
        print("\nslowest requests:")
        for seconds, _, slow in sorted(SLOWEST, key=lambda x: -x[0])[:5]:
            print(f"  {ms(seconds):>8} ms  {slow.text!r} {slow.filters} {slow.order}")
        print(f"\n{'weekly trend (/api/stats?by=week)':<42}{'':>3}{'p50':>9}{'p95':>8}")
        trends = {
            "all articles": SearchRequest(),
            "fraud, last 90 days": SearchRequest(
                filters=Filters(topics=("fraud",), since=parse_when("90d"))),
            "a medium word": requests["medium word"][0],
            "a common word": requests["common word"][0],
        }
        for name, trend in trends.items():
            times = timed(lambda t=trend: count_by(conn, "week", t.text, t.filters),
                          rounds)
            print(f"{name:<42}{'':>3}{ms(statistics.median(times)):>9}{ms(p95(times)):>8}")
        request = requests["common+medium, fraud, region, 90 days"][0]
        query, _, params = search_statement(request, parse_query(request.text),
                                            with_body=True)
        print("\nEXPLAIN (ANALYZE, BUFFERS) of the main query"
              f" ({request.text!r}, fraud, {request.filters.regions[0]}, last 90 days):")
        with conn.transaction():
            # As search() runs it: fetching the GIN matches unless the query is very common.
            _, where, _ = search_statement(request, parse_query(request.text))
            if not walks_dates(conn, where, params):
                conn.execute("SET LOCAL enable_indexscan = off")
            plan = conn.execute(sql.SQL("EXPLAIN (ANALYZE, BUFFERS) ") + query, params)
            print("\n".join(str(r[0]) for r in plan))


if __name__ == "__main__":
    main()
