"""Dozor's settings, read once from the environment into a frozen dataclass."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from crawler.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Who we are, and how a site owner reaches us: sites block anonymous bots first.
DEFAULT_USER_AGENT = (
    "DozorBot/0.1 (+https://github.com/dozor-kz/dozor; news monitor for public-interest research;"
    " contact: dozor-crawler@proton.me)"
)


@dataclass(frozen=True, slots=True)
class Config:
    """Everything Dozor reads from the environment, validated once."""

    # None: start the embedded PostgreSQL under data_dir. Kept out of repr: it may hold a password.
    database_url: str | None = field(repr=False)
    data_dir: Path
    site_mirror: str | None  # tests and demos: fetch https://host/path from <mirror>/host/path
    replay_warcs: tuple[Path, ...]  # fetch from these WARC files instead of the network
    user_agent: str
    crawl_timeout_s: int
    download_timeout_s: float  # seconds one request may take before it is retried or dropped
    download_delay_s: float  # least seconds between two requests to one host
    wayback_delay_s: float  # least seconds between two requests to web.archive.org
    log_format: str  # "text" | "json"
    extra_source_modules: tuple[str, ...]  # more modules declaring SOURCE (test sites)
    # A run holds its source's lease (storage/leases.py) for this long past its last heartbeat,
    # and heartbeats this often; a crawl that lost its lease stops within one heartbeat.
    lease_ttl_s: float = 90.0
    heartbeat_s: float = 10.0
    backoff_base_s: float = 2.0  # 429/5xx without Retry-After: base, 2x base, 4x base … seconds
    store_batch: int = 50  # articles written per transaction
    public_url: str | None = None  # the API's public address, for absolute links in feeds
    # A streaming replica for the analysts' side (API, web page, search, BI): None = the primary.
    read_database_url: str | None = field(default=None, repr=False)
    # robots.txt kept per host under data_dir/robots for this long (0: asked every run).
    robots_max_age_s: float = 24 * 3600.0
    # A listing (or a gov.kz API's other languages) skipped while the feeds show nothing new
    # is still read when its last reading is older than this (DOZOR_LISTING_RECHECK).
    listing_recheck_s: float = 6 * 3600.0

    @property
    def archive_dir(self) -> Path:
        """Where WARC evidence files are written, one set per run."""
        return self.data_dir / "warc"


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


def _float_env(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, got {raw!r}") from None


def load_config() -> Config:
    """Read DATABASE_URL and the DOZOR_* variables."""
    data_dir = Path(os.environ.get("DOZOR_DATA_DIR") or PROJECT_ROOT / ".dozor")
    log_format = os.environ.get("DOZOR_LOG_FORMAT", "text")
    if log_format not in ("text", "json"):
        raise ConfigError(f"DOZOR_LOG_FORMAT must be 'text' or 'json', got {log_format!r}")
    mirror = os.environ.get("DOZOR_SITE_MIRROR") or None
    if mirror is not None and not mirror.startswith(("http://", "https://")):
        raise ConfigError(f"DOZOR_SITE_MIRROR must be an http(s) URL, got {mirror!r}")
    replay = tuple(
        Path(p) for p in os.environ.get("DOZOR_REPLAY_WARCS", "").split(os.pathsep) if p
    )
    modules = tuple(m for m in os.environ.get("DOZOR_SOURCE_MODULES", "").split(",") if m)
    ttl_s, heartbeat_s = _float_env("DOZOR_LEASE_TTL", 90.0), _float_env("DOZOR_HEARTBEAT", 10.0)
    if heartbeat_s <= 0 or ttl_s < 2 * heartbeat_s:
        raise ConfigError(f"DOZOR_LEASE_TTL ({ttl_s} s) must be at least twice DOZOR_HEARTBEAT"
                          f" ({heartbeat_s} s), and the heartbeat positive")
    return Config(
        database_url=os.environ.get("DATABASE_URL") or None,
        data_dir=data_dir,
        site_mirror=mirror.rstrip("/") if mirror else None,
        replay_warcs=replay,
        user_agent=os.environ.get("DOZOR_USER_AGENT") or DEFAULT_USER_AGENT,
        crawl_timeout_s=_int_env("DOZOR_CRAWL_TIMEOUT", 3600),
        download_timeout_s=_float_env("DOZOR_DOWNLOAD_TIMEOUT", 30.0),
        download_delay_s=_float_env("DOZOR_DOWNLOAD_DELAY", 1.0),
        # The Internet Archive allows its CDX server 60 requests a minute per address and
        # blocks for an hour those who go on past its 429s; 1.5 s keeps well under that.
        wayback_delay_s=_float_env("DOZOR_WAYBACK_DELAY", 1.5),
        log_format=log_format,
        extra_source_modules=modules,
        lease_ttl_s=ttl_s,
        heartbeat_s=heartbeat_s,
        backoff_base_s=_float_env("DOZOR_BACKOFF_BASE", 2.0),
        store_batch=max(1, _int_env("DOZOR_STORE_BATCH", 50)),
        public_url=_public_url(),
        read_database_url=os.environ.get("DOZOR_READ_DATABASE_URL") or None,
        robots_max_age_s=min(_float_env("DOZOR_ROBOTS_MAX_AGE", 24 * 3600.0), 24 * 3600.0),
        listing_recheck_s=_float_env("DOZOR_LISTING_RECHECK", 6 * 3600.0),
    )


def _public_url() -> str | None:
    raw = os.environ.get("DOZOR_PUBLIC_URL") or None
    if raw is not None and not raw.startswith(("http://", "https://")):
        raise ConfigError(f"DOZOR_PUBLIC_URL must be an http(s) URL, got {raw!r}")
    return raw
