"""Canonical article URLs: one spelling per page, whatever link, feed or share button gave it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from w3lib.url import canonicalize_url as w3lib_canonicalize_url

from crawler.sources import Source

# Parameters that only say who sent the reader; dropped. Meaningful ones stay: gov.kz's
# "?lang=ru" picks the language of ".../news/details/1159000?lang=ru".
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "yclid", "ysclid", "dclid", "msclkid", "igshid", "mc_cid", "mc_eid",
        "_openstat", "_ga", "from", "ref", "ref_src", "utm", "amp",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_",)
# Mobile and AMP hosts serve the same article as the main host ("m.tengrinews.kz").
MOBILE_HOST_PREFIXES = ("m.", "amp.")
_DOUBLE_SLASH = re.compile(r"/{2,}")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(pair: str) -> bool:
    lowered = unquote_plus(pair.partition("=")[0]).lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def fold_host(host: str, main_host: str | None = None) -> str:
    """The main host for a mobile or AMP host; `main_host` settles "www." or not."""
    host = host.lower().rstrip(".")
    for prefix in MOBILE_HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host.removeprefix(prefix)
            break
    if main_host and host.removeprefix("www.") == main_host.lower().removeprefix("www."):
        return main_host.lower()
    return host


def _strip_amp_path(path: str) -> str:
    # Tengrinews' AMP page is the article URL plus "amp/": ".../ugon-avto-534120/amp/";
    # other sites prefix it: "/amp/news/...".
    segments = path.split("/")
    named = [i for i, s in enumerate(segments) if s]
    if named and segments[named[-1]].lower() == "amp":
        del segments[named[-1]]
    elif named and len(named) > 1 and segments[named[0]].lower() == "amp":
        del segments[named[0]]
    return "/".join(segments) or "/"


def canonicalize_url(url: str, main_host: str | None = None) -> str:
    """One spelling of `url`: https, main host, no AMP, no trackers, sorted query, no fragment."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return url.strip()
    host = fold_host(parts.hostname or "", main_host)
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _strip_amp_path(_DOUBLE_SLASH.sub("/", parts.path or "/"))
    # Split by hand, not parse_qsl: decoding would garble cp1251 escapes like "q=%CF%F0".
    query = "&".join(
        pair for pair in re.split(r"[&;]", parts.query) if pair and not _is_tracking(pair)
    )
    # w3lib sorts the query, normalises percent-escapes, encodes IDN hosts, drops the fragment.
    return w3lib_canonicalize_url(urlunsplit(("https", netloc, path, query, "")))


def url_host(url: str) -> str:
    """The lowercased host of `url`, mobile and AMP prefixes folded."""
    return fold_host(urlsplit(url).hostname or "")


def is_same_site(url: str, source_home: str, allowed_hosts: Iterable[str] = ()) -> bool:
    """Whether `url` is on the source's home host or one of its allowed hosts ("www." aside)."""
    host = url_host(url).removeprefix("www.")
    if not host:
        return False
    hosts = {url_host(source_home), *(h.lower() for h in allowed_hosts)}
    return host in {h.removeprefix("www.") for h in hosts if h}


def article_spelling(url: str, pattern: re.Pattern[str]) -> str | None:
    """`url` if it is an article URL; else its spelling with the trailing slash toggled, if that
    one is ("/news/a-1" on a site whose articles are "/news/a-1/"); else None."""
    if pattern.search(url):
        return url
    parts = urlsplit(url)
    if parts.path in ("", "/"):
        return None
    path = parts.path[:-1] if parts.path.endswith("/") else parts.path + "/"
    toggled = urlunsplit(parts._replace(path=path))
    return toggled if pattern.search(toggled) else None


def source_hosts(source: Source) -> tuple[str, ...]:
    """The hosts a source's pages live on: home, allowed hosts, feeds' and sitemaps' hosts."""
    urls = [source.home, *(f.url for f in source.feeds), *(m.url for m in source.sitemaps)]
    hosts = {urlsplit(u).hostname or "" for u in urls} | set(source.allowed_hosts)
    return tuple(sorted(h for h in hosts if h))
