"""The stance model: input template, classifier, backends, saved-folder format. Exports resolve
lazily so the ONNX path (`backends`, `onnx_backend`) never imports torch."""
from __future__ import annotations

from actorstance.lazy import lazy_getattr

_EXPORTS = {
    "InputTemplate": "actorstance.model.template",
    "StanceClassifier": "actorstance.model.classifier",
    "OnnxStanceClassifier": "actorstance.model.onnx_backend",
    "load_predictor": "actorstance.model.backends",
    "predict_file": "actorstance.model.batch",
}
__all__ = sorted(_EXPORTS)

__getattr__ = lazy_getattr("actorstance.model", _EXPORTS)
