"""Lazy package exports (PEP 562): a package names what it exports and where each name lives,
and importing the package imports none of those modules until a name is used. That keeps
`import actorstance`, the CLI's `--help` and the ONNX prediction path free of torch,
transformers, scikit-learn and matplotlib. Every package of actorstance exports this way."""
from __future__ import annotations

import importlib
import sys
from typing import Callable


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """A module's `__getattr__` and `__dir__`: each exported name is imported from its module on
    first use and then cached in the package, so later lookups cost nothing."""
    def __getattr__(name: str):
        if name in exports:
            value = getattr(importlib.import_module(exports[name]), name)
            setattr(sys.modules[package], name, value)
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(exports)
    return __getattr__, __dir__
