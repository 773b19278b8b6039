"""Which files make a tagging vocabulary, and how they are read: each file by name, a topic
over the files its head names, named word lists, and the hash that versions them all."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any

from crawler.tagging.stem import KK_MORPHOLOGY_PATH
from crawler.tagging.terms import VocabularyError

# Named word lists a rule names as "@name" (money words), written once for every rule.
LISTS_FILE = "lists.toml"


def read_toml(path: Path) -> dict[str, Any]:
    """Read one vocabulary file, naming it in the error when it is malformed."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise VocabularyError(f"{path}: {exc}") from exc


def vocab_hash(folder: Path) -> str:
    """Short hash over the vocab files, the model and the Kazakh morphology, in name order."""
    digest = hashlib.sha256()
    paths = [*sorted(folder.glob("*.toml")), *sorted(folder.glob("*.json")), KK_MORPHOLOGY_PATH]
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


def read_lists(folder: Path) -> dict[str, tuple[str, ...]]:
    """The named word lists of lists.toml (none when the file is absent)."""
    path = folder / LISTS_FILE
    if not path.is_file():
        return {}
    lists = {}
    for name, words in read_toml(path).items():
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise VocabularyError(f"{LISTS_FILE}#{name}: a list must be strings")
        if any(w.startswith("@") for w in words):
            raise VocabularyError(f"{LISTS_FILE}#{name}: a list cannot name another list")
        lists[name] = tuple(words)
    return lists


def expand_lists(words: list[str], lists: dict[str, tuple[str, ...]], where: str) -> list[str]:
    """Terms of a rule with each "@name" replaced by the words of that list, in place."""
    out: list[str] = []
    for word in words:
        if "@" in word and not (word.startswith("@") and " " not in word and "|" not in word):
            raise VocabularyError(f"{where}: {word!r}: a list's name stands alone as a term"
                                  f" (\"@money\"), never inside one")
        if not word.startswith("@"):
            out.append(word)
        elif word[1:] in lists:
            out.extend(lists[word[1:]])
        else:
            raise VocabularyError(f"{where}: {word!r} names no list of {LISTS_FILE}"
                                  f" ({', '.join(sorted(lists)) or 'none'})")
    return out


# Keys only a topic's first file holds; the files it names hold rules only.
_HEAD_KEYS = ("topic", "threshold", "subtopic_min", "excerpt_case", "articles", "files")


# The folder's files that are no topic: each is read by its own name.
_OTHER_FILES = ("context.toml", "facts.toml", "regions.toml", "agencies.toml", "parts.toml",
                LISTS_FILE)


def check_every_file_is_read(folder: Path, heads: list[tuple[Path, dict[str, Any]]]) -> None:
    """Stop on a .toml file nothing reads: a topic's file left out of its `files` would
    silently drop its rules."""
    read = {*_OTHER_FILES, *(p.name for p, _ in heads),
            *(str(f) for _, data in heads for f in data.get("files", []))}
    if stray := sorted(p.name for p in folder.glob("*.toml") if p.name not in read):
        raise VocabularyError(f"{folder}: {', '.join(stray)} is read by nothing: name it in"
                              f" a topic's `files`, or remove it")


def topic_files(head: dict[str, Any], path: Path) -> list[tuple[str, dict[str, Any]]]:
    """A topic's files in reading order: the head, then the files its `files` names."""
    files = [(path.name, head)]
    for name in head.get("files", []):
        part = path.parent / str(name)
        if not part.is_file():
            raise VocabularyError(f"{path.name}: files names {name!r}, which is not in"
                                  f" {path.parent}")
        data = read_toml(part)
        if misplaced := [k for k in _HEAD_KEYS if k in data]:
            raise VocabularyError(f"{name}: {', '.join(misplaced)} belong(s) in {path.name}"
                                  f" only: a topic's other files hold rules")
        files.append((str(name), data))
    return files
