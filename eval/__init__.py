"""Scoring, baselines, reports and plots. Exports resolve lazily (actorstance/lazy.py), so
training, which scores its dev rows, does not import matplotlib until a report is drawn."""
from __future__ import annotations

from actorstance.lazy import lazy_exports

_EXPORTS = {
    "MajorityBaseline": "actorstance.eval.baselines",
    "PerTargetNgramBaseline": "actorstance.eval.baselines",
    "TfidfBaseline": "actorstance.eval.baselines",
    "baseline_predictions": "actorstance.eval.baselines",
    "classification_metrics": "actorstance.eval.metrics",
    "f_avg": "actorstance.eval.metrics",
    "macro_f1": "actorstance.eval.metrics",
    "Report": "actorstance.eval.report",
    "build_report": "actorstance.eval.report",
    "evaluate": "actorstance.eval.report",
}
__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
