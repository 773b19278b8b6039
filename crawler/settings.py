"""Scrapy settings for Dozor; each politeness or retry override says why."""

from __future__ import annotations

from crawler.config import load_config

_config = load_config()

BOT_NAME = "dozor"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# A clear name and a contact: Kazakh newsrooms and gov.kz block anonymous bots first.
USER_AGENT = _config.user_agent
ROBOTSTXT_OBEY = True

# Politeness is the limit, not CPU: one request at a time per host, at least 1 s apart,
# slowed further by AutoThrottle when a site answers slowly.
CONCURRENT_REQUESTS = 16  # across hosts; a run touches only one source's hosts anyway
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = _config.download_delay_s  # DOZOR_DOWNLOAD_DELAY; tests on 127.0.0.1 use 0
# No ±50% jitter: "at least a second apart" must hold for every pair of requests.
DOWNLOAD_DELAY_JITTER = 0.0
AUTOTHROTTLE_ENABLED = True
# Scrapy's AutoThrottle would lower a host's delay below its robots.txt Crawl-delay or a
# 429's Retry-After on the next fast answer; this one keeps the floor (crawler/politeness.py).
EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.politeness.FlooredAutoThrottle": 0,
}
AUTOTHROTTLE_START_DELAY = max(DOWNLOAD_DELAY, 0.1)
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# A hanging server must not hold a run: 30 s per request (DOZOR_DOWNLOAD_TIMEOUT), then retry
# or give up.
DOWNLOAD_TIMEOUT = _config.download_timeout_s
# News pages are < 2 MB; a 50 MB "page" or a gzip bomb is cut here (decompressed size too).
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024

# A redirect loop or an endless chain costs 10 requests, not Scrapy's 20; real chains are
# two or three hops (http -> https -> www).
REDIRECT_MAX_TIMES = 10

# robots.txt kept per host between runs for up to 24 h (RFC 9309 §2.4), and used past that
# while the host cannot serve it; DOZOR_ROBOTS_MAX_AGE=0 asks every run.
DOZOR_ROBOTS_CACHE_DIR = str(_config.data_dir / "robots")
DOZOR_ROBOTS_MAX_AGE_S = _config.robots_max_age_s
DOZOR_LISTING_RECHECK_S = _config.listing_recheck_s

RETRY_ENABLED = True
RETRY_TIMES = 3
# The first wait after a 429/5xx without Retry-After (then doubled); DOZOR_BACKOFF_BASE.
DOZOR_BACKOFF_BASE_S = _config.backoff_base_s
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]

DOWNLOADER_MIDDLEWARES = {
    # Scrapy's own versions ignore Crawl-delay, Retry-After and RFC 9309's error rules.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.politeness.PoliteRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.politeness.RetryAfterMiddleware": 550,
    # Evidence: every response into WARC files; last in order, so it sees the raw response.
    "crawler.archive.WarcArchiveMiddleware": 950,
}
# Storing is glue between crawler/ and storage/, so it lives in jobs/: named here as text, the
# crawler package never imports storage (storage builds on crawler's items, not back).
ITEM_PIPELINES = {
    # Revisits of stored articles first: it takes them, so they never count as new links.
    "jobs.revisits.RevisitPipeline": 250,
    "jobs.pipeline.StorePipeline": 300,
}

# Feeds and sitemaps are re-read daily; conditional requests (ETag / Last-Modified) are sent
# by the spider itself from what the previous run stored, not by Scrapy's disk cache.
HTTPCACHE_ENABLED = False
COOKIES_ENABLED = True  # gov.kz's API wants the cookie ticket set by its k6 POST
# No remote control of a crawl: the telnet console and Scrapy 2.19's remote-control HTTP
# endpoint both run Python sent to them (a code-execution door on loopback), and the latter
# writes a job file with its token that a killed crawl leaves behind.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

if _config.site_mirror:
    # Tests and demos: bytes come from a local mirror of the saved sites, URLs stay real.
    DOZOR_SITE_MIRROR = _config.site_mirror
    DOWNLOAD_HANDLERS = {
        "http": "crawler.mirror.MirrorDownloadHandler",
        "https": "crawler.mirror.MirrorDownloadHandler",
    }
if _config.replay_warcs:
    # `collect --replay`: every response comes from the given WARC files, never the network.
    DOWNLOAD_HANDLERS = {
        "http": "crawler.replay.WarcReplayDownloadHandler",
        "https": "crawler.replay.WarcReplayDownloadHandler",
    }
    AUTOTHROTTLE_ENABLED = False
    DOWNLOAD_DELAY = 0
