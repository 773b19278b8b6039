"""Re-tagging what is stored: each worker process reads, tags and writes its own shard.

Tagging is CPU-bound Python, so the stored articles are split by id into one shard per
worker (one per core, at most RETAG_WORKERS); each worker reads its shard in batches through
a server-side cursor, tags them, and writes a batch at a time with storage.tags.write_tags
(COPY into staging tables, four set-based statements). Nothing but a count crosses between
processes. An article is written only when what the rules say of it changed (its tags and
facts, articles.tagging_digest), whatever their version, and its search terms are rebuilt only
where other stemmers built them (articles.search_terms_version).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from crawler.tagging.rules import rules_version
from storage.db import connect
from storage.tags import (
    TagWrite,
    analyse_stored,
    iter_texts_to_retag,
    topics_in_force,
    write_tags,
)

RETAG_BATCH = 1000
RETAG_WORKERS = 2


@dataclass(frozen=True, slots=True)
class RetagReport:
    """What `retag` did: articles read, articles whose tags changed, the rules' version, and
    where the time went (seconds summed over the workers: reading, tagging, writing)."""

    articles: int
    changed: int
    rules_version: str
    written: int = 0
    read_s: float = 0.0
    tag_s: float = 0.0
    write_s: float = 0.0


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


def _retag_shard(url: str, source_id: str | None, shard: int, shards: int, batch_size: int,
                 on_batch: Callable[[int, int], None] | None = None) -> RetagReport:
    """Retag one shard of the stored articles (runs in a worker process, or inline)."""
    seen = changed = written = 0
    read_s = tag_s = write_s = 0.0
    with connect(url) as reader, connect(url, autocommit=True) as writer:
        batches = iter_texts_to_retag(reader, source_id, shard=shard, shards=shards,
                                      batch_size=batch_size)
        clock = time.perf_counter()
        for batch in batches:
            before, verdicts = topics_in_force(writer, [a.id for a in batch])
            now = time.perf_counter()
            read_s, clock = read_s + now - clock, now
            to_write = []
            for stored in batch:
                write = analyse_stored(stored)
                seen += 1
                after = _in_force(write, verdicts.get(stored.id, {}))
                topics_changed = after != before.get(stored.id, {})
                changed += topics_changed
                # The rules say what they said (whatever their version), the topics in force
                # are the same and the stored search terms are kept: nothing to write.
                if (topics_changed or write.digest != stored.tagging_digest
                        or write.search_terms is not None):
                    to_write.append(write)
            now = time.perf_counter()
            tag_s, clock = tag_s + now - clock, now
            write_tags(writer, to_write)
            written += len(to_write)
            now = time.perf_counter()
            write_s, clock = write_s + now - clock, now
            if on_batch:
                on_batch(seen, changed)
                clock = time.perf_counter()
    return RetagReport(seen, changed, rules_version(), written, read_s, tag_s, write_s)


def retag_database(
    url: str, source_id: str | None = None, *, workers: int | None = None,
    batch_size: int = RETAG_BATCH, on_batch: Callable[[int, int], None] | None = None,
) -> RetagReport:
    """Re-apply the current rules and stems to every stored article (of one source)."""
    workers = workers if workers is not None else default_workers()
    if workers <= 1:
        return _retag_shard(url, source_id, 0, 1, batch_size, on_batch)
    # spawn, not fork: a forked child would share this process's database sockets.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        parts = [pool.submit(_retag_shard, url, source_id, k, workers, batch_size)
                 for k in range(workers)]
        reports = [p.result() for p in parts]
    return RetagReport(sum(r.articles for r in reports), sum(r.changed for r in reports),
                       rules_version(), sum(r.written for r in reports),
                       sum(r.read_s for r in reports), sum(r.tag_s for r in reports),
                       sum(r.write_s for r in reports))
