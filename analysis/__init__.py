"""From articles to an actor x issue map: segmentation, actor mentions, scoring every
(sentence, actor, issue) row, aggregation and the map's files. Exports resolve lazily."""
from __future__ import annotations

from actorstance.lazy import lazy_exports

_EXPORTS = {
    "Article": "actorstance.analysis.articles",
    "read_articles": "actorstance.analysis.articles",
    "segment": "actorstance.analysis.articles",
    "AliasTable": "actorstance.analysis.mentions",
    "find_mentions": "actorstance.analysis.mentions",
    "analyze_articles": "actorstance.analysis.analyze",
    "StanceMap": "actorstance.analysis.analyze",
    "StanceCell": "actorstance.analysis.aggregate",
    "suggest_rows": "actorstance.analysis.suggest",
    "Suggestion": "actorstance.analysis.suggest",
}
__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
