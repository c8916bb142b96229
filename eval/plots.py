"""Figures a person would rather look at than read (matplotlib, Agg backend: no display needed)."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def confusion_png(matrix: Sequence[Sequence[int]], labels: Sequence[str], path: str | Path,
                  title: str = "Confusion matrix") -> Path:
    """Gold labels down, predictions across; each cell shows its count and row share."""
    fig, ax = plt.subplots(figsize=(4.6, 4.0), dpi=120)
    totals = [max(sum(row), 1) for row in matrix]
    shares = [[c / t for c in row] for row, t in zip(matrix, totals)]
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            ax.text(j, i, f"{count}\n{shares[i][j]:.0%}", ha="center", va="center",
                    color="white" if shares[i][j] > 0.6 else "black", fontsize=9)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return Path(path)
