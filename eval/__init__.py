"""Scoring, baselines, reports and plots."""
from .baselines import MajorityBaseline, PerTargetNgramBaseline, TfidfBaseline, baseline_predictions
from .metrics import classification_metrics, f_avg, macro_f1
from .report import Report, build_report, evaluate

__all__ = ["MajorityBaseline", "PerTargetNgramBaseline", "Report", "TfidfBaseline", "baseline_predictions", "build_report",
           "classification_metrics", "evaluate", "f_avg", "macro_f1"]
