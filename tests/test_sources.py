"""One test over the whole registry: every source has golden pages, and each page extracts right."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

import pytest

from crawler.sources import all_sources
from tests.golden import FIELDS, GoldenCase, extract_case, load_cases

CASES = load_cases()


@cache
def _extracted(case_id: str) -> dict[str, Any]:
    case = next(c for c in CASES if c.case_id == case_id)
    return extract_case(case)


def _field_params() -> list[Any]:
    return [
        pytest.param(case, field, id=f"{case.case_id}:{field}")
        for case in CASES for field in FIELDS if field in case.expected
    ]


@pytest.mark.parametrize(("case", "field"), _field_params())
def test_golden_field(case: GoldenCase, field: str) -> None:
    got = _extracted(case.case_id)[field]
    want = case.expected[field]
    if field == "published_at" and want is not None and got is not None:
        # Compare instants, so "+05:00" and "Z" spellings of one moment are equal.
        assert datetime.fromisoformat(got) == datetime.fromisoformat(want), (
            f"{case.page}: published_at {got} != {want}"
        )
        return
    assert got == want, (
        f"{case.page}: {field} is {got!r}, expected {want!r}. If the new value is right, run"
        f" `python -m tests.golden write {case.page}` and review the diff."
    )


@pytest.mark.parametrize("source_id", sorted(all_sources()))
def test_every_source_has_golden_pages_in_each_language(source_id: str) -> None:
    source = all_sources()[source_id]
    langs = {c.expected.get("lang") for c in CASES if c.source_id == source_id}
    missing = [lang for lang in source.languages if lang not in langs]
    assert not missing, (
        f"{source_id} has no golden article page in {missing}: save one under"
        f" tests/fixtures/sites/{source_id}/<host>/<path> and run `python -m tests.golden write`"
    )
