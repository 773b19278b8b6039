"""The disk of the WARC evidence archive is full: articles are stored, the run says what is
missing, a re-run stores nothing twice.

Two ways to fill a disk: RLIMIT_FSIZE on the `dozor collect` process tree (no file it writes may
grow past 6 kB: EFBIG, works unprivileged and everywhere) and, where the test may mount one (root
on Linux), a 64 kB tmpfs as DOZOR_DATA_DIR (ENOSPC, the real thing). PostgreSQL is not affected:
it is another process, on another disk.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.faults.conftest import FaultSite, adds_up, runs_by_source, stored_urls
from tests.faults.harness import Finished, Processes, processes, query
from tests.faults.matrix import fault
from tests.faults.site import ARTICLES_PER_SITE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dozor(fault_env: dict[str, str]) -> Iterator[Processes]:
    with processes(fault_env) as tracker:
        yield tracker


@contextmanager
def tmpfs() -> Iterator[Path | None]:
    """A 64 kB tmpfs, or None where mounting is not allowed."""
    mount = Path(tempfile.mkdtemp(prefix="dozor-full-"))
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        mount.rmdir()
        yield None
        return
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)
        mount.rmdir()


def _assert_stored_without_some_evidence(dozor: Processes, done: Finished, source_id: str,
                                         error: str) -> None:
    [run] = runs_by_source(dozor.env["DATABASE_URL"])[source_id]
    assert (done.returncode, run["status"]) == (0, "partial"), done
    assert "responses not archived (disk full?" in run["reason"]
    [archive] = [e for e in run["errors"] if e["kind"] == "archive"]
    assert archive["message"].startswith("not archived:") and error in archive["message"]
    assert run["new"] == ARTICLES_PER_SITE and adds_up(run)
    missing = query(dozor.env["DATABASE_URL"], "SELECT count(*) FROM articles WHERE source_id"
                    " = %s AND warc_record IS NULL", source_id)
    assert missing[0][0] >= 1  # stored, without archived evidence


def _rerun_stores_nothing_twice(dozor: Processes, source_id: str, **env: str) -> None:
    rerun = dozor.run("collect", "--source", source_id, **env)
    assert rerun.returncode == 0, rerun
    assert runs_by_source(dozor.env["DATABASE_URL"])[source_id][-1]["status"] == "ok"
    host = source_id.removeprefix("fault_").replace("_", "-")
    assert stored_urls(dozor.env["DATABASE_URL"], source_id) == sorted(
        f"https://{host}.faults.invalid/news/{n}.html" for n in range(1, ARTICLES_PER_SITE + 1))


@fault("the WARC archive's disk is full (a file-size limit: EFBIG)",
       "articles stored all the same; run `partial`, reason “N responses not archived (disk"
       " full? …)”, errors: archive: “not archived: [Errno 27] File too large”; exit 0",
       "free space under DOZOR_DATA_DIR; the articles stored meanwhile have no archived page"
       " (`warc_record` NULL)")
def test_a_full_archive_disk_leaves_articles_stored_and_the_run_partial(
    dozor: Processes, fault_site: FaultSite,
) -> None:
    done = dozor.run("collect", "--source", "fault_warc", file_size_limit=6000)
    _assert_stored_without_some_evidence(dozor, done, "fault_warc", "File too large")
    _rerun_stores_nothing_twice(dozor, "fault_warc")


@fault("the WARC archive's disk is full (a tmpfs of 64 kB: ENOSPC)",
       "as above, with “No space left on device”", "free space under DOZOR_DATA_DIR")
def test_a_full_tmpfs_for_the_archive_leaves_articles_stored_and_the_run_partial(
    dozor: Processes,
) -> None:
    with tmpfs() as mount:
        if mount is None:
            pytest.skip("cannot mount a tmpfs here (not root): the RLIMIT_FSIZE case covers it")
        (mount / "ballast").write_bytes(b"\0" * (60 * 1024))  # almost full already
        done = dozor.run("collect", "--source", "fault_warc_tmpfs", DOZOR_DATA_DIR=str(mount))
        _assert_stored_without_some_evidence(dozor, done, "fault_warc_tmpfs",
                                             "No space left on device")
        (mount / "ballast").unlink()
        _rerun_stores_nothing_twice(dozor, "fault_warc_tmpfs", DOZOR_DATA_DIR=str(mount))
