"""Soft-404 detection (crawler/extract/soft_404.py): golden pages in Kazakh and Russian, each
extracted as the pipeline extracts it, then judged; and every golden article of the registry
must stay an article."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawler.extract.body import extract_article
from crawler.extract.soft_404 import not_found_title, redirect_soft_404, soft_404_reason
from crawler.items import RawPage
from crawler.sources import get_source
from tests.golden import GoldenCase, load_cases, raw_page

CASES_DIR = Path(__file__).resolve().parent / "fixtures" / "soft_404"
CASES = sorted(CASES_DIR.glob("*.json"))
FETCHED_AT = datetime(2025, 12, 26, 7, 0, tzinfo=UTC)


def judge(case: dict[str, Any], page: Path) -> str | None:
    """The detector's reason for a case, on what extraction gives for its page."""
    source = get_source(case["source"])
    raw = RawPage(
        source_id=source.id, url=case["requested_url"], fetched_url=case["final_url"],
        status=case["status"], headers={"content-type": "text/html; charset=utf-8"},
        body=page.read_bytes(), fetched_at=FETCHED_AT,
    )
    article = extract_article(raw, source)
    # Extraction asks the detector itself, before a notice that is no sentence is dropped.
    return article.status_reason if article.status == "soft_404" else None


@pytest.mark.parametrize("case_file", CASES, ids=[c.stem for c in CASES])
def test_golden_page(case_file: Path) -> None:
    case = json.loads(case_file.read_text("utf-8"))
    page = CASES_DIR / case.get("page", f"{case_file.stem}.html")
    reason = judge(case, page)
    if case["soft_404"] is None:
        assert reason is None, f"{case_file.name}: an article taken for a soft-404: {reason}"
    else:
        assert reason is not None, f"{case_file.name}: a not-found page taken for an article"
        assert case["soft_404"] in reason


GOLDEN = load_cases()


@pytest.mark.parametrize("case", GOLDEN, ids=[c.case_id for c in GOLDEN])
def test_no_golden_article_is_a_soft_404(case: GoldenCase) -> None:
    raw = raw_page(case)
    source = get_source(case.source_id)
    assert extract_article(raw, source).status != "soft_404"


@pytest.mark.parametrize(("title", "expected"), [
    ("Страница не найдена | Zakon.kz", True),
    ("Ошибка 404", True),
    ("404. Страница не найдена - Zakon.kz", True),
    ("Материал удалён", True),
    ("Сұраған бетіңіз табылмады", True),
    ("Мошенники не найдены", False),
    ("Страница не найдена - так ответили в банке пострадавшей", False),
    ("Полиция задержала 404 дроппера", False),
    ("Ұрланған ақша табылмады", False),
    ("Zakon.kz", False),
])
def test_a_title_is_a_notice_only_as_a_whole(title: str, expected: bool) -> None:
    assert not_found_title(title, get_source("zakon_kz")) is expected


@pytest.mark.parametrize(("final", "expected"), [
    ("https://www.zakon.kz/", "home page"),
    ("https://kaz.zakon.kz/", "home page"),
    ("https://www.zakon.kz/incident/", "section listing"),
    ("https://www.zakon.kz/404.html", "error page"),
    ("https://www.zakon.kz/incident/6502034-novyi-slug.html", None),  # moved: a new slug
    ("https://www.zakon.kz/incident/6502034-v-karagande.html", None),  # only https and www
])
def test_where_a_redirect_lands(final: str, expected: str | None) -> None:
    reason = redirect_soft_404("http://zakon.kz/incident/6502034-v-karagande.html", final,
                               get_source("zakon_kz"))
    assert (reason is None) if expected is None else (reason is not None and expected in reason)


def test_only_a_2xx_answer_can_be_soft() -> None:
    zakon = get_source("zakon_kz")
    url = "https://www.zakon.kz/incident/6502034-v-karagande.html"
    assert soft_404_reason(url, url, 404, "Страница не найдена", None, zakon) is None
    assert soft_404_reason(url, url, 200, "Страница не найдена", None, zakon) is not None
