"""The source registry: one small declaration per source, read by the one generic spider."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from crawler.config import load_config
from crawler.errors import UnknownSourceError


@dataclass(frozen=True, slots=True)
class Feed:
    """An RSS or Atom feed; `lang` is the language of its items."""

    url: str
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Sitemap:
    """An XML sitemap or sitemap index (plain or gzipped), news sitemaps included."""

    url: str
    lang: str | None = None
    # Only child sitemaps whose URL matches this regex are followed (e.g. skip tag sitemaps).
    follow: str | None = None


@dataclass(frozen=True, slots=True)
class Listing:
    """A listing page; `{page}` in the URL is the page number, from `first_page` on."""

    url: str
    lang: str | None = None
    first_page: int = 1
    pages: int = 1  # pages read on a daily pass; backfill reads on until `since`
    # CSS selector of article links; None means every link matching the source's article pattern.
    link_selector: str | None = None


@dataclass(frozen=True, slots=True)
class DayArchive:
    """A per-day archive page; the URL is a strftime pattern, e.g. `/news/%Y/%m/%d/`."""

    url: str
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class GovKzApi:
    """The gov.kz portal's news API for one agency project (e.g. `qriim`, `prokuror`)."""

    project: str
    lang: str = "ru"
    page_size: int = 20
    pages: int = 2


@dataclass(frozen=True, slots=True)
class TelegramChannel:
    """A public Telegram channel read through its web preview `t.me/s/<channel>`."""

    channel: str
    lang: str | None = None
    pages: int = 1


@dataclass(frozen=True, slots=True)
class Hints:
    """Per-site extraction hints for pages fetched from `valid_from` on (None: always)."""

    body_selector: str | None = None
    title_selector: str | None = None
    date_selector: str | None = None
    drop_selectors: tuple[str, ...] = ()
    valid_from: datetime | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """One publisher: where to discover its articles and how to read them."""

    id: str
    name: str
    home: str
    languages: tuple[str, ...]
    article_url_pattern: str  # regex over the full URL: what counts as an article
    feeds: tuple[Feed, ...] = ()
    sitemaps: tuple[Sitemap, ...] = ()
    listings: tuple[Listing, ...] = ()
    day_archives: tuple[DayArchive, ...] = ()
    govkz_apis: tuple[GovKzApi, ...] = ()
    telegram: tuple[TelegramChannel, ...] = ()
    hints: tuple[Hints, ...] = ()  # newest last; chosen by the page's fetch time
    kind: str = "newsroom"  # "newsroom" | "official" | "telegram"
    schedule: str = "0 6 * * *"  # cron, Asia/Almaty: the ceiling of adaptive polling
    # Adaptive polling (jobs/polling.py) looks at the source as often as its publishing hours
    # deserve, between these bounds: never sooner than poll_min_interval after the last poll
    # (politeness), never later than poll_max_interval or the cron's next slot, whichever
    # comes first. polls_per_day None: about one poll per two items it publishes a day.
    poll_min_interval: timedelta = timedelta(minutes=15)
    poll_max_interval: timedelta | None = None
    polls_per_day: float | None = None
    allowed_hosts: tuple[str, ...] = field(default=())  # hosts beyond `home`'s
    # Links that look like articles but are left out on purpose (another edition, photo
    # galleries): not counted as URL-shape drift (crawler/discovery/drift.py).
    ignored_url_pattern: str | None = None

    @property
    def discovery_methods(self) -> tuple[str, ...]:
        """Names of the discovery methods this source declares, best first."""
        named = (
            ("feed", self.feeds),
            ("sitemap", self.sitemaps),
            ("api", self.govkz_apis),
            ("telegram", self.telegram),
            ("listing", self.listings),
            ("archive", self.day_archives),
        )
        return tuple(name for name, entries in named if entries)

    @property
    def reads_pages(self) -> bool:
        """Whether its articles are read from their pages (not gov.kz's app, not a channel)."""
        return not (self.govkz_apis or self.telegram)

    def hints_for(self, fetched_at: datetime) -> Hints | None:
        """The newest hints valid for a page fetched at `fetched_at`."""
        valid = [h for h in self.hints if h.valid_from is None or h.valid_from <= fetched_at]
        return valid[-1] if valid else None


@cache
def all_sources() -> dict[str, Source]:
    """Every declared source by id, from the modules in this package."""
    names = [f"{__name__}.{m.name}" for m in sorted(pkgutil.iter_modules(__path__))]
    # Test and demo sites are declared the same way, in modules named by DOZOR_SOURCE_MODULES.
    names += list(load_config().extra_source_modules)
    sources: dict[str, Source] = {}
    for name in names:
        module = importlib.import_module(name)
        # One SOURCE per module; a test module may declare several as SOURCES.
        for source in (getattr(module, "SOURCE", None), *getattr(module, "SOURCES", ())):
            if isinstance(source, Source):
                sources[source.id] = source
    return sources


def get_source(source_id: str) -> Source:
    """The source with this id; a clear error lists the known ids."""
    try:
        return all_sources()[source_id]
    except KeyError:
        known = ", ".join(sorted(all_sources()))
        raise UnknownSourceError(f"unknown source {source_id!r}; known sources: {known}") from None
