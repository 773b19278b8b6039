"""Bounded per-distinct-word caches: tagging a text computes each new word once per process."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class WordCache(Generic[K, V]):
    """Values of the distinct words met lately, at most `limit` of them, in two generations.

    When the young generation is full it becomes the old one and the previous old one is
    dropped; a word of the old generation met again moves back to the young one without
    being computed. So the words that keep coming back (most of a text's words) survive, and
    only words not met for a generation are computed again: a retag of a million articles
    meets millions of distinct words, and emptying the whole cache when full recomputed the
    common ones every few thousand articles.
    """

    __slots__ = ("generation", "old", "young")

    def __init__(self, limit: int) -> None:
        self.generation = max(1, limit // 2)
        self.young: dict[K, V] = {}
        self.old: dict[K, V] = {}


def cached_map(cache: WordCache[K, V], keys: list[K], compute: Callable[[K], V]) -> list[V]:
    """The value of each key, through `cache`: keys not yet young found by one set difference,
    taken from the old generation or computed, then every key looked up by one C-level map."""
    young = cache.young
    missing = set(keys).difference(young)
    if missing:
        if len(young) + len(missing) > cache.generation:
            cache.old, cache.young = young, {}
            young = cache.young
            missing = set(keys)
        old = cache.old
        for key in missing:
            value = old.get(key)  # values are never None
            young[key] = compute(key) if value is None else value
    return list(map(young.__getitem__, keys))
