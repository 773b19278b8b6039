"""Screenshots of the web page for README.md and docs/analysts.md, by the real headless Chromium.

    .venv/bin/python -m tests.screenshots [--out docs/img]

Stores the analysts' seed (tests/analyst_seed.py, stories grouped) in a scratch database on
DOZOR_TEST_DATABASE_URL / DATABASE_URL (else the embedded server), serves the app with uvicorn
and photographs the page in Kazakh and in Russian, an article view, and the page on a phone.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import psycopg

from serve.api import create_app
from storage.db import scratch_database
from tests.analyst_seed import store_seed, store_story_seed
from tests.conftest import _server_url
from tests.live_api import serve_app
from tests.test_web_browser import CHROMIUM, CHROMIUM_ARGS

SHOTS = [
    # file, path, viewport (width, height), full page
    ("workbench-kk.png", "/?ui=kk&q=алаяқтар", (1280, 900), True),
    ("workbench-ru.png", "/?ui=ru&q=мошенники", (1280, 900), True),
    ("article-ru.png", "/article/{story}?ui=ru", (1100, 900), True),
    ("phone-kk.png", "/?ui=kk&topic=fraud", (390, 844), False),
]


def take(out: Path) -> list[Path]:
    """Seed, serve, photograph; return the files written."""
    from playwright.sync_api import sync_playwright

    from storage.db import connect
    from storage.migrate import migrate

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with scratch_database(_server_url(), "dozor_shots") as url:
        with connect(url) as conn:
            migrate(conn)
        with psycopg.connect(url, autocommit=True) as conn:
            store_seed(conn)
            story = store_story_seed(conn)["story_ru_afm_pyramid"]
        with serve_app(create_app(url)) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                for name, path, (width, height), full in SHOTS:
                    # The browser's own language too: its date fields follow it.
                    locale = {"kk": "kk-KZ", "ru": "ru-RU"}["ru" if "ui=ru" in path else "kk"]
                    page = browser.new_page(viewport={"width": width, "height": height},
                                            device_scale_factor=1, locale=locale)
                    page.goto(base + path.format(story=story))
                    page.wait_for_selector("body[data-ready='true']:not(.loading)")
                    page.wait_for_timeout(300)
                    page.screenshot(path=str(out / name), full_page=full)
                    page.close()
                    written.append(out / name)
            finally:
                browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    for path in take(parser.parse_args().out):
        print(path)


if __name__ == "__main__":
    main()
