"""JSON Lines in, JSON Lines out: the body of `dozor tag`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from crawler.tagging.rules import tag_text


def _error(line_no: int, item_id: Any, message: str) -> str:
    """An error object for one input line."""
    return json.dumps({"id": item_id, "line": line_no, "error": message}, ensure_ascii=False)


def tag_jsonl(lines: Iterable[str]) -> Iterator[str]:
    """Tag `{"id", "title"?, "text", "lang"?}` lines; a bad line yields an error object."""
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield _error(line_no, None, f"invalid JSON: {exc.msg} at column {exc.colno}")
            continue
        if not isinstance(item, dict):
            yield _error(line_no, None, "expected a JSON object")
            continue
        item_id = item.get("id")
        title, text, lang = item.get("title"), item.get("text"), item.get("lang")
        if not isinstance(text, str):
            yield _error(line_no, item_id, "field 'text' must be a string")
            continue
        if title is not None and not isinstance(title, str):
            yield _error(line_no, item_id, "field 'title' must be a string or absent")
            continue
        if lang not in (None, "kk", "ru", "en"):
            yield _error(line_no, item_id, "field 'lang' must be 'kk', 'ru', 'en' or absent")
            continue
        result = tag_text(title, text, lang)
        yield json.dumps({"id": item_id, **result.to_dict()}, ensure_ascii=False)
