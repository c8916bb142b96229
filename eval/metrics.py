"""Scores for stance predictions: accuracy, macro-F1 over the three labels, SemEval-2016's F_avg,
per-class scores, confusion matrix and per-issue macro-F1. Plain dicts, ready for JSON."""
from __future__ import annotations

from collections import defaultdict
from typing import Sequence

from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from actorstance.data.schema import LABELS


def f_avg(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Mean F1 of favor and against, pooled over all rows (SemEval-2016 Task 6's official metric)."""
    scores = f1_score(gold, pred, labels=["favor", "against"], average=None, zero_division=0)
    return float(scores.mean())


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS) -> float:
    return float(f1_score(gold, pred, labels=list(labels), average="macro", zero_division=0))


def classification_metrics(gold: Sequence[str], pred: Sequence[str],
                           issues: Sequence[str] | None = None) -> dict:
    """All scores for one set of predictions. `issues`, parallel to gold, adds per-issue macro-F1
    (over the labels present in that issue's gold or predictions)."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=list(LABELS), zero_division=0)
    result = {
        "n": len(gold),
        "accuracy": float(sum(g == q for g, q in zip(gold, pred)) / max(len(gold), 1)),
        "macro_f1": macro_f1(gold, pred),
        "f_avg": f_avg(gold, pred),
        "per_class": {label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
                      for i, label in enumerate(LABELS)},
        "confusion": {"labels": list(LABELS),
                      "matrix": confusion_matrix(gold, pred, labels=list(LABELS)).tolist()},
    }
    if issues is not None:
        by_issue: dict[str, list[int]] = defaultdict(list)
        for i, issue in enumerate(issues):
            by_issue[issue].append(i)
        result["per_issue"] = {}
        for issue, idx in sorted(by_issue.items()):
            g = [gold[i] for i in idx]
            q = [pred[i] for i in idx]
            present = [label for label in LABELS if label in g or label in q]
            result["per_issue"][issue] = {"n": len(idx), "macro_f1": macro_f1(g, q, present)}
    return result
