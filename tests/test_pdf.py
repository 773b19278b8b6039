"""PDF documents: a bilingual agency letter extracted with both languages, a scan kept as such."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.extract.body import extract_article
from crawler.extract.pdf import is_pdf, reflow
from crawler.items import DiscoveredLink, RawPage
from crawler.sources import get_source
from tests.pdf_samples import LETTER_TITLE, RU_PAGE, write_letter, write_scan

PAGE_URL = "https://news.badpages.test/news/7010-otvet-na-deputatskiy-zapros.html"
PDF_URL = "https://news.badpages.test/upload/docs/otvet.pdf"
FETCHED = datetime(2025, 12, 26, 7, 0, tzinfo=UTC)


def _raw(body: bytes, content_type: str = "application/pdf",
         link: DiscoveredLink | None = None) -> RawPage:
    return RawPage("badpages_test", PDF_URL, PDF_URL, 200, {"content-type": content_type}, body,
                   FETCHED, link=link, warc_record="badpages_test/1-x.warc.gz#0")


def _document_link(title: str) -> DiscoveredLink:
    return DiscoveredLink(PDF_URL, title=title, lang="ru", via="document", found_on=PAGE_URL)


def test_a_bilingual_letter_keeps_both_languages_its_title_date_and_page(tmp_path: Path) -> None:
    letter = write_letter(tmp_path / "letter.pdf").read_bytes()
    # Served with a generic type, as some CMSs do: the %PDF header is enough.
    raw = _raw(letter, "application/octet-stream", _document_link("Ответ (PDF, 28 КБ)"))
    assert is_pdf(raw)
    article = extract_article(raw, get_source("badpages_test"))

    assert article.status == "ok"
    assert set(article.languages) == {"kk", "ru"}
    assert article.lang == "kk"  # the Kazakh page comes first
    assert article.title == LETTER_TITLE  # the file's own title beats the link's "(PDF, 28 КБ)"
    assert article.published_at == datetime(2022, 8, 3, 5, 0, tzinfo=UTC)
    assert article.date_source == "pdf"
    assert article.parent_url == PAGE_URL
    assert article.warc_record == "badpages_test/1-x.warc.gz#0"
    body = article.body or ""
    # Lines broken by the page width are one paragraph again; the figures survive.
    assert ("Ағымдағы жылы қабылданған шаралар интернет-алаяқтықтың 18,5%-ға (11 843-тен 9 654-ке"
            " дейін) төмендеуіне ықпал етті.") in body
    assert "интернет-мошенничеств на 18,5% (с 11 843 до 9 654)." in body
    assert body.index("Құрметті депутаттар!") < body.index("Уважаемые депутаты!")
    # The Latin "ə" of the seed is folded for search and tagging, kept as found in the body.
    assert "əрекетсіздігі" in body and "әрекетсіздігі" in (article.body_normalized or "")


def test_a_russian_only_letter_is_russian(tmp_path: Path) -> None:
    article = extract_article(_raw(write_letter(tmp_path / "ru.pdf", (RU_PAGE,)).read_bytes()),
                              get_source("badpages_test"))
    assert (article.status, article.languages, article.lang) == ("ok", ("ru",), "ru")


def test_a_scan_without_a_text_layer_is_stored_empty_with_the_reason(tmp_path: Path) -> None:
    scan = write_scan(tmp_path / "scan.pdf").read_bytes()
    article = extract_article(_raw(scan, link=_document_link("Скан ответа")),
                              get_source("badpages_test"))
    assert (article.status, article.status_reason) == ("empty", "scanned PDF without a text layer")
    assert article.body is None and article.languages == ()
    assert article.title == "Скан ответа"
    assert article.parent_url == PAGE_URL


@pytest.mark.parametrize("body", [b"%PDF-1.7\n%broken and cut here", b"%PDF-"])
def test_a_damaged_pdf_is_broken_not_a_crash(body: bytes) -> None:
    article = extract_article(_raw(body), get_source("badpages_test"))
    assert article.status == "broken"
    assert article.status_reason is not None and article.status_reason.startswith("unreadable PDF")
    assert article.body is None


def test_reflow_joins_layout_lines_and_keeps_paragraphs() -> None:
    text = reflow("Бас прокуратура интернет-алаяқтық пен\nтелефон алаяқтығына байланысты.\n"
                  "Соңғы 3 жылда өсті (2019ж.\n– 7 769).\n\nКеңес өткізілді.")
    assert text == ("Бас прокуратура интернет-алаяқтық пен телефон алаяқтығына байланысты.\n\n"
                    "Соңғы 3 жылда өсті (2019ж. – 7 769).\n\nКеңес өткізілді.")
