"""actorstance: who takes which side on which issue, from news sentences.

Exports resolve lazily (PEP 562) so `import actorstance` and the CLI's `--help` do not pay for
importing torch and transformers.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_EXPORTS = {
    "StanceExample": "actorstance.data.schema",
    "Prediction": "actorstance.data.schema",
    "LABELS": "actorstance.data.schema",
    "load_examples": "actorstance.data.readers",
    "write_examples": "actorstance.data.writers",
    "StanceClassifier": "actorstance.model.classifier",
    "TrainConfig": "actorstance.training.config",
    "fine_tune": "actorstance.training.trainer",
    "cross_validate": "actorstance.training.crossval",
    "evaluate": "actorstance.eval.report",
    "Report": "actorstance.eval.report",
    "analyze_articles": "actorstance.eval.analyze",
    "ActorstanceError": "actorstance.errors",
    "InputError": "actorstance.errors",
    "ModelFolderError": "actorstance.errors",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'actorstance' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from actorstance.data.readers import load_examples
    from actorstance.data.schema import LABELS, Prediction, StanceExample
    from actorstance.data.writers import write_examples
    from actorstance.errors import ActorstanceError, InputError, ModelFolderError
    from actorstance.eval.analyze import analyze_articles
    from actorstance.eval.report import Report, evaluate
    from actorstance.model.classifier import StanceClassifier
    from actorstance.training.config import TrainConfig
    from actorstance.training.crossval import cross_validate
    from actorstance.training.trainer import fine_tune
