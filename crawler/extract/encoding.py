"""Text of a fetched HTML body: the declared encoding, unless the bytes show it is wrong."""

from __future__ import annotations

import codecs
import re

from w3lib.encoding import html_to_unicode, read_bom

from crawler.extract.language import CYRILLIC_LETTERS

# Old Kazakh and Russian sites: windows-1251, and KZ-1048 (STRK 1048-2002), which is
# windows-1251 with Kazakh letters in 16 places of Serbian/Macedonian/Ukrainian ones
# (e.g. 0xBC: cp1251 U+0458, kz1048 U+04D9). Python names both codecs; cp1251 comes first
# because it is far more common and both give the same text for Russian.
LEGACY_CYRILLIC = ("cp1251", "kz1048")
# Western single-byte labels that old Apache servers attach by default (AddDefaultCharset).
WESTERN_SINGLE_BYTE = frozenset({"cp1252", "iso8859-1", "iso8859-15"})
# A Western text whose letters are more than this share accented (U+00C0..U+00FF) is Cyrillic in
# disguise: French runs at ~4%, German ~2%, windows-1251 Russian read as cp1252 at ~100%.
WESTERN_ACCENT_SHARE_MAX = 0.3
# Replacement characters beyond this share of non-ASCII characters mean the label is wrong,
# not that the body was cut in the middle of a character.
UTF8_REPLACEMENT_SHARE_MAX = 0.05
# Each unlikely character costs this many plausible letters when candidates are compared.
UNLIKELY_WEIGHT = 5

# Encodings are told apart on this many characters: an encoding is a property of the whole
# page, and scoring 5 MB character by character in Python takes seconds.
SAMPLE_CHARS = 50_000

REPLACEMENT = "\ufffd"
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_ESCAPED_RUN = re.compile("[\udc80-\udcff]+")  # bytes kept by the surrogateescape handler
_LETTER = re.compile(r"[^\W\d_]")
_ACCENTED = re.compile(r"[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff]")  # Latin-1 letters


def _codec_name(encoding: str) -> str:
    """Python's canonical name for an encoding ("windows-1251" -> "cp1251")."""
    return codecs.lookup(encoding).name


def _header_for(declared: str | None) -> str | None:
    """A Content-Type header from a declared charset or a whole header value."""
    if not declared or not declared.strip():
        return None
    if "charset" in declared.lower() or "/" in declared:
        return declared  # a whole Content-Type value, with or without a charset
    return f"text/html; charset={declared.strip()}"


def _is_utf8_with_non_ascii(body: bytes) -> bool:
    """Whether the bytes are valid UTF-8 and hold at least one non-ASCII character."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not body.isascii()


def _non_ascii_sample(text: str) -> str:
    """The first SAMPLE_CHARS non-ASCII characters of a text, the only ones encodings change."""
    sample: list[str] = []
    size = 0
    for match in _NON_ASCII_RUN.finditer(text):
        sample.append(match.group(0))
        size += len(sample[-1])
        if size >= SAMPLE_CHARS:
            break
    return "".join(sample)[:SAMPLE_CHARS]


def _accent_share(text: str) -> float:
    """Share of accented Latin letters among the letters of the text's first SAMPLE_CHARS."""
    window = text[:SAMPLE_CHARS]
    letters = len(_LETTER.findall(window))
    return len(_ACCENTED.findall(window)) / letters if letters else 0.0


def _plausibility(text: str) -> int:
    """Plausible non-ASCII letters minus weighted unlikely characters, over a sample."""
    sample = _non_ascii_sample(text)
    cyrillic = sum(1 for char in sample if char.lower() in CYRILLIC_LETTERS)
    # Accented Latin counts only in the amounts Western languages use.
    accented = 0
    if _accent_share(text) <= WESTERN_ACCENT_SHARE_MAX:
        accented = len(_ACCENTED.findall(sample))
    unlikely = sum(
        1
        for char in sample
        if char == REPLACEMENT
        or "\u0080" <= char <= "\u009f"  # C1 controls: bytes a codec left undefined
        or ("\u0400" <= char <= "\u04ff" and char.lower() not in CYRILLIC_LETTERS)
    )
    return cyrillic + accented - UNLIKELY_WEIGHT * unlikely


def _label_looks_wrong(text: str, encoding: str) -> bool:
    """Whether text decoded with its declared encoding shows signs of a wrong label."""
    if encoding == "utf-8":
        replacements = text.count(REPLACEMENT)
        non_ascii = len(text) - len(text.encode("ascii", "ignore"))
        return replacements > UTF8_REPLACEMENT_SHARE_MAX * non_ascii
    if encoding in LEGACY_CYRILLIC:
        # KZ-1048 pages are labelled windows-1251 because browsers know no KZ-1048.
        return True
    if encoding in WESTERN_SINGLE_BYTE:
        return _accent_share(text) > WESTERN_ACCENT_SHARE_MAX
    return False


def decode_utf8_with_legacy_runs(body: bytes, legacy: str) -> str:
    """UTF-8 text whose invalid byte runs are read as `legacy`: a page mixing two encodings."""
    # surrogateescape keeps each undecodable byte as U+DC80+byte, so the runs can be taken
    # back to bytes and decoded as the legacy Cyrillic text they are.
    text = body.decode("utf-8", "surrogateescape")

    def legacy_run(run: re.Match[str]) -> str:
        if run.end() == len(text):
            return REPLACEMENT  # a body cut inside its last character, not a legacy island
        return run.group(0).encode("utf-8", "surrogateescape").decode(legacy, "replace")

    return _ESCAPED_RUN.sub(legacy_run, text)


def decode_html(body: bytes, declared: str | None) -> tuple[str, str]:
    """Return (text, encoding used) for an HTML body and its declared charset or Content-Type."""
    # w3lib applies the browser order: BOM, then the HTTP charset, then <meta charset>,
    # then UTF-8; it decodes with replacement characters instead of failing.
    encoding, text = html_to_unicode(_header_for(declared), body)
    encoding = _codec_name(encoding)
    if read_bom(body)[0] is not None:
        return text, encoding
    candidates = [(text, encoding)]
    if encoding != "utf-8" and _is_utf8_with_non_ascii(body):
        # Valid UTF-8 with non-ASCII bytes is never windows-1251 Russian or Kazakh by chance:
        # every lower-case letter there is a byte UTF-8 allows only as a sequence lead.
        candidates.append((body.decode("utf-8"), "utf-8"))
    if _label_looks_wrong(text, encoding):
        candidates.extend(
            (body.decode(legacy, "replace"), legacy)
            for legacy in LEGACY_CYRILLIC
            if legacy != encoding
        )
    if encoding == "utf-8" and REPLACEMENT in text:
        # A UTF-8 template around paragraphs from a windows-1251 database (tests/fixtures/sites/
        # badpages_test/…/7006-*.html). Added last: a page wholly in one encoding decodes the
        # same or better with that encoding, and max() keeps the first of equal scores.
        candidates.extend(
            (decode_utf8_with_legacy_runs(body, legacy), "utf-8")
            for legacy in LEGACY_CYRILLIC
        )
    if len(candidates) == 1:
        return text, encoding
    # max() keeps the first of equal scores, so the declared encoding wins ties.
    return max(candidates, key=lambda candidate: _plausibility(candidate[0]))
