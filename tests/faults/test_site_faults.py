"""Sites that cannot be read: a real `dozor collect` against the fault site, then a re-run.

Phase 1: `dozor collect` of the sources whose every way in is broken (robots.txt, feeds,
sitemaps, a listing, a JSON API; tests/faults/cases.py), of a site that is down, and of a host
whose name does not resolve. Each run must be recorded 'failed' with the reason and URL of each
broken document, and `dozor collect` must exit 1. Phase 2: the sites are healthy again; one
re-run stores every article exactly once.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.faults.cases import GROUPS, Fault, article_urls
from tests.faults.conftest import FaultSite, adds_up, runs_by_source, stored_urls
from tests.faults.harness import Finished, processes
from tests.faults.matrix import fault
from tests.faults.site import ARTICLES_PER_SITE

FAILING = ("fault_robots", "fault_discovery")
SITE_FAULTS = [f for source in FAILING for f in GROUPS[source]]
HEALTHY_LATER = ("fault_down", "fault_dns")


@dataclass(frozen=True)
class Phases:
    """What the operator saw in each phase."""

    broken: Finished  # collect of the failing sources
    down: Finished  # collect with the site's server down
    dns: Finished  # collect with no way to resolve the host
    runs: dict[str, list[dict[str, Any]]]  # after phase 1
    rerun: Finished
    runs_after: dict[str, list[dict[str, Any]]]
    stored: dict[str, list[str]]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def phases(fault_env: dict[str, str], fault_site: FaultSite) -> Iterator[Phases]:
    url = fault_env["DATABASE_URL"]
    with processes(fault_env) as dozor:
        broken = dozor.run("collect", *(a for s in FAILING for a in ("--source", s)))
        down = dozor.run("collect", "--source", "fault_down",
                         DOZOR_SITE_MIRROR=f"http://127.0.0.1:{_closed_port()}")
        # No mirror: the fault hosts are real names under .invalid, which never resolve.
        dns = dozor.run("collect", "--source", "fault_dns", DOZOR_SITE_MIRROR="")
        runs = runs_by_source(url)
        fault_site.phase(2)
        everything = (*FAILING, *HEALTHY_LATER)
        rerun = dozor.run("collect", *(a for s in everything for a in ("--source", s)))
    yield Phases(broken, down, dns, runs, rerun, runs_by_source(url),
                 {s: stored_urls(url, s) for s in everything})


@pytest.mark.parametrize("case", SITE_FAULTS, ids=[f.id for f in SITE_FAULTS])
def test_a_broken_way_in_ends_in_a_failed_run_naming_the_url_and_the_reason(
    phases: Phases, case: Fault,
) -> None:
    [run] = phases.runs[case.source_id]
    assert run["status"] == case.status == "failed"
    assert phases.broken.returncode == case.exit_code == 1
    assert phases.broken.line(case.source_id)[:3] == [case.source_id, "failed", "0"]
    mine = [e for e in run["errors"] if e["url"].startswith(case.url)]
    assert [e["kind"] for e in mine] == [case.kind], run["errors"]
    assert case.reason in mine[0]["message"]
    assert run["reason"] and "feeds, sitemaps or listing pages failed" in run["reason"]
    assert adds_up(run) and run["discovery_failed"] == len(GROUPS[case.source_id])
    assert "Traceback" not in phases.broken.stderr


def test_nothing_an_external_entity_points_at_is_read(phases: Phases) -> None:
    assert not any("root:" in e["message"] for runs in phases.runs.values()
                   for run in runs for e in run["errors"])


@fault("the site is down (connection refused)",
       "run `failed`, `dozor collect` exits 1; reason “robots.txt unreachable (… Connection"
       " refused …)”; the offline hint", "nothing if it is passing; else check the site")
def test_a_site_that_is_down_fails_its_run_with_connection_refused(phases: Phases) -> None:
    [run] = phases.runs["fault_down"]
    assert (run["status"], phases.down.returncode) == ("failed", 1)
    assert "robots.txt unreachable" in run["reason"] and "refused" in run["reason"]
    assert "No source could be read. Offline?" in phases.down.stdout
    assert adds_up(run)


@fault("DNS failure: the site's name does not resolve",
       "run `failed`, `dozor collect` exits 1; reason “robots.txt unreachable (… DNS lookup"
       " failed …)”", "check the machine's DNS, or the source's host name")
def test_a_host_that_does_not_resolve_fails_its_run_with_the_dns_error(phases: Phases) -> None:
    [run] = phases.runs["fault_dns"]
    assert (run["status"], phases.dns.returncode) == ("failed", 1)
    assert "robots.txt unreachable (" in run["reason"] and "DNS lookup" in run["reason"]
    assert adds_up(run)


@fault("the spider cannot start from a source's declaration (a feed URL without a scheme)",
       "run `partial`, `dozor collect` exits 0; reason “the crawl ended early (start_error)”;"
       " its errors: discovery: “could not start: … Missing scheme …”; the first feed's"
       " articles stored", "fix the source's declaration (crawler/sources/)")
def test_a_crawl_whose_start_raises_is_not_judged_ok(
    fault_env: dict[str, str], fault_site: FaultSite,
) -> None:
    with processes(fault_env) as dozor:
        done = dozor.run("collect", "--source", "fault_start")
    [run] = runs_by_source(fault_env["DATABASE_URL"])["fault_start"]
    assert (run["status"], done.returncode) == ("partial", 0), run
    assert "the crawl ended early (start_error)" in run["reason"]
    [start] = [e for e in run["errors"] if e["kind"] == "discovery"]
    assert "could not start" in start["message"] and "Missing scheme" in start["message"]
    assert run["new"] == ARTICLES_PER_SITE and adds_up(run)
    assert len(stored_urls(fault_env["DATABASE_URL"], "fault_start")) == ARTICLES_PER_SITE


@pytest.mark.parametrize("source_id", [*FAILING, *HEALTHY_LATER])
def test_once_the_sites_are_healthy_a_rerun_stores_every_article_exactly_once(
    phases: Phases, source_id: str,
) -> None:
    assert phases.rerun.returncode == 0, phases.rerun
    last = phases.runs_after[source_id][-1]
    assert last["status"] == "ok" and adds_up(last)
    if source_id in HEALTHY_LATER:
        host = source_id.removeprefix("fault_")
        expected = {f"https://{host}.faults.invalid/news/{n}.html"
                    for n in range(1, ARTICLES_PER_SITE + 1)}
    else:
        expected = article_urls(source_id)
    assert sorted(phases.stored[source_id]) == sorted(expected)
