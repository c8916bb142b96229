"""Bench helpers: the speed bench's explanation of int8 label changes must count the right rows;
the SemEval bench's blend weight must be the dev split's best; the opposite test must count a
position as flipped only when the answer changes side."""
import numpy as np

from actorstance import StanceExample
from benchmarks.real_news import opposite_test, swap_test
from benchmarks.semeval import blend_weight
from benchmarks.speed import decision_margins


def test_decision_margins_counts_close_calls_and_flips():
    fp32 = np.array([[0.50, 0.48, 0.02], [0.90, 0.05, 0.05], [0.10, 0.30, 0.60], [0.34, 0.335, 0.325]])
    int8 = np.array([[0.47, 0.51, 0.02], [0.88, 0.07, 0.05], [0.10, 0.31, 0.59], [0.30, 0.36, 0.34]])
    margins = decision_margins(fp32, int8)
    assert margins["flipped"] == 2  # rows 0 and 3
    assert margins["share_gap_below_0.05"] == 0.5
    assert margins["share_gap_below_0.01"] == 0.25
    assert margins["share_of_flipped_below_0.1"] == 1.0
    assert np.isclose(margins["median_gap_of_flipped"], (0.02 + 0.005) / 2)


def test_decision_margins_with_no_flip():
    fp32 = np.array([[0.9, 0.05, 0.05]])
    margins = decision_margins(fp32, fp32)
    assert margins["flipped"] == 0 and margins["median_gap_of_flipped"] is None


def test_blend_weight_is_the_best_on_dev():
    dev = [StanceExample(text=f"t{i}", actor="a", issue="x", stance=s) for i, s in enumerate(["favor", "against", "favor", "against"])]
    right, wrong = np.eye(3)[[0, 1, 0, 1]], np.eye(3)[[1, 0, 1, 0]]
    assert blend_weight(dev, right, wrong) == 0.6  # only the transformer is right: the first weight where it outvotes
    assert blend_weight(dev, wrong, right) == 0.0
    # row 0 (favor) is right once the transformer's weight passes 1/3, row 1 (against) while it is under 0.8
    transformer = np.array([[0.9, 0.1, 0.0], [0.6, 0.4, 0.0]])
    lexical = np.array([[0.3, 0.7, 0.0], [0.1, 0.9, 0.0]])
    assert blend_weight(dev[:2], transformer, lexical) == 0.4


def test_opposite_test_counts_only_answers_that_change_side(seed_model, seed_rows):
    positioned = [r for r in seed_rows if r.stance != "none"]
    # the seed model fits its rows: asked the same issue again, it repeats its (right) answer,
    # which is never the other side
    same_issue = opposite_test(seed_model, seed_rows, {r.issue: r.issue for r in positioned})
    assert same_issue == {"rows": len(positioned), "consistent_share": 0.0, "right_share": 0.0}
    assert opposite_test(seed_model, seed_rows, {}) == {"rows": 0}
    swaps = swap_test(seed_model, seed_rows, seed=1)
    assert swaps["swaps"] == 2 * len(positioned) and 0.0 < swaps["moved_share"] <= 1.0
