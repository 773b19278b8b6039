"""Stored search terms carry the version of the stemmers that built them, and `retag` trusts it
(tests/test_retag_writes.py).

`retag` rebuilds an article's search terms only when its stored `search_terms_version`
differs from `SEARCH_TERMS_VERSION`, so a change to normalising, tokenising or stemming
that forgets to bump `SEARCH_TERMS_CODE` would leave stale terms in every stored article.
The fixture pins what the project's own labelled sets stem to: a change shows here first.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from crawler.tagging.apply import analyse_text
from crawler.tagging.evaluate import read_labelled
from crawler.tagging.stem import SEARCH_TERMS_CODE

FIXTURES = Path(__file__).parent / "fixtures" / "tagging"
PINNED = FIXTURES / "search_terms_pin.json"


def _terms_digest() -> str:
    digest = hashlib.sha256()
    for name in ("labelled.jsonl", "heldout.jsonl"):
        for item in read_labelled(FIXTURES / name):
            terms = analyse_text(item.title, item.text, item.lang).search_terms
            digest.update(f"{item.id}\t{terms}\n".encode())
    return digest.hexdigest()


def test_search_terms_change_only_with_a_new_code():
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))
    got = {"search_terms_code": SEARCH_TERMS_CODE, "sha256": _terms_digest()}
    assert got == pinned, (
        "The search terms of the labelled sets changed, or SEARCH_TERMS_CODE did. If the terms"
        " changed, bump SEARCH_TERMS_CODE in crawler/tagging/stem.py (so that `dozor retag`"
        f" rebuilds stored search terms) and write {got} to {PINNED.name}.")

