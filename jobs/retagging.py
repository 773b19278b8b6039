"""Re-tagging what is stored: read in batches, tag on every core, write a batch at a time.

Tagging is CPU-bound Python, so batches are tagged by worker processes (one per core, at
most RETAG_WORKERS) while this process reads the next batch and writes the last one with
storage.tags.write_tags (COPY into staging tables, four set-based statements). Articles
whose topics and rules version did not change are not written at all.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import class_row

from crawler.tagging.apply import analyse_text
from crawler.tagging.rules import rules_version
from storage.articles import StoredText, iter_stored_texts
from storage.db import connect
from storage.tags import TagWrite, topics_in_force, write_tags

RETAG_BATCH = 1000
RETAG_WORKERS = 2
# Texts handed to a worker at a time: large enough to amortise the hand-over.
WORKER_CHUNK = 50


@dataclass(frozen=True, slots=True)
class RetagReport:
    """What `retag` did: articles read, articles whose tags changed, the rules' version."""

    articles: int
    changed: int
    rules_version: str
    written: int = 0


def _analyse(stored: StoredText) -> TagWrite:
    """Tag one stored text (runs in a worker process)."""
    analysis = analyse_text(stored.title, stored.body_normalized or stored.body, stored.lang,
                            stored.languages)
    return TagWrite(stored.id, analysis.tag_rows(), analysis.facts(),
                    analysis.tags.rules_version, analysis.search_terms)


class _Inline(Executor):
    """An executor that runs in this process (one worker, or tests)."""

    def map(self, fn: Callable[..., Any], *iterables: Any, timeout: float | None = None,
            chunksize: int = 1) -> Iterator[Any]:
        return map(fn, *iterables)


@contextmanager
def _executor(workers: int) -> Iterator[Executor]:
    if workers <= 1:
        yield _Inline()
        return
    # spawn, not fork: a forked child would share this process's database sockets.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


def default_workers() -> int:
    """Worker processes for retagging: one per core, at most RETAG_WORKERS."""
    return max(1, min(RETAG_WORKERS, os.cpu_count() or 1))


def _in_force(write: TagWrite, verdicts: dict[str, str]) -> dict[str, tuple[float, list[str]]]:
    """The topics article_tags will hold after writing: the rules' ones, verdicts applied."""
    topics = {t["topic"]: (round(float(t["score"]), 4), sorted(t["subtopics"]))
              for t in write.tags if verdicts.get(t["topic"]) != "reject"}
    for topic, verdict in verdicts.items():
        if verdict == "confirm":
            topics.setdefault(topic, (0.0, []))
    return topics


def retag_database(
    url: str, source_id: str | None = None, *, workers: int | None = None,
    batch_size: int = RETAG_BATCH, on_batch: Callable[[int, int], None] | None = None,
) -> RetagReport:
    """Re-apply the current rules and stems to every stored article (of one source)."""
    seen = changed = written = 0
    version = rules_version()
    with connect(url) as reader, connect(url, autocommit=True) as writer, \
            _executor(workers if workers is not None else default_workers()) as pool:
        for batch in iter_stored_texts(reader, source_id, batch_size=batch_size):
            ids = [a.id for a in batch]
            before, verdicts = topics_in_force(writer, ids)
            stored_version = {a.id: a.rules_version for a in batch}
            to_write = []
            for write in pool.map(_analyse, batch, chunksize=WORKER_CHUNK):
                seen += 1
                after = _in_force(write, verdicts.get(write.article_id, {}))
                topics_changed = after != before.get(write.article_id, {})
                changed += topics_changed
                # Same rules and same topics: nothing to write (retag is run over everything).
                if topics_changed or stored_version[write.article_id] != write.rules_version:
                    to_write.append(write)
            write_tags(writer, to_write)
            written += len(to_write)
            if on_batch:
                on_batch(seen, changed)
    return RetagReport(seen, changed, version, written)


def retag_articles(conn: psycopg.Connection[Any], article_ids: list[int]) -> None:
    """Tag these stored articles again now, in this process (after an analyst's verdict)."""
    with conn.cursor(row_factory=class_row(StoredText)) as cur:
        stored = cur.execute(
            "SELECT id, title, body, body_normalized, lang, languages, rules_version"
            " FROM articles WHERE id = ANY(%s) ORDER BY id", (article_ids,)).fetchall()
    write_tags(conn, [_analyse(s) for s in stored])
