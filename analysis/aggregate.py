"""From row-level predictions to an actor x issue map of stances, with the evidence behind each cell."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from actorstance.data.schema import LABELS, Prediction, StanceExample

SYMBOL = {"favor": "+", "against": "-", "none": "0", "mixed": "±"}


@dataclass
class StanceCell:
    """One (actor, issue) pair over all the rows that pair it."""

    actor: str
    issue: str
    counts: dict[str, int] = field(default_factory=lambda: {label: 0 for label in LABELS})
    mean_probabilities: dict[str, float] = field(default_factory=lambda: {label: 0.0 for label in LABELS})
    evidence: list[dict] = field(default_factory=list)
    min_evidence: int = 1

    @property
    def positioned(self) -> int:
        return self.counts["favor"] + self.counts["against"]

    @property
    def net(self) -> float:
        """Mean of p_favor - p_against over the pair's rows, from -1 (against) to +1 (favor)."""
        return self.mean_probabilities["favor"] - self.mean_probabilities["against"]

    @property
    def label(self) -> str:
        """favor or against by majority of positioned rows, mixed on a tie, none when fewer than
        `min_evidence` rows take a position."""
        favor, against = self.counts["favor"], self.counts["against"]
        if self.positioned < max(self.min_evidence, 1):
            return "none"
        if favor == against:
            return "mixed"
        return "favor" if favor > against else "against"

    @property
    def confidence(self) -> float:
        """Mean probability of the cell's label over its rows (the larger side for mixed)."""
        if self.label == "mixed":
            return max(self.mean_probabilities["favor"], self.mean_probabilities["against"])
        return self.mean_probabilities[self.label]

    @property
    def support(self) -> int:
        return self.counts[self.label] if self.label in self.counts else self.positioned

    def to_dict(self) -> dict:
        return {"actor": self.actor, "issue": self.issue, "label": self.label, "confidence": round(self.confidence, 4),
                "net": round(self.net, 4), "n_favor": self.counts["favor"], "n_against": self.counts["against"],
                "n_none": self.counts["none"], **{f"mean_p_{k}": round(v, 4) for k, v in self.mean_probabilities.items()},
                "evidence": self.evidence}


def aggregate(rows: Sequence[StanceExample], labels: Sequence[str], predictions: Sequence[Prediction] | None = None,
              min_evidence: int = 1) -> list[StanceCell]:
    """Group rows by (actor, issue). `labels` are the stances counted (predicted or gold);
    `predictions` add mean probabilities (one-hot from `labels` without them). Evidence lists the
    rows that take a position: id, text, label."""
    cells: dict[tuple[str, str], StanceCell] = {}
    for i, (row, label) in enumerate(zip(rows, labels)):
        cell = cells.setdefault((row.actor, row.issue), StanceCell(row.actor, row.issue, min_evidence=min_evidence))
        cell.counts[label] += 1
        probabilities = predictions[i].probabilities if predictions is not None else {k: float(k == label) for k in LABELS}
        for k in LABELS:
            cell.mean_probabilities[k] += probabilities[k]
        if label != "none":
            cell.evidence.append({"id": row.id, "text": row.text, "label": label, "p": round(probabilities[label], 4)})
    for cell in cells.values():
        n = sum(cell.counts.values())
        cell.mean_probabilities = {k: v / n for k, v in cell.mean_probabilities.items()}
    return sorted(cells.values(), key=lambda c: (c.actor, c.issue))


def format_matrix(cells: Sequence[StanceCell], max_actor_width: int = 24) -> str:
    """Actors down, numbered issues across; a cell reads +2 (favor, 2 rows), -1, ±, 0 or blank."""
    issues = sorted({c.issue for c in cells})
    actors = sorted({c.actor for c in cells})
    lookup = {(c.actor, c.issue): c for c in cells}
    width = min(max(len(a) for a in actors), max_actor_width)
    lines = [f"{'actor / issue':<{width}} " + " ".join(f"{f'[{i + 1}]':>5}" for i in range(len(issues)))]
    for actor in actors:
        texts = []
        for issue in issues:
            cell = lookup.get((actor, issue))
            if cell is None:
                texts.append(f"{'':>5}")
            elif cell.label in ("favor", "against"):
                texts.append(f"{SYMBOL[cell.label] + str(cell.support):>5}")
            else:
                texts.append(f"{SYMBOL[cell.label]:>5}")
        lines.append(f"{actor[:width]:<{width}} " + " ".join(texts))
    lines.append("")
    lines += [f"[{i + 1}] {issue}" for i, issue in enumerate(issues)]
    lines.append("cells: +N favor, -N against (N rows of evidence), ± mixed, 0 none, blank: not in the text")
    return "\n".join(lines)
