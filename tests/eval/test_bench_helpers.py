"""The speed bench's explanation of int8 label changes must count the right rows."""
import numpy as np

from actorstance.eval.benchmarks.speed import decision_margins


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
