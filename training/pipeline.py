"""train_and_save: what `actorstance train` does, as one library call: fine-tune, evaluate on
dev rows when given, record the data and scores in the model card, save the folder, and remove
the checkpoints only an interrupted run needs."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from actorstance.data.schema import StanceExample

from .config import TrainConfig


@dataclass
class TrainedModel:
    model: object  # StanceClassifier
    folder: Path | None  # None on the non-main processes of a distributed run, which save nothing
    report: object | None = None  # eval.report.Report on the dev rows, when given


def train_and_save(rows: Sequence[StanceExample], config: TrainConfig, output: str | Path,
                   eval_rows: Sequence[StanceExample] | None = None, sources: Sequence[str] | None = None,
                   keep_training_rows: bool = False, eval_title: str = "Evaluation on the dev rows") -> TrainedModel:
    """Fine-tune on `rows` and save the model to `output`.

    `sources` names the data in the model card. With `eval_rows`, the best epoch is kept, the
    report is written to OUTPUT/evaluation and its scores go into the card. The training rows are
    saved with the model only with `keep_training_rows` (a shared model would otherwise share
    the user's labelled data); `evaluate --train DATA` fits the baselines without them.
    """
    from actorstance.eval.report import evaluate

    from .trainer import fine_tune, is_main_process

    output = Path(output)
    model = fine_tune(rows, config, eval_rows=eval_rows)
    if not is_main_process():
        return TrainedModel(model, None)
    training = model.info["training"]
    if sources is not None:
        training["data"] = [str(s) for s in sources]
    training["training_rows_saved"] = keep_training_rows
    report = None
    if eval_rows:
        report = evaluate(model, eval_rows, train_rows=rows, title=eval_title)
        model.info["metrics"] = {f"eval_{k}": v for k, v in report.summary()["model"].items()}
        report.save(output / "evaluation")
    model.save_pretrained(output, include_training_rows=keep_training_rows)
    shutil.rmtree(output / "checkpoints", ignore_errors=True)
    return TrainedModel(model, output, report)
