"""Write docs/sample/zakon_kz.warc.gz: one archived crawl of the saved Zakon.kz test site.

    .venv/bin/python -m tests.make_sample_warc [--output docs/sample/zakon_kz.warc.gz]

It starts the mock server of tests/fixtures/sites, crawls `zakon_kz` from it once with the
archive on, into a scratch database (on DATABASE_URL's server, else the embedded one) that is
dropped afterwards, and concatenates the run's WARC files. `dozor collect --replay` on the
result needs no network: the README's "Try it offline" uses it. Re-run it after changing the
Zakon.kz test pages; tests/test_replay.py says when the sample no longer matches them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg
from psycopg import sql

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = PROJECT_ROOT / "docs" / "sample" / "zakon_kz.warc.gz"


def build_sample(output: Path) -> int:
    """Crawl the mock Zakon.kz once and write its WARC records to `output`; return their size."""
    from crawler.config import load_config
    from crawler.sources import all_sources
    from jobs.tasks import collect
    from storage.db import resolve_database_url

    server = os.environ.get("DOZOR_TEST_DATABASE_URL") or resolve_database_url(load_config())
    name = f"dozor_sample_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    mock = subprocess.Popen([sys.executable, "-m", "tests.mockserver.server", "--port", "0"],
                            cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert mock.stdout is not None
        with tempfile.TemporaryDirectory(prefix="dozor-sample-") as data_dir:
            os.environ.update({
                "DATABASE_URL": psycopg.conninfo.make_conninfo(server, dbname=name),
                "DOZOR_SITE_MIRROR": mock.stdout.readline().strip(),
                "DOZOR_DATA_DIR": data_dir, "DOZOR_DOWNLOAD_DELAY": "0",
            })
            all_sources.cache_clear()
            [(_, outcome)] = collect(["zakon_kz"])
            if outcome.status != "ok":
                raise SystemExit(f"the sample crawl ended {outcome.status}: {outcome.message}")
            files = sorted((Path(data_dir) / "warc" / "zakon_kz").glob("*.warc.gz"))
            output.parent.mkdir(parents=True, exist_ok=True)
            # Each record is its own gzip member, so concatenated files are one valid WARC.
            output.write_bytes(b"".join(f.read_bytes() for f in files))
    finally:
        mock.terminate()
        mock.wait(timeout=10)
        from storage.db import drop_database

        drop_database(server, name)  # and its per-database roles
    return output.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.make_sample_warc")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    size = build_sample(args.output)
    print(f"wrote {args.output} ({size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
