"""How a run is judged and explained: its status from what it stored, its one-line reason."""

from __future__ import annotations

import signal
from typing import Any

from storage.runs import CrawlRun

# Statuses after which `dozor collect` exits 1: the source was not read.
FAILED_STATUSES = ("failed", "timeout", "killed", "lost")


# How Scrapy closes a spider that read everything it was to read; Dozor's own early closings
# (a lost lease, a dead runner) have their own endings.
FINISHED = "finished"


def ended_early(report: dict[str, Any] | None) -> str | None:
    """The crawl's finish reason when it is not 'finished' (start_error, closespider_…)."""
    reason = (report or {}).get("finish_reason")
    return str(reason) if reason and reason != FINISHED else None


def judge_run(counts: dict[str, int], exit_code: int | None, ending: str | None,
              early: str | None = None) -> str:
    """A run's status from what it stored and reported, not from the crawler's exit code."""
    if ending in ("timeout", "lost"):
        return ending
    if ending == "stopped" or (exit_code is not None and exit_code < 0):
        return "killed"
    read = sum(counts.get(k, 0) for k in ("new", "updated", "unchanged", "skipped"))
    trouble = sum(counts.get(k, 0) for k in ("failed", "rejected", "discovery_failed"))
    if exit_code not in (0, None) or early:
        return "partial" if read else "failed"
    if trouble == 0:
        return "ok"
    # Links read (stored, or known already) while others failed: the site was read, in part.
    return "partial" if read else "failed"


def ending_detail(
    ending: str | None, exit_code: int | None, limit: int, lost: str | None,
    report: dict[str, Any] | None, stderr_tail: str,
) -> str | None:
    """What the runner saw of how the crawl ended, when that is news to the operator."""
    if ending == "timeout":
        return f"stopped after {limit} s"
    if ending == "stopped":
        return "stopped: the scheduler shut down"
    if ending == "lost":
        return f"lost its lease: {lost}; the crawl was stopped"
    if exit_code is not None and exit_code < 0:
        name = signal.Signals(-exit_code).name
        why = " (kill -9, or the out-of-memory killer)" if name == "SIGKILL" else ""
        return f"the crawl process was killed by {name}{why}"
    if report is None:
        return f"crawl exited {exit_code} without a report: {stderr_tail[-300:]}"
    early = ended_early(report)
    if early:
        return f"the crawl ended early ({early}): not everything was read"
    return None


def run_reason(run: CrawlRun, detail: str | None) -> str | None:
    """One line for the operator on a run that is not 'ok': why, and what was kept."""
    if run.status == "ok":
        return None
    kept = f"{run.new} new and {run.updated} updated articles kept"
    unsettled = next((e["message"].split(" ")[0] for e in run.errors
                      if e.get("kind") == "unfinished"), None)
    if unsettled:
        kept += f"; {unsettled} links left for the next run"
    if detail:
        return f"{detail}; {kept}"
    first = next((e for e in run.errors if e.get("kind") not in ("runner", "unfinished")), None)
    troubles = []
    failed = run.failed + run.rejected - run.soft_404
    if failed:
        troubles.append(f"{failed} of {run.found} article links failed")
    if run.soft_404:
        troubles.append(f"{run.soft_404} of {run.found} article links were soft-404s (a not-found"
                        " page or a redirect home: removed or wrong URLs, not stored)")
    if run.discovery_failed:
        troubles.append(f"{run.discovery_failed} feeds, sitemaps or listing pages failed")
    why = ", ".join(troubles) or "nothing could be read"
    if first:
        url = f" ({first['url']})" if first.get("url") else ""
        why += f"; first: {first.get('kind')}: {first.get('message')}{url}"
    return f"{why}; {kept}"


def store_refused(run: CrawlRun | None) -> bool:
    """Whether the database refused some of a run's writes (down, full or read-only)."""
    return run is not None and any(e.get("kind") == "store" for e in run.errors)
