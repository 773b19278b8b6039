"""Where the third parties' texts in `shared/` are, for the tests that read them (never copied).

Looked up in `DOZOR_SHARED_DIR`, then beside the project (`../shared`), then at /work/shared
(the development machines). A test that needs them calls `shared_path(...)`, which skips with
a message saying how to provide them when they are absent, as on a user's fresh clone.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path | None:
    """The shared folder if one of the known places has it, else None."""
    candidates = [os.environ.get("DOZOR_SHARED_DIR"), PROJECT_ROOT.parent / "shared",
                  "/work/shared"]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def shared_path(*parts: str) -> Path:
    """A path under the shared folder, or skip the calling test with a clear message."""
    base = shared_dir()
    path = base.joinpath(*parts) if base else None
    if path is None or not path.exists():
        pytest.skip(f"shared data {'/'.join(parts)!r} not found: set DOZOR_SHARED_DIR to the "
                    "folder holding seeds/, tagging-dev/ and benchmarks/")
    return path
