"""robots.txt copies kept between runs (crawler/robots_cache.py): 24 h, 2xx/4xx only."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from crawler.robots_cache import MAX_AGE_S, RobotsCache


def test_a_kept_copy_comes_back_byte_for_byte_while_fresh(tmp_path: Path) -> None:
    cache = RobotsCache(tmp_path)
    body = "User-agent: *\nDisallow: /private/\n# Сайт\n".encode()
    cache.save("https", "www.zakon.kz", 200, body)
    copy = cache.fresh("https", "www.zakon.kz")
    assert copy is not None and (copy.status, copy.body) == (200, body)
    assert cache.fresh("https", "zakon.kz") is None  # per host
    assert cache.fresh("http", "www.zakon.kz") is None  # and scheme


def test_a_copy_older_than_24_hours_is_not_fresh_but_still_loads(tmp_path: Path) -> None:
    cache = RobotsCache(tmp_path)
    cache.save("https", "orda.kz", 404, b"")
    later = time.time() + MAX_AGE_S + 1
    assert cache.fresh("https", "orda.kz", now=later) is None
    kept = cache.load("https", "orda.kz")  # for a robots.txt that answers 5xx meanwhile
    assert kept is not None and kept.status == 404


@pytest.mark.parametrize("status", [500, 503, 429])
def test_an_answer_without_rules_is_never_kept(tmp_path: Path, status: int) -> None:
    with pytest.raises(ValueError, match="only 2xx and 4xx"):
        RobotsCache(tmp_path).save("https", "orda.kz", status, b"")
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_copy_is_asked_for_again(tmp_path: Path) -> None:
    cache = RobotsCache(tmp_path)
    cache.save("https", "lada.kz", 200, b"User-agent: *\n")
    [path] = tmp_path.glob("*.json")
    path.write_text("{not json", encoding="utf-8")
    assert cache.load("https", "lada.kz") is None
    path.write_text(json.dumps({"status": 200}), encoding="utf-8")
    assert cache.load("https", "lada.kz") is None


def test_a_host_name_cannot_write_outside_the_folder(tmp_path: Path) -> None:
    cache = RobotsCache(tmp_path / "robots")
    cache.save("https", "../../etc:80", 200, b"")
    assert [p.parent for p in (tmp_path / "robots").glob("*.json")] == [tmp_path / "robots"]
    assert cache.fresh("https", "../../etc:80") is not None
