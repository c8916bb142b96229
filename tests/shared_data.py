"""The project's shared folder in tests: found the way the library finds it (data/shared.py,
ACTORSTANCE_SHARED or `shared/` beside the repository), and a visible skip naming what is missing."""
from __future__ import annotations

from pathlib import Path

import pytest

from actorstance.data.shared import DEFAULT, shared_path


def shared_or_skip(*parts: str) -> Path:
    """The path under the shared folder; the test is skipped, saying which path, where it is absent."""
    path = shared_path(*parts)
    if path is None:
        pytest.skip(f"shared/{'/'.join(parts)} not found (looked in ACTORSTANCE_SHARED or {DEFAULT})")
    return path
