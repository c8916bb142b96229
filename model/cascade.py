"""The `--fast` path's second pass: int8 for every row, fp32 again for its close calls.

Int8 changes a label only where the fp32 call was close: the perturbation has to exceed the gap
between the top two probabilities. The int8 model's own gap says which rows those may be, so
re-scoring just the rows whose int8 gap is under `rescore_gap` with the fp32 model gets most of
the changed labels back, at the price of a second pass over a small share of the rows.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from actorstance.data.schema import Prediction, StanceExample


def top_two_gap(probs: np.ndarray) -> np.ndarray:
    """Per row, the highest probability minus the second highest: how close the call was."""
    top2 = np.sort(probs, axis=1)[:, -2:]
    return top2[:, 1] - top2[:, 0]


def rescore_close_calls(fast_probs: np.ndarray, rescore_gap: float, exact_proba) -> tuple[np.ndarray, np.ndarray]:
    """`fast_probs` with the rows whose gap is under `rescore_gap` replaced by
    `exact_proba(indices)`; also returns those indices."""
    redo = np.flatnonzero(top_two_gap(fast_probs) < rescore_gap)
    probs = fast_probs.copy()
    if len(redo):
        probs[redo] = exact_proba(redo)
    return probs, redo


class CloseCallCascade:
    """A predictor: `fast` (int8) for every row, `exact` (fp32) for the close calls."""

    def __init__(self, fast, exact, rescore_gap: float):
        self.fast, self.exact, self.rescore_gap = fast, exact, rescore_gap
        self.backend = f"{fast.backend}+fp32"
        self.template, self.max_length = exact.template, exact.max_length
        self.rescored = 0  # rows sent to the fp32 model so far

    def count_truncated(self, rows: Sequence[StanceExample]) -> int:
        return self.exact.count_truncated(rows)

    def predict_proba(self, rows: Sequence[StanceExample], show_progress: bool = False) -> np.ndarray:
        probs, redo = rescore_close_calls(self.fast.predict_proba(rows), self.rescore_gap,
                                          lambda idx: self.exact.predict_proba([rows[i] for i in idx]))
        self.rescored += len(redo)
        return probs

    def predict(self, rows: Sequence[StanceExample], show_progress: bool = False) -> list[Prediction]:
        return [Prediction.from_probabilities(p) for p in self.predict_proba(rows)]
