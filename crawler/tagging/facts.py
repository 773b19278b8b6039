"""Facts read out of a text: Criminal Code articles, the damage of the case, case counts.

Damage is one amount per article, with the sentence that states it: the largest credible
figure of the case. A title's "более 3 млрд" and the body's "3,1 млрд" restate one figure
(the largest wins, they are never summed); a sentence of statistics (many cases, a year, a
region or the country) is not the damage of the case it stands beside.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import import_module
from typing import TYPE_CHECKING, Any

from crawler.errors import DozorError

if TYPE_CHECKING:
    from crawler.tagging.prepare import PreparedField

_NUMBER_RE = re.compile(r"\d{1,3}(?:-\d{1,2})?")
_SPACES_RE = re.compile(r"[\s\u00a0\u202f]")
# re's own parser (private modules, hence no types), to read how a facts.toml pattern opens.
# Only a shortcut hangs on it: a Python without these modules scans every offset, as re does.
try:
    sre_parser: Any = import_module("re._parser")
    sre_constants: Any = import_module("re._constants")
except ImportError:  # pragma: no cover - CPython 3.11 to 3.13 have them
    sre_parser = sre_constants = None
# The pieces a pattern led by a number starts with, as facts.toml writes them:
# "(?P<num>\d(?<![\w.,]\d)...": a digit, then a look-behind that no letter, digit or
# underscore stands before it. See `_number_led`.
_DIGIT = (None if sre_constants is None else
          (sre_constants.IN, [(sre_constants.CATEGORY, sre_constants.CATEGORY_DIGIT)]))
_WORD_CHAR = (None if sre_constants is None else
              (sre_constants.CATEGORY, sre_constants.CATEGORY_WORD))


class FactsError(DozorError, ValueError):
    """Raised when facts.toml holds a bad regular expression, at vocabulary load time."""


@dataclass(frozen=True)
class FactPatterns:
    """Regular expressions for articles, damage and case counts (facts.toml)."""

    article_ru: re.Pattern[str]
    article_kk: re.Pattern[str]
    article_keep: re.Pattern[str]
    article_reject: re.Pattern[str]
    article_window: int
    article_max: int
    damage_amount: re.Pattern[str]
    damage_cue: re.Pattern[str]
    damage_exclude: re.Pattern[str]
    damage_statistics: re.Pattern[str]
    multipliers: tuple[tuple[str, int], ...]
    cases: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Damage:
    """The damage of the case in tenge and the sentence that states it (field offsets)."""

    kzt: int
    sentence: str
    field: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"kzt": self.kzt, "sentence": self.sentence, "field": self.field,
                "start": self.start, "end": self.end}


def compile_facts(data: dict[str, Any]) -> FactPatterns:
    """Compile the regular expressions of facts.toml."""
    cc, dmg, cases = data["criminal_code"], data["damage"], data["cases"]
    try:
        return FactPatterns(
            article_ru=re.compile(cc["ru"]),
            article_kk=re.compile(cc["kk"]),
            article_keep=re.compile(cc["keep"]),
            article_reject=re.compile(cc["reject"]),
            article_window=int(cc["window"]),
            article_max=int(cc["max_article"]),
            damage_amount=re.compile(dmg["amount"]),
            damage_cue=re.compile(dmg["cue"]),
            damage_exclude=re.compile(dmg["exclude"]),
            damage_statistics=re.compile(dmg["statistics"]),
            # Longest name first, so "миллиард" is not read as a prefix of something shorter.
            multipliers=tuple(
                sorted(((k, int(v)) for k, v in dmg["multipliers"].items()),
                       key=lambda kv: -len(kv[0]))
            ),
            cases=(re.compile(cases["ru"]), re.compile(cases["kk"])),
        )
    except re.error as exc:
        raise FactsError(f"facts.toml: bad regular expression: {exc}") from exc


@lru_cache(maxsize=64)
def _number_led(pattern: re.Pattern[str]) -> bool:
    """Whether every match of the pattern starts at the first character of a word, a digit:
    the pattern opens (inside any groups, no alternative beside them) with a digit and a
    look-behind that no letter, digit or underscore stands before it, with Unicode \\w."""
    if pattern.flags & re.ASCII or sre_parser is None:
        return False
    try:
        return _opens_with_a_lone_digit(list(sre_parser.parse(pattern.pattern, pattern.flags)))
    except (AttributeError, IndexError, TypeError, ValueError):
        return False  # a private parser that changed its shape: no shortcut, same matches


def _opens_with_a_lone_digit(items: list[Any]) -> bool:
    while items and items[0][0] is sre_constants.SUBPATTERN:
        items = list(items[0][1][-1])
    if len(items) < 2 or items[0] != _DIGIT or items[1][0] is not sre_constants.ASSERT_NOT:
        return False
    direction, behind = items[1][1]
    behind = list(behind)
    return bool(direction == -1 and len(behind) == 2 and behind[1] == _DIGIT
                and behind[0][0] is sre_constants.IN and _WORD_CHAR in behind[0][1]
                and (sre_constants.NEGATE, None) not in behind[0][1])


def _matches(pattern: re.Pattern[str], fld: PreparedField) -> list[re.Match[str]]:
    """pattern.finditer over the field's text; for a pattern led by a number, tried only at
    the words that start with a digit (a dozen in an article): `re` scans for a leading
    \\d one character at a time, 20 us an article for each such pattern. The same matches:
    finditer tries each offset in turn and goes on from the end of a match, as this does."""
    starts = fld.number_starts if _number_led(pattern) else None
    if starts is None:
        return list(pattern.finditer(fld.norm))
    found: list[re.Match[str]] = []
    text, match, done = fld.norm, pattern.match, 0
    for start in starts:
        if start >= done and (m := match(text, start)) is not None:
            found.append(m)
            done = m.end()
    return found


def _article_allowed(facts: FactPatterns, context: str, from_end: bool) -> bool:
    """Whether the code named near an article number is the Criminal Code (or none)."""
    keeps = [m.start() for m in facts.article_keep.finditer(context)]
    rejects = [m.start() for m in facts.article_reject.finditer(context)]
    if not rejects:
        return True
    if not keeps:
        return False
    # The nearer mention decides: after the number for Russian, before it for Kazakh.
    return max(keeps) > max(rejects) if from_end else min(keeps) < min(rejects)


def criminal_code_articles(facts: FactPatterns, fld: PreparedField) -> list[tuple[str, int, int]]:
    """Criminal Code article numbers with the span that states them."""
    found: list[tuple[str, int, int]] = []
    text, w = fld.norm, facts.article_window
    for m in facts.article_ru.finditer(text):
        if _article_allowed(facts, text[m.end() : m.end() + w], from_end=False):
            found += [(n, m.start(), m.end()) for n in _NUMBER_RE.findall(m.group("nums"))]
    for m in _matches(facts.article_kk, fld):
        if _article_allowed(facts, text[max(0, m.start() - w) : m.start()], from_end=True):
            found.append((m.group("nums"), m.start(), m.end()))
    return [f for f in found if 0 < int(f[0].split("-")[0]) <= facts.article_max]


def _multiplier(facts: FactPatterns, name: str | None) -> int:
    if not name:
        return 1
    return next((f for prefix, f in facts.multipliers if name.startswith(prefix)), 1)


def parse_amount(facts: FactPatterns, m: re.Match[str]) -> int | None:
    """Tenge as an integer from "1,2 млрд", "3 500 000", "500 мың", "1 млрд 665 млн"."""
    digits = _SPACES_RE.sub("", m.group("num"))
    mult = m.group("mult")
    if mult is None and re.fullmatch(r"\d{1,3}(?:,\d{3})+", digits):
        digits = digits.replace(",", "")
    try:
        value = Decimal(digits.replace(",", ".")) * _multiplier(facts, mult)
        if m.group("num2"):
            value += Decimal(m.group("num2")) * _multiplier(facts, m.group("mult2"))
    except InvalidOperation:
        return None
    return int(value)


def damage_of_case(facts: FactPatterns, fields: list[PreparedField]) -> Damage | None:
    """The largest credible tenge amount of the case, with its sentence; None without one."""
    best: Damage | None = None
    for fld in fields:
        starts = [s.start for s in fld.sentences]
        for m in _matches(facts.damage_amount, fld):
            i = bisect.bisect_right(starts, m.start()) - 1
            if i < 0:
                continue
            sent = fld.sentences[i]
            if sent.part == "aside":
                continue
            text = fld.norm[sent.start : sent.end]
            if (not facts.damage_cue.search(text) or facts.damage_exclude.search(text)
                    or facts.damage_statistics.search(text)):
                continue
            value = parse_amount(facts, m)
            if value and (best is None or value > best.kzt):
                raw = fld.original[sent.start : sent.end]
                start = sent.start + len(raw) - len(raw.lstrip())
                end = sent.start + len(raw.rstrip())
                best = Damage(value, fld.original[start:end], fld.name, start, end)
    return best


def case_counts(facts: FactPatterns, fld: PreparedField) -> list[int]:
    """Stated numbers of criminal cases."""
    found: list[tuple[int, int]] = []
    for pattern in facts.cases:
        for m in _matches(pattern, fld):
            found.append((m.start(), int(re.sub(r"\D", "", m.group("num")))))
    return [n for _, n in sorted(found)]
