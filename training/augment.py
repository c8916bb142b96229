"""Training-time negatives that teach the model to read the actor and the issue.

Labelled rows pair a sentence with an issue it is about. At analysis time, though, every sentence
is crossed with every issue and every actor it names, so the model must also learn that an
unrelated issue, or an actor the sentence does not mention, gets `none` (GUIDELINE.md: no
position of that actor on that issue). Without these rows a model learns "someone states a
position" and marks a speaker `favor` on every issue.
"""
from __future__ import annotations

import dataclasses
import random
from collections import defaultdict
from typing import Mapping, Sequence

from actorstance.data.schema import StanceExample

from .opposites import flipped_copies


def swapped_negatives(rows: Sequence[StanceExample], share: float, seed: int) -> list[StanceExample]:
    """For about `share` of the rows, one copy labelled `none` with either its issue replaced by
    one from another story (never an issue of the same story) or its actor replaced by one its
    sentence and context do not name (mention dropped)."""
    rng = random.Random(seed)
    issues = sorted({r.issue for r in rows})
    actors = sorted({r.actor for r in rows})
    story_issues: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        story_issues[row.doc_id or row.text].add(row.issue)
    negatives = []
    for row in rows:
        if rng.random() >= share:
            continue
        if rng.random() < 0.5:
            taken = story_issues[row.doc_id or row.text]
            choices = [i for i in issues if i not in taken]
            if choices:
                negatives.append(dataclasses.replace(row, issue=rng.choice(choices), stance="none", id=f"{row.id}~issue"))
            continue
        text = f"{row.text} {row.context}".lower()
        choices = [a for a in actors if a.lower() not in text]
        if choices:
            negatives.append(dataclasses.replace(row, actor=rng.choice(choices), mention=None, stance="none", id=f"{row.id}~actor"))
    return negatives


def drop_mentions(rows: Sequence[StanceExample], share: float, seed: int) -> list[StanceExample]:
    """Remove the mention from about `share` of the rows, so a missing bracket never means `none`."""
    rng = random.Random(seed + 1)
    return [dataclasses.replace(r, mention=None) if r.mention and rng.random() < share else r for r in rows]


def augment(rows: Sequence[StanceExample], negative_share: float, mention_dropout: float, seed: int,
            opposites: Mapping[str, str] | None = None, flip_share: float = 0.0) -> list[StanceExample]:
    """The rows (some without mention brackets), their swapped negatives, and with `opposites`
    the flipped copies of about `flip_share` of them (training/opposites.py)."""
    flipped = flipped_copies(rows, opposites, flip_share, seed) if opposites and flip_share > 0 else []
    if negative_share <= 0 and mention_dropout <= 0:
        return list(rows) + flipped
    return drop_mentions(rows, mention_dropout, seed) + swapped_negatives(rows, negative_share, seed) + flipped
