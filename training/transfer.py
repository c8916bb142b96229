"""The transfer set for distillation: unlabelled (sentence, actor, issue) rows that labelled stories
yield through the article path, with no new text.

Each story is rebuilt from its labelled rows (`articles_from_rows`), segmented, its actors found
with the shipped alias table extended by the story's own labelled actors and their mentions, and
every (sentence, actor) crossed with the story's issues: the rows `analyze` would score on that
story. Rows that ask the same question as a labelled row (same sentence, actor and issue) are left
out: those train with their gold label.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Sequence

from actorstance.data.schema import StanceExample


def story_alias_table(base, rows: Sequence[StanceExample]):
    """The alias table plus each labelled actor of the story, named by its actor and mention."""
    from actorstance.analysis.mentions import AliasTable
    actors = {name: dict(entry) for name, entry in base.actors.items()}
    for row in rows:
        entry = actors.setdefault(row.actor, {"type": "unknown", "names": []})
        names = list(entry.get("names", []))
        for alias in (row.actor, row.mention):
            if alias and alias.strip() and alias not in names and alias.lower() not in {"he", "she", "they", "it"}:
                names.append(alias.strip())
        entry["names"] = names
    return AliasTable(actors)


def transfer_rows(labelled: Sequence[StanceExample], max_per_story: int | None = None) -> list[StanceExample]:
    """The article-path rows of every story in `labelled` that no labelled row already covers, in
    story order; `max_per_story` keeps the first that many of each story (by sentence order)."""
    from actorstance.analysis.analyze import article_rows
    from actorstance.analysis.articles import articles_from_rows
    from actorstance.analysis.mentions import AliasTable
    from actorstance.analysis.suggest import row_key

    by_story: dict[str, list[StanceExample]] = defaultdict(list)
    for row in labelled:
        by_story[row.doc_id or "doc"].append(row)
    base = AliasTable.default()
    seen = {row_key(r) for r in labelled}
    out: list[StanceExample] = []
    for doc_id, rows in sorted(by_story.items()):
        issues = list(dict.fromkeys(r.issue for r in rows))
        article = articles_from_rows(rows)
        found, _ = article_rows(article, issues, story_alias_table(base, rows))
        fresh = [r for r in found if row_key(r) not in seen]
        out += fresh[:max_per_story] if max_per_story else fresh
    return out
