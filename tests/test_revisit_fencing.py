"""A revisit's new version is written behind the run's lease, like StorePipeline's batches."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import pytest
from scrapy.utils.test import get_crawler

from crawler.errors import LeaseLostError
from crawler.items import Article, content_hash
from crawler.spiders.news import NewsSpider
from crawler.tagging.apply import analyse_article
from jobs.revisits import RevisitPipeline
from storage.leases import acquire, break_lease, source_lease

URL = "https://www.zakon.kz/proisshestviia/6500001-moshenniki-pohitili-dengi.html"


def edited_article(figure: str) -> Article:
    title = f"Мошенники похитили у пенсионерки {figure} тенге"
    body = (f"Полиция Караганды сообщает: пенсионерка перевела мошенникам {figure} тенге после"
            " звонка якобы из банка. Возбуждено уголовное дело по статье 190 УК РК.")
    return Article(source_id="zakon_kz", url=URL, title=title, body=body, lang="ru",
                   languages=("ru",), published_at=datetime(2025, 12, 26, 4, tzinfo=UTC),
                   fetched_at=datetime(2025, 12, 26, 6, tzinfo=UTC), date_source="jsonld",
                   content_hash=content_hash(title, body))


def test_a_revisit_writes_its_new_version_only_while_the_run_holds_the_lease(
    db: psycopg.Connection[tuple[object, ...]],
) -> None:
    lease = acquire(db, source_lease("zakon_kz"), "test pid 1", ttl_s=60)
    assert lease is not None
    pipeline = RevisitPipeline(get_crawler(NewsSpider, {"DOZOR_LEASE_TOKEN": lease.token}))
    pipeline.lease = lease
    first = edited_article("3 млн")
    assert pipeline._write(first, analyse_article(first), None) == "new"
    second = edited_article("3,5 млн")
    assert pipeline._write(second, analyse_article(second), None) == "updated"

    break_lease(db, source_lease("zakon_kz"))  # an operator breaks it; another run may start
    third = edited_article("4 млн")
    with pytest.raises(LeaseLostError):
        pipeline._write(third, analyse_article(third), None)
    pipeline.close_spider()
    stored = db.execute("SELECT title FROM articles WHERE url = %s", (URL,)).fetchone()
    assert stored == ("Мошенники похитили у пенсионерки 3,5 млн тенге",)
    versions = db.execute("SELECT count(*) FROM article_versions").fetchone()
    assert versions == (1,)
