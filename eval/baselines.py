"""Baselines every report sets beside the model, trained on the same training rows:
the majority class and TF-IDF + logistic regression. `PerTargetNgramBaseline` is for benchmarks
whose every issue has many rows (SemEval's five targets), as the paper's SVM-ngrams was."""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union

from actorstance.data.schema import LABELS, StanceExample, labels_of


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


class PerTargetNgramBaseline:
    """One model per issue on the sentence alone: the features of SemEval-2016's SVM-ngrams
    baseline (word 1-3 grams and character 2-5 grams within words, TF-IDF), with logistic
    regression in place of the SVM so that it gives probabilities to blend with the transformer.
    It needs many rows per issue. An issue with one training label always gets that label; an
    issue unseen in training gets the training rows' label shares.

    C=4 as in `TfidfBaseline`; on SemEval's dev splits C=16 was as good (within 0.005)."""

    name = "ngram_per_target"

    def __init__(self, C: float = 4.0):
        self.C = C

    def _pipeline(self) -> Pipeline:
        return make_pipeline(
            make_union(TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True),
                       TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
            LogisticRegression(C=self.C, max_iter=3000),
        )

    def fit(self, rows: Sequence[StanceExample]) -> "PerTargetNgramBaseline":
        labels = _gold(rows)
        counts = Counter(labels)
        self.prior_ = np.array([counts[label] / len(labels) for label in LABELS])
        by_issue: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for row, label in zip(rows, labels):
            by_issue[row.issue].append((row.text, label))
        self.models_: dict[str, Pipeline] = {}
        self.constants_: dict[str, str] = {}
        for issue, pairs in by_issue.items():
            texts, gold = zip(*pairs)
            if len(set(gold)) == 1:
                self.constants_[issue] = gold[0]
            else:
                self.models_[issue] = self._pipeline().fit(texts, gold)
        return self

    def predict_proba(self, rows: Sequence[StanceExample]) -> np.ndarray:
        """(rows, 3) probabilities in `LABELS` order."""
        out = np.tile(self.prior_, (len(rows), 1))
        by_issue: dict[str, list[int]] = defaultdict(list)
        for i, row in enumerate(rows):
            by_issue[row.issue].append(i)
        for issue, index in by_issue.items():
            if issue in self.constants_:
                out[index] = np.eye(len(LABELS))[LABELS.index(self.constants_[issue])]
            elif issue in self.models_:
                model = self.models_[issue]
                out[index] = 0.0  # a label the issue never had in training keeps probability 0
                out[np.ix_(index, [LABELS.index(c) for c in model.classes_])] = model.predict_proba([rows[i].text for i in index])
        return out

    def predict(self, rows: Sequence[StanceExample]) -> list[str]:
        return labels_of(self.predict_proba(rows))


def baseline_predictions(train_rows: Sequence[StanceExample], test_rows: Sequence[StanceExample],
                         seed: int = 0) -> dict[str, list[str]]:
    """Predictions of each baseline, fitted on `train_rows`, for `test_rows`."""
    return {b.name: b.fit(train_rows).predict(test_rows) for b in (MajorityBaseline(), TfidfBaseline(seed))}
