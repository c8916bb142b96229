"""Where the project's shared folder is: `shared/` beside the repository (as on the project
machines), or wherever ACTORSTANCE_SHARED points. It holds the public datasets and the raw seed
articles; users' machines may not have it, so every caller handles None."""
from __future__ import annotations

import os
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "shared"


def shared_path(*parts: str) -> Path | None:
    """The path under the shared folder, or None where it does not exist."""
    path = Path(os.environ.get("ACTORSTANCE_SHARED", DEFAULT)).joinpath(*parts)
    return path if path.exists() else None
