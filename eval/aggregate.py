"""From row-level predictions to an actor x issue map of stances."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Sequence

from actorstance.data.schema import Prediction, StanceExample

SYMBOL = {"favor": "+", "against": "-", "none": "0", "mixed": "±"}


@dataclass
class StanceCell:
    """One (actor, issue) pair: label counts, mean net stance (p_favor - p_against) and evidence."""

    actor: str
    issue: str
    counts: dict[str, int] = field(default_factory=lambda: {"favor": 0, "against": 0, "none": 0})
    net: float = 0.0
    evidence: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """favor or against by majority of positioned rows, mixed on a tie, none without any."""
        favor, against = self.counts["favor"], self.counts["against"]
        if favor == against:
            return "none" if favor == 0 else "mixed"
        return "favor" if favor > against else "against"

    @property
    def support(self) -> int:
        return self.counts[self.label] if self.label in self.counts else self.counts["favor"] + self.counts["against"]


def aggregate(rows: Sequence[StanceExample], labels: Sequence[str], predictions: Sequence[Prediction] | None = None) -> list[StanceCell]:
    """Group rows by (actor, issue); `labels` are the stances to count (predicted or gold)."""
    cells: dict[tuple[str, str], StanceCell] = {}
    nets: dict[tuple[str, str], list[float]] = defaultdict(list)
    for i, (row, label) in enumerate(zip(rows, labels)):
        key = (row.actor, row.issue)
        cell = cells.setdefault(key, StanceCell(row.actor, row.issue))
        cell.counts[label] += 1
        if label != "none":
            cell.evidence.append(row.id or row.text)
        if predictions is not None:
            p = predictions[i].probabilities
            nets[key].append(p["favor"] - p["against"])
    for key, values in nets.items():
        cells[key].net = sum(values) / len(values)
    return sorted(cells.values(), key=lambda c: (c.actor, c.issue))


def format_matrix(cells: Sequence[StanceCell], max_actor_width: int = 24) -> str:
    """Actors down, numbered issues across; a cell reads +2 (favor, 2 rows), -1, ±, 0 or blank."""
    issues = sorted({c.issue for c in cells})
    actors = sorted({c.actor for c in cells})
    lookup = {(c.actor, c.issue): c for c in cells}
    width = min(max(len(a) for a in actors), max_actor_width)
    header = f"{'actor / issue':<{width}} " + " ".join(f"{f'[{i + 1}]':>5}" for i in range(len(issues)))
    lines = [header]
    for actor in actors:
        cells_text = []
        for issue in issues:
            cell = lookup.get((actor, issue))
            if cell is None:
                text = ""
            elif cell.label in ("favor", "against"):
                text = f"{SYMBOL[cell.label]}{cell.support}"
            else:
                text = SYMBOL[cell.label]
            cells_text.append(f"{text:>5}")
        lines.append(f"{actor[:width]:<{width}} " + " ".join(cells_text))
    lines.append("")
    lines += [f"[{i + 1}] {issue}" for i, issue in enumerate(issues)]
    lines.append("cells: +N favor, -N against (N rows of evidence), ± mixed, 0 none, blank not in the text")
    return "\n".join(lines)
