"""Quality gates for labelled data: duplicates, near-duplicate sentences, label balance and
mentions that must be findable. A test helper: the gates every shipped dataset must pass."""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Sequence

from actorstance.data.schema import StanceExample

WORD = re.compile(r"[a-z0-9']+")


def duplicate_keys(rows: Sequence[StanceExample]) -> list[tuple[str, str, str]]:
    counts = Counter((r.text, r.actor, r.issue) for r in rows)
    return [key for key, n in counts.items() if n > 1]


def missing_mentions(rows: Sequence[StanceExample]) -> list[StanceExample]:
    """Rows whose `mention` occurs in neither `text` nor `context`."""
    return [r for r in rows if r.mention and r.mention not in r.text and r.mention not in (r.context or "")]


def near_duplicate_sentences(sentences: Sequence[str], threshold: float = 0.6) -> list[tuple[str, str, float]]:
    """Pairs of distinct sentences whose word sets overlap (Jaccard) at `threshold` or more.

    An inverted index over words limits the comparison to pairs that share a rare-enough word.
    """
    unique = sorted(set(sentences))
    words = [set(WORD.findall(s.lower())) for s in unique]
    index: dict[str, list[int]] = defaultdict(list)
    for i, ws in enumerate(words):
        for w in ws:
            index[w].append(i)
    shared: Counter = Counter()
    for postings in index.values():
        if len(postings) > 200:  # stop-word-like: too common to signal a duplicate
            continue
        for a in range(len(postings)):
            for b in range(a + 1, len(postings)):
                shared[(postings[a], postings[b])] += 1
    pairs = []
    for (i, j), _ in shared.items():
        union = len(words[i] | words[j])
        jaccard = len(words[i] & words[j]) / union if union else 0.0
        if jaccard >= threshold:
            pairs.append((unique[i], unique[j], jaccard))
    return pairs


def label_shares(rows: Sequence[StanceExample]) -> dict[str, float]:
    counts = Counter(r.stance for r in rows)
    return {label: counts[label] / len(rows) for label in ("favor", "against", "none")}
