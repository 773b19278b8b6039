"""docs/sources.md: the source registry as one Markdown table, from the declarations themselves.

Written by `dozor sources --markdown > docs/sources.md`; tests/test_docs_sources.py fails when
the file no longer matches the registry.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections import Counter

import crawler.sources
from crawler.sources import Source

DOCS_PATH = "docs/sources.md"
REGENERATE = "dozor sources --markdown > docs/sources.md"
# A docstring section starts a line with its name: "Site:", "Discovery:", "Caveats:".
_SECTION = re.compile(r"^([A-Z][a-z]+):\s*", re.MULTILINE)


def registry_modules() -> list[tuple[Source, str]]:
    """Each source declared in crawler/sources/ with its module's docstring, by id."""
    declared = []
    for info in sorted(pkgutil.iter_modules(crawler.sources.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{crawler.sources.__name__}.{info.name}")
        source = getattr(module, "SOURCE", None)
        if isinstance(source, Source):
            declared.append((source, module.__doc__ or ""))
    return sorted(declared, key=lambda pair: pair[0].id)


def docstring_section(doc: str, name: str) -> str:
    """One section of a source module's docstring ("Caveats"), joined into one line."""
    starts = list(_SECTION.finditer(doc))
    for found, following in zip(starts, [*starts[1:], None], strict=True):
        if found.group(1) == name:
            text = doc[found.end(): following.start() if following else len(doc)]
            return " ".join(text.split())
    return ""


def _text(text: str) -> str:
    """Prose safe inside a Markdown table cell: "/a/<id>.html" must not read as an HTML tag."""
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _code(text: str) -> str:
    """A code span safe inside a Markdown table cell (GitHub reads "\\|" there as "|")."""
    return "`" + text.replace("|", "\\|") + "`"


def _discovery(source: Source) -> str:
    """Discovery methods with how many of each: "feed (2), listing (2)"."""
    counts = Counter({
        "feed": len(source.feeds), "sitemap": len(source.sitemaps),
        "api": len(source.govkz_apis), "telegram": len(source.telegram),
        "listing": len(source.listings), "archive": len(source.day_archives),
    })
    return ", ".join(
        f"{method} ({counts[method]})" if counts[method] > 1 else method
        for method in source.discovery_methods
    )


def sources_markdown() -> str:
    """The whole of docs/sources.md."""
    lines = [
        "# Sources",
        "",
        f"Generated from `crawler/sources/` by `{REGENERATE}`: edit the declarations, not this"
        " file. Schedules are cron lines in Asia/Almaty; caveats come from each module's"
        " docstring.",
        "",
        "| id | name | languages | discovery | article URL pattern | schedule | caveats |",
        "|---|---|---|---|---|---|---|",
    ]
    for source, doc in registry_modules():
        cells = [
            _code(source.id), _text(source.name), ", ".join(source.languages),
            _discovery(source), _code(source.article_url_pattern), _code(source.schedule),
            _text(docstring_section(doc, "Caveats") or "-"),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
