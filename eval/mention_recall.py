"""How many labelled (sentence, actor) pairs the actor finder recovers from the raw articles."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from actorstance.analysis.articles import Article, normalise_space, segment
from actorstance.analysis.mentions import AliasTable, find_mentions
from actorstance.data.schema import StanceExample


@dataclass
class MentionRecall:
    recall: float
    found: int
    total: int
    missed: list[tuple[str, str]]  # (actor, sentence)


def mention_recall(labelled: Sequence[StanceExample], articles: Sequence[Article], table: AliasTable) -> MentionRecall:
    """A labelled pair counts as found when the actor is among the mentions of a segmented
    sentence that overlaps the labelled sentence (one contains the other; segmenters differ)."""
    found_by_doc: dict[str, list[tuple[str, set[str]]]] = {}
    for article in articles:
        sentences = segment(article)
        found_by_doc[article.doc_id] = [(normalise_space(s.text), {m.actor for m in ms})
                                        for s, ms in zip(sentences, find_mentions(sentences, table))]
    pairs = sorted({(r.doc_id, normalise_space(r.text), r.actor) for r in labelled if r.doc_id in found_by_doc})
    missed = []
    for doc_id, text, actor in pairs:
        actors = set().union(*(a for s, a in found_by_doc[doc_id] if s in text or text in s) or [set()])
        if actor not in actors:
            missed.append((actor, text))
    found = len(pairs) - len(missed)
    return MentionRecall(found / max(len(pairs), 1), found, len(pairs), missed)
