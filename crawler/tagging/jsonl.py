"""JSON Lines in, JSON Lines out: the body of `dozor tag`, bounded in memory and time.

An input line longer than MAX_LINE_BYTES is not held in memory: it is skipped as it is
read, and an error object stands in its place; a text longer than MAX_TEXT_CHARS is
refused the same way. Either way the next line is read, so one huge input never holds
back the lines after it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

from crawler.tagging.rules import MAX_TAG_CHARS, tag_text

# An input line (one JSON object) may hold at most this many bytes: 8 MiB is 4 million
# Cyrillic characters, forty times the longest real article.
MAX_LINE_BYTES = 8 * 1024 * 1024
# A text may hold at most this many characters (title and text together).
MAX_TEXT_CHARS = MAX_TAG_CHARS
# How much of a skipped line is kept to name its id in the error.
_HEAD_BYTES = 4096
_ID_RE = re.compile(rb'"id"\s*:\s*("(?:[^"\\]|\\.){0,200}"|-?\d{1,30})')


def _error(line_no: int, item_id: Any, message: str) -> str:
    """An error object for one input line."""
    return json.dumps({"id": item_id, "line": line_no, "error": message}, ensure_ascii=False)


def _sniff_id(head: bytes) -> Any:
    """The "id" of a line too long to parse, if its first bytes say it."""
    m = _ID_RE.search(head)
    if not m:
        return None
    try:
        return json.loads(m.group(1))
    except ValueError:
        return None


def bounded_lines(stream: IO[bytes], limit: int = MAX_LINE_BYTES
                  ) -> Iterator[tuple[bytes | None, int, bytes]]:
    """(line or None when too long, its size in bytes, its first bytes) for each line."""
    while chunk := stream.readline(limit + 1):
        if len(chunk) <= limit or chunk.endswith(b"\n"):
            yield chunk, len(chunk), chunk[:_HEAD_BYTES]
            continue
        size, head = len(chunk), chunk[:_HEAD_BYTES]
        while more := stream.readline(1 << 20):  # drop the rest of the line, 1 MiB at a time
            size += len(more)
            if more.endswith(b"\n"):
                break
        yield None, size, head


def _lines(source: Iterable[str] | IO[bytes]) -> Iterator[tuple[str | None, int, bytes]]:
    """Lines of text from a binary stream (bounded) or from an iterable of strings."""
    if hasattr(source, "readline") and "b" in getattr(source, "mode", "b"):
        for raw, size, head in bounded_lines(source):  # type: ignore[arg-type]
            yield (None if raw is None else raw.decode("utf-8", errors="replace")), size, head
        return
    for line in source:
        text = line.decode("utf-8", errors="replace") if isinstance(line, bytes) else str(line)
        size = len(text.encode("utf-8"))
        if size > MAX_LINE_BYTES:
            yield None, size, text[:_HEAD_BYTES].encode("utf-8")
        else:
            yield text, size, b""


def tag_jsonl(source: Iterable[str] | IO[bytes]) -> Iterator[str]:
    """Tag `{"id", "title"?, "text", "lang"?}` lines; a bad line yields an error object."""
    for line_no, (line, size, head) in enumerate(_lines(source), start=1):
        if line is None:
            yield _error(line_no, _sniff_id(head),
                         f"line is {size} bytes, over the limit of {MAX_LINE_BYTES} bytes: "
                         "skipped")
            continue
        if not line.strip():
            continue
        yield _tag_line(line_no, line)


def _tag_line(line_no: int, line: str) -> str:
    """The output line for one input line."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return _error(line_no, None, f"invalid JSON: {exc.msg} at column {exc.colno}")
    if not isinstance(item, dict):
        return _error(line_no, None, "expected a JSON object")
    item_id = item.get("id")
    title, text, lang = item.get("title"), item.get("text"), item.get("lang")
    if not isinstance(text, str):
        return _error(line_no, item_id, "field 'text' must be a string")
    if title is not None and not isinstance(title, str):
        return _error(line_no, item_id, "field 'title' must be a string or absent")
    if lang not in (None, "kk", "ru", "en"):
        return _error(line_no, item_id, "field 'lang' must be 'kk', 'ru', 'en' or absent")
    chars = len(text) + len(title or "")
    if chars > MAX_TEXT_CHARS:
        return _error(line_no, item_id, f"text is {chars} characters, over the limit of "
                                        f"{MAX_TEXT_CHARS}: not tagged")
    result = tag_text(title, text, lang)
    return json.dumps({"id": item_id, **result.to_dict()}, ensure_ascii=False)
