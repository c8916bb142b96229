"""The stance model: input template, classifier, backends, saved-folder format. Exports resolve
lazily so the ONNX path (`backends`, `onnx_backend`) never imports torch."""
from __future__ import annotations

import importlib

_EXPORTS = {
    "InputTemplate": "actorstance.model.template",
    "StanceClassifier": "actorstance.model.classifier",
    "OnnxStanceClassifier": "actorstance.model.onnx_backend",
    "load_predictor": "actorstance.model.backends",
    "predict_file": "actorstance.model.batch",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'actorstance.model' has no attribute {name!r}")
