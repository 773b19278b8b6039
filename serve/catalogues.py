"""Keeping the gettext catalogues of serve/i18n.py current: extract every message from the
code, the templates, the pages' scripts and labels.toml, merge into each .po, list what is left
to translate. A developer's tool, apart from i18n.py so that the runtime does not import labels.

    python -m serve.catalogues update
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog

from serve.i18n import DOMAIN, PROJECT_ROOT, SOURCES, UI_LANGUAGES, po_path, read_catalog
from serve.labels import LABELS_PATH, read_labels

MAPPING = [
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2"),
    ("**/web/**.html", "jinja2"),
    ("**/web/**.js", "javascript"),
]
KEYWORDS = {"_": None, "N_": None, "gettext": None, "t": None, "tf": None, "label": ((1, "c"), 2),
            "pgettext": ((1, "c"), 2)}


def extract_messages(root: Path) -> Catalog:
    """Every translatable message in SOURCES, with its locations."""
    from babel.messages.extract import extract_from_dir, extract_from_file

    catalog = Catalog(domain=DOMAIN)
    for entry in SOURCES:
        path = root / entry
        if path.is_dir():
            found: Iterable[tuple[str, int, object, list[str], object]] = extract_from_dir(
                str(path), MAPPING, keywords=KEYWORDS,
                options_map={"**/web/**.html": {"extensions": "jinja2.ext.i18n"}},
            )
            prefix = entry
        else:
            found = ((entry, *m) for m in extract_from_file(
                "python", str(path), keywords=KEYWORDS))
            prefix = ""
        for filename, lineno, message, _comments, context in found:
            location = f"{prefix}/{filename}" if prefix else str(filename)
            if isinstance(message, str) and message:
                catalog.add(message, locations=[(location, lineno)],
                            context=context if isinstance(context, str) else None)
    # The readable names of ids (topics, regions...) live in labels.toml, each kind a context.
    for kind, names in read_labels().items():
        for english in names.values():
            catalog.add(english, locations=[(f"serve/{LABELS_PATH.name}", 0)], context=kind)
    return catalog


def update_catalogues(root: Path) -> dict[str, list[str]]:
    """Merge the extracted messages into each .po file; return the untranslated ids."""
    from babel.messages.pofile import write_po

    template = extract_messages(root)
    missing: dict[str, list[str]] = {}
    for lang in UI_LANGUAGES:
        if lang == "en":
            continue
        path = po_path(lang)
        catalog = read_catalog(lang) if path.exists() else Catalog(locale=lang, domain=DOMAIN)
        created = catalog.creation_date
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        # A stable header: the diff of an update shows messages, not a new date.
        catalog.fuzzy = False
        catalog.creation_date = created
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=False, include_previous=False)
        missing[lang] = [str(m.id) for m in catalog if m.id and not m.string]
    return missing


def main(argv: list[str]) -> int:
    """`python -m serve.catalogues update`: refresh the catalogues from the code."""
    if argv[1:] != ["update"]:
        print("usage: python -m serve.catalogues update", file=sys.stderr)
        return 2
    for lang, ids in update_catalogues(PROJECT_ROOT).items():
        print(f"{lang}: {len(ids)} untranslated")
        for message in ids:
            print(f"  {message!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
