"""Listing pages: article links by pattern, de-duplicated, with the date printed beside them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.discovery.limits import MAX_DOCUMENT_BYTES
from crawler.discovery.listings import discover_listing_links, listing_page_url, next_page_url
from crawler.errors import RejectedInputError
from crawler.extract.dates import ALMATY
from crawler.sources import Listing

FIXTURES = Path(__file__).parent / "fixtures" / "discovery"
# The clock is frozen at the fixtures' capture: "сегодня" and "Вчера" resolve against it.
NOW = datetime(2025, 8, 16, 12, 0, tzinfo=ALMATY)
ZAKON = r"^https://(www|kaz)\.zakon\.kz/[a-z_-]+/\d{7}-[^/]+\.html$"
TENGRI = r"^https://(kaz\.|en\.)?tengrinews\.kz/[a-z_]+/[^/]+-\d{4,6}/$"
INFORMBURO = r"^https://informburo\.kz/novosti/[^/]+$"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_zakon_listing_links_titles_and_dates() -> None:
    links = discover_listing_links(
        fixture("zakon_news.html"), "https://www.zakon.kz/news/", ZAKON, lang="ru", now=NOW
    )

    assert [(link.url, link.title, link.published_at) for link in links] == [
        (
            "https://www.zakon.kz/proisshestviya/7012345-v-almaty-zaderzhali-dropperov.html",
            "В Алматы задержали дропперов",
            datetime(2025, 8, 16, 13, 51, tzinfo=ALMATY),  # "сегодня, 13:51"
        ),
        (
            "https://www.zakon.kz/obshestvo/7012300-prokuratura-predupredila-o-piramidakh.html",
            "Прокуратура предупредила о финансовых пирамидах",
            datetime(2025, 8, 15, 13, 51, tzinfo=ALMATY),
        ),
        (
            "https://www.zakon.kz/pravo/7012299-sud-vynes-prigovor-opg.html",
            "Суд вынес приговор членам ОПГ",
            datetime(2025, 8, 14, 10, 5, tzinfo=ALMATY),  # a bare <span>, no date class
        ),
        ("https://www.zakon.kz/pravo/7012298-bez-daty.html", "Новость без даты", None),
    ]
    assert {(link.lang, link.via) for link in links} == {("ru", "listing")}


def test_zakon_load_more_fragment() -> None:
    url = listing_page_url(
        Listing("https://www.zakon.kz/news/?handler=LoadMoreNews&p={page}&type=list"), 2
    )
    assert url == "https://www.zakon.kz/news/?handler=LoadMoreNews&p=2&type=list"

    links = discover_listing_links(fixture("zakon_load_more.html"), url, ZAKON, now=NOW)

    assert [(link.url, link.published_at) for link in links] == [
        (
            "https://www.zakon.kz/proisshestviya/7012200-vymogatelstvo-v-shymkente.html",
            datetime(2025, 8, 13, 18, 40, tzinfo=ALMATY),
        ),
        (
            "https://www.zakon.kz/proisshestviya/7012199-opg-v-taraze.html",
            datetime(2025, 8, 13, 9, 15, tzinfo=ALMATY),
        ),
    ]
    assert links[0].title == "Вымогательство в Шымкенте"


def test_tengrinews_listing_folds_amp_and_reads_relative_dates() -> None:
    links = discover_listing_links(
        fixture("tengrinews_news_page.html"), "https://tengrinews.kz/news/page/2/", TENGRI, now=NOW
    )

    assert [(link.url, link.published_at) for link in links] == [
        (
            "https://tengrinews.kz/crime/moshenniki-v-astane-534100/",
            datetime(2025, 8, 15, 10, 38, tzinfo=ALMATY),  # "Вчера 10:38"
        ),
        (
            "https://tengrinews.kz/kazakhstan_news/afm-raskryla-piramidu-534099/",
            datetime(2024, 4, 15, 23, 51, tzinfo=ALMATY),
        ),
        (
            "https://tengrinews.kz/article/kak-ne-stat-dropperom-3101/",
            datetime(2025, 8, 14, 9, 0, tzinfo=timezone(timedelta(hours=5))),  # time[datetime]
        ),
    ]
    assert links[0].title == "Мошенники в Астане"  # not "AMP", the folded duplicate's text
    assert links[2].title == "Как не стать дроппером"


def test_informburo_day_headings_give_the_day() -> None:
    links = discover_listing_links(
        fixture("informburo_novosti.html"), "https://informburo.kz/novosti", INFORMBURO, now=NOW
    )

    assert [(link.url, link.published_at) for link in links] == [
        (
            "https://informburo.kz/novosti/v-karagande-zaderzhali-moshennikov",
            datetime(2025, 8, 16, 13, 51, tzinfo=ALMATY),  # "Сегодня" + "13:51"
        ),
        (
            "https://informburo.kz/novosti/opg-v-aktobe.html",
            datetime(2025, 8, 15, 18, 40, tzinfo=ALMATY),  # "15 августа" + "18:40"
        ),
        (
            "https://informburo.kz/novosti/dropper-v-uralske",
            datetime(2025, 8, 15, 9, 15, tzinfo=ALMATY),
        ),
    ]


def test_link_selector_limits_the_links() -> None:
    links = discover_listing_links(
        fixture("zakon_news.html"),
        "https://www.zakon.kz/news/",
        ZAKON,
        link_selector="a.newsline__link",
        now=NOW,
    )

    assert [link.url for link in links] == [
        "https://www.zakon.kz/proisshestviya/7012345-v-almaty-zaderzhali-dropperov.html"
    ]


def test_link_selector_may_pick_containers() -> None:
    links = discover_listing_links(
        fixture("informburo_novosti.html"),
        "https://informburo.kz/novosti",
        INFORMBURO,
        link_selector="div.article-item",
        now=NOW,
    )

    assert len(links) == 3


def test_pattern_sees_the_canonical_url() -> None:
    # An http:// link on a mobile host still matches a pattern written for the https site.
    body = '<a href="http://m.tengrinews.kz/crime/ugon-534120/?utm_source=tg">Угон</a>'

    links = discover_listing_links(body, "https://tengrinews.kz/news/", TENGRI, now=NOW)

    assert [link.url for link in links] == ["https://tengrinews.kz/crime/ugon-534120/"]


@pytest.mark.parametrize(
    "html",
    [
        "<meta charset='windows-1251'><a href='/novosti/x'>Мошенники</a>",
        "<a href='/novosti/x'>Мошенники задержаны в Алматы</a>",
    ],
    ids=["declared", "undeclared"],
)
def test_windows_1251_listing(html: str) -> None:
    links = discover_listing_links(
        html.encode("cp1251"), "https://informburo.kz/novosti", INFORMBURO, now=NOW
    )

    assert links[0].title is not None and links[0].title.startswith("Мошенники")


def test_base_href_and_empty_page() -> None:
    body = '<base href="https://informburo.kz/novosti/"><a href="slug-one">Один</a>'

    links = discover_listing_links(body, "https://informburo.kz/", INFORMBURO, now=NOW)

    assert [link.url for link in links] == ["https://informburo.kz/novosti/slug-one"]
    assert discover_listing_links(b"  ", "https://informburo.kz/", INFORMBURO) == []


def test_date_of_one_item_does_not_leak_into_its_neighbour() -> None:
    body = """<ul>
      <li><a href="/novosti/first">Первая</a> <span class="date">сегодня, 10:00</span></li>
      <li><a href="/novosti/second">Вторая</a></li>
    </ul>"""

    links = discover_listing_links(body, "https://informburo.kz/", INFORMBURO, now=NOW)

    assert [link.published_at for link in links] == [
        datetime(2025, 8, 16, 10, 0, tzinfo=ALMATY),
        None,
    ]


@pytest.mark.parametrize(
    ("listing", "page", "expected"),
    [
        (
            Listing("https://tengrinews.kz/news/page/{page}/"),
            3,
            "https://tengrinews.kz/news/page/3/",
        ),
        (Listing("https://informburo.kz/novosti"), 1, "https://informburo.kz/novosti"),
        (Listing("https://informburo.kz/novosti"), 2, None),
        (
            Listing("https://khabar.kz/ru/news?start={page}", first_page=0),
            40,
            "https://khabar.kz/ru/news?start=40",
        ),
    ],
)
def test_listing_page_url(listing: Listing, page: int, expected: str | None) -> None:
    assert listing_page_url(listing, page) == expected


def test_next_page_url() -> None:
    listing = Listing("https://www.zakon.kz/news/?handler=LoadMoreNews&p={page}&type=list")

    assert next_page_url(listing, 1) == (
        "https://www.zakon.kz/news/?handler=LoadMoreNews&p=2&type=list"
    )
    assert next_page_url(Listing("https://informburo.kz/novosti"), 1) is None


XHTML = '<?xml version="1.0" encoding="utf-8"?><html><body><a href="/novosti/x">X</a></body></html>'


@pytest.mark.parametrize(
    "body",
    [XHTML, XHTML.encode()],
    ids=["str", "bytes"],
)
def test_xhtml_prolog_is_accepted(body: str | bytes) -> None:
    links = discover_listing_links(body, "https://informburo.kz/", INFORMBURO, now=NOW)

    assert [link.url for link in links] == ["https://informburo.kz/novosti/x"]


@pytest.mark.parametrize("body", ["<!-- nothing new -->", b"\n"], ids=["comment", "blank"])
def test_load_more_past_the_end_gives_no_links(body: str | bytes) -> None:
    assert discover_listing_links(body, "https://www.zakon.kz/news/", ZAKON, now=NOW) == []


def test_oversized_listing_is_refused() -> None:
    body = b"<p>" + b" " * MAX_DOCUMENT_BYTES

    with pytest.raises(RejectedInputError, match="past the cap"):
        discover_listing_links(body, "https://www.zakon.kz/news/", ZAKON, now=NOW)
