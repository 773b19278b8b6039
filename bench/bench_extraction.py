"""Body extraction quality and speed: Dozor's extract_article against trafilatura alone.

    .venv/bin/python bench/bench_extraction.py [--rounds 3] [--profile]

Two sets of pages, read in the same process:
- the golden pages with hand-checked gold text (`<page>.gold.txt`, crawler/extract/evaluate.py):
  bag-of-words precision / recall / F1 per source, Dozor against bare trafilatura.extract;
- the same golden pages of the declared sources made as heavy as the live sites (100-300 kB of
  scripts, styles, menus and dated sidebars around the unchanged article, tests/heavy_pages.py):
  quality again (it must not move), and speed: the median over rounds of the time per page,
  as ratios to trafilatura.bare_extraction(with_metadata=True), the baseline of issue 15's goal
  (<= 1.3x), and to trafilatura.extract. Nothing here is asserted: floors live in the tests.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DOZOR_SOURCE_MODULES", "tests.source_badpages")

from crawler.extract.body import extract_article
from crawler.extract.encoding import decode_html
from crawler.extract.evaluate import ALL, GOLD_SUFFIX, Counts, score
from crawler.items import RawPage
from crawler.sources import get_source
from tests.golden import GoldenCase, load_cases, raw_page
from tests.heavy_pages import heavy_cases

Page = tuple[GoldenCase, RawPage, str | None]  # case, response, gold text (None: no gold)


def bare_trafilatura(raw: RawPage) -> str | None:
    """trafilatura.extract with its defaults on the decoded page."""
    html, _ = decode_html(raw.body, raw.headers.get("content-type"))
    result: str | None = trafilatura.extract(html, url=raw.url)
    return result


def bare_extraction_with_metadata(raw: RawPage) -> str | None:
    """trafilatura.bare_extraction with its metadata (title, author, date search)."""
    html, _ = decode_html(raw.body, raw.headers.get("content-type"))
    document = trafilatura.bare_extraction(html, url=raw.url, with_metadata=True)
    text = getattr(document, "text", None)
    return str(text) if text else None


def dozor(raw: RawPage) -> str | None:
    """Dozor's extraction: structured data, hints, trafilatura, furniture, dates, language."""
    return extract_article(raw, get_source(raw.source_id)).body


def _gold(case: GoldenCase) -> str | None:
    gold = case.page.with_name(case.page.name + GOLD_SUFFIX)
    return gold.read_text("utf-8") if gold.is_file() else None


def quality(pages: list[Page], extract: Callable[[RawPage], str | None]) -> dict[str, Counts]:
    """Summed token counts per source and overall, over pages with gold text."""
    sums: dict[str, Counts] = {}
    for case, raw, gold in pages:
        if gold is None:
            continue
        counts = score(gold, extract(raw))
        for key in (case.source_id, ALL):
            sums.setdefault(key, Counts()).add(counts)
    return sums


def print_quality(title: str, pages: list[Page]) -> None:
    ours, bare = quality(pages, dozor), quality(pages, bare_trafilatura)
    print(f"{title}: {sum(1 for p in pages if p[2] is not None)} pages with gold text")
    print(f"{'source':<22}{'Dozor P':>9}{'R':>7}{'F1':>7}{'bare P':>9}{'R':>7}{'F1':>7}")
    for key in sorted(ours, key=lambda k: (k == ALL, k)):
        o, b = ours[key], bare[key]
        print(f"{key:<22}{o.precision:>9.3f}{o.recall:>7.3f}{o.f1:>7.3f}"
              f"{b.precision:>9.3f}{b.recall:>7.3f}{b.f1:>7.3f}")


def seconds_per_page(pages: list[Page], extractors: dict[str, Callable[[RawPage], object]],
                     rounds: int) -> dict[str, float]:
    """Median over rounds of the mean time per page, extractors taking turns each round."""
    times: dict[str, list[float]] = {name: [] for name in extractors}
    for _ in range(rounds):
        for name, extract in extractors.items():
            start = time.perf_counter()
            for _case, raw, _gold in pages:
                extract(raw)
            times[name].append((time.perf_counter() - start) / len(pages))
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true",
                        help="also print where Dozor's time goes on the heavy pages")
    args = parser.parse_args()
    light = [(c, raw_page(c), _gold(c)) for c in load_cases() if _gold(c) is not None]
    heavy = [(c, raw, _gold(c)) for c, raw in heavy_cases()]
    print_quality("golden pages", light)
    print_quality("the same pages made heavy", heavy)
    sizes = [len(raw.body) for _c, raw, _g in heavy]
    print(f"\nspeed on {len(heavy)} heavy pages ({min(sizes) // 1000}-{max(sizes) // 1000} kB,"
          f" median {statistics.median(sizes) // 1000} kB), {args.rounds} rounds:")
    per_page = seconds_per_page(heavy, {
        "bare_extraction(with_metadata=True)": bare_extraction_with_metadata,
        "trafilatura.extract": bare_trafilatura,
        "Dozor extract_article": dozor,
    }, args.rounds)
    base = per_page["bare_extraction(with_metadata=True)"]
    for name, seconds in per_page.items():
        print(f"  {name:<38}{seconds * 1000:8.2f} ms/page {seconds / base:6.2f}x")
    pdfs = [(c, raw, None) for c, raw, _g in ((c, raw_page(c), None) for c in load_cases())
            if raw.body.startswith(b"%PDF")]
    if pdfs:
        # A PDF's cost is pypdf's text extraction, per page of the document.
        pdf_seconds = seconds_per_page(pdfs, {"pdf": dozor}, args.rounds)["pdf"]
        light_seconds = seconds_per_page(light, {"light": dozor}, args.rounds)["light"]
        print(f"  a golden PDF letter (Dozor extract_article): {pdf_seconds * 1000:.2f} ms ="
              f" {pdf_seconds / per_page['Dozor extract_article']:.1f} heavy pages ="
              f" {pdf_seconds / light_seconds:.1f} light golden pages")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(lambda: [dozor(raw) for _c, raw, _g in heavy])
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
