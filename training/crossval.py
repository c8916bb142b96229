"""Grouped cross-validation: every row is predicted by a model that never saw its group
(article, issue or actor), and the baselines are fitted on the very same training folds."""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from actorstance.data.schema import StanceExample
from actorstance.data.splits import group_key, group_kfold
from actorstance.eval.baselines import baseline_predictions
from actorstance.eval.report import Report, build_report

from .config import TrainConfig
from .trainer import fine_tune


@dataclass
class CrossValidation:
    """Pooled out-of-fold report plus each fold's own report."""

    pooled: Report
    folds: list[Report] = field(default_factory=list)
    by: str = "doc_id"
    test_groups: list[list[str]] = field(default_factory=list)  # the groups (articles...) each fold held out

    def summary(self) -> dict:
        return {"by": self.by, "folds": len(self.folds), **self.pooled.summary()}

    def save(self, folder: str | Path) -> Path:
        """The pooled report, plus folds.json: which groups each fold held out."""
        out = self.pooled.save(folder)
        (out / "folds.json").write_text(json.dumps(self.test_groups, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return out


def cross_validate(rows: Sequence[StanceExample], config: TrainConfig | None = None, folds: int = 5,
                   by: str = "doc_id", seed: int | None = None) -> CrossValidation:
    """Train one model per fold and pool the out-of-fold predictions into one report.

    `seed` shuffles the groups into folds; None uses the training seed (`config.seed`), so the
    CLI's `--seed` changes both the folds and the models."""
    config = config or TrainConfig()
    seed = config.seed if seed is None else seed
    pooled_rows: list[StanceExample] = []
    pooled_pred: list[str] = []
    pooled_base: dict[str, list[str]] = {}
    reports, test_groups = [], []
    key = group_key(by)
    for k, (train, test) in enumerate(group_kfold(rows, folds, by=by, seed=seed), 1):
        test_groups.append(sorted({key(r) for r in test}))
        model = fine_tune(train, dataclasses.replace(config, checkpoint_dir=None))
        predicted = [p.label for p in model.predict(test)]
        base = baseline_predictions(train, test, seed=config.seed)
        reports.append(build_report(test, predicted, train, title=f"Fold {k} of {folds} (by {by})", baselines=base))
        pooled_rows += test
        pooled_pred += predicted
        for name, labels in base.items():
            pooled_base.setdefault(name, []).extend(labels)
    pooled = build_report(pooled_rows, pooled_pred, None, baselines=pooled_base,
                          title=f"{folds}-fold cross-validation grouped by {by} (pooled out-of-fold)")
    return CrossValidation(pooled=pooled, folds=reports, by=by, test_groups=test_groups)
