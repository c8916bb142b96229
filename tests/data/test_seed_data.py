"""The shipped seed dataset follows GUIDELINE.md and covers both seed articles."""
from __future__ import annotations

import re
from collections import Counter

from shared_data import shared_or_skip


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_counts_and_labels(seed_rows):
    counts = Counter(r.stance for r in seed_rows)
    assert len(seed_rows) >= 80
    assert all(counts[label] >= 15 for label in ("favor", "against", "none")), counts
    docs = Counter(r.doc_id for r in seed_rows)
    assert set(docs) == {"000_2a04d8071712f466", "003_eda09d65afdcd609"} and min(docs.values()) >= 30


def test_rows_follow_the_guideline(seed_rows):
    assert len({r.id for r in seed_rows}) == len(seed_rows)
    assert len({(r.text, r.actor, r.issue) for r in seed_rows}) == len(seed_rows)
    for r in seed_rows:
        assert r.id.startswith(f"{r.doc_id}-")
        assert r.mention and (r.mention in r.text or r.mention in r.context), r.id


def test_text_and_context_are_verbatim_from_the_article(seed_rows):
    articles = {p.stem: normalise(p.read_text(encoding="utf-8")) for p in shared_or_skip("seeds").glob("*.txt")}
    for r in seed_rows:
        assert normalise(r.text) in articles[r.doc_id], r.id
        assert normalise(r.context) in articles[r.doc_id], r.id
