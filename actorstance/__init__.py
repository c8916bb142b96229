"""actorstance: who takes which side on which issue, from news sentences.

Exports resolve lazily (actorstance/lazy.py) so `import actorstance` and the CLI's `--help` do
not pay for importing torch and transformers.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from actorstance.lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "StanceExample": "actorstance.data.schema",
    "Prediction": "actorstance.data.schema",
    "LABELS": "actorstance.data.schema",
    "load_examples": "actorstance.data.readers",
    "write_examples": "actorstance.data.writers",
    "StanceClassifier": "actorstance.model.classifier",
    "predict_file": "actorstance.model.batch",
    "export_model": "actorstance.model.export",
    "TrainConfig": "actorstance.training.config",
    "fine_tune": "actorstance.training.trainer",
    "train_and_save": "actorstance.training.pipeline",
    "cross_validate": "actorstance.training.crossval",
    "evaluate": "actorstance.eval.report",
    "Report": "actorstance.eval.report",
    "analyze_articles": "actorstance.analysis.analyze",
    "AliasTable": "actorstance.analysis.mentions",
    "ActorstanceError": "actorstance.errors",
    "ConfigError": "actorstance.errors",
    "InputError": "actorstance.errors",
    "ModelFolderError": "actorstance.errors",
}

__all__ = sorted(_EXPORTS) + ["__version__"]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from actorstance.analysis.analyze import analyze_articles
    from actorstance.analysis.mentions import AliasTable
    from actorstance.data.readers import load_examples
    from actorstance.data.schema import LABELS, Prediction, StanceExample
    from actorstance.data.writers import write_examples
    from actorstance.errors import ActorstanceError, ConfigError, InputError, ModelFolderError
    from actorstance.eval.report import Report, evaluate
    from actorstance.model.batch import predict_file
    from actorstance.model.classifier import StanceClassifier
    from actorstance.model.export import export_model
    from actorstance.training.config import TrainConfig
    from actorstance.training.crossval import cross_validate
    from actorstance.training.pipeline import train_and_save
    from actorstance.training.trainer import fine_tune
