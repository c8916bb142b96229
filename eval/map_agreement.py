"""How often the stance map of an article agrees with its labelled rows: for every (actor, issue)
pair whose labelled rows take a side (majority favor or against), does the map built from the
raw article by `analyze_articles` give the same label?"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from actorstance.data.schema import StanceExample

from actorstance.analysis.aggregate import StanceCell, aggregate


@dataclass
class MapAgreement:
    agreement: float
    agreed: int
    total: int
    disagreements: list[tuple[str, str, str, str]] = field(default_factory=list)  # actor, issue, gold, predicted

    def to_dict(self) -> dict:
        return {"agreement": self.agreement, "agreed": self.agreed, "total": self.total,
                "disagreements": [list(d) for d in self.disagreements]}


def gold_cells(labelled: Sequence[StanceExample]) -> list[StanceCell]:
    """The labelled rows aggregated the way predictions are (majority of positioned rows)."""
    return aggregate(labelled, [r.stance for r in labelled])


def map_agreement(labelled: Sequence[StanceExample], predicted_cells: Sequence[StanceCell]) -> MapAgreement:
    """Agreement over the pairs whose gold label is favor or against; a pair the map lacks
    (actor not found, or no row) counts as a disagreement with label "missing"."""
    predicted = {(c.actor, c.issue): c.label for c in predicted_cells}
    positioned = [c for c in gold_cells(labelled) if c.label in ("favor", "against")]
    disagreements = []
    for cell in positioned:
        label = predicted.get((cell.actor, cell.issue), "missing")
        if label != cell.label:
            disagreements.append((cell.actor, cell.issue, cell.label, label))
    agreed = len(positioned) - len(disagreements)
    return MapAgreement(agreed / max(len(positioned), 1), agreed, len(positioned), disagreements)
