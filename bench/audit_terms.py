"""Which dictionary words each one-word term of the vocabulary meets: an audit, not a test.

A term written as a stem or a prefix meets every word that shares it, and the words nobody
thought of are where false tags come from: "гарант*" was written for a guarantor and met
"гарантированная доходность", "следовател*" met "следовательно", "термин*" a payment
terminal (docs/tagging.md, round 2026.11). This lists, per term, the lemmas of the Russian
OpenCorpora dictionary whose forms the term meets, for a person to read.

    pip install pymorphy3 pymorphy3-dicts-ru     # a dev tool only; not a dependency of Dozor
    .venv/bin/python bench/audit_terms.py > terms.txt
    .venv/bin/python bench/audit_terms.py --group negative   # genre words only

Kazakh has no such dictionary here: Kazakh terms are audited against the words of real text
(the tuning halves), as earlier rounds did.
"""

from __future__ import annotations

import argparse
import collections
import sys

from crawler.tagging.matching import patterns_fitting
from crawler.tagging.vocab import load_vocabulary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--group", help="only terms of this payload group (topic, near, crime,"
                        " harm, warning, negative, negator, mask, ...)")
    parser.add_argument("--max-lemmas", type=int, default=40)
    args = parser.parse_args()
    try:
        import pymorphy3  # type: ignore[import-not-found]
    except ImportError:
        sys.exit("bench/audit_terms.py needs pymorphy3: pip install pymorphy3 pymorphy3-dicts-ru")
    vocab = load_vocabulary()
    lemmas_of: dict[str, set[str]] = collections.defaultdict(set)
    for word, _tag, normal, _para, _idx in pymorphy3.MorphAnalyzer().dictionary.iter_known_words():
        lemmas_of[word.replace("ё", "е")].add(normal.replace("ё", "е"))
    met: dict[int, set[str]] = collections.defaultdict(set)
    for surface, lemmas in lemmas_of.items():
        for pid in patterns_fitting(vocab, surface):
            met[pid].update(lemmas)
    for ti, term in enumerate(vocab.terms):
        pids = vocab.term_patterns[ti]
        p = term.payload
        if len(pids) != 1 or (args.group and p.group != args.group) or not met.get(pids[0]):
            continue
        pat = vocab.patterns[pids[0]]
        spec = "|".join(sorted(pat.stems) + [x + "*" for x in pat.prefixes]
                        + ["=" + x for x in sorted(pat.exact)])
        lemmas = sorted(met[pids[0]])
        more = f" (+{len(lemmas) - args.max_lemmas})" if len(lemmas) > args.max_lemmas else ""
        print(f"{p.group}/{p.label}/{p.role}: {spec}  [{len(lemmas)}] "
              f"{', '.join(lemmas[:args.max_lemmas])}{more}")


if __name__ == "__main__":
    main()
