"""Bad articles among good ones, and faults a crawl rides out: a real `dozor collect`, then a
re-run once the sites are healthy.

`fault_articles` lists one article per article fault (tests/faults/cases.py) and two healthy
ones: its run is 'partial', each failed or refused article is in the run's errors with its URL
and reason, and every found link has one outcome. `fault_recovering` reads feeds that answer
429 or 503 first, redirect, or come in windows-1251: its run is 'ok'.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest

from tests.e2e.mock_site import LoggedRequest, request_log
from tests.faults.cases import ARTICLE_FAULTS, ARTICLES_HOST, GROUPS, Fault, article_urls
from tests.faults.conftest import FaultSite, adds_up, runs_by_source, stored_urls
from tests.faults.harness import Finished, processes
from tests.faults.site import article_title

SOURCES = ("fault_articles", "fault_recovering")
RECOVERING = GROUPS["fault_recovering"]


@dataclass(frozen=True)
class Phases:
    first: Finished
    runs: dict[str, list[dict[str, Any]]]
    titles: dict[str, tuple[str, str]]  # url: (title, status) after phase 1
    log: list[LoggedRequest]
    rerun: Finished
    runs_after: dict[str, list[dict[str, Any]]]
    stored: dict[str, list[str]]


@pytest.fixture(scope="module")
def phases(fault_env: dict[str, str], fault_site: FaultSite) -> Iterator[Phases]:
    url = fault_env["DATABASE_URL"]
    args = [a for s in SOURCES for a in ("--source", s)]
    with processes(fault_env) as dozor:
        first = dozor.run("collect", *args)
        runs = runs_by_source(url)
        with psycopg.connect(url) as conn:
            titles = {str(u): (str(t), str(s)) for u, t, s in conn.execute(
                "SELECT url, title, status FROM articles")}
        log = request_log(fault_site.url)
        fault_site.phase(2)
        rerun = dozor.run("collect", *args)
    yield Phases(first, runs, titles, log, rerun, runs_by_source(url),
                 {s: stored_urls(url, s) for s in SOURCES})


def test_the_run_with_bad_articles_is_partial_and_adds_up(phases: Phases) -> None:
    [run] = phases.runs["fault_articles"]
    assert (run["status"], phases.first.returncode) == ("partial", 0)
    assert adds_up(run), run
    expected = {o: sum(1 for f in ARTICLE_FAULTS if f.outcome == o)
                for o in ("failed", "rejected")}
    assert (run["failed"], run["rejected"]) == (expected["failed"], expected["rejected"])
    assert run["found"] == len(ARTICLE_FAULTS) + 2
    assert "article links failed" in run["reason"]


@pytest.mark.parametrize("case", ARTICLE_FAULTS, ids=[f.id for f in ARTICLE_FAULTS])
def test_each_bad_article_is_counted_with_its_reason_and_good_ones_are_stored(
    phases: Phases, case: Fault,
) -> None:
    [run] = phases.runs["fault_articles"]
    mine = [e for e in run["errors"] if e["url"] == case.url]
    if case.outcome in ("failed", "rejected"):
        assert [e["kind"] for e in mine] == [case.kind], run["errors"]
        assert case.reason in mine[0]["message"]
        assert case.url not in phases.titles
    elif case.outcome == "stored":
        assert mine == [], mine
        title, status = phases.titles[case.url]
        if case.how == "empty":
            assert status == "empty"  # kept as a stub, asked again by the next runs
        else:
            assert (title, status) == (article_title(case.host, 1), "ok")
    else:  # one page behind two links: stored under one of them, the other skipped
        healthy = f"https://{ARTICLES_HOST}/news/1.html"
        assert len({case.url, healthy} & set(phases.titles)) == 1
        assert run["skipped"] == 1 and run["stats"]["dozor/redirect_duplicates"] == 1


def test_faults_the_crawl_rides_out_leave_an_ok_run(phases: Phases) -> None:
    [run] = phases.runs["fault_recovering"]
    assert run["status"] == "ok" and run["errors"] == [] and adds_up(run)
    for case in RECOVERING:
        for n in range(1, 4):
            url = f"https://{case.host}/news/{n}.html"
            assert phases.titles[url] == (article_title(case.host, n), "ok"), url


@pytest.mark.parametrize("host", ["feed-429.faults.invalid", "a-429.faults.invalid"])
def test_a_429_is_asked_again_only_after_its_retry_after(phases: Phases, host: str) -> None:
    asked = [r for r in phases.log if r.host == host and not r.url.endswith("robots.txt")]
    assert [r.status for r in asked[:2]] == [429, 200]
    # Arrival to arrival: the server answers at once, and its t_end is taken after the write
    # (a loaded machine can pause its thread in between).
    assert asked[1].t - asked[0].t >= 1.0


@pytest.mark.parametrize("source_id", SOURCES)
def test_once_the_sites_are_healthy_a_rerun_stores_every_article_exactly_once(
    phases: Phases, source_id: str,
) -> None:
    assert phases.rerun.returncode == 0, phases.rerun
    last = phases.runs_after[source_id][-1]
    assert last["status"] == "ok" and adds_up(last), last
    assert sorted(phases.stored[source_id]) == sorted(article_urls(source_id))
