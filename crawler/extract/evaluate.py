"""Precision, recall and F1 of extracted bodies against hand-checked gold text, per source.

The measure is the bag-of-words overlap used by article-extraction benchmarks (ScrapingHub's
article-extraction-benchmark, trafilatura's comparisons): each text becomes a multiset of
lower-case word tokens; the overlap counts each token as often as both texts have it.
Precision is overlap / extracted tokens (menus, "read also" lines and captions cost it), recall
is overlap / gold tokens (a lost paragraph costs it). Sums are over all pages of a source
(micro-average), so a long page weighs more than a short one, as in those benchmarks.

Gold text sits beside each golden page as `<page>.gold.txt`: the article's own text as a
reader sees it, one paragraph per line, written by a person from the page (start from
`dozor eval-extraction --draft <page>`, which lists the page's paragraphs, never the
extractor's output) and reviewed like code. An empty gold file means "no article text here".
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import lxml.html
from lxml.etree import ParserError

from crawler.extract.encoding import decode_html

ALL = "all"
GOLD_SUFFIX = ".gold.txt"
_TOKEN = re.compile(r"\w+")
# Page parts that are never the article; the draft leaves them out, the reviewer does the rest.
DRAFT_SKIPPED = ("header", "nav", "footer", "aside", "script", "style", "noscript", "form")
DRAFT_BLOCKS = ("p", "li", "blockquote", "h2", "h3", "h4", "pre", "td")


def tokens(text: str | None) -> Counter[str]:
    """The text's lower-case word tokens with their counts."""
    return Counter(_TOKEN.findall(text.lower())) if text else Counter()


@dataclass
class Counts:
    """Token counts of gold, extracted and overlapping text over one or more pages."""

    gold: int = 0
    extracted: int = 0
    overlap: int = 0

    @property
    def precision(self) -> float:
        """Share of extracted tokens that are the article's (1.0 when nothing was extracted)."""
        return self.overlap / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        """Share of the article's tokens that were extracted (1.0 when it has none)."""
        return self.overlap / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Counts) -> None:
        """Add another page's counts to these."""
        self.gold += other.gold
        self.extracted += other.extracted
        self.overlap += other.overlap


def score(gold: str, extracted: str | None) -> Counts:
    """Token counts of one page."""
    want, got = tokens(gold), tokens(extracted)
    return Counts(sum(want.values()), sum(got.values()), sum((want & got).values()))


@dataclass(frozen=True, slots=True)
class PageScore:
    """One golden page's counts."""

    case_id: str
    source_id: str
    counts: Counts


@dataclass
class ExtractionReport:
    """Counts per page, summed per source and overall, for one gold corpus."""

    sha256: str
    pages: list[PageScore] = field(default_factory=list)
    unannotated: int = 0  # golden pages without gold text, left out

    def by_source(self) -> dict[str, Counts]:
        """Summed counts per source, plus ALL for the whole corpus."""
        sums: dict[str, Counts] = {}
        for page in self.pages:
            for key in (page.source_id, ALL):
                sums.setdefault(key, Counts()).add(page.counts)
        return dict(sorted(sums.items(), key=lambda kv: (kv[0] == ALL, kv[0])))

    def figures(self) -> dict[str, dict[str, float]]:
        """{"f1"|"precision"|"recall": {source or ALL: value}}, rounded to 4 places."""
        sums = self.by_source()
        return {name: {key: round(getattr(c, name), 4) for key, c in sums.items()}
                for name in ("f1", "precision", "recall")}

    def format_table(self) -> str:
        """A plain-text table: source, pages, tokens, precision, recall, F1; the worst pages."""
        pages = Counter(p.source_id for p in self.pages)
        pages[ALL] = len(self.pages)
        rows = [f"{'source':<22}{'pages':>6}{'tokens':>8}{'P':>8}{'R':>8}{'F1':>8}"]
        for key, c in self.by_source().items():
            rows.append(f"{key:<22}{pages[key]:>6}{c.gold:>8}"
                        f"{c.precision:>8.3f}{c.recall:>8.3f}{c.f1:>8.3f}")
        worst = sorted(self.pages, key=lambda p: p.counts.f1)[:3]
        rows.append("worst pages: " + ", ".join(f"{p.case_id} {p.counts.f1:.3f}" for p in worst))
        rows.append(f"{len(self.pages)} pages with gold text, {self.unannotated} golden pages"
                    f" without; corpus sha256 {self.sha256[:12]}")
        return "\n".join(rows)


def corpus_sha256(parts: Iterable[tuple[str, bytes]]) -> str:
    """sha256 over (name, bytes) pairs in name order: pinned beside the floors."""
    digest = hashlib.sha256()
    for name, data in sorted(parts):
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def floor_failures(report: ExtractionReport, floors: dict[str, dict[str, float]]) -> list[str]:
    """Every figure that fell below its pinned floor, as "<measure> <source>: got < floor"."""
    figures = report.figures()
    failures = []
    for measure, pinned in floors.items():
        for key, floor in pinned.items():
            got = figures.get(measure, {}).get(key)
            if got is None or got < floor:
                failures.append(f"{measure} {key}: {got} < {floor}")
    return failures


def draft_gold(html: bytes | str) -> str:
    """A starting point for a gold file: the page's paragraph-level blocks outside the header,
    menus and footer, one per line, for a person to trim to the article's own text."""
    text = decode_html(html, None)[0] if isinstance(html, bytes) else html
    try:
        root = lxml.html.document_fromstring(text)
    except (ParserError, ValueError):
        return ""
    for skipped in root.xpath(" | ".join(f"//{tag}" for tag in DRAFT_SKIPPED)):
        skipped.drop_tree()
    lines = []
    for node in root.iter(*DRAFT_BLOCKS):
        if any(child.tag in DRAFT_BLOCKS for child in node.iterdescendants()):
            continue  # the inner block is the paragraph
        line = " ".join(node.text_content().split())
        if line:
            lines.append(line)
    if not lines:  # text in <div>s and <br>s (a Telegram post): its lines as they stand
        for br in root.iter("br"):
            br.tail = "\n" + (br.tail or "")
        lines = [" ".join(ln.split()) for ln in root.text_content().splitlines() if ln.strip()]
    return "\n".join(lines)
