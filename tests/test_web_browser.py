"""The web page in a real headless Chromium (Debian's, driven by Playwright) over a real uvicorn
server: each interface language, search with filters and presets, stories, cross-language
terms, evidence styled apart from searched words, analytics, exports, saved searches (paused
and resumed), the API's errors in the page's language, the article view with the archived
page, a phone screen; nothing loaded from outside the app."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from playwright.sync_api import expect

from serve.api import create_app
from tests.analyst_seed import SEED, empty_tables, seed_now, store_seed, store_story_seed
from tests.live_api import serve_app
from tests.test_workbench_api import write_warc

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
# Stories on the page: every seed article is its own story, the three story-seed articles one.
STORIES = len(SEED) + 1

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's Chromium at /usr/bin/chromium: `make browser` (as root) or"
        " `apt-get install chromium`; Playwright's own browser download is not used",
    ),
]


@pytest.fixture(scope="module")
def site(database_url: str, tmp_path_factory: pytest.TempPathFactory, analysts_day: None,
         ) -> Iterator[dict[str, Any]]:
    # The seed is stored relative to noon in Almaty today (analysts_day); every page's clock
    # is pinned to that instant (open_page), so the page's presets and the seed's dates agree
    # even when the module runs across Almaty midnight.
    now = seed_now()
    data_dir = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DOZOR_DATA_DIR", str(data_dir))
        with psycopg.connect(database_url, autocommit=True) as conn:
            empty_tables(conn)
            ids = store_seed(conn)
            ids |= store_story_seed(conn)
            conn.execute("UPDATE articles SET warc_record = %s WHERE id = %s",
                         (write_warc(data_dir / "warc"), ids["story_ru_afm_pyramid"]))
        try:
            with serve_app(create_app(database_url)) as base:
                yield {"base": base, "ids": ids, "now": now}
        finally:
            with psycopg.connect(database_url, autocommit=True) as conn:
                empty_tables(conn)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def open_page(browser: Any, now: datetime, locale: str = "en-US", **context: Any) -> Any:
    """A fresh page (its own cookies) that records every request and every script error, its
    clock pinned to `now` (the seed's instant); timers still run."""
    ctx = browser.new_context(locale=locale, **context)
    tab = ctx.new_page()
    tab.clock.set_fixed_time(now)
    tab.requests = []
    tab.problems = []
    tab.blocked = []  # refused by the browser itself (Content-Security-Policy): never sent
    tab.on("request", lambda r: tab.requests.append(r.url))
    tab.on("requestfailed",
           lambda r: tab.blocked.append(r.url) if r.failure == "csp" else None)
    tab.on("pageerror", lambda e: tab.problems.append(str(e)))
    tab.on("console", lambda m: tab.problems.append(m.text) if m.type == "error" else None)
    return tab


@pytest.fixture
def page(browser: Any, site: dict[str, Any]) -> Iterator[Any]:
    tab = open_page(browser, site["now"])
    try:
        yield tab
    finally:
        tab.context.close()


def wait(page: Any) -> None:
    page.wait_for_selector("body[data-ready='true']:not(.loading)")


def rerun(page: Any, action: Any) -> None:
    page.evaluate("document.body.dataset.ready = 'false'")
    action()
    wait(page)


def titles(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("#results .result h3").all_inner_texts()]


def only_the_app(page: Any, base: str) -> None:
    outside = [u for u in page.requests if not u.startswith(base) and u not in page.blocked]
    assert page.requests and not outside, outside
    assert page.problems == []  # no script error, no blocked inline script or style


@pytest.mark.parametrize(("locale", "lang", "button", "summary", "region"), [
    ("kk-KZ", "kk", "Іздеу", f"Оқиғалар: {STORIES}, көрсетілді: {STORIES}.", "Қарағанды облысы"),
    ("ru-RU", "ru", "Найти", f"Сюжетов: {STORIES}, показано: {STORIES}.",
     "Карагандинская область"),
    ("en-US", "en", "Search", f"Stories: {STORIES}, shown: {STORIES}.", "Karaganda Region"),
])
def test_the_page_in_each_language(browser: Any, site: dict[str, Any], locale: str, lang: str,
                                   button: str, summary: str, region: str) -> None:
    tab = open_page(browser, site["now"], locale=locale)
    try:
        tab.goto(site["base"] + "/")
        wait(tab)
        assert tab.get_attribute("html", "lang") == lang
        assert tab.inner_text("#search-button") == button
        assert tab.inner_text("#summary") == summary
        assert region in tab.locator("#region option").all_inner_texts()
        assert region in tab.inner_text("#region-chart")  # chart labels too
        only_the_app(tab, site["base"])
    finally:
        tab.context.close()


def test_the_language_switch_is_remembered(browser: Any, site: dict[str, Any]) -> None:
    tab = open_page(browser, site["now"], locale="en-US")
    try:
        tab.goto(site["base"] + "/")
        wait(tab)
        tab.click("nav.languages a[hreflang='ru']")
        wait(tab)
        assert tab.get_attribute("html", "lang") == "ru"
        tab.goto(site["base"] + "/")
        wait(tab)
        assert tab.get_attribute("html", "lang") == "ru"
    finally:
        tab.context.close()


def test_search_filters_stories_and_marks(page: Any, site: dict[str, Any]) -> None:
    page.goto(site["base"] + "/")
    wait(page)
    assert len(titles(page)) == STORIES
    # Without words the summary does not speak of words.
    assert "every word" not in page.inner_text("#summary")

    page.uncheck("#cross_language")
    page.fill("#q", "алаяқтардың")
    rerun(page, lambda: page.click("#search-button"))
    shown = titles(page)
    assert len(shown) == 2 and all("алаяқ" in t for t in shown)
    assert page.inner_text("#summary") == "Stories with every word: 2, shown: 2."
    assert page.is_hidden("#also")
    # Searched words and tag evidence never look alike.
    hit = page.locator("#results mark.hit").first
    evidence = page.locator("#results .evidence").first
    assert hit.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(253, 230, 138)"
    assert evidence.evaluate("e => getComputedStyle(e).backgroundColor") == "rgba(0, 0, 0, 0)"
    assert "dotted" in evidence.evaluate("e => getComputedStyle(e).textDecorationStyle")

    # Cross-language on: the Russian articles too, and the page says what it added.
    rerun(page, lambda: page.check("#cross_language"))
    assert len(titles(page)) > 2
    assert "мошенник" in page.inner_text("#also")

    # One row per story: the pyramid story once, with its outlets and languages.
    page.fill("#q", "пирамида")
    page.select_option("#region", "karaganda")
    rerun(page, lambda: page.click("#search-button"))
    assert len(titles(page)) == 1
    assert "3 articles, kk+ru" in page.inner_text("#results .story-note")
    rerun(page, lambda: page.uncheck("#stories"))
    assert len(titles(page)) == 3
    only_the_app(page, site["base"])


def test_presets_filters_and_analytics(page: Any, site: dict[str, Any]) -> None:
    page.goto(site["base"] + "/?topic=fraud")
    wait(page)
    rerun(page, lambda: page.click("button.preset[data-days='7']"))
    # The page's clock is the seed's instant, not the machine's.
    assert abs(page.evaluate("Date.now()") - site["now"].timestamp() * 1000) < 1
    today = site["now"].date()
    assert page.input_value("#until") == today.isoformat()
    assert page.input_value("#since") == (today - timedelta(days=7)).isoformat()
    assert all("Шымкентте" not in t for t in titles(page))  # 40 days old
    rerun(page, lambda: page.select_option("#lang", "kk"))
    assert titles(page) and all(t for t in titles(page))
    rerun(page, lambda: page.select_option("#source", "zakon_kz"))
    assert "zakon_kz" in page.url and "lang=kk" in page.url
    rerun(page, lambda: page.click("button.preset[data-days='']"))
    assert page.input_value("#since") == ""

    # Daily trend with the year on the axis; bars per region and source; a compared query.
    rerun(page, lambda: page.select_option("#period", "day"))
    axis = " ".join(page.locator("#trend-chart text.axis").all_text_contents())
    assert str(today.year) in axis or str(today.year - 1) in axis
    assert page.locator("#source-chart .bar-list li").count() >= 1
    page.fill("#compare", "ОПГ")
    rerun(page, lambda: page.press("#compare", "Enter"))
    assert page.locator("#trend-chart polyline.series-compare").count() == 1
    assert "ОПГ" in page.inner_text("#trend-chart .legend")
    only_the_app(page, site["base"])


def test_an_error_clears_the_old_results(page: Any, site: dict[str, Any]) -> None:
    page.goto(site["base"] + "/")
    wait(page)
    assert titles(page)
    page.fill("#q", "-алаяқ")
    rerun(page, lambda: page.click("#search-button"))
    assert page.is_visible("#error") and "only excludes" in page.inner_text("#error")
    assert titles(page) == [] and page.inner_text("#summary") == ""
    assert page.locator("#trend-chart svg").count() == 0 and page.is_hidden("#exports")


def test_exports_and_saved_searches_from_the_page(page: Any, site: dict[str, Any]) -> None:
    page.goto(site["base"] + "/?topic=fraud&ui=en")
    wait(page)
    assert page.is_visible("#exports")
    assert "Export all 8 matching articles" in page.inner_text("#export-count")
    href = page.get_attribute("#export-csv", "href")
    assert href.startswith("/api/export?") and "format=csv" in href and "topic=fraud" in href
    response = page.request.get(site["base"] + href)
    assert response.status == 200 and response.headers["x-total-count"] == "8"
    assert len(response.text().strip().splitlines()) == 9  # header + every article

    page.fill("#save-name", "Fraud desk")
    page.fill("#save-email", "desk@example.kz")
    page.click("#save-button")
    page.wait_for_selector("#saved-list li")
    saved = page.locator("#saved-list li")
    assert "Fraud desk" in saved.inner_text()
    # Pause: shown paused, with the moment; resume: active again, alerts from now on.
    expect(saved.locator("button.toggle")).to_have_text("Pause")
    saved.locator("button.toggle").click()
    expect(saved).to_have_class("saved paused")
    expect(saved.locator(".paused-badge")).to_contain_text("Paused since ")
    expect(saved.locator("button.toggle")).to_have_text("Resume")
    saved.locator("button.toggle").click()
    expect(saved).to_have_class("saved")
    expect(saved.locator(".paused-badge")).to_have_count(0)
    expect(saved.locator(".alerts-from")).to_contain_text("Alerts from ")
    saved.locator("button.delete").click()
    expect(page.locator("#saved-list li")).to_have_count(0)
    only_the_app(page, site["base"])


def test_saved_searches_pause_in_kazakh_and_errors_speak_kazakh(
    browser: Any, site: dict[str, Any],
) -> None:
    tab = open_page(browser, site["now"], locale="kk-KZ")
    try:
        tab.goto(site["base"] + "/?topic=fraud")
        wait(tab)
        # A saved search without a channel: the API's refusal, shown in Kazakh.
        tab.fill("#save-name", "Алаяқтық")
        tab.click("#save-button")
        expect(tab.locator("#save-status")).to_have_text(
            "хабарламаларды қайда жіберу керегін көрсетіңіз: e-mail мекенжайы немесе webhook")
        tab.fill("#save-email", "desk@example.kz")
        tab.click("#save-button")
        saved = tab.locator("#saved-list li")
        expect(saved).to_have_count(1)
        saved.locator("button.toggle").click()
        expect(saved.locator(".paused-badge")).to_contain_text("бастап тоқтатылған")
        expect(saved.locator("button.toggle")).to_have_text("Жалғастыру")
        saved.locator("button.delete").click()
        expect(saved).to_have_count(0)
        # A search Dozor cannot read: the reason in Kazakh in the error box.
        tab.fill("#q", "-алаяқ")
        rerun(tab, lambda: tab.click("#search-button"))
        expect(tab.locator("#error")).to_have_text(
            "сұрау тек сөздерді алып тастайды; іздеу үшін кемінде бір сөз жазыңыз")
        # The browser logs each refused request; nothing else went wrong.
        tab.problems = [p for p in tab.problems if "status of 400 (Bad Request)" not in p]
        only_the_app(tab, site["base"])
    finally:
        tab.context.close()


def test_the_article_view(page: Any, site: dict[str, Any]) -> None:
    story = site["ids"]["story_ru_afm_pyramid"]
    page.goto(site["base"] + f"/article/{story}?ui=ru")
    wait(page)
    assert "АФМ закрыло" in page.inner_text("#title")
    assert page.locator("#body .evidence").count() >= 2
    assert page.locator("#body sup.rule-ref").count() >= 2
    assert "fraud.article:217" in page.inner_text("#rules")
    assert "ҚМА Қарағандыда" in page.inner_text("#language-versions")
    assert "Tengrinews" in page.inner_text("#other-outlets")
    assert "Карагандинская область" in page.inner_text("#facts")
    page.click("#show-archive")
    frame = page.wait_for_selector("#archive-frame iframe")
    assert frame.get_attribute("sandbox") == ""
    page.wait_for_timeout(300)
    inner = frame.content_frame()
    assert inner is not None and "Архив" in inner.inner_text("body")
    # The archived page's script never ran, its tracker image was refused by the browser.
    assert inner.evaluate("document.title") != "pwned"
    assert page.blocked == ["https://tracker.example/x.gif"]
    sandboxed = [p for p in page.problems if f"/archive/{story}" in p]
    assert any("sandboxed" in p and "allow-scripts" in p for p in sandboxed)
    page.problems = [p for p in page.problems if p not in sandboxed
                     and "tracker.example" not in p]
    only_the_app(page, site["base"])


def test_readable_on_a_phone(browser: Any, site: dict[str, Any]) -> None:
    tab = open_page(browser, site["now"], locale="kk-KZ", viewport={"width": 390, "height": 844},
                    is_mobile=True, has_touch=True)
    try:
        tab.goto(site["base"] + "/?topic=fraud")
        wait(tab)
        overflow = tab.evaluate("document.documentElement.scrollWidth"
                                " - document.documentElement.clientWidth")
        assert overflow <= 0
        box = tab.locator("#search-button").bounding_box()
        assert box is not None and box["width"] > 300  # full-width button
        size = tab.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert size >= 16
    finally:
        tab.context.close()
