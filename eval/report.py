"""`evaluate`: score a model on labelled rows beside baselines trained on the same training rows,
and write the report as metrics.json, report.md and confusion.png."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

from actorstance.data.schema import LABELS, StanceExample
from actorstance.errors import InputError

from .baselines import baseline_predictions
from .metrics import classification_metrics
from .plots import confusion_png

HEADLINE = ("macro_f1", "f_avg", "accuracy")


@dataclass
class Report:
    """Scores of the model and of each baseline on the same evaluation rows."""

    model: dict
    baselines: dict[str, dict] = field(default_factory=dict)
    label_counts: dict[str, int] = field(default_factory=dict)
    train_rows: int | None = None
    title: str = "Evaluation"

    def summary(self) -> dict[str, dict[str, float]]:
        """Headline scores per system: {"model": {"macro_f1": ...}, "tfidf_logreg": {...}}."""
        systems = {"model": self.model, **self.baselines}
        return {name: {k: m[k] for k in HEADLINE} for name, m in systems.items()}

    def to_dict(self) -> dict:
        return asdict(self)

    def to_markdown(self) -> str:
        lines = [f"# {self.title}", "",
                 f"Evaluation rows: {self.model['n']} ({', '.join(f'{k} {v}' for k, v in self.label_counts.items())})."]
        if self.train_rows is not None:
            lines.append(f"Baselines trained on the model's {self.train_rows} training rows.")
        lines += ["", "| system | macro-F1 | F_avg | accuracy |", "| --- | --- | --- | --- |"]
        for name, m in self.summary().items():
            lines.append(f"| {name} | {m['macro_f1']:.3f} | {m['f_avg']:.3f} | {m['accuracy']:.3f} |")
        lines += ["", "## Per class (model)", "", "| label | precision | recall | F1 | support |", "| --- | --- | --- | --- | --- |"]
        for label, c in self.model["per_class"].items():
            lines.append(f"| {label} | {c['precision']:.3f} | {c['recall']:.3f} | {c['f1']:.3f} | {c['support']} |")
        lines += ["", "## Confusion matrix (model; rows gold, columns predicted)", "",
                  "| gold \\ predicted | " + " | ".join(LABELS) + " |", "| --- |" + " --- |" * len(LABELS)]
        for label, row in zip(LABELS, self.model["confusion"]["matrix"]):
            lines.append(f"| {label} | " + " | ".join(str(c) for c in row) + " |")
        if self.model.get("per_issue"):
            lines += ["", "## Per issue (model)", "", "| issue | rows | macro-F1 |", "| --- | --- | --- |"]
            for issue, m in self.model["per_issue"].items():
                lines.append(f"| {issue} | {m['n']} | {m['macro_f1']:.3f} |")
        lines += ["", "![confusion matrix](confusion.png)", ""]
        return "\n".join(lines)

    def save(self, folder: str | Path) -> Path:
        """Write metrics.json, report.md and confusion.png into `folder`."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        (out / "metrics.json").write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
        (out / "report.md").write_text(self.to_markdown(), encoding="utf-8")
        confusion_png(self.model["confusion"]["matrix"], LABELS, out / "confusion.png", title=self.title)
        return out


def build_report(rows: Sequence[StanceExample], predicted: Sequence[str],
                 train_rows: Sequence[StanceExample] | None, title: str = "Evaluation",
                 baselines: dict[str, list[str]] | None = None) -> Report:
    """A report from predictions already made; baselines are fitted on `train_rows` unless given."""
    gold = [r.stance for r in rows]
    issues = [r.issue for r in rows]
    if baselines is None and train_rows:
        baselines = baseline_predictions(train_rows, rows)
    return Report(
        model=classification_metrics(gold, predicted, issues),
        baselines={name: classification_metrics(gold, p) for name, p in (baselines or {}).items()},
        label_counts={label: gold.count(label) for label in LABELS},
        train_rows=len(train_rows) if train_rows else None,
        title=title,
    )


def evaluate(model, rows: Sequence[StanceExample], train_rows: Sequence[StanceExample] | None = None,
             show_progress: bool = False, title: str = "Evaluation") -> Report:
    """Score `model` on labelled `rows`, with majority and TF-IDF baselines fitted on `train_rows`
    (default: the training rows saved with the model, when it has them)."""
    missing = [i for i, r in enumerate(rows) if r.stance is None]
    if missing:
        raise InputError("evaluation data", f"row {missing[0] + 1} has no stance; evaluation needs labelled rows")
    if not rows:
        raise InputError("evaluation data", "no rows to evaluate")
    if train_rows is None:
        train_rows = getattr(model, "training_rows", None)
    predicted = [p.label for p in model.predict(rows, show_progress=show_progress)]
    return build_report(rows, predicted, train_rows, title=title)
