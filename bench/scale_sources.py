"""Synthetic sources for bench/bench_scale.py only: DOZOR_BENCH_SOURCES=N declares N of them.

Loaded through DOZOR_SOURCE_MODULES=bench.scale_sources by the bench's processes (never by
the product's registry): each is a small newsroom with one feed on its own host
s<i>.bench.test, served by the bench's local server through DOZOR_SITE_MIRROR.
"""

import os

from crawler.sources import Feed, Source

SOURCES = tuple(
    Source(
        id=f"bench_{i:04d}",
        name=f"Synthetic newsroom {i}",
        home=f"https://s{i}.bench.test",
        languages=("ru",),
        article_url_pattern=rf"^https://s{i}\.bench\.test/news/\d+\.html$",
        feeds=(Feed(f"https://s{i}.bench.test/rss.xml", lang="ru"),),
        schedule="0 * * * *",
    )
    for i in range(int(os.environ.get("DOZOR_BENCH_SOURCES") or 0))
)
