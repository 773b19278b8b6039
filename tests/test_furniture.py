"""Page furniture out of bodies: class/id token rules on the page, line rules on the text, and a
source's template lines learned from its archive."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.extract.body import extract_article
from crawler.extract.furniture import line_rule, strip_furniture
from crawler.extract.prune import is_furniture_token, prune_furniture
from crawler.extract.structured import clean_structured_body
from crawler.extract.template_lines import TemplateLines, learn_template_lines
from crawler.items import RawPage
from crawler.sources import get_source
from jobs.commands.template_lines import learn_template_lines_command

# --- whole class and id tokens ------------------------------------------------------------


@pytest.mark.parametrize("token", [
    "share", "article__share", "content_main_share", "share-buttons", "related-posts",
    "read-also", "read-also-block", "subscribe-box", "comments-area", "content_main_text_tags",
    "advert", "banner", "social", "newsletter",
])
def test_furniture_tokens(token: str) -> None:
    assert is_furniture_token(token)


@pytest.mark.parametrize("token", [
    # WordPress classes the article after its category; Dow Jones the body after the reader.
    "category-white-label-native-advertising-platform", "subType-unsubscribed", "tag-subscribe",
    "shareholders", "socialism", "advertorial-note", "related_news_text", "m-social--button",
    "comments-count-label",
])
def test_not_furniture_tokens(token: str) -> None:
    assert not is_furniture_token(token)


def test_a_wrapper_named_like_furniture_but_holding_the_article_is_kept() -> None:
    text = "<p>" + "Полиция задержала мошенников в Алматы. " * 20 + "</p>"
    tree = lxml.html.document_fromstring(
        f"<html><body><div class='comments'><h1>Заголовок</h1>{text}"
        "<div class='share'>Поделиться</div></div><div class='related'>Другое</div></body></html>")
    report = prune_furniture(tree)
    assert [token for token, _ in report.kept] == ["comments"]
    assert sorted(token for token, _ in report.dropped) == ["related", "share"]
    assert "Полиция задержала" in tree.text_content()


# --- line rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "rule"), [
    ("Фото: Zakon.kz", "credit"),
    ("Фото © Tengrinews.kz / Фамилия Имени", "credit"),
    ("Сурет: polisia.kz", "credit"),
    ("Иллюстративное фото: pixabay.com", "credit"),
    ("Фото из открытых источников", "credit"),
    ("Фото пресс-службы ДП Алматы", "credit"),
    ("Photo: Reuters", "credit"),
    ("Подписывайтесь на наш Telegram-канал", "share"),
    ("Біздің Telegram арнамызға жазылыңыз!", "share"),
    ("Самые важные новости - в нашем Telegram-канале", "share"),
    ("Поделиться", "share"),
    ("WhatsApp", "share"),
    ("Теги: мошенничество, полиция, Алматы", "tags"),
    ("ТегиМошенничествоПолицияАлматы", "tags"),
    ("#мошенничество #полиция #Алматы", "tags"),
    ("Читайте также: В Шымкенте осудили организатора пирамиды", "read_also"),
    ("Тағы оқыңыз: Алаяқтар ұсталды", "read_also"),
    ("26.12.2025, 10:40 · 1 234 просмотров", "date_line"),
    ("13:51, 15 Август 2025 | GMT +5", "date_line"),
    ("26 желтоқсан 2025", "date_line"),
    ("2021 12.50 13.75", None),  # a table row of figures
    ("2019 7 769", None),
    # Sentences of stories stay, whatever words they share with furniture.
    ("Мошенники предлагали подписаться на Telegram-канал и вложить деньги в криптовалюту.", None),
    ("Видео, снятое на месте ДТП, опубликовали в полиции.", None),
    ("Видео с места задержания опубликовали в полиции.", None),
    ("Фотографии подозреваемых разослали во все отделы полиции.", None),
    ("26 декабря 2025 года в 10:40 полицейские задержали двух мошенников.", None),
    ("先日、不正に改造したiPhoneを販売したとして、iOSの機能制限を解除", None),
])
def test_line_rules(line: str, rule: str | None) -> None:
    assert line_rule(line, line.lower()) == rule


def test_the_headline_repeated_as_the_first_line_goes_and_a_posts_hashtags_stay() -> None:
    text = "Полиция задержала мошенников, которые звонили от имени банка пенсионерам."
    body = f"Задержаны мошенники\nФото: полиция\n{text}\n#ОПГ #МВД"
    cleaned, report = strip_furniture(body, "Задержаны мошенники!")
    assert cleaned == text
    assert set(report.dropped) == {"headline", "credit", "tags"}
    kept, _ = strip_furniture(body, None, hashtags_are_text=True)
    assert kept == f"Задержаны мошенники\n{text}\n#ОПГ #МВД"


def test_rules_never_take_most_of_a_body() -> None:
    body = "Фото: один\nФото: два\nТекст."
    cleaned, report = strip_furniture(body, None)
    assert cleaned == body and report.refused


# --- structured-data bodies -------------------------------------------------------------------


def test_structured_bodies_are_clean_text_or_nothing() -> None:
    assert clean_structured_body("<p>Первый абзац.</p><p>Второй <b>абзац</b>.</p>"
                                 "<img src='x.jpg'>") == "Первый абзац.\nВторой абзац."
    escaped = "Текст.&lt;div align=&quot;center&quot;&gt;&lt;img src=&quot;x.jpg&quot;&gt;"
    assert clean_structured_body(escaped + "&lt;/div&gt;Ещё текст.") == "Текст.\nЕщё текст."
    assert clean_structured_body("Просто текст, 5 < 7 и AT&T.") == "Просто текст, 5 < 7 и AT&T."
    assert clean_structured_body("") is None


# --- learned template lines -------------------------------------------------------------------

TEMPLATE = ["Редакция может не разделять мнение автора публикации.",
            "Если вы стали свидетелем ДТП, пишите нам в WhatsApp +7 700 000 00 00"]


def _story(n: int) -> str:
    return (f"В городе номер {n} полицейские задержали подозреваемого в мошенничестве.\n"
            f"Ущерб составил {n * 100} тысяч тенге, возбуждено уголовное дело.")


def test_lines_on_many_pages_are_learned_and_a_quote_on_a_few_is_not() -> None:
    quote = "«Будьте бдительны», - напомнили в полиции региона."
    bodies = [_story(n) + "\n" + "\n".join(TEMPLATE) + ("\n" + quote if n < 3 else "")
              for n in range(40)]
    table = learn_template_lines("lada_kz", bodies)
    assert table.lines == {line.lower() for line in TEMPLATE}
    assert (table.version, table.pages) == (1, 40)
    again = learn_template_lines("lada_kz", bodies, previous=table)
    assert again.version == 1  # nothing changed, same version
    redesigned = [_story(n) + "\n" + TEMPLATE[0] for n in range(40)]
    changed = learn_template_lines("lada_kz", redesigned, previous=table)
    assert changed.version == 2 and changed.lines == {TEMPLATE[0].lower()}
    assert TemplateLines.from_json(table.to_json()) == table


def _warc(pages: list[tuple[str, str]]) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for url, html in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                   protocol="HTTP/1.1")
        data = html.encode()
        writer.write_record(writer.create_warc_record(
            url, "response", payload=io.BytesIO(data), length=len(data), http_headers=headers))
    return out.getvalue()


def _lada_page(n: int) -> str:
    # After sources.md (Lada.kz): /<section>/<id>-<slug>.html, the text in div.article__text.
    paragraphs = "".join(f"<p>{line}</p>" for line in [*_story(n).split("\n"), *TEMPLATE])
    return (f"<html><body><h1>Новость {n}</h1><div class='article__text'>{paragraphs}</div>"
            "</body></html>")


def test_learn_command_reads_a_warc_and_extraction_drops_the_learned_lines(tmp_path: Path) -> None:
    urls = [f"https://www.lada.kz/aktau_news/criminal/{158000 + n}-novost-{n}.html"
            for n in range(12)]
    warc = tmp_path / "lada.warc.gz"
    warc.write_bytes(_warc([(url, _lada_page(n)) for n, url in enumerate(urls)]
                           + [("https://www.lada.kz/", "<html><body>Главная</body></html>")]))
    result = CliRunner().invoke(learn_template_lines_command,
                                ["--source", "lada_kz", "--output", str(tmp_path), str(warc)])
    assert result.exit_code == 0, result.output
    assert "12 archived article pages read (1 other records)" in result.output
    table = TemplateLines.from_json((tmp_path / "lada_kz.json").read_text("utf-8"))
    assert table.lines == {line.lower() for line in TEMPLATE}

    raw = RawPage("lada_kz", urls[0], urls[0], 200, {"content-type": "text/html"},
                  _lada_page(0).encode(), datetime(2025, 12, 26, tzinfo=UTC))
    source = get_source("lada_kz")
    assert TEMPLATE[0] in (extract_article(raw, source, template=None).body or "")
    article = extract_article(raw, source, template=table)
    assert article.body == _story(0)
    assert article.extra["template_lines_version"] == 1


def test_a_structured_body_holding_html_is_stored_as_text() -> None:
    # A page whose markup shows only a teaser (a JavaScript app) and whose JSON-LD articleBody
    # is the page's HTML, escaped: the body stored is its text, with no tag or entity left.
    escaped = ("&lt;p&gt;" + "Полиция Алматы задержала троих дропперов, через карты которых"
               " прошли деньги жертв мошенников. " * 12
               + "&lt;/p&gt;&lt;img src=&quot;x.jpg&quot;&gt;")
    html = ('<html><head><script type="application/ld+json">{"@type": "NewsArticle",'
            f' "headline": "Задержаны дропперы", "articleBody": "{escaped}"}}</script></head>'
            "<body><article><h1>Задержаны дропперы</h1><p>" + "Полиция Алматы задержала троих"
            " дропперов. " * 8 + "</p></article></body></html>")
    url = "https://news.example.kz/n/7/"
    raw = RawPage("generic", url, url, 200, {"content-type": "text/html"}, html.encode(),
                  datetime(2025, 12, 26, tzinfo=UTC))
    source = get_source("lada_kz")
    article = extract_article(raw, source, template=None)
    assert article.status == "ok" and article.extra["body_from"] == "jsonld"
    assert article.body and article.body.startswith("Полиция Алматы задержала")
    assert "<" not in article.body and "&" not in article.body
