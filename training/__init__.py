"""Fine-tuning and cross-validation. Exports resolve lazily so `TrainConfig` (used by the CLI to
show its defaults) does not import torch."""
from __future__ import annotations

import importlib

_EXPORTS = {
    "TrainConfig": "actorstance.training.config",
    "fine_tune": "actorstance.training.trainer",
    "cross_validate": "actorstance.training.crossval",
    "CrossValidation": "actorstance.training.crossval",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'actorstance.training' has no attribute {name!r}")
