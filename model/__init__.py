"""The stance model: input template, classifier, backends, saved-folder format. Exports resolve
lazily so the ONNX path (`backends`, `onnx_backend`) never imports torch."""
from __future__ import annotations

from actorstance.lazy import lazy_exports

_EXPORTS = {
    "InputTemplate": "actorstance.model.template",
    "StanceClassifier": "actorstance.model.classifier",
    "OnnxStanceClassifier": "actorstance.model.onnx_backend",
    "load_predictor": "actorstance.model.backends",
    "predict_file": "actorstance.model.batch",
    "export_model": "actorstance.model.export",
    "list_backbones": "actorstance.model.backbone",
}
__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
