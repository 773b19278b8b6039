"""A digest of everything tagging says of the real and the project's texts: a speed change
must leave it byte for byte the same.

    .venv/bin/python bench/tagging_snapshot.py [--out /tmp/tagging.lines] [--passes 2]

Every text of ../shared/tagging-dev/*.jsonl (read at run time, never stored) and of
tests/fixtures/tagging/*.jsonl is analysed as retag and a crawl do (`analyse_text`: tags,
evidence, facts, search terms), in four readings: as labelled; as a bilingual text (no
declared language); with its paragraphs glued and a soft hyphen in every ninth long word
(the tokenizer's slow path); with Latin look-alikes typed in some Cyrillic words. The golden
pages under tests/fixtures/sites go through `analyse_article`, and a few vocabulary lookups
through `token_stems`. Each reading is one line of JSON; the digest is the sha256 of the
lines. `--passes 2` reads everything twice in one process and checks that the second pass
(every word cached) says the same as the first (words new): caches must not change a result.

`--out` keeps the lines, to diff two runs when the digests differ. Nothing is asserted
beyond the passes agreeing; compare the printed digest before and after a change.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.extract.body import extract_article
from crawler.sources import all_sources, get_source
from crawler.tagging.apply import analyse_article, analyse_text
from crawler.tagging.evaluate import find_dev_dir, read_labelled
from crawler.tagging.prepare import token_stems
from tests.golden import load_cases, raw_page

ROOT = Path(__file__).resolve().parent.parent
_LONG_WORD_RE = re.compile(r"\w{7,}")
# Cyrillic letters and the Latin look-alike a careless typist puts in their place.
_LOOKALIKE_TYPOS = str.maketrans({"\u0430": "a", "\u0435": "e", "\u043e": "o", "\u0440": "p"})


def _texts() -> list[tuple[str, str | None, str, str | None]]:
    """(id, title, text, lang) of every labelled text, real ones first."""
    dev = find_dev_dir(ROOT)
    files = sorted(dev.glob("*.jsonl")) if dev else []
    files += sorted((ROOT / "tests" / "fixtures" / "tagging").glob("*.jsonl"))
    return [(f"{f.name}:{i.id}", i.title, i.text, i.lang) for f in files for i in read_labelled(f)]


def _soft_hyphens(text: str) -> str:
    """Paragraphs glued, and a soft hyphen inside every ninth long word."""
    count = 0

    def hyphen(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        word = m.group(0)
        return f"{word[:3]}\u00ad{word[3:]}" if count % 9 == 0 else word

    return _LONG_WORD_RE.sub(hyphen, text.replace("\n", ""))


def _lookalikes(text: str) -> str:
    """Latin look-alikes typed into every fifth long word."""
    count = 0

    def typo(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        word = m.group(0)
        return word[:2] + word[2:].translate(_LOOKALIKE_TYPOS) if count % 5 == 0 else word

    return _LONG_WORD_RE.sub(typo, text)


def readings() -> Iterator[tuple[str, str]]:
    """(label, JSON line) of every reading of every text."""
    for ident, title, text, lang in _texts():
        for label, args in (
                ("as-labelled", (title, text, lang, ())),
                ("bilingual", (title, text, lang, ("kk", "ru"))),
                ("soft-hyphens", (title, _soft_hyphens(text), lang, ())),
                ("lookalikes", (_lookalikes(title or "") or None, _lookalikes(text), lang, ()))):
            a = analyse_text(*args)
            yield (f"{ident}/{label}", json.dumps(
                {"tags": a.tags.to_dict(), "terms": a.search_terms},
                ensure_ascii=False, sort_keys=True))
    known = all_sources()
    for case in load_cases():
        if case.source_id not in known:
            continue
        article = extract_article(raw_page(case), get_source(case.source_id))
        a = analyse_article(article)
        yield (f"golden:{case.page.name}", json.dumps(
            {"tags": a.tags.to_dict(), "terms": a.search_terms}, ensure_ascii=False,
            sort_keys=True))
    for word in ("мошенничество", "алаяқтық", "alaiaqtyq", "qylmystyq", "ОПГ", "1990",
                 "الاياقتىق", "scam", "полиция", "ұйымдасқан"):
        yield (f"stems:{word}", json.dumps(sorted(token_stems(word.lower())), ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, help="write the lines here (to diff two runs)")
    parser.add_argument("--passes", type=int, default=2)
    args = parser.parse_args()
    digests = []
    for p in range(args.passes):
        lines = [f"{label}\t{line}" for label, line in readings()]
        digests.append(hashlib.sha256("\n".join(lines).encode()).hexdigest())
        if p == 0 and args.out:
            args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"pass {p + 1}: {len(lines)} readings, sha256 {digests[-1]}")
    if len(set(digests)) > 1:
        sys.exit("the passes differ: a cache changed what tagging says")


if __name__ == "__main__":
    main()
