"""Body extraction quality and speed: Dozor's extract_article against bare trafilatura.extract.

    .venv/bin/python bench/bench_extraction.py [--rounds 5]

Both read the same responses, the golden pages that have hand-checked gold text
(`<page>.gold.txt`, see crawler/extract/evaluate.py), in the same process. Quality is the
bag-of-words precision / recall / F1 of each body against the gold text; speed is the median
time per page, reported as the ratio Dozor / bare trafilatura, which does not depend on the
machine. Nothing here is asserted: the floors live in tests/test_extraction_quality.py.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.extract.body import extract_article
from crawler.extract.encoding import decode_html
from crawler.extract.evaluate import ALL, GOLD_SUFFIX, Counts, score
from crawler.items import RawPage
from crawler.sources import get_source
from crawler.spiders.news import page_from_link
from tests.golden import GoldenCase, _headers, discovered_link, load_cases


def raw_page(case: GoldenCase) -> RawPage:
    """The response extraction reads for a golden case, as the spider would hand it over."""
    if case.discovered_in:
        link = discovered_link(case, get_source(case.source_id))
        return page_from_link(case.source_id, case.url, link, case.captured_at)
    return RawPage(case.source_id, case.url, case.url, 200, _headers(case.page),
                   case.page.read_bytes(), case.captured_at)


def bare_trafilatura(raw: RawPage) -> str | None:
    """trafilatura.extract with its defaults on the decoded page."""
    html, _ = decode_html(raw.body, raw.headers.get("content-type"))
    result: str | None = trafilatura.extract(html, url=raw.url)
    return result


def dozor(raw: RawPage) -> str | None:
    """Dozor's extraction: JSON-LD, hints, trafilatura, cleaning."""
    return extract_article(raw, get_source(raw.source_id)).body


def quality(pages: list[tuple[GoldenCase, RawPage, str]],
            extract: Callable[[RawPage], str | None]) -> dict[str, Counts]:
    """Summed token counts per source and overall."""
    sums: dict[str, Counts] = {}
    for case, raw, gold in pages:
        counts = score(gold, extract(raw))
        for key in (case.source_id, ALL):
            sums.setdefault(key, Counts()).add(counts)
    return sums


def seconds_per_page(pages: list[tuple[GoldenCase, RawPage, str]],
                     extract: Callable[[RawPage], str | None], rounds: int) -> float:
    """Median over rounds of the mean time per page."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _case, raw, _gold in pages:
            extract(raw)
        times.append((time.perf_counter() - start) / len(pages))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    pages = []
    for case in load_cases():
        gold = case.page.with_name(case.page.name + GOLD_SUFFIX)
        if gold.is_file():
            pages.append((case, raw_page(case), gold.read_text("utf-8")))
    ours, bare = quality(pages, dozor), quality(pages, bare_trafilatura)
    print(f"pages with gold text: {len(pages)}")
    print(f"{'source':<22}{'Dozor P':>9}{'R':>7}{'F1':>7}{'bare P':>9}{'R':>7}{'F1':>7}")
    for key in sorted(ours, key=lambda k: (k == ALL, k)):
        o, b = ours[key], bare[key]
        print(f"{key:<22}{o.precision:>9.3f}{o.recall:>7.3f}{o.f1:>7.3f}"
              f"{b.precision:>9.3f}{b.recall:>7.3f}{b.f1:>7.3f}")
    ours_s = seconds_per_page(pages, dozor, args.rounds)
    bare_s = seconds_per_page(pages, bare_trafilatura, args.rounds)
    print(f"bare trafilatura.extract:       {bare_s * 1000:8.2f} ms/page")
    print(f"Dozor extract_article:          {ours_s * 1000:8.2f} ms/page")
    print(f"ratio Dozor / bare trafilatura: {ours_s / bare_s:8.2f}x  (median of {args.rounds})")


if __name__ == "__main__":
    main()
