"""Lazy package exports (PEP 562), so importing a package does not import torch until a name
that needs it is used: the CLI's `--help` and the ONNX prediction path stay light."""
from __future__ import annotations

import importlib
from typing import Callable


def lazy_getattr(package: str, exports: dict[str, str]) -> Callable[[str], object]:
    """A module `__getattr__` resolving each exported name from its module on first use."""
    def __getattr__(name: str):
        if name in exports:
            return getattr(importlib.import_module(exports[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    return __getattr__
