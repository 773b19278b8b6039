"""Tagging speed as ratios measured in one run: linearity, share of extraction, retag per 1 M.

    .venv/bin/python bench/bench_tagging.py [--rounds 3] [--max-mb 10] [--retag 1000]

0. CPU of tagging one whole article (the week of ../shared) the first time its words are met
   in the process, and again once they are known: the two bounds of a retag's tagging cost;
   what a long retag of distinct articles should cost between the two by Heaps' law, and the
   same measured on the articles with that many made-up new words each.
1. Time per MB of `tag_text` on texts of 10 kB ... 10 MB, as a slope ratio to the 10 kB
   slope (1.0 everywhere = linear; the quadratic tagger of before took 190 s for 4 MB).
2. Tagging + search terms (`analyse_article`) as a share of extraction (`extract_article`)
   on the golden pages made as heavy as the live sites, and on the light ones, the same
   pages in the same process (goal: <= 5 %).
3. `retag` of N stored whole articles (the week of ../shared) in a scratch database
   (DATABASE_URL's server, or the embedded one), per 1 000 articles and extrapolated to 1 M,
   with 1 and 2 workers
   (goal: < 10 min for 1 M on 2 cores), and the workers' seconds reading, tagging, writing.

Texts come from ../shared/tagging-dev when present (read at run time, never stored), else
from the project's labelled sets. Nothing here is asserted; figures go to the report.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.config import load_config
from crawler.extract.body import extract_article
from crawler.sources import all_sources, get_source
from crawler.tagging.apply import analyse_article, analyse_text
from crawler.tagging.evaluate import find_dev_dir, read_labelled
from crawler.tagging.normalize import normalize_text, tokenize_spans
from crawler.tagging.prepare import FIELD_WORDS_MAX
from crawler.tagging.rules import tag_text
from jobs.retagging import RetagReport, retag_database
from storage.db import resolve_database_url, scratch_database
from storage.sources import sync_sources
from tests.golden import load_cases, raw_page
from tests.heavy_pages import heavy_cases

ROOT = Path(__file__).resolve().parent.parent


def corpus() -> list[tuple[str | None, str, str]]:
    """(title, text, lang) of real texts, or of the project's sets without ../shared."""
    dev = find_dev_dir(ROOT)
    files = sorted(dev.glob("*.jsonl")) if dev else [
        ROOT / "tests" / "fixtures" / "tagging" / n for n in ("labelled.jsonl", "heldout.jsonl")]
    return [(i.title, i.text, i.lang or "ru") for f in files for i in read_labelled(f)]


def full_articles() -> list[tuple[str | None, str, str]]:
    """Whole articles, as stored ones are: the week of ../shared (the excerpts are a few
    sentences each), else the project's labelled sets."""
    dev = find_dev_dir(ROOT)
    weeks = sorted(dev.glob("week-*.jsonl")) if dev else []
    if not weeks:
        return corpus()
    return [(i.title, i.text, i.lang or "ru") for f in weeks for i in read_labelled(f)]


def first_sight(texts: list[tuple[str | None, str, str]]) -> tuple[float, int]:
    """CPU per whole article the first time its words are met and once they all are known,
    and what a retag of a million distinct articles should cost between the two.

    Run before anything else warms the per-word caches. A million distinct articles never
    repeat, but most of their words do: how many are new to a worker's caches comes from
    Heaps' law (distinct words = K * words^beta) fitted on the texts, and the caches' clearing
    when full (FIELD_WORDS_MAX distinct words: after a clear, the words of the next articles
    are new again until the cache is full).
    """
    analyse_text("Полиция", "Мошенники задержаны.", "ru")  # the vocabulary and patterns load
    start = time.process_time()
    for title, text, lang in texts:
        analyse_text(title, text, lang, with_search_terms=False)
    cold = (time.process_time() - start) / len(texts)
    start = time.process_time()
    for title, text, lang in texts:
        analyse_text(title, text, lang, with_search_terms=False)
    warm = (time.process_time() - start) / len(texts)
    print(f"0. tagging a whole article as retag does (no search terms), CPU: {cold * 1000:.2f} ms"
          f" when its words are new to the process, {warm * 1000:.2f} ms when known")
    words = [tokenize_spans(normalize_text(f"{title or ''} {text}"))[0]
             for title, text, _ in texts]
    seen: set[str] = set()
    growth = []
    for k, article in enumerate(words, 1):
        seen.update(article)
        if k in (len(words) // 4, len(words)):
            growth.append((sum(map(len, words[:k])), len(seen)))
    (n1, v1), (n2, v2) = growth
    beta = math.log(v2 / v1) / math.log(n2 / n1)
    k_heaps = v2 / n2 ** beta
    per_new_word = (cold - warm) / (v2 / len(words))
    per_article = n2 / len(words)
    refill_articles = (FIELD_WORDS_MAX / k_heaps) ** (1 / beta) / per_article
    new_per_article = FIELD_WORDS_MAX / refill_articles
    estimate = warm + new_per_article * per_new_word
    print(f"   a new word costs {per_new_word * 1e6:.0f} us; Heaps beta {beta:.2f}: the caches"
          f" ({FIELD_WORDS_MAX} words) fill in {refill_articles:,.0f} articles, so a long retag"
          f" meets about {new_per_article:.0f} new words an article: {estimate * 1000:.2f} ms,"
          f" {estimate * 1e6 / 120:.1f} min of tagging for 1 M articles on 2 cores")
    return warm, round(new_per_article)


def steady_state(texts: list[tuple[str | None, str, str]], warm: float, new: int,
                 rounds: int) -> None:
    """CPU per whole article whose words are known but `new`, which were never met: the long
    retag the model above prices, measured (fastest of rounds).

    The new words are made up (6-11 random Cyrillic letters, a sentence appended to the
    text), so they are stemmed and looked up as a real new word is; they also add the
    known-word work of a sentence of `new` words, which makes the figure a little high.
    """
    rng = random.Random(11)
    letters = "абвгдежзийклмнопрстуфхцчшщыьэюя"
    best = float("inf")
    for _ in range(rounds):
        batch = [(title, text + " " + " ".join(
            "".join(rng.choices(letters, k=rng.randint(6, 11))) for _ in range(new)) + ".",
            lang) for title, text, lang in texts]
        start = time.process_time()
        for title, text, lang in batch:
            analyse_text(title, text, lang, with_search_terms=False)
        best = min(best, (time.process_time() - start) / len(batch))
    print(f"   measured with {new} never-met words in each article: {best * 1000:.2f} ms,"
          f" {best / warm:.2f} times the known-words time; {best * 1e6 / 120:.1f} min of"
          " tagging for 1 M articles on 2 cores")


def linearity(texts: list[tuple[str | None, str, str]], max_mb: float, rounds: int) -> None:
    """Seconds per MB of tag_text as text grows, against the 10 kB slope."""
    joined = "\n".join(t for _, t, _ in texts)
    sizes = [s for s in (10_000, 100_000, 1_000_000, 4_000_000, 10_000_000)
             if s <= max_mb * 1_000_000]
    print("1. tag_text time per MB by text size (one text of that size; best of rounds)")
    base = None
    for size in sizes:
        text = (joined * (size // len(joined) + 1))[:size]
        best = min(_timed(lambda text=text: tag_text(None, text, max_chars=None))
                   for _ in range(rounds if size <= 1_000_000 else 1))
        per_mb = best / (size / 1_000_000)
        base = base or per_mb
        print(f"   {size / 1e6:>6.2f} MB  {per_mb:7.2f} s/MB"
              f"   slope ratio to 10 kB {per_mb / base:5.2f}")


def _timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


def share_of_extraction(rounds: int) -> None:
    """analyse_article against extract_article, on golden pages as heavy as the live sites
    (100-300 kB, tests/heavy_pages.py) and on the light golden pages themselves."""
    known = all_sources()
    heavy = [raw for case, raw in heavy_cases() if case.source_id in known]
    light = [raw_page(c) for c in load_cases() if c.source_id in known]
    for label, pages in (("heavy (live weight)", heavy), ("light", light)):
        articles = [extract_article(p, get_source(p.source_id)) for p in pages]
        for a in articles:
            analyse_article(a)  # caches warm, as in a long crawl
        extract_s, tag_s = [], []
        for _ in range(rounds):
            extract_s.append(_timed(lambda pages=pages: [
                extract_article(p, get_source(p.source_id)) for p in pages]) / len(pages))
            tag_s.append(_timed(lambda articles=articles: [
                analyse_article(a) for a in articles]) / len(pages))
        e, t = statistics.median(extract_s), statistics.median(tag_s)
        print(f"2. {len(pages)} golden pages, {label}: tagging + search terms"
              f" {t * 1000:.2f} ms/page, extraction {e * 1000:.2f} ms/page:"
              f" tagging is {100 * t / e:.1f} % of extraction")


def _store(conn: psycopg.Connection[Any], texts: list[tuple[str | None, str, str]],
           source_id: str, first: int, count: int) -> None:
    """COPY `count` articles (texts in turn) into the scratch database, urls from `first`."""
    with conn.cursor() as cur, cur.copy(
            "COPY articles (source_id, url, title, body, lang, content_hash, fetched_at)"
            " FROM STDIN") as copy:
        for k in range(first, first + count):
            title, text, lang = texts[k % len(texts)]
            copy.write_row((source_id, f"https://bench.test/{k}", title, text, lang,
                            hashlib.sha256(f"{k}{text}".encode()).hexdigest(),
                            datetime.now(UTC)))


# After a change of rules most articles' tags and facts come out the same and are not rewritten:
# rules 2026.3 -> 2026.4 changed those of 4 of the week's 349 articles (1 %). The bench times
# both every article rewritten (rules that change everything) and one in RETAG_CHANGED_EVERY.
RETAG_CHANGED_EVERY = 50


def retag_speed(texts: list[tuple[str | None, str, str]], n: int, rounds: int) -> None:
    """retag per 1 000 stored articles, extrapolated to 1 M, with 1 and 2 workers, after rules
    that change what every article is tagged with and after rules that change 2 % of them.

    Retagging n (one source) and 3n articles (all) gives the cost per article (the slope)
    apart from the start of the worker processes (the intercept), which a million articles
    pay once. Each is timed `rounds` times, in turn, and the fastest kept: other work on a
    shared machine only ever adds time. New articles are retagged once untimed first, so that
    they hold their search terms, which a change of rules leaves as they are.
    """
    server = resolve_database_url(load_config())
    with scratch_database(server, "dozor_bench_retag") as url, \
            psycopg.connect(url, autocommit=True) as conn:
        sync_sources(conn, [get_source("tengrinews_kz"), get_source("zakon_kz")])
        chars = sum(len(t) for _, t, _ in texts) / len(texts)
        print(f"3. retag of {n} and {3 * n} stored articles ({chars:.0f} characters on"
              f" average) after a change of rules; fastest of {rounds}")
        _store(conn, texts, "tengrinews_kz", 0, n)
        _store(conn, texts, "zakon_kz", n, 2 * n)
        retag_database(url)  # untimed: the new articles get their search terms
        scenarios = {"every article rewritten": 1,
                     f"1 in {RETAG_CHANGED_EVERY} rewritten": RETAG_CHANGED_EVERY}
        times: dict[tuple[str, int, int], float] = {}
        reports: dict[tuple[str, int, int], RetagReport] = {}
        cpu = float("inf")
        for _ in range(rounds):
            for scenario, every in scenarios.items():
                for workers in (1, 2):
                    for count, source in ((n, "tengrinews_kz"), (3 * n, None)):
                        # What older rules said of these articles differs from what the
                        # current ones say: retag must rewrite them.
                        conn.execute("UPDATE articles SET rules_version = 'old',"
                                     " tagging_digest = CASE WHEN id %% %s = 0 THEN 'older'"
                                     " ELSE tagging_digest END", (every,))
                        cpu_start = time.process_time()
                        start = time.perf_counter()
                        report = retag_database(url, source, workers=workers)
                        took = time.perf_counter() - start
                        key = (scenario, workers, count)
                        if took < times.get(key, float("inf")):
                            times[key], reports[key] = took, report
                        if every == 1 and workers == 1 and count == 3 * n:
                            cpu = min(cpu, (time.process_time() - cpu_start) / count)
        for scenario in scenarios:
            print(f"   {scenario}:")
            for workers in (1, 2):
                per = (times[(scenario, workers, 3 * n)] - times[(scenario, workers, n)]) / (2 * n)
                start = max(times[(scenario, workers, n)] - per * n, 0.0)
                r = reports[(scenario, workers, 3 * n)]
                print(f"   {workers} worker(s): {per * 1000:6.2f} s per 1 000 articles"
                      f" (+ {start:.1f} s to start): {(start + per * 1e6) / 60:6.1f} min for 1 M;"
                      f" {r.written} of {r.articles} written")
                print(f"      inside the workers, per 1 000 (summed over workers): read"
                      f" {r.read_s * 1000 / r.articles:.2f} s, tag"
                      f" {r.tag_s * 1000 / r.articles:.2f} s, write"
                      f" {r.write_s * 1000 / r.articles:.2f} s")
        print(f"   CPU of the retagging process itself (1 worker, every article rewritten):"
              f" {cpu * 1000:.2f} s per 1 000; {cpu * 1e6 / 60 / 2:.1f} min for 1 M spread over 2"
              f" cores; load average now {os.getloadavg()[0]:.1f} (wall figures stretch with it"
              " on a shared machine)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-mb", type=float, default=10)
    parser.add_argument("--retag", type=int, default=1000, help="articles to retag (0: skip)")
    args = parser.parse_args()
    texts = corpus()
    print(f"corpus: {len(texts)} texts; {json.dumps(str(find_dev_dir(ROOT)))}")
    if find_dev_dir(ROOT) is None:
        # Figures on the project's short sets are not comparable with those on ../shared: a
        # comparison with another checkout must read the same texts (DOZOR_SHARED_DIR).
        print("warning: ../shared/tagging-dev not found beside this checkout (set"
              " DOZOR_SHARED_DIR): these figures are on the project's own short texts and"
              " compare with no run on ../shared", file=sys.stderr)
    warm, new = first_sight(full_articles())
    steady_state(full_articles(), warm, new, args.rounds)
    linearity(texts, args.max_mb, args.rounds)
    share_of_extraction(args.rounds)
    if args.retag:
        retag_speed(full_articles(), args.retag, args.rounds)


if __name__ == "__main__":
    main()
