"""Baselines every report sets beside the model, trained on the same training rows:
the majority class and TF-IDF + logistic regression."""
from __future__ import annotations

from collections import Counter
from typing import Sequence

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from actorstance.data.schema import StanceExample


def _gold(rows: Sequence[StanceExample]) -> list[str]:
    labels = [r.stance for r in rows]
    if any(label is None for label in labels):
        raise ValueError("baselines need labelled training rows")
    return labels  # type: ignore[return-value]


class MajorityBaseline:
    """Always answers the most frequent training label."""

    name = "majority"

    def fit(self, rows: Sequence[StanceExample]) -> "MajorityBaseline":
        self.label_ = Counter(_gold(rows)).most_common(1)[0][0]
        return self

    def predict(self, rows: Sequence[StanceExample]) -> list[str]:
        return [self.label_] * len(rows)


class TfidfBaseline:
    """Word 1-2 gram TF-IDF over actor, issue, sentence and context, then logistic regression.

    The actor and issue are prefixed with markers so the same word means different features in
    the question and in the sentence.
    """

    name = "tfidf_logreg"

    def __init__(self, seed: int = 0):
        self.seed = seed

    @staticmethod
    def features(row: StanceExample) -> str:
        actor = " ".join("A_" + w for w in row.actor.split())
        issue = " ".join("I_" + w for w in row.issue.split())
        return f"{actor} {issue} {row.text} {row.context or ''}"

    def fit(self, rows: Sequence[StanceExample]) -> "TfidfBaseline":
        labels = _gold(rows)
        self.pipeline_ = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True, lowercase=True, token_pattern=r"(?u)\b\w+\b"),
            LogisticRegression(max_iter=2000, C=4.0, class_weight="balanced", random_state=self.seed),
        )
        if len(set(labels)) == 1:
            self.constant_ = labels[0]
            return self
        self.constant_ = None
        self.pipeline_.fit([self.features(r) for r in rows], labels)
        return self

    def predict(self, rows: Sequence[StanceExample]) -> list[str]:
        if self.constant_ is not None:
            return [self.constant_] * len(rows)
        return list(self.pipeline_.predict([self.features(r) for r in rows]))


def baseline_predictions(train_rows: Sequence[StanceExample], test_rows: Sequence[StanceExample],
                         seed: int = 0) -> dict[str, list[str]]:
    """Predictions of each baseline, fitted on `train_rows`, for `test_rows`."""
    return {b.name: b.fit(train_rows).predict(test_rows) for b in (MajorityBaseline(), TfidfBaseline(seed))}
