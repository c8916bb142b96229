"""The one row type that flows through every step, and the prediction attached to it."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

LABELS: tuple[str, ...] = ("favor", "against", "none")
"""Stance labels in the fixed order used for model outputs, probabilities and confusion matrices."""


def labels_of(scores) -> list[str]:
    """The label of each row of a (rows, 3) array of probabilities or logits in `LABELS` order."""
    import numpy as np
    return [LABELS[i] for i in np.asarray(scores).argmax(axis=-1)]


@dataclass(frozen=True)
class StanceExample:
    """One (sentence, actor, issue) row, labelled or not. Fields follow GUIDELINE.md."""

    text: str
    actor: str
    issue: str
    stance: str | None = None
    context: str = ""
    mention: str | None = None
    doc_id: str | None = None
    id: str | None = None
    source: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(StanceExample))
REQUIRED_FIELDS: tuple[str, ...] = ("text", "actor", "issue")


@dataclass(frozen=True)
class Prediction:
    """The model's answer for one row: its label and a probability per label (summing to 1)."""

    label: str
    probabilities: dict[str, float] = field(default_factory=dict)

    @property
    def confidence(self) -> float:
        return self.probabilities[self.label]

    @classmethod
    def from_probabilities(cls, probs) -> "Prediction":
        """One row of a `predict_proba` array, columns in `LABELS` order."""
        return cls(LABELS[int(probs.argmax())], {label: float(x) for label, x in zip(LABELS, probs)})
