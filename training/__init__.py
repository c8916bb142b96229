"""Fine-tuning and cross-validation. Exports resolve lazily so `TrainConfig` (used by the CLI to
show its defaults) does not import torch."""
from __future__ import annotations

from actorstance.lazy import lazy_getattr

_EXPORTS = {
    "TrainConfig": "actorstance.training.config",
    "fine_tune": "actorstance.training.trainer",
    "cross_validate": "actorstance.training.crossval",
    "CrossValidation": "actorstance.training.crossval",
}
__all__ = sorted(_EXPORTS)

__getattr__ = lazy_getattr("actorstance.training", _EXPORTS)
