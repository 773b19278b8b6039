"""Bounded per-distinct-word caches: tagging a text computes each new word once per process."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def cached_map(cache: dict[K, V], keys: list[K], compute: Callable[[K], V],
               limit: int) -> list[V]:
    """The value of each key, through `cache`: keys not yet in it found by one set difference
    and computed once each, then every key looked up by one C-level map. A cache that would
    pass `limit` entries is emptied first (a retag of a million texts meets millions of
    distinct words)."""
    missing = set(keys).difference(cache)
    if missing:
        if len(cache) + len(missing) > limit:
            cache.clear()
            missing = set(keys)
        for key in missing:
            cache[key] = compute(key)
    return list(map(cache.__getitem__, keys))
