"""The close-call second pass: which rows it re-scores, and the gap `export --fast` picks."""
from __future__ import annotations

import numpy as np
import pytest

from actorstance.model.cascade import CloseCallCascade, rescore_close_calls, top_two_gap
from actorstance.model.quantize import QuantPlan, choose_rescore_gap, quantize_torch

FP32 = np.array([[0.70, 0.20, 0.10], [0.40, 0.35, 0.25], [0.10, 0.45, 0.45], [0.05, 0.05, 0.90]])
INT8 = np.array([[0.68, 0.22, 0.10], [0.36, 0.38, 0.26], [0.10, 0.40, 0.50], [0.06, 0.06, 0.88]])


def test_top_two_gap():
    np.testing.assert_allclose(top_two_gap(FP32), [0.50, 0.05, 0.0, 0.85], atol=1e-9)


def test_only_rows_under_the_gap_are_rescored():
    asked = []

    def exact(idx):
        asked.append(list(idx))
        return FP32[idx]

    probs, redo = rescore_close_calls(INT8, 0.2, exact)
    assert asked == [[1, 2]] and list(redo) == [1, 2]
    np.testing.assert_array_equal(probs[[0, 3]], INT8[[0, 3]])
    np.testing.assert_array_equal(probs[[1, 2]], FP32[[1, 2]])


def test_the_smallest_gap_that_reaches_the_target_is_chosen():
    # int8 flips rows 1 and 2 (gaps 0.02 and 0.10): half the labels wrong without a second pass
    report = choose_rescore_gap(FP32, INT8, target=0.75, gaps=(0.0, 0.05, 0.15, 1.01))
    assert report["int8_agreement"] == 0.5
    assert report["chosen"] == {"gap": 0.05, "rescored": 0.25, "agreement": 0.75}
    assert choose_rescore_gap(FP32, INT8, target=1.0, gaps=(0.0, 0.05, 0.15, 1.01))["chosen"]["gap"] == 0.15


@pytest.mark.parametrize("gap", [0.0, 1.01])
def test_cascade_on_the_real_model_is_int8_at_gap_0_and_fp32_above_1(seed_model, seed_rows, gap):
    rows = seed_rows[:24]
    int8 = quantize_torch(seed_model, QuantPlan(()))
    int8_probs, fp32_probs = int8.predict_proba(rows), seed_model.predict_proba(rows)
    assert np.abs(int8_probs - fp32_probs).max() > 1e-4  # the two paths differ, so the cascade's choice shows
    cascade = CloseCallCascade(int8, seed_model, gap)
    expected, other = (fp32_probs, int8_probs) if gap > 1 else (int8_probs, fp32_probs)
    got = cascade.predict_proba(rows)
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert np.abs(got - other).max() > 1e-4
    assert cascade.rescored == (len(rows) if gap > 1 else 0)


def test_cascade_on_the_real_model_rescores_a_subset_in_place(seed_model, seed_rows):
    """A gap between the extremes: each row gets fp32 where its int8 call is close, int8 elsewhere."""
    rows = seed_rows[:24]
    int8 = quantize_torch(seed_model, QuantPlan(()))
    int8_probs, fp32_probs = int8.predict_proba(rows), seed_model.predict_proba(rows)
    gap = float(np.median(top_two_gap(int8_probs)))
    close = top_two_gap(int8_probs) < gap
    assert 0 < close.sum() < len(rows)
    cascade = CloseCallCascade(int8, seed_model, gap)
    np.testing.assert_allclose(cascade.predict_proba(rows), np.where(close[:, None], fp32_probs, int8_probs), atol=1e-6)
    assert cascade.rescored == close.sum()


def test_sensitivity_ranks_every_linear_and_a_plan_keeps_the_top_ones(seed_model, seed_rows):
    """The bench's other frontier: quantise one Linear at a time, keep the worst in fp32."""
    import torch

    from actorstance.model.quantize import keep_plan, linear_sensitivity
    ranking = linear_sensitivity(seed_model, seed_rows[:8])
    assert len(ranking) == 38  # every Linear of MiniLM-L6 with its pooler and head
    scores = [score for _, score in ranking]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    plan = keep_plan(ranking, 2)
    assert plan.keep_fp32 == (ranking[0][0], ranking[1][0])
    quantized = dict(quantize_torch(seed_model, plan).model.named_modules())
    assert all(type(quantized[name]) is torch.nn.Linear for name in plan.keep_fp32)
    assert sum(type(m) is torch.nn.Linear for m in quantized.values()) == 2
