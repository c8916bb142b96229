"""Write an actor x issue stance map: stances.csv, stances.json, heatmap.png and a two-mode
network (network.graphml, readable by Gephi and networkx)."""
from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Sequence

from actorstance.data.writers import atomic_open
from actorstance.eval.plots import plt

from .aggregate import StanceCell

CSV_COLUMNS = ["actor", "issue", "label", "confidence", "net", "n_favor", "n_against", "n_none",
               "mean_p_favor", "mean_p_against", "mean_p_none", "evidence_ids"]


def write_csv(cells: Sequence[StanceCell], path: Path) -> None:
    with atomic_open(path) as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for cell in cells:
            record = cell.to_dict()
            record["evidence_ids"] = " ".join(str(e["id"]) for e in record.pop("evidence"))
            writer.writerow(record)


def write_json(cells: Sequence[StanceCell], path: Path, meta: dict) -> None:
    with atomic_open(path) as handle:
        json.dump({**meta, "cells": [c.to_dict() for c in cells]}, handle, indent=2, ensure_ascii=False)
        handle.write("\n")


def heatmap_grid(cells: Sequence[StanceCell]) -> tuple[list[str], list[str], list[list[float]], list[list[bool]]]:
    """Actors, issues, the colour value of each cell and which cells are none-only.

    Only a cell with a position (favor, against or mixed) gets a colour: its net stance. A cell
    whose rows all say `none` gets NaN and is drawn grey: the actor was found beside the issue
    but took no side, and a mean p_favor - p_against over such rows would paint a side that no
    row takes. A pair with no rows is NaN and not none-only (left blank)."""
    actors = sorted({c.actor for c in cells})
    issues = sorted({c.issue for c in cells})
    lookup = {(c.actor, c.issue): c for c in cells}
    values = [[lookup[(a, i)].net if (a, i) in lookup and lookup[(a, i)].label != "none" else float("nan")
               for i in issues] for a in actors]
    none_only = [[(a, i) in lookup and lookup[(a, i)].label == "none" for i in issues] for a in actors]
    return actors, issues, values, none_only


def heatmap_png(cells: Sequence[StanceCell], path: Path, title: str = "Stances: actors x issues") -> None:
    """Colour = net stance of positioned cells (red against, blue favor); grey = rows found but
    no position; text = favor/against/none row counts."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    actors, issues, grid, none_only = heatmap_grid(cells)
    lookup = {(c.actor, c.issue): c for c in cells}
    fig, ax = plt.subplots(figsize=(max(5.0, 1.3 * len(issues) + 3), max(3.0, 0.45 * len(actors) + 2)), dpi=110)
    grey = [[1.0 if flag else float("nan") for flag in row] for row in none_only]
    ax.imshow(grey, cmap=ListedColormap(["#d9d9d9"]), vmin=0, vmax=1, aspect="auto")
    image = ax.imshow(grid, cmap="RdBu", vmin=-1, vmax=1, aspect="auto")
    for r, actor in enumerate(actors):
        for c, issue in enumerate(issues):
            cell = lookup.get((actor, issue))
            if cell is not None:
                strong = cell.label != "none" and abs(cell.net) > 0.6
                ax.text(c, r, f"{cell.counts['favor']}/{cell.counts['against']}/{cell.counts['none']}",
                        ha="center", va="center", fontsize=7, color="white" if strong else "black")
    ax.set_xticks(range(len(issues)), [i if len(i) <= 28 else i[:26] + "…" for i in issues], rotation=35, ha="right", fontsize=8)
    ax.set_yticks(range(len(actors)), actors, fontsize=8)
    ax.set_title(f"{title}\ncell text: favor/against/none rows", fontsize=9)
    fig.colorbar(image, ax=ax, label="net stance of cells with a position (p_favor - p_against)", shrink=0.8)
    ax.legend(handles=[Patch(facecolor="#d9d9d9", edgecolor="grey", label="found, no position (none only)"),
                       Patch(facecolor="white", edgecolor="grey", label="not found together")],
              loc="upper left", bbox_to_anchor=(0, -0.35), fontsize=7, frameon=False, ncol=2)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_graphml(cells: Sequence[StanceCell], path: Path) -> None:
    """Actors and issues as nodes (attribute `kind`); an edge per positioned pair with `label`,
    `sign` (+1 favor, -1 against, 0 mixed), `weight` (positioned rows) and `net`."""
    ns = "http://graphml.graphdrawing.org/xmlns"
    root = ET.Element("graphml", xmlns=ns)
    keys = [("kind", "node", "string"), ("label", "edge", "string"), ("sign", "edge", "int"),
            ("weight", "edge", "double"), ("net", "edge", "double"), ("confidence", "edge", "double")]
    for name, domain, kind in keys:
        ET.SubElement(root, "key", id=name, attrib={"for": domain, "attr.name": name, "attr.type": kind})
    graph = ET.SubElement(root, "graph", id="stances", edgedefault="undirected")
    for kind, names in (("actor", sorted({c.actor for c in cells})), ("issue", sorted({c.issue for c in cells}))):
        for name in names:
            node = ET.SubElement(graph, "node", id=f"{kind}:{name}")
            ET.SubElement(node, "data", key="kind").text = kind
    sign = {"favor": 1, "against": -1, "mixed": 0}
    for n, cell in enumerate(c for c in cells if c.label in sign):
        edge = ET.SubElement(graph, "edge", id=f"e{n}", source=f"actor:{cell.actor}", target=f"issue:{cell.issue}")
        for key, value in (("label", cell.label), ("sign", sign[cell.label]), ("weight", float(cell.positioned)),
                           ("net", round(cell.net, 4)), ("confidence", round(cell.confidence, 4))):
            ET.SubElement(edge, "data", key=key).text = str(value)
    ET.indent(root)
    with atomic_open(path) as handle:
        handle.write(ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n")


def write_stance_map(cells: Sequence[StanceCell], folder: str | Path, meta: dict) -> Path:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(cells, out / "stances.csv")
    write_json(cells, out / "stances.json", meta)
    if cells:
        heatmap_png(cells, out / "heatmap.png")
    write_graphml(cells, out / "network.graphml")
    return out
