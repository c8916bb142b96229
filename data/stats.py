"""Counts that tell whether a dataset is fit to train on: per label, issue, actor and document."""
from __future__ import annotations

from collections import Counter
from typing import Sequence

from .schema import LABELS, StanceExample


def dataset_stats(rows: Sequence[StanceExample]) -> dict:
    labels = Counter(r.stance or "unlabelled" for r in rows)
    issues = Counter(r.issue for r in rows)
    actors = Counter(r.actor for r in rows)
    docs = Counter(r.doc_id for r in rows if r.doc_id)
    return {
        "rows": len(rows),
        "sentences": len({r.text for r in rows}),
        "labels": {label: labels.get(label, 0) for label in (*LABELS, "unlabelled") if labels.get(label, 0) or label in LABELS},
        "issues": dict(issues.most_common()),
        "actors": dict(actors.most_common()),
        "docs": dict(docs.most_common()),
    }


def format_stats(stats: dict, top: int = 10) -> str:
    n = max(stats["rows"], 1)
    lines = [f"rows {stats['rows']}, sentences {stats['sentences']}, issues {len(stats['issues'])}, "
             f"actors {len(stats['actors'])}, docs {len(stats['docs'])}", "", "label      rows  share"]
    lines += [f"{label:<10} {count:>4}  {count / n:>5.1%}" for label, count in stats["labels"].items()]
    for key in ("issues", "actors", "docs"):
        counts = stats[key]
        if not counts:
            continue
        lines += ["", f"top {key} (of {len(counts)})"]
        lines += [f"  {count:>5}  {name}" for name, count in list(counts.items())[:top]]
    return "\n".join(lines)
