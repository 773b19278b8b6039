"""Golden extraction cases: `<page>.expected.json` beside each saved article page.

A case is a page saved under tests/fixtures/sites/<source_id>/<host>/<path> with the expected
extraction beside it. The clock is frozen at `captured_at`, so "вчера, 18:40" resolves the same
every day. Write or refresh cases with:

    python -m tests.golden write tests/fixtures/sites/<source>/<host>/<path> --captured-at 2025-12-26T12:00:00+05:00
    python -m tests.golden write --update-expected   # every case: rewrite what extraction gives now

and review the git diff.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

SITES_DIR = Path(__file__).resolve().parent / "fixtures" / "sites"
EXPECTED_SUFFIX = ".expected.json"
# Fields compared one by one, so a failure names the field.
FIELDS = ("title", "published_at", "lang", "languages", "status", "body_first_sentence",
          "body_last_sentence", "author")


@dataclass(frozen=True)
class GoldenCase:
    """One saved page and what extracting it must give."""

    source_id: str
    page: Path
    url: str
    captured_at: datetime
    expected: dict[str, Any]

    @property
    def case_id(self) -> str:
        return f"{self.source_id}:{self.page.name[:48]}"


def page_url(page: Path) -> str:
    """The real URL a saved page stands for: https://<host>/<path>[?query]."""
    relative = page.relative_to(SITES_DIR)
    host, *rest = relative.parts[1:]
    path = "/".join(rest)
    path, _, query = path.partition("@")
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return f"https://{host}/{path}" + (f"?{query}" if query else "")


def load_cases() -> list[GoldenCase]:
    """Every golden case under tests/fixtures/sites."""
    cases = []
    for expected_file in sorted(SITES_DIR.rglob(f"*{EXPECTED_SUFFIX}")):
        page = expected_file.with_name(expected_file.name[: -len(EXPECTED_SUFFIX)])
        data = json.loads(expected_file.read_text("utf-8"))
        cases.append(GoldenCase(
            source_id=page.relative_to(SITES_DIR).parts[0], page=page,
            url=data.get("url") or page_url(page),
            captured_at=datetime.fromisoformat(data["captured_at"]), expected=data["expected"],
        ))
    return cases


def sentences(text: str | None) -> list[str]:
    """Sentences of a body, split on ., ! or ? followed by a space and a capital or quote."""
    if not text:
        return []
    parts = re.split(r"(?<=[.!?»\"])\s+(?=[0-9A-ZА-ЯЁӘҒҚҢӨҰҮҺІ\"«])", " ".join(text.split()))
    return [p for p in parts if p]


def extract_case(case: GoldenCase) -> dict[str, Any]:
    """What Dozor's extraction gives for a case, in the expected.json shape."""
    from crawler.extract.body import extract_article
    from crawler.items import RawPage
    from crawler.sources import get_source

    raw = RawPage(
        source_id=case.source_id, url=case.url, fetched_url=case.url, status=200,
        headers=_headers(case.page), body=case.page.read_bytes(), fetched_at=case.captured_at,
    )
    article = extract_article(raw, get_source(case.source_id))
    parts = sentences(article.body)
    return {
        "title": article.title,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "lang": article.lang,
        "languages": list(article.languages),
        "status": article.status,
        "body_first_sentence": parts[0] if parts else None,
        "body_last_sentence": parts[-1] if parts else None,
        "author": article.author,
        "body": article.body,
    }


def _headers(page: Path) -> dict[str, str]:
    extra = page.with_name(page.name + ".headers.json")
    if extra.is_file():
        data: dict[str, str] = json.loads(extra.read_text("utf-8"))
        return {k.lower(): v for k, v in data.items()}
    return {"content-type": "text/html; charset=utf-8"}


def write_case(page: Path, captured_at: str | None, url: str | None) -> Path:
    """Write (or rewrite) a page's expected.json from what extraction gives now."""
    expected_file = page.with_name(page.name + EXPECTED_SUFFIX)
    old = json.loads(expected_file.read_text("utf-8")) if expected_file.is_file() else {}
    captured = captured_at or old.get("captured_at")
    if not captured:
        raise SystemExit(f"{page}: give --captured-at (the moment the page was saved)")
    case = GoldenCase(page.relative_to(SITES_DIR).parts[0], page, url or old.get("url")
                      or page_url(page), datetime.fromisoformat(captured), {})
    result = extract_case(case)
    data = {"url": case.url, "captured_at": captured,
            "expected": {k: result[k] for k in FIELDS}}
    if "note" in old:
        data["note"] = old["note"]
    expected_file.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return expected_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.golden")
    sub = parser.add_subparsers(dest="command", required=True)
    write = sub.add_parser("write", help="write expected.json for pages")
    write.add_argument("pages", nargs="*", type=Path)
    write.add_argument("--captured-at")
    write.add_argument("--url")
    write.add_argument("--update-expected", action="store_true",
                       help="rewrite every existing case")
    args = parser.parse_args(argv)
    pages = list(args.pages)
    if args.update_expected:
        pages += [case.page for case in load_cases()]
    for page in pages:
        print(write_case(page.resolve(), args.captured_at, args.url))
    return 0


if __name__ == "__main__":
    sys.exit(main())
