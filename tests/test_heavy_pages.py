"""Extraction holds on pages as heavy as the live sites: the golden pages wrapped in 100-300 kB
of scripts, styles, a mega-menu, dated sidebars and pop-ups give what the light pages give."""

from __future__ import annotations

from functools import cache

import pytest

from crawler.extract.body import extract_article
from crawler.items import Article
from crawler.sources import get_source
from tests.golden import GoldenCase, raw_page
from tests.heavy_pages import MAX_BYTES, MIN_BYTES, heavy_cases

FIELDS = ("title", "published_at", "date_precision", "lang", "languages", "status", "body")
CASES = heavy_cases()


@cache
def _pair(case_id: str) -> tuple[Article, Article, int]:
    case, heavy = next((c, h) for c, h in CASES if c.case_id == case_id)
    light = extract_article(raw_page(case), get_source(case.source_id))
    return light, extract_article(heavy, get_source(case.source_id)), len(heavy.body)


def test_every_declared_source_has_heavy_pages() -> None:
    from importlib.util import find_spec

    from crawler.sources import all_sources

    covered = {case.source_id for case, _ in CASES}
    with_pages = {s.id for s in all_sources().values() if s.kind != "telegram"
                  and not s.govkz_apis and find_spec(f"crawler.sources.{s.id}")}
    assert with_pages <= covered, with_pages - covered


@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c, _ in CASES], ids=lambda c: c.case_id)
def test_heavy_page_extracts_like_the_light_one(case: GoldenCase) -> None:
    light, heavy, size = _pair(case.case_id)
    assert MIN_BYTES * 0.9 <= size <= MAX_BYTES * 1.1
    differ = {f: (getattr(light, f), getattr(heavy, f)) for f in FIELDS
              if getattr(light, f) != getattr(heavy, f)}
    assert not differ, f"{case.page}: the heavy page differs (light, heavy): {differ}"
