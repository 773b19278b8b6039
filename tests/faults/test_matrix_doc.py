"""docs/operations.md's fault matrix is generated from this suite, and the suite is the matrix."""

from __future__ import annotations

import importlib

from tests.faults.matrix import DOCS, all_cases, current_table, matrix_markdown


def test_the_matrix_in_docs_operations_md_is_current() -> None:
    assert current_table(DOCS.read_text("utf-8")) == matrix_markdown(), (
        "docs/operations.md's fault matrix is out of date: run"
        " `.venv/bin/python -m tests.faults.matrix --write` and commit the result")


def test_the_matrix_has_forty_cases_or_more_each_backed_by_a_test() -> None:
    cases = all_cases()
    assert len(cases) >= 40
    assert len({c.case for c in cases}) == len(cases), "each case once"
    for case in cases:
        module, _, function = case.test.partition("::")
        tests = importlib.import_module(f"tests.faults.{module}")
        if function:
            assert callable(getattr(tests, function)), case
        assert case.sees and case.todo, case
