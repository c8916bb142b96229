"""Fine-tuning and cross-validation. Exports resolve lazily so `TrainConfig` (used by the CLI to
show its defaults) does not import torch."""
from __future__ import annotations

from actorstance.lazy import lazy_exports

_EXPORTS = {
    "TrainConfig": "actorstance.training.config",
    "fine_tune": "actorstance.training.trainer",
    "train_and_save": "actorstance.training.pipeline",
    "cross_validate": "actorstance.training.crossval",
    "CrossValidation": "actorstance.training.crossval",
    "measure_learning_curve": "actorstance.training.learning_curve",
    "LearningCurve": "actorstance.training.learning_curve",
}
__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
