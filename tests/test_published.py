"""The publication date of a page: to the minute when anything on it gives the time, a day
(stated as such) when nothing does, and never the time search when data already gave it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.extract.body import extract_article
from crawler.extract.dates import ALMATY, FoundDate
from crawler.extract.published import choose_published, stated
from crawler.items import Article, DiscoveredLink, RawPage
from crawler.sources import Source

# Frozen clock: 2025-12-26 15:00 in Almaty.
FETCHED = datetime(2025, 12, 26, 10, 0, tzinfo=UTC)
SOURCE = Source(id="generic", name="a site without hints", home="https://news.example.kz",
                languages=("ru",), article_url_pattern=r"^https://news\.example\.kz/")
TEXT = ("<p>Полицейские задержали участников преступной группы, которые обманывали пенсионеров"
        " от имени сотрудников банка и выманивали у них сбережения.</p>" * 3)


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=ALMATY)  # type: ignore[misc]


def page(head: str = "", dateline: str = "", url: str = "https://news.example.kz/n/1/",
         link: DiscoveredLink | None = None) -> Article:
    html = (f"<html><head>{head}</head><body><nav><a href='/'>Главная</a></nav><main><article>"
            f"<h1>Задержаны мошенники</h1>{dateline}{TEXT}</article></main>"
            "<aside><div class='date'>Вчера 07:40</div><a href='/n/2/'>Другая новость</a></aside>"
            "</body></html>")
    raw = RawPage(SOURCE.id, url, url, 200, {"content-type": "text/html; charset=utf-8"},
                  html.encode(), FETCHED, link=link)
    return extract_article(raw, SOURCE, template=None)


def test_a_dateline_with_only_a_clock_and_a_relative_day_is_read_to_the_minute() -> None:
    # The real failure: a page whose only date is visible text with a time of day was stored at
    # midnight. "Сегодня, 10:38" under the headline, a sidebar's "Вчера 07:40" further on.
    article = page(dateline="<span class='article__date'>Сегодня, 10:38</span>")
    assert (article.published_at, article.date_precision) == (local(2025, 12, 26, 10, 38), "minute")
    assert article.date_source == "text"


def test_a_day_from_structured_data_takes_its_time_from_the_dateline() -> None:
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "x",'
            ' "datePublished": "2025-12-26"}</script>')
    article = page(head=head, dateline="<div class='date-time'>26 декабря 2025, 11:08</div>")
    assert (article.published_at, article.date_precision) == (local(2025, 12, 26, 11, 8), "minute")


def test_a_url_day_takes_its_time_from_the_text() -> None:
    article = page(url="https://news.example.kz/2025/12/26/zaderzhany/",
                   dateline="<p class='meta'>26.12.2025 | 09:15</p>")
    assert (article.published_at, article.date_precision) == (local(2025, 12, 26, 9, 15), "minute")


def test_a_day_only_page_is_stored_as_a_day() -> None:
    article = page(dateline="<time class='article__date'>24 декабря 2025</time>")
    assert (article.published_at, article.date_precision) == (local(2025, 12, 24), "day")


def test_midnight_from_a_feed_is_a_day_until_the_page_gives_the_time() -> None:
    link = DiscoveredLink("https://news.example.kz/n/1/", published_at=local(2025, 12, 26),
                          title="Задержаны мошенники", via="feed")
    article = page(link=link, dateline="<span class='date'>26 декабря 2025 в 13:05</span>")
    assert (article.published_at, article.date_precision) == (local(2025, 12, 26, 13, 5), "minute")
    assert article.date_source == "text"


def test_a_time_on_another_day_does_not_replace_the_stated_day() -> None:
    link = DiscoveredLink("https://news.example.kz/n/1/", published_at=local(2025, 12, 25),
                          via="feed")
    article = page(link=link, dateline="<span class='date'>26 декабря 2025 в 13:05</span>")
    assert (article.published_at, article.date_precision) == (local(2025, 12, 25), "day")
    assert article.date_source == "feed"


def test_no_date_search_once_data_gave_the_minute() -> None:
    calls: list[str] = []

    def finder(name: str, found: FoundDate | None):  # type: ignore[no-untyped-def]
        def find() -> FoundDate | None:
            calls.append(name)
            return found
        return find

    chosen = choose_published([
        ("jsonld", finder("jsonld", stated(local(2025, 12, 26, 11, 8)))),
        ("text", finder("text", FoundDate(local(2025, 12, 26, 9, 0), "minute"))),
    ])
    assert chosen == (FoundDate(local(2025, 12, 26, 11, 8), "minute"), "jsonld")
    assert calls == ["jsonld"]


@pytest.mark.parametrize(
    ("value", "precision"),
    [(local(2025, 12, 26), "day"), (local(2025, 12, 26, 0, 1), "minute"),
     (datetime(2025, 12, 25, 19, 0, tzinfo=UTC), "day"),  # midnight in Almaty
     (datetime(2025, 12, 26, 0, 0, tzinfo=UTC), "minute")],  # 05:00 in Almaty
)
def test_stated_midnight_in_almaty_is_a_day(value: datetime, precision: str) -> None:
    found = stated(value)
    assert found is not None and found.precision == precision
