"""Size caps, gzip and XML decoding that every discovery parser applies before parsing."""

from __future__ import annotations

import codecs
import re
import zlib
from collections.abc import Mapping

import lxml.html
from lxml import etree
from w3lib.encoding import html_body_declared_encoding

from crawler.errors import RejectedInputError

# The sitemap protocol allows 50 MB uncompressed (sitemaps.org: "no larger than 50MB
# (52,428,800 bytes)"); no feed or listing we read comes near it, so one cap serves all.
MAX_DOCUMENT_BYTES = 52_428_800

GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 64 * 1024

# Encodings tried, in order, when neither a BOM nor the XML prolog names one. Kazakh and
# Russian sites that predate UTF-8 serve windows-1251 undeclared ("<?xml version="1.0"?>"
# followed by cp1251 bytes); cp1251 decodes any byte but 0x98, so it is the last resort.
FALLBACK_ENCODINGS = ("utf-8", "cp1251")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*?\?>", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
# The prolog: declaration, processing instructions, comments and the DOCTYPE with its
# internal subset, before the first element.
_PROLOG_TOKEN = re.compile(
    r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)", re.DOTALL | re.IGNORECASE
)
_FIRST_ELEMENT = re.compile(r"<[A-Za-z_]")
_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)


def gunzip_capped(data: bytes, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """Decompress gzip data in chunks, refusing output past `limit` bytes."""
    out = bytearray()
    pending = data
    try:
        while pending:
            # One decompressor per gzip member: some servers concatenate members.
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            chunk_input = pending
            while chunk_input and not inflater.eof:
                out += inflater.decompress(chunk_input, limit + 1 - len(out))
                if len(out) > limit:
                    raise RejectedInputError(
                        f"gzip bomb: {len(data)} compressed bytes expand past {limit} bytes"
                    )
                chunk_input = inflater.unconsumed_tail
            if not inflater.eof:
                raise RejectedInputError(f"truncated gzip data after {len(out)} bytes")
            pending = inflater.unused_data
            if pending and not pending.startswith(GZIP_MAGIC):
                break  # trailing garbage after the last member, as gzip(1) tolerates
    except zlib.error as exc:
        raise RejectedInputError(f"corrupt gzip data: {exc}") from exc
    return bytes(out)


def maybe_gunzip(
    data: bytes,
    url: str = "",
    headers: Mapping[str, str] | None = None,
    limit: int = MAX_DOCUMENT_BYTES,
) -> bytes:
    """The document's bytes, gunzipped when they are gzip, refused when past `limit`."""
    # The magic bytes decide, not the ".gz" name or a gzip Content-Type: Scrapy's
    # HttpCompressionMiddleware may already have decoded "sitemap.xml.gz" served with
    # "Content-Encoding: gzip", and such a body starts with "<?xml".
    if data[:2] == GZIP_MAGIC:
        return gunzip_capped(data, limit)
    if len(data) > limit:
        where = f" from {url}" if url else ""
        raise RejectedInputError(f"document{where} is {len(data)} bytes, past the {limit} cap")
    return data


def sniff_xml_encoding(data: bytes) -> str | None:
    """The encoding a BOM or the XML declaration names, or None."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    match = _DECLARED_ENCODING.match(data)
    if match is None:
        return None
    name = match.group(1).decode("ascii")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None  # e.g. encoding="win-1251": fall back to sniffing


def decode_xml(data: bytes) -> str:
    """Decode an XML document by BOM, declaration, then UTF-8, then windows-1251."""
    declared = sniff_xml_encoding(data)
    candidates = (declared, *FALLBACK_ENCODINGS) if declared else FALLBACK_ENCODINGS
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.removeprefix("\ufeff")
    # Only reachable with 0x98 in a non-UTF-8 document; keep what decodes.
    return data.decode("cp1251", errors="replace")


def refuse_entity_declarations(text: str, url: str = "") -> None:
    """Raise RejectedInputError when the prolog declares entities (billion laughs, XXE)."""
    position = 0
    while token := _PROLOG_TOKEN.match(text, position):
        if token.end() == position:
            break
        position = token.end()
    # The naive cut catches what the tokenizer stops at, e.g. a "]" inside an entity value.
    first_element = _FIRST_ELEMENT.search(text)
    naive_prolog = text[: first_element.start()] if first_element else text
    prolog = text[:position] + naive_prolog
    # No feed or sitemap needs its own entities; a DOCTYPE that declares them is either
    # "billion laughs" (<!ENTITY lol2 "&lol;&lol;...">) or an external entity reading a file.
    if _ENTITY_DECLARATION.search(prolog):
        where = f" in {url}" if url else ""
        raise RejectedInputError(f"XML entity declarations refused{where} (entity bomb or XXE)")


def to_utf8_xml(data: bytes, url: str = "") -> bytes:
    """Safe UTF-8 bytes of an XML document: decoded, entity-checked, declaration rewritten."""
    text = decode_xml(data)
    refuse_entity_declarations(text, url)
    # The declaration must match the new bytes, or parsers would re-decode them as cp1251.
    text = _XML_DECLARATION.sub("", text, count=1)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text.lstrip()).encode("utf-8")


def decode_html(body: bytes | str, url: str = "") -> str:
    """An HTML page or fragment as text: declared charset, else UTF-8, else windows-1251."""
    if isinstance(body, str):
        return body
    if len(body) > MAX_DOCUMENT_BYTES:
        where = f" {url}" if url else ""
        raise RejectedInputError(f"page{where} is {len(body)} bytes, past the cap")
    declared = html_body_declared_encoding(body)
    for encoding in (declared, *FALLBACK_ENCODINGS):
        if encoding:
            try:
                return body.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                continue
    return body.decode("cp1251", errors="replace")


def html_root(text: str) -> etree._Element | None:
    """The parsed page or fragment; None when it holds no element at all."""
    # lxml refuses text that keeps an XHTML prolog: '<?xml version="1.0" encoding="utf-8"?>'.
    text = _XML_DECLARATION.sub("", text, count=1)
    if not text.strip():
        return None
    try:
        return lxml.html.fromstring(text)
    except etree.ParserError:  # "Document is empty": only comments or whitespace
        return None
