"""Swapped negatives: unrelated issue or absent actor, labelled none, reproducible."""
from __future__ import annotations

from actorstance.training.augment import augment, drop_mentions, swapped_negatives


def test_swapped_negatives_are_none_and_really_swapped(small_rows):
    negatives = swapped_negatives(small_rows, share=1.0, seed=0)
    assert len(negatives) >= len(small_rows) - 2
    originals = {r.id: r for r in small_rows}
    story_issues = {}
    for r in small_rows:
        story_issues.setdefault(r.doc_id, set()).add(r.issue)
    for neg in negatives:
        source = originals[neg.id.split("~")[0]]
        assert neg.stance == "none" and neg.text == source.text
        if neg.id.endswith("~issue"):
            assert neg.issue not in story_issues[source.doc_id] and neg.actor == source.actor
        else:
            assert neg.actor.lower() not in f"{neg.text} {neg.context}".lower() and neg.mention is None


def test_augmentation_is_reproducible_and_can_be_off(small_rows):
    assert augment(small_rows, 0.5, 0.2, seed=3) == augment(small_rows, 0.5, 0.2, seed=3)
    assert augment(small_rows, 0.0, 0.0, seed=3) == small_rows
    dropped = drop_mentions([r.__class__(**{**r.to_dict(), "mention": "x"}) for r in small_rows], 1.0, seed=0)
    assert all(r.mention is None for r in dropped)
