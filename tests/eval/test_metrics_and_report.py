"""Metrics against hand-computed values; baselines; report files; aggregation."""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from actorstance import StanceExample, evaluate
from actorstance.data.schema import Prediction
from actorstance.eval import MajorityBaseline, PerTargetNgramBaseline, TfidfBaseline, classification_metrics
from actorstance.analysis.aggregate import aggregate, format_matrix


def test_metrics_by_hand():
    gold = ["favor", "favor", "against", "against", "none", "none"]
    pred = ["favor", "against", "against", "against", "none", "favor"]
    m = classification_metrics(gold, pred, issues=["a", "a", "a", "b", "b", "b"])
    # favor: P 1/2 R 1/2 F 0.5; against: P 2/3 R 1 F 0.8; none: P 1 R 1/2 F 2/3
    assert m["accuracy"] == pytest.approx(4 / 6)
    assert m["f_avg"] == pytest.approx((0.5 + 0.8) / 2)
    assert m["macro_f1"] == pytest.approx((0.5 + 0.8 + 2 / 3) / 3)
    assert m["confusion"]["matrix"] == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]
    assert m["per_issue"]["a"]["n"] == 3


def test_baselines(small_rows):
    assert MajorityBaseline().fit(small_rows[:4]).predict(small_rows[:2]) == ["favor", "favor"]
    tfidf = TfidfBaseline().fit(small_rows)
    assert sum(p == r.stance for p, r in zip(tfidf.predict(small_rows), small_rows)) >= 10


def test_per_target_ngram_baseline_fits_each_issue_apart(small_rows):
    # the same two sentences under two issues with opposite labels: only a model per issue gets all right
    texts = ("The plan is a disgrace, said the minister.", "The minister backed the plan.")
    twin = [StanceExample(text=text, actor="x", issue=issue, stance=stance)
            for issue, stances in (("plan A", ("against", "favor")), ("plan B", ("favor", "against")))
            for text, stance in zip(texts, stances)]
    ngram = PerTargetNgramBaseline().fit(small_rows + twin)
    assert set(ngram.models_) >= {"plan A", "plan B"}
    assert ngram.predict(twin) == ["against", "favor", "favor", "against"]
    probabilities = ngram.predict_proba(small_rows)
    assert probabilities.shape == (len(small_rows), 3)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert sum(p == r.stance for p, r in zip(ngram.predict(small_rows), small_rows)) >= 10


def test_per_target_ngram_baseline_labels_an_issue_never_had_keep_probability_zero(small_rows):
    two_labels = [r for r in small_rows if r.stance != "none"]  # favor and against only
    probabilities = PerTargetNgramBaseline().fit(two_labels).predict_proba(small_rows)
    assert np.all(probabilities[:, 2] == 0.0) and np.allclose(probabilities.sum(axis=1), 1.0)


def test_per_target_ngram_baseline_single_label_and_unseen_issues(small_rows):
    against = PerTargetNgramBaseline().fit(small_rows[1:2])  # one row, labelled against
    assert against.predict_proba(small_rows[1:2]).tolist() == [[0.0, 1.0, 0.0]]
    shares = PerTargetNgramBaseline().fit(small_rows[:4])  # favor, against, none, favor
    unseen = dataclasses.replace(small_rows[0], issue="an issue never trained on")
    assert np.allclose(shares.predict_proba([unseen]), [[0.5, 0.25, 0.25]])
    assert shares.predict([unseen]) == ["favor"]


def test_evaluate_writes_report(seed_model, seed_rows, tmp_path):
    report = evaluate(seed_model, seed_rows)
    assert set(report.summary()) == {"model", "majority", "tfidf_logreg"}
    assert report.train_rows == len(seed_rows)
    report.save(tmp_path)
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["model"]["n"] == len(seed_rows)
    assert "| model |" in (tmp_path / "report.md").read_text()
    assert (tmp_path / "confusion.png").read_bytes()[:4] == b"\x89PNG"


def test_aggregate_counts_and_labels():
    rows = [StanceExample(text=f"t{i}", actor=a, issue="x", id=str(i)) for i, a in enumerate(["A", "A", "A", "B", "C", "C"])]
    labels = ["favor", "favor", "against", "none", "favor", "against"]
    preds = [Prediction(label, {"favor": 0.8 if label == "favor" else 0.1, "against": 0.8 if label == "against" else 0.1,
                                "none": 0.1 if label != "none" else 0.8}) for label in labels]
    cells = {c.actor: c for c in aggregate(rows, labels, preds)}
    assert cells["A"].label == "favor" and cells["A"].counts == {"favor": 2, "against": 1, "none": 0}
    assert cells["B"].label == "none" and cells["C"].label == "mixed"
    assert cells["A"].net == pytest.approx((0.7 + 0.7 - 0.7) / 3)
    table = format_matrix(list(cells.values()))
    assert "+2" in table and "[1] x" in table
