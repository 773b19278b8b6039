"""Canonical article URLs and the same-site check."""

from __future__ import annotations

import pytest

from crawler.discovery.urls import canonicalize_url, is_same_site

CASES = [
    # (raw, canonical)
    pytest.param(
        "http://tengrinews.kz/crime/ugon-534120/",
        "https://tengrinews.kz/crime/ugon-534120/",
        id="http-to-https",
    ),
    pytest.param(
        "https://WWW.Zakon.KZ:443/pravo/7012299-sud.html",
        "https://www.zakon.kz/pravo/7012299-sud.html",
        id="host-lowercased-default-port-dropped-www-kept",
    ),
    pytest.param(
        "https://www.zakon.kz:8443/pravo/7012299-sud.html",
        "https://www.zakon.kz:8443/pravo/7012299-sud.html",
        id="other-port-kept",
    ),
    pytest.param(
        "https://www.zakon.kz/pravo/7012299-sud.html#comments",
        "https://www.zakon.kz/pravo/7012299-sud.html",
        id="fragment-dropped",
    ),
    pytest.param(
        "https://orda.kz/a-123456/?utm_source=tg&utm_campaign=x&fbclid=AbC&gclid=1&yclid=2"
        "&_openstat=dGVzdA&from=main&ref=home",
        "https://orda.kz/a-123456/",
        id="trackers-dropped",
    ),
    pytest.param(
        "https://www.gov.kz/memleket/entities/qriim/press/news/details/1159012?utm_medium=x&lang=ru",
        "https://www.gov.kz/memleket/entities/qriim/press/news/details/1159012?lang=ru",
        id="govkz-lang-kept",
    ),
    pytest.param(
        "https://khabar.kz/ru/news?start=20&category=7",
        "https://khabar.kz/ru/news?category=7&start=20",
        id="query-sorted",
    ),
    pytest.param(
        "https://tengrinews.kz/crime/ugon-534120/amp/",
        "https://tengrinews.kz/crime/ugon-534120/",
        id="amp-suffix",
    ),
    pytest.param(
        "https://www.nur.kz/amp/incident/1234567-moshennik/",
        "https://www.nur.kz/incident/1234567-moshennik/",
        id="amp-prefix",
    ),
    pytest.param(
        "https://orda.kz/a-123456/?amp", "https://orda.kz/a-123456/", id="amp-query-blank"
    ),
    pytest.param(
        "https://orda.kz/a-123456/?amp=1", "https://orda.kz/a-123456/", id="amp-query-value"
    ),
    pytest.param("https://amp.orda.kz/a-123456/", "https://orda.kz/a-123456/", id="amp-host"),
    pytest.param(
        "https://m.tengrinews.kz/crime/ugon-534120/",
        "https://tengrinews.kz/crime/ugon-534120/",
        id="mobile-host",
    ),
    pytest.param(
        "https://kaz.zakon.kz/qogam/7012345-alayaqtar.html",
        "https://kaz.zakon.kz/qogam/7012345-alayaqtar.html",
        id="language-host-kept",
    ),
    pytest.param(
        "https://informburo.kz//novosti//slug",
        "https://informburo.kz/novosti/slug",
        id="double-slash-folded",
    ),
    pytest.param(
        "https://informburo.kz/novosti/slug",
        "https://informburo.kz/novosti/slug",
        id="no-trailing-slash-kept",
    ),
    pytest.param("https://informburo.kz", "https://informburo.kz/", id="empty-path"),
    pytest.param(
        "https://tengrinews.kz/news/мошенники-534120/?q=дроппер",
        "https://tengrinews.kz/news/%D0%BC%D0%BE%D1%88%D0%B5%D0%BD%D0%BD%D0%B8%D0%BA%D0%B8-534120/"
        "?q=%D0%B4%D1%80%D0%BE%D0%BF%D0%BF%D0%B5%D1%80",
        id="cyrillic-percent-encoded",
    ),
    pytest.param(
        "https://tengrinews.kz/news/%d0%bc-1/?a=%7e",
        "https://tengrinews.kz/news/%D0%BC-1/?a=~",
        id="escapes-normalised",
    ),
    pytest.param(
        "https://www.lada.kz/search?q=%CF%F0%EE%EA",
        "https://www.lada.kz/search?q=%CF%F0%EE%EA",
        id="cp1251-query-escapes-kept",
    ),
    pytest.param(
        "https://t.me/s/POLICE_of_KZ?before=1232",
        "https://t.me/s/POLICE_of_KZ?before=1232",
        id="telegram-before-kept",
    ),
    pytest.param("mailto:press@qriim.kz", "mailto:press@qriim.kz", id="not-http-unchanged"),
]


@pytest.mark.parametrize(("raw", "canonical"), CASES)
def test_canonicalize_url(raw: str, canonical: str) -> None:
    assert canonicalize_url(raw) == canonical


@pytest.mark.parametrize(("raw", "canonical"), CASES)
def test_canonicalize_url_is_idempotent(raw: str, canonical: str) -> None:
    assert canonicalize_url(canonicalize_url(raw)) == canonicalize_url(raw)


@pytest.mark.parametrize(
    ("raw", "main_host", "canonical"),
    [
        ("https://m.zakon.kz/pravo/7012299-sud.html", "www.zakon.kz",
         "https://www.zakon.kz/pravo/7012299-sud.html"),
        ("https://zakon.kz/pravo/7012299-sud.html", "www.zakon.kz",
         "https://www.zakon.kz/pravo/7012299-sud.html"),
        ("https://m.tengrinews.kz/crime/ugon-534120/", "tengrinews.kz",
         "https://tengrinews.kz/crime/ugon-534120/"),
        ("https://kaz.zakon.kz/qogam/7012345-a.html", "www.zakon.kz",
         "https://kaz.zakon.kz/qogam/7012345-a.html"),
    ],
)  # fmt: skip
def test_canonicalize_url_with_main_host(raw: str, main_host: str, canonical: str) -> None:
    assert canonicalize_url(raw, main_host=main_host) == canonical


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.zakon.kz/pravo/7012299-sud.html", True),
        ("https://zakon.kz/pravo/7012299-sud.html", True),
        ("http://m.zakon.kz/pravo/7012299-sud.html", True),
        ("https://kaz.zakon.kz/qogam/7012345-a.html", True),  # in allowed_hosts
        ("https://en.zakon.kz/x.html", False),
        ("https://zakon.kz.evil.example/x.html", False),
        ("https://tengrinews.kz/crime/ugon-534120/", False),
        ("/relative/path", False),
    ],
)
def test_is_same_site(url: str, expected: bool) -> None:
    assert is_same_site(url, "https://www.zakon.kz/", ("kaz.zakon.kz",)) is expected
