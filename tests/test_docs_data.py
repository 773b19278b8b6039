"""The label files of real sets kept outside the project (docs/data/README.md): each row has
the fields a rebuilt set needs, and no page, id or text is labelled twice across the files,
so a figure over several sets counts every text once."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "docs" / "data"
FILES = sorted(DATA.glob("*.jsonl"))
NEEDED = ("id", "url", "lang", "fraud", "ocg", "kz_related", "why", "text_sha256")


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n")
            if line.strip()]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_row_has_what_a_rebuilt_set_needs(path: Path) -> None:
    for row in _rows(path):
        missing = [k for k in NEEDED if k not in row]
        assert not missing, f"{path.name} {row.get('id')}: missing {missing}"
        assert row["lang"] in ("ru", "kk", "en"), row["id"]
        assert all(isinstance(row[k], bool) for k in ("fraud", "ocg", "kz_related")), row["id"]
        assert re.fullmatch(r"[0-9a-f]{64}", row["text_sha256"]), row["id"]
        assert "text" not in row, f"{row['id']}: third parties' texts stay outside the project"


def test_no_page_id_or_text_is_labelled_twice() -> None:
    assert FILES, "docs/data holds no label file"
    rows = [row for path in FILES for row in _rows(path)]
    for key in ("id", "url", "text_sha256"):
        twice = [value for value, n in Counter(row[key] for row in rows).items() if n > 1]
        assert not twice, f"{key} labelled twice: {twice[:5]}"
