"""Decoding fetched HTML bodies, including the labels old Kazakh and Russian sites get wrong."""

from __future__ import annotations

import pytest

from crawler.extract.encoding import decode_html

# Built pages: a Kazakh and a Russian news item in the shape of kaz.zakon.kz / lada.kz pages.
KK_HTML = (
    "<html><head><title>Жаңалықтар</title></head><body>"
    "<h1>Алматыда алаяқтар ұсталды</h1>"
    "<p>Қаржы пирамидасының ұйымдастырушылары әшкереленді. Ұйымдасқан қылмыстық топ "
    "мүшелері Өскемендегі жиһаз дүкенінің иесін алдаған, деп хабарлайды Polisia.kz.</p>"
    "</body></html>"
)
RU_HTML = (
    "<html><head><title>Новости</title></head><body>"
    "<h1>В Актау задержали интернет-мошенников</h1>"
    "<p>Сотрудники полиции Мангистауской области задержали участников преступной группы, "
    "похитивших у граждан более 40 млн тенге, сообщает Lada.kz.</p>"
    "</body></html>"
)
KK_LETTERS = "әғқңөұүһі"


def meta_page(charset: str, text: str) -> str:
    """A page that declares its charset in <meta>."""
    return text.replace("<head>", f'<head><meta charset="{charset}">', 1)


@pytest.mark.parametrize(
    ("body", "declared", "text", "encoding"),
    [
        # Honest labels
        (RU_HTML.encode("utf-8"), "utf-8", RU_HTML, "utf-8"),
        (KK_HTML.encode("utf-8"), "text/html; charset=UTF-8", KK_HTML, "utf-8"),
        (RU_HTML.encode("cp1251"), "windows-1251", RU_HTML, "cp1251"),
        (KK_HTML.encode("kz1048"), "KZ-1048", KK_HTML, "kz1048"),
        (KK_HTML.encode("kz1048"), "text/html; charset=RK1048", KK_HTML, "kz1048"),
        # No HTTP label: <meta charset>, else UTF-8, else the bytes decide
        (meta_page("windows-1251", RU_HTML).encode("cp1251"), None, None, "cp1251"),
        (KK_HTML.encode("utf-8"), None, KK_HTML, "utf-8"),
        (RU_HTML.encode("cp1251"), None, RU_HTML, "cp1251"),
        (KK_HTML.encode("kz1048"), "", KK_HTML, "kz1048"),
        # A Content-Type without a charset is no label
        (KK_HTML.encode("utf-8"), "text/html", KK_HTML, "utf-8"),
        (meta_page("windows-1251", RU_HTML).encode("cp1251"), "text/html", None, "cp1251"),
        # The common lie: windows-1251 (or KZ-1048) bytes labelled UTF-8
        (RU_HTML.encode("cp1251"), "utf-8", RU_HTML, "cp1251"),
        (KK_HTML.encode("kz1048"), "utf-8", KK_HTML, "kz1048"),
        (meta_page("utf-8", RU_HTML).encode("cp1251"), None, None, "cp1251"),
        # KZ-1048 labelled windows-1251: browsers know no KZ-1048
        (KK_HTML.encode("kz1048"), "windows-1251", KK_HTML, "kz1048"),
        # UTF-8 labelled windows-1251 or ISO-8859-1
        (KK_HTML.encode("utf-8"), "windows-1251", KK_HTML, "utf-8"),
        (RU_HTML.encode("utf-8"), "iso-8859-1", RU_HTML, "utf-8"),
        # windows-1251 labelled ISO-8859-1 (Apache's old AddDefaultCharset)
        (RU_HTML.encode("cp1251"), "iso-8859-1", RU_HTML, "cp1251"),
        # A Western page labelled ISO-8859-1 stays Western
        (
            "<p>Café crème à Paris</p>".encode("latin-1"),
            "iso-8859-1",
            "<p>Café crème à Paris</p>",
            "cp1252",
        ),
        # BOM wins over any label
        (b"\xef\xbb\xbf" + KK_HTML.encode("utf-8"), "windows-1251", KK_HTML, "utf-8"),
        (
            RU_HTML.encode("utf-16-le").join([b"\xff\xfe", b""]),
            "windows-1251",
            RU_HTML,
            "utf-16-le",
        ),
        (b"\xfe\xff" + RU_HTML.encode("utf-16-be"), None, RU_HTML, "utf-16-be"),
    ],
)
def test_decode_html(body: bytes, declared: str | None, text: str | None, encoding: str) -> None:
    decoded, used = decode_html(body, declared)
    assert used == encoding
    if text is not None:
        assert decoded == text
    assert "\ufffd" not in decoded


def test_kazakh_letters_survive_the_utf8_lie() -> None:
    decoded, _ = decode_html(KK_HTML.encode("kz1048"), "utf-8")
    assert set(KK_LETTERS) <= set(decoded.lower())


def test_truncated_utf8_stays_utf8() -> None:
    # A body cut in the middle of a character is still UTF-8, with one replacement character.
    body = KK_HTML.encode("utf-8") + "Қ".encode()[:1]
    decoded, used = decode_html(body, "utf-8")
    assert used == "utf-8"
    assert decoded.startswith(KK_HTML)
    assert decoded.count("\ufffd") == 1


def test_utf8_page_with_a_few_broken_bytes_stays_utf8() -> None:
    # An ad block in windows-1251 pasted into a UTF-8 page: the page is still UTF-8.
    body = (KK_HTML * 3).encode("utf-8") + "<p>Реклама</p>".encode("cp1251")
    decoded, used = decode_html(body, "utf-8")
    assert used == "utf-8"
    assert decoded.startswith(KK_HTML)


def test_ascii_only_page() -> None:
    assert decode_html(b"<p>Zakon.kz 2025</p>", None) == ("<p>Zakon.kz 2025</p>", "utf-8")


def test_lie_found_after_a_long_ascii_head() -> None:
    # Scripts and styles fill the first 200 KB; the Cyrillic text comes after them.
    head = "<script>var x = 1;</script>\n" * 8_000
    body = (head + RU_HTML * 50).encode("cp1251")
    decoded, used = decode_html(body, "utf-8")
    assert used == "cp1251"
    assert decoded.endswith(RU_HTML)
