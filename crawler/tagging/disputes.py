"""Labels in dispute: where a real set's label and GUIDELINE.md part ways, as readers who saw
neither the label nor the tagger read the text.

A labelled set is a third party's (../shared/tagging-dev): the project may not change a label,
only say which ones it disputes and why. Each row of a disputes file names the set (by name and
sha256: a dispute about one version of a file says nothing of the next), the item, the topic,
the set's label, how the blind readers read it, how many of them did, and why, in our words.
`dozor eval-tags` always scores the set's own labels first; where disputes apply it adds one
line with the same tagging counted against the disputed labels as read, so both stand side by
side and the owner of the set can settle them. docs/tagging.md says how the readers worked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from crawler.config import PROJECT_ROOT
from crawler.errors import LabelledSetError
from crawler.tagging.evaluate import TOPICS

# The project's own disputes of ../shared's labels, read by `dozor eval-tags` by default.
DISPUTES_DIR = PROJECT_ROOT / "docs" / "data" / "disputes"

FIELDS = {"file": str, "file_sha256": str, "id": str, "topic": str, "label": bool,
          "read": bool, "readers": int, "agreeing": int, "why": str}


@dataclass(frozen=True)
class Dispute:
    """One label of one item of a set, disputed."""

    file: str
    file_sha256: str
    id: str
    topic: str
    label: bool
    read: bool
    readers: int
    agreeing: int
    why: str


def shipped_dispute_files() -> tuple[Path, ...]:
    """The files of DISPUTES_DIR, in name order."""
    return tuple(sorted(DISPUTES_DIR.glob("*.jsonl")))


def read_disputes(paths: Iterable[Path]) -> list[Dispute]:
    """Every dispute of the given files, each row checked: a wrong row stops with its file and
    line, since a figure read with a half-understood dispute would mislead."""
    disputes: dict[tuple[str, str, str, str], Dispute] = {}
    for path in paths:
        lines = Path(path).read_text(encoding="utf-8").split("\n")
        for line_no, line in enumerate(lines, 1):
            if not line.strip():
                continue
            dispute = _dispute(_row(path, line_no, line), f"{path}:{line_no}")
            key = (dispute.file, dispute.file_sha256, dispute.id, dispute.topic)
            if key in disputes:  # two readings of one label: which would count?
                raise LabelledSetError(f"{path}:{line_no}: {dispute.id} ({dispute.topic}) of"
                                       f" {dispute.file} is disputed twice")
            disputes[key] = dispute
    return list(disputes.values())


def _row(path: Path, line_no: int, line: str) -> dict[str, object]:
    try:
        row = json.loads(line)
    except ValueError as exc:
        raise LabelledSetError(f"{path}:{line_no}: not JSON ({exc})") from exc
    if not isinstance(row, dict):
        raise LabelledSetError(f"{path}:{line_no}: a dispute is a JSON object")
    return row


def _dispute(row: Mapping[str, object], where: str) -> Dispute:
    # bool is an int to isinstance; a count of readers written as true is a wrong row.
    wrong = [name for name, kind in FIELDS.items() if not isinstance(row.get(name), kind)
             or (kind is int and isinstance(row.get(name), bool))]
    if wrong:
        raise LabelledSetError(f"{where}: a dispute needs {', '.join(FIELDS)}; wrong or missing:"
                               f" {', '.join(wrong)}")
    dispute = Dispute(**{name: row[name] for name in FIELDS})  # type: ignore[arg-type]
    if dispute.topic not in TOPICS:
        raise LabelledSetError(f"{where}: topic {dispute.topic!r} is none of {', '.join(TOPICS)}")
    if dispute.label == dispute.read:
        raise LabelledSetError(f"{where}: label and reading agree; that is no dispute")
    if not 0 < dispute.agreeing <= dispute.readers or 2 * dispute.agreeing <= dispute.readers:
        raise LabelledSetError(f"{where}: {dispute.agreeing} of {dispute.readers} readers is no"
                               " majority against the label")
    return dispute


@dataclass(frozen=True)
class Applicable:
    """The disputes that apply to one version of one set, and those written for another."""

    relabel: dict[tuple[str, str], bool]
    stale: list[Dispute]

    def __bool__(self) -> bool:
        return bool(self.relabel)


def applicable(disputes: Iterable[Dispute], name: str, sha256: str) -> Applicable:
    """Disputed labels of the set `name` whose sha256 is `sha256`, as (id, topic) -> reading;
    disputes about another version of the set are returned apart, not applied."""
    relabel: dict[tuple[str, str], bool] = {}
    stale = []
    for dispute in disputes:
        if dispute.file != name:
            continue
        if dispute.file_sha256 != sha256:
            stale.append(dispute)
        else:
            relabel[(dispute.id, dispute.topic)] = dispute.read
    return Applicable(relabel, stale)
