"""Turn a fetched PDF (an agency's letter, statistics) into an Article, with its text layer.

Official sites publish answers to deputies' inquiries and statistics as PDFs, often one
document in Kazakh and Russian (seed 000: the Kazakh letter, then the Russian one). A scan has
no text layer: it is stored as status "empty" with that reason, never as an invented body.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from io import BytesIO

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from crawler.extract.dates import FoundDate, read_date_in_text
from crawler.extract.language import detect_language, detect_languages
from crawler.extract.published import stated
from crawler.items import Article, DiscoveredLink, RawPage, content_hash
from crawler.sources import Source
from crawler.tagging.normalize import normalize_text

log = logging.getLogger(__name__)

# The PDF header may follow a little junk; readers look in the first 1024 bytes (ISO 32000-1,
# annex H.3, note 1).
PDF_MAGIC = b"%PDF-"
MAGIC_WINDOW = 1024
# Letters and statistics are a few pages; a 2,000-page register would stall the pipeline.
MAX_PDF_PAGES = 200
# Fewer letters than this on every page means there is no usable text layer.
MIN_TEXT_LETTERS = 20
# Word processors put the file name into /Title ("Microsoft Word - 12-345.docx"): not a title.
FILE_NAME_TITLE = re.compile(r"(^microsoft \w+ - )|(\.(docx?|pdf|xlsx?|rtf|odt)$)", re.IGNORECASE)
# A line ending like this closes a paragraph; any other line break is the page's layout.
PARAGRAPH_END = re.compile(r"[.!?:;»\"]\s*$")
_LETTER = re.compile(r"[^\W\d_]")


def is_pdf(raw: RawPage) -> bool:
    """Whether a fetched response is a PDF, by Content-Type or by its first bytes."""
    declared = (raw.headers.get("content-type") or raw.headers.get("Content-Type") or "").lower()
    if "application/pdf" in declared or raw.body.lstrip()[:len(PDF_MAGIC)] == PDF_MAGIC:
        return True
    # Junk before the header happens; an HTML page quoting "%PDF-" near its top is not a PDF.
    return "html" not in declared and PDF_MAGIC in raw.body[:MAGIC_WINDOW]


def _has_images(reader: PdfReader, pages: int) -> bool:
    """Whether any of the first pages draws an image (a scan is one image per page)."""
    for page in reader.pages[:pages]:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources else None
        if xobjects and any(
            x.get_object().get("/Subtype") == "/Image" for x in xobjects.get_object().values()
        ):
            return True
    return False


def reflow(page_text: str) -> str:
    """Lines of a PDF page joined into paragraphs, one blank line between paragraphs."""
    paragraphs: list[list[str]] = [[]]
    for line in page_text.splitlines():
        line = " ".join(line.split())
        current = paragraphs[-1]
        if not line:
            if current:
                paragraphs.append([])
            continue
        # A sentence that ends a line and a capital that opens the next: a new paragraph.
        # Anything else is the page's width: seed 000 breaks "(2019ж." from the dash and the
        # figures that follow it.
        if current and PARAGRAPH_END.search(current[-1]) and line.lstrip("«\"")[:1].isupper():
            paragraphs.append([])
        paragraphs[-1].append(line)
    return "\n\n".join(" ".join(lines) for lines in paragraphs if lines)


def _title(reader: PdfReader, link: DiscoveredLink | None, body: str | None) -> str | None:
    """A feed's headline, else the file's own title, else the link's text, else the first line."""
    if link is not None and link.title and link.via != "document":
        return link.title
    meta_title = reader.metadata.title if reader.metadata else None
    if meta_title and meta_title.strip() and not FILE_NAME_TITLE.search(meta_title.strip()):
        return " ".join(meta_title.split())
    # An anchor's text ("Ответ на запрос депутатов (PDF)") beats the letter's first line.
    if link is not None and link.title:
        return link.title
    if body:
        first = body.split("\n\n", 1)[0]
        return first[:200] or None
    return None


def _creation_date(reader: PdfReader) -> datetime | None:
    try:
        created = reader.metadata.creation_date if reader.metadata else None
    except ValueError:
        return None  # a malformed "D:..." string
    if created is not None and created.tzinfo is None:
        return None  # no zone: the moment is unknown, the text's date is better
    return created


def _empty(raw: RawPage, source: Source, status: str, reason: str,
           title: str | None = None) -> Article:
    return Article(
        source_id=source.id, url=raw.url, title=title, body=None, lang=None, published_at=None,
        fetched_at=raw.fetched_at, status=status, status_reason=reason,
        content_hash=content_hash(title, None), warc_record=raw.warc_record,
        parent_url=raw.link.found_on if raw.link else None,
    )


def extract_pdf(raw: RawPage, source: Source) -> Article:
    """Extract a PDF's text layer, title, date and languages; never raises on a bad file."""
    try:
        reader = PdfReader(BytesIO(raw.body))
        pages = min(len(reader.pages), MAX_PDF_PAGES)
        texts = [reflow(page.extract_text() or "") for page in reader.pages[:pages]]
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError) as exc:
        # pypdf raises more than its own errors on damaged files; the page is kept as broken.
        log.info("unreadable PDF %s: %s", raw.url, exc)
        return _empty(raw, source, "broken", f"unreadable PDF ({type(exc).__name__})")
    body = "\n\n".join(t for t in texts if t).strip() or None
    link = raw.link
    title = _title(reader, link, body)
    if body is None or len(_LETTER.findall(body)) < MIN_TEXT_LETTERS:
        if _has_images(reader, pages):
            return _empty(raw, source, "empty", "scanned PDF without a text layer", title)
        return _empty(raw, source, "empty", "PDF without text", title)
    languages = detect_languages(body)
    published: FoundDate | None
    date_source: str | None
    if link is not None and link.published_at is not None:
        published, date_source = stated(link.published_at), "feed"
    elif (created := _creation_date(reader)) is not None:
        published, date_source = FoundDate(created, "minute"), "pdf"
    else:
        published = read_date_in_text(body[:4000], raw.fetched_at)
        date_source = "text" if published else None
    lang = languages[0] if languages else (detect_language(title) if title else None)
    return Article(
        source_id=source.id, url=raw.url, title=title, body=body, lang=lang,
        published_at=published.value if published else None, fetched_at=raw.fetched_at,
        date_precision=published.precision if published else None, languages=languages,
        date_source=date_source, body_normalized=normalize_text(body),
        content_hash=content_hash(title, body), warc_record=raw.warc_record,
        parent_url=link.found_on if link else None,
        extra={"pdf_pages": len(reader.pages)},
    )
