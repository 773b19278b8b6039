"""Golden extraction cases: `<page>.expected.json` beside each saved article page.

A case is a page saved under tests/fixtures/sites/<source_id>/<host>/<path> with the expected
extraction beside it. The clock is frozen at `captured_at`, so "вчера, 18:40" resolves the same
every day. Write or refresh cases with:

    python -m tests.golden write tests/fixtures/sites/<source>/<host>/<path> \
        --captured-at 2025-12-26T12:00:00+05:00
    python -m tests.golden write --update-expected   # every case: rewrite what extraction gives now

and review the git diff.

A gov.kz API item or a Telegram post has no page of its own to save: the spider builds its page
from the API answer or the channel preview (crawler.spiders.news.page_from_link). Such a case
is an expected.json alone, under the item's URL (`www.gov.kz/.../details/1159012@lang=ru`,
`t.me/POLICE_of_KZ/1234`), whose "discovered_in" names the saved answer or preview that holds
the item, relative to the source's folder; write it with `--discovered-in <that path>`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from crawler.items import RawPage

if TYPE_CHECKING:
    from crawler.items import DiscoveredLink
    from crawler.sources import Source

SITES_DIR = Path(__file__).resolve().parent / "fixtures" / "sites"
EXPECTED_SUFFIX = ".expected.json"
# Fields compared one by one, so a failure names the field.
FIELDS = ("title", "published_at", "date_precision", "lang", "languages", "status",
          "body_first_sentence", "body_last_sentence", "author")


@dataclass(frozen=True)
class GoldenCase:
    """One saved page and what extracting it must give."""

    source_id: str
    page: Path
    url: str
    captured_at: datetime
    expected: dict[str, Any]
    # The saved API answer or channel preview holding the item, for pages the spider builds.
    discovered_in: str | None = None

    @property
    def case_id(self) -> str:
        # Pages of "/<slug>/" URLs are all saved as index.html: name those by their folder.
        name = self.page.parent.name if self.page.name == "index.html" else self.page.name
        return f"{self.source_id}:{name[:48]}"


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
            discovered_in=data.get("discovered_in"),
        ))
    return cases


def sentences(text: str | None) -> list[str]:
    """Sentences of a body, split on ., ! or ? followed by a space and a capital or quote."""
    if not text:
        return []
    parts = re.split(r"(?<=[.!?»\"])\s+(?=[0-9A-ZА-ЯЁӘҒҚҢӨҰҮҺІ\"«])", " ".join(text.split()))
    merged: list[str] = []
    for part in (p for p in parts if p):
        # A dateline ("АСТАНА. KAZINFORM – …") is not a sentence of its own.
        last = merged[-1] if merged else ""
        if last.endswith(".") and last[:-1].isupper() and " " not in last:
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged


def raw_page(case: GoldenCase) -> RawPage:
    """The case as the pipeline receives it: a saved page, or an API/Telegram item built."""
    from crawler.sources import get_source

    if case.discovered_in:
        from crawler.spiders.news import page_from_link

        link = discovered_link(case, get_source(case.source_id))
        return page_from_link(case.source_id, case.url, link, case.captured_at)
    return RawPage(
        source_id=case.source_id, url=case.url, fetched_url=case.url, status=200,
        headers=_headers(case.page), body=case.page.read_bytes(), fetched_at=case.captured_at,
    )


def extract_case(case: GoldenCase) -> dict[str, Any]:
    """What Dozor's extraction gives for a case, in the expected.json shape."""
    from crawler.extract.body import extract_article
    from crawler.sources import get_source

    article = extract_article(raw_page(case), get_source(case.source_id))
    parts = sentences(article.body)
    return {
        "title": article.title,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "date_precision": article.date_precision,
        "lang": article.lang,
        "languages": list(article.languages),
        "status": article.status,
        "body_first_sentence": parts[0] if parts else None,
        "body_last_sentence": parts[-1] if parts else None,
        "author": article.author,
        "body": article.body,
    }


def discovered_link(case: GoldenCase, source: Source) -> DiscoveredLink:
    """The case's item as the spider's discovery reads it from the saved answer or preview."""
    from crawler.discovery.govkz_api import parse_govkz_news
    from crawler.discovery.telegram import parse_telegram_preview
    from crawler.discovery.urls import canonicalize_url

    assert case.discovered_in is not None
    document = SITES_DIR / case.source_id / case.discovered_in
    body = document.read_bytes()
    parts = urlsplit(case.url)
    if parts.hostname == "www.gov.kz":
        # .../entities/<project>/press/news/details/<id>?lang=<lang>
        project = parts.path.split("/entities/", 1)[1].split("/", 1)[0]
        lang = parse_qs(parts.query)["lang"][0]
        links = parse_govkz_news(body, project, lang)
    elif parts.hostname == "t.me":
        channel = parts.path.strip("/").split("/", 1)[0]
        langs = [c.lang for c in source.telegram if c.channel.lower() == channel.lower()]
        links = parse_telegram_preview(body, page_url(document), langs[0] if langs else None).links
    else:
        raise SystemExit(f"{case.url}: no discovery parser for pages built from {document}")
    for link in links:
        if canonicalize_url(link.url) == case.url:
            return link
    raise SystemExit(f"{case.url}: no item with this URL in {document}")


def _headers(page: Path) -> dict[str, str]:
    extra = page.with_name(page.name + ".headers.json")
    if extra.is_file():
        data: dict[str, str] = json.loads(extra.read_text("utf-8"))
        return {k.lower(): v for k, v in data.items()}
    return {"content-type": "text/html; charset=utf-8"}


def write_case(
    page: Path, captured_at: str | None, url: str | None, discovered_in: str | None = None,
) -> Path:
    """Write (or rewrite) a page's expected.json from what extraction gives now."""
    expected_file = page.with_name(page.name + EXPECTED_SUFFIX)
    old = json.loads(expected_file.read_text("utf-8")) if expected_file.is_file() else {}
    captured = captured_at or old.get("captured_at")
    if not captured:
        raise SystemExit(f"{page}: give --captured-at (the moment the page was saved)")
    case = GoldenCase(page.relative_to(SITES_DIR).parts[0], page, url or old.get("url")
                      or page_url(page), datetime.fromisoformat(captured), {},
                      discovered_in or old.get("discovered_in"))
    result = extract_case(case)
    data: dict[str, Any] = {"url": case.url, "captured_at": captured}
    if case.discovered_in:
        data["discovered_in"] = case.discovered_in
    data["expected"] = {k: result[k] for k in FIELDS}
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
    write.add_argument("--discovered-in",
                       help="for an API item or a post: its saved answer or preview, relative"
                            " to tests/fixtures/sites/<source_id>/")
    write.add_argument("--update-expected", action="store_true",
                       help="rewrite every existing case")
    args = parser.parse_args(argv)
    pages = list(args.pages)
    if args.update_expected:
        pages += [case.page for case in load_cases()]
    for page in pages:
        print(write_case(page.resolve(), args.captured_at, args.url, args.discovered_in))
    return 0


if __name__ == "__main__":
    sys.exit(main())
