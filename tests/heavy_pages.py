"""Golden pages made as heavy as the live sites: the same article inside 100-300 kB of page.

The golden pages are a few kB; the live pages of the sources in ../shared/sources.md weigh
100-300 kB, most of it not the article: inline styles, analytics and ad scripts, a framework's
state JSON (nur.kz and Kursiv are JavaScript apps that ship the page's data as a script), a
mega-menu of sections and regions, sidebars of "latest" and "most read" items each with its own
date ("Вчера 07:40", "19 ноября 2026 21:10", Tengrinews' div.date-time) and view counter,
cookie and subscribe pop-ups, ad slots and a footer of links. `heavy_page` wraps a golden page
in all that, deterministically (seeded by its URL), leaving the article's own markup as it is,
so extraction must give the same title, date and body on both: the bench measures speed on
these pages and the tests check that the furniture changes nothing. Every text here is written
for the project.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace
from importlib.util import find_spec

from crawler.items import RawPage
from tests.golden import GoldenCase, load_cases, raw_page

MIN_BYTES = 100_000
MAX_BYTES = 300_000
CITIES = {
    "ru": ["Алматы", "Астане", "Шымкенте", "Караганде", "Актобе", "Павлодаре", "Семее",
           "Атырау", "Костанае", "Таразе", "Уральске", "Актау"],
    "kk": ["Алматыда", "Астанада", "Шымкентте", "Қарағандыда", "Ақтөбеде", "Павлодарда",
           "Семейде", "Атырауда", "Қостанайда", "Таразда", "Оралда", "Ақтауда"],
}
EVENTS = {
    "ru": ["открыли новую школу на {n} мест", "отремонтируют {n} километров дорог",
           "прошел фестиваль уличной еды", "выпал первый снег", "запустили {n} новых автобусов",
           "подвели итоги отопительного сезона", "высадили {n} деревьев",
           "ограничили движение на выходных", "провели ярмарку сельхозпродукции",
           "назначили нового акима района", "подорожал проезд в автобусах"],
    "kk": ["{n} орындық жаңа мектеп ашылды", "{n} шақырым жол жөнделеді",
           "көше тағамдары фестивалі өтті", "алғашқы қар жауды", "{n} жаңа автобус шықты",
           "жылыту маусымы қорытындыланды", "{n} ағаш отырғызылды",
           "демалыс күндері қозғалыс шектелді", "ауыл шаруашылығы жәрмеңкесі өтті",
           "аудан әкімі тағайындалды"],
}
SECTIONS = {
    "ru": ["Новости", "Казахстан", "Мир", "Происшествия", "Общество", "Экономика", "Спорт",
           "Культура", "Технологии", "Авто", "Недвижимость", "Здоровье", "Образование",
           "Погода", "Мнения", "Интервью", "Фото", "Видео", "Спецпроекты", "Регионы"],
    "kk": ["Жаңалықтар", "Қазақстан", "Әлем", "Оқиғалар", "Қоғам", "Экономика", "Спорт",
           "Мәдениет", "Технология", "Авто", "Жылжымайтын мүлік", "Денсаулық", "Білім",
           "Ауа райы", "Пікір", "Сұхбат", "Фото", "Видео", "Арнайы жобалар", "Өңірлер"],
}
LABELS = {
    "ru": {"latest": "Последние новости", "popular": "Самое читаемое", "views": "просмотров",
           "cookie": "Мы используем файлы cookie, чтобы сайт работал лучше. Продолжая "
                     "пользоваться сайтом, вы соглашаетесь с этим.",
           "subscribe": "Подпишитесь на нашу рассылку и получайте главные новости дня",
           "rights": "Все права защищены. При полном или частичном использовании материалов "
                     "ссылка на сайт обязательна.",
           "yesterday": "Вчера", "months": ["ноября", "октября", "декабря"]},
    "kk": {"latest": "Соңғы жаңалықтар", "popular": "Көп оқылғандар", "views": "қаралым",
           "cookie": "Сайт жақсы жұмыс істеуі үшін cookie файлдарын қолданамыз. Сайтты "
                     "пайдалануды жалғастыра отырып, сіз бұған келісесіз.",
           "subscribe": "Күннің басты жаңалықтарын алу үшін таратылымға жазылыңыз",
           "rights": "Барлық құқықтар қорғалған. Материалдарды пайдаланғанда сайтқа сілтеме "
                     "міндетті.",
           "yesterday": "Кеше", "months": ["қараша", "қазан", "желтоқсан"]},
}


def _headline(rng: random.Random, lang: str) -> str:
    city = rng.choice(CITIES[lang])
    event = rng.choice(EVENTS[lang]).format(n=rng.randint(2, 400))
    return f"{city} {event}" if lang == "kk" else f"В {city} {event}"


def _date_text(rng: random.Random, lang: str) -> str:
    clock = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
    if rng.random() < 0.5:
        return f"{LABELS[lang]['yesterday']} {clock}"
    month = rng.choice(LABELS[lang]["months"])
    return f"{rng.randint(1, 28)} {month} 2026 {clock}"


def _styles(rng: random.Random, size: int) -> str:
    rules = []
    while sum(map(len, rules)) < size:
        name = f".b{rng.randint(0, 9999)}__e{rng.randint(0, 99)}"
        rules.append(f"{name}{{margin:{rng.randint(0, 40)}px {rng.randint(0, 40)}px;"
                     f"padding:{rng.randint(0, 24)}px;color:#{rng.randint(0, 0xFFFFFF):06x};"
                     f"font:{rng.randint(11, 32)}px/1.{rng.randint(1, 9)} sans-serif}}\n")
    return "<style>\n" + "".join(rules) + "</style>\n"


def _state_script(rng: random.Random, lang: str, size: int) -> str:
    items = []
    while len(json.dumps(items, ensure_ascii=False)) < size:
        items.append({"id": rng.randint(400000, 999999), "title": _headline(rng, lang),
                      "url": f"/news/{rng.randint(400000, 999999)}/",
                      "published": f"2026-11-{rng.randint(1, 20):02d}T{rng.randint(0, 23):02d}:"
                                   f"{rng.randint(0, 59):02d}:00+05:00",
                      "views": rng.randint(100, 90000), "tags": rng.sample(SECTIONS[lang], 3)})
    state = json.dumps({"feed": items, "ads": {"slots": 12}}, ensure_ascii=False)
    return f"<script>window.__INITIAL_STATE__ = {state};</script>\n"


def _analytics_scripts(rng: random.Random, size: int) -> str:
    lines = []
    while sum(map(len, lines)) < size:
        slot = rng.randint(100000, 999999)
        lines.append(f"window.adSlots.push({{id: 'slot-{slot}', sizes: [[300, 250], [728, 90]],"
                     f" refresh: {rng.randint(15, 90)},"
                     f" targeting: {{section: 's{slot % 17}'}}}});\n")
    return ("<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push"
            "(arguments);} gtag('js', new Date()); window.adSlots = [];\n" + "".join(lines)
            + "</script>\n")


def _menu(rng: random.Random, lang: str, links: int) -> str:
    sections = SECTIONS[lang]
    items = [f'<li><a href="/{i % len(sections)}/{rng.randint(1, 999)}/">'
             f"{sections[i % len(sections)]} {rng.choice(CITIES[lang])}</a></li>"
             for i in range(links)]
    return ('<div class="cookie-banner">' + LABELS[lang]["cookie"] + "</div>\n"
            '<nav class="mega-menu"><ul>' + "".join(items) + "</ul></nav>\n")


def _sidebar(rng: random.Random, lang: str, items: int) -> str:
    labels = LABELS[lang]
    latest = "".join(
        f'<div class="news-item"><a href="/news/{rng.randint(400000, 999999)}/">'
        f'{_headline(rng, lang)}</a><div class="date-time">{_date_text(rng, lang)}</div>'
        f'<span class="views">{rng.randint(100, 90000)} {labels["views"]}</span></div>\n'
        for _ in range(items))
    popular = "".join(
        f'<li><a href="/news/{rng.randint(400000, 999999)}/">{_headline(rng, lang)}</a></li>'
        for _ in range(items // 2))
    return (f'<aside class="sidebar-heavy"><h3>{labels["latest"]}</h3>{latest}'
            f'<h3>{labels["popular"]}</h3><ol>{popular}</ol>'
            f'<div class="adv" id="adfox_{rng.randint(1000, 9999)}"></div></aside>\n'
            f'<div class="subscribe-popup"><p>{labels["subscribe"]}</p>'
            '<form><input type="email"><button>OK</button></form></div>\n')


def _footer(rng: random.Random, lang: str) -> str:
    links = "".join(f'<a href="/{s}/">{s}</a> ' for s in SECTIONS[lang])
    return (f'<footer class="footer-heavy"><div class="footer-links">{links}</div>'
            f'<p>© 2007-2026. {LABELS[lang]["rights"]}</p>'
            f'<div class="counters"><img src="/counter/{rng.randint(1, 99999)}.gif" alt=""></div>'
            "</footer>\n")


def heavy_page(page: bytes, seed: str, lang: str | None = None) -> bytes:
    """The page wrapped in 100-300 kB of a live site's furniture; the article left untouched."""
    html = page.decode("utf-8", "surrogateescape")  # a windows-1251 page keeps its bytes
    rng = random.Random(seed)
    lang = lang if lang in CITIES else ("kk" if re.search(r'<html[^>]*lang="kk', html) else "ru")
    target = rng.randint(MIN_BYTES, MAX_BYTES) - len(page)
    head = (_styles(rng, target // 6) + _analytics_scripts(rng, target // 8)
            + _state_script(rng, lang, target // 3))
    top = _menu(rng, lang, links=rng.randint(150, 300))
    bottom = _sidebar(rng, lang, items=rng.randint(30, 60)) + _footer(rng, lang)
    bottom += _analytics_scripts(rng, max(0, target - len((head + top + bottom).encode()) - 2000))
    html = _insert(html, "</head>", head, before=True)
    html = _insert(html, "<body", top, before=False)
    html = _insert(html, "</body>", bottom, before=True)
    return html.encode("utf-8", "surrogateescape")


def _insert(html: str, tag: str, chunk: str, before: bool) -> str:
    """The chunk placed before a tag, or right after the opening tag's '>'."""
    at = html.lower().find(tag)
    if at < 0:
        return html + chunk if before else chunk + html
    if not before:
        at = html.index(">", at) + 1
    return html[:at] + chunk + html[at:]


def heavy_cases() -> list[tuple[GoldenCase, RawPage]]:
    """The golden HTML pages of the declared sources (not the test-only ones), made heavy."""
    cases = []
    for case in load_cases():
        if case.discovered_in or find_spec(f"crawler.sources.{case.source_id}") is None:
            continue  # an API item or a post has no page; test sources' pages are not sites'
        raw = raw_page(case)
        if "html" not in raw.headers.get("content-type", "html"):
            continue
        cases.append((case, replace(raw, body=heavy_page(raw.body, case.url))))
    return cases
