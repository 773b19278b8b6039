"""The daily digest: yesterday's (Asia/Almaty) fraud and OCG articles by topic and region, as
Markdown and HTML, and its delivery hook."""

from __future__ import annotations

import re
import sys
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from jobs.cli import dozor
from serve.digest import DigestDeliveryError
from tests.analyst_seed import SEED, seed_now


def title(key: str) -> str:
    return next(s.title for s in SEED if s.key == key)


def run_digest(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(dozor, ["digest", *args], env={"DOZOR_UI_LANG": "en", **env})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_yesterdays_digest_in_markdown(database_url: str, seeded: dict[str, int]) -> None:
    code, out, _ = run_digest({"DATABASE_URL": database_url})
    assert code == 0
    yesterday = (seed_now() - timedelta(days=1)).date()
    assert out.startswith(f"# Dozor digest, {yesterday.isoformat()} (Asia/Almaty)\n")
    assert "Stories: 3 (articles: 3). Fraud 2, Organized crime 1." in out
    fraud, ocg = out.split("## Fraud (2)")[1].split("## Organized crime (1)")
    assert "### Karaganda Region (2)" in fraud
    assert title("kk_phone_karaganda") in fraud and title("ru_phone_karaganda") in fraud
    assert "### Almaty (1)" in ocg and title("ru_ocg_almaty") in ocg
    assert "(<https://example.test/ru_ocg_almaty.html>)" in ocg
    # Not yesterday's, or not fraud/OCG: left out.
    for key in ("ru_sport_almaty", "kk_ocg_almaty", "ru_internet_noregion"):
        assert title(key) not in out


def test_an_older_day_and_a_quiet_day(database_url: str, seeded: dict[str, int]) -> None:
    three_days_ago = (seed_now() - timedelta(days=3)).date().isoformat()
    _, out, _ = run_digest({"DATABASE_URL": database_url}, "--date", three_days_ago)
    assert "Stories: 1 (articles: 1). Fraud 0, Organized crime 1." in out
    assert title("kk_ocg_almaty") in out and "(zakon_kz" not in out
    _, quiet, _ = run_digest({"DATABASE_URL": database_url}, "--date", "2020-01-01")
    assert "No new fraud or organized-crime stories that day." in quiet


class _Collect(HTMLParser):
    """Headings and links of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, str] = {}
        self.headings: list[str] = []
        self._tag: str | None = None
        self._href = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag, self._href = tag, dict(attrs).get("href") or ""

    def handle_data(self, data: str) -> None:
        if self._tag == "a" and data.strip():
            self.links[data.strip()] = self._href
        elif self._tag in ("h1", "h2", "h3") and data.strip():
            self.headings.append(data.strip())

    def handle_endtag(self, tag: str) -> None:
        self._tag = None


def test_html_digest_to_a_file(
    database_url: str, seeded: dict[str, int], tmp_path: Path
) -> None:
    target = tmp_path / "digest.html"
    code, _, err = run_digest({"DATABASE_URL": database_url}, "--format", "html",
                              "--output", str(target))
    assert code == 0 and "(3 stories) written to" in err
    page = _Collect()
    page.feed(target.read_text(encoding="utf-8"))
    assert page.headings[1:] == ["Fraud (2)", "Karaganda Region (2)", "Organized crime (1)",
                                 "Almaty (1)"]
    assert page.links[title("ru_phone_karaganda")] == "https://example.test/ru_phone_karaganda.html"


def test_delivery_hook_gets_the_file(
    database_url: str, seeded: dict[str, int], tmp_path: Path
) -> None:
    received = tmp_path / "received.txt"
    hook = tmp_path / "hook.py"
    hook.write_text("import pathlib, sys\n"
                    f"pathlib.Path({str(received)!r}).write_text(sys.argv[1])\n")
    env = {"DATABASE_URL": database_url, "DOZOR_DATA_DIR": str(tmp_path / "data"),
           "DOZOR_DIGEST_HOOK": f"{sys.executable} {hook}"}
    code, out, err = run_digest(env)
    assert code == 0 and out == ""
    delivered = Path(received.read_text())
    assert delivered.parent == tmp_path / "data" / "digests"
    assert delivered.read_text(encoding="utf-8").startswith("# Dozor digest, ")
    assert "delivered with" in err


def test_a_failing_hook_is_an_error_with_its_message(
    database_url: str, seeded: dict[str, int], tmp_path: Path
) -> None:
    hook = tmp_path / "fail.py"
    hook.write_text("import sys\nprint('smtp refused', file=sys.stderr)\nsys.exit(3)\n")
    env = {"DATABASE_URL": database_url, "DOZOR_DATA_DIR": str(tmp_path / "data"),
           "DOZOR_DIGEST_HOOK": f"{sys.executable} {hook}"}
    with pytest.raises(DigestDeliveryError, match="exited with 3: smtp refused"):
        run_digest(env)


def test_a_day_only_date_is_listed_without_a_time(
    database_url: str, seeded: dict[str, int],
) -> None:
    # A source that printed only the day: stored at Almaty midnight with precision "day",
    # never shown as "00:00".
    article = seeded["ru_ocg_almaty"]
    with psycopg.connect(database_url, autocommit=True) as conn:
        before = conn.execute("SELECT published_at FROM articles WHERE id = %s",
                              (article,)).fetchone()
        conn.execute(
            "UPDATE articles SET published_precision = 'day', published_at = date_trunc('day',"
            " published_at AT TIME ZONE 'Asia/Almaty') AT TIME ZONE 'Asia/Almaty' WHERE id = %s",
            (article,))
        try:
            _, out, _ = run_digest({"DATABASE_URL": database_url})
        finally:
            conn.execute("UPDATE articles SET published_precision = NULL, published_at = %s"
                         " WHERE id = %s", (before[0] if before else None, article))
    [line] = [ln for ln in out.splitlines() if title("ru_ocg_almaty") in ln]
    assert "00:00" not in line
    [other] = [ln for ln in out.splitlines() if title("ru_phone_karaganda") in ln]
    assert re.search(r"\b\d\d:\d\d\b", other)
