"""analyze_articles: raw articles in, an actor x issue stance map with its evidence out.

segment (pysbd) -> find actors (alias table, titles, pronouns) -> pair with every issue ->
predict -> aggregate per (actor, issue).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from actorstance.analysis.articles import Article, read_articles, segment
from actorstance.analysis.mentions import AliasTable, find_mentions, mention_rows, positional_id
from actorstance.data.schema import Prediction, StanceExample
from actorstance.data.writers import write_records
from actorstance.errors import InputError

from .aggregate import StanceCell, aggregate
from .stance_map import write_stance_map


@dataclass
class StanceMap:
    rows: list[StanceExample]
    predictions: list[Prediction]
    cells: list[StanceCell]
    articles: int
    sentences: int
    issues: list[str] = field(default_factory=list)

    def save(self, folder: str | Path) -> Path:
        """rows.jsonl (every scored row), stances.csv, stances.json, heatmap.png, network.graphml."""
        out = Path(folder)
        records = ({**{k: v for k, v in r.to_dict().items() if v is not None}, "stance": p.label,
                    **{f"p_{k}": round(v, 6) for k, v in p.probabilities.items()}}
                   for r, p in zip(self.rows, self.predictions))
        out.mkdir(parents=True, exist_ok=True)
        write_records(records, out / "rows.jsonl")
        meta = {"articles": self.articles, "sentences": self.sentences, "rows": len(self.rows), "issues": self.issues}
        return write_stance_map(self.cells, out, meta)


def read_issues(source: str | Path) -> list[str]:
    """Issues from a text file (one per line, # comments) or the distinct issues of a labelled dataset."""
    from actorstance.data.readers import load_examples, read_text, resolve_path
    path = Path(source)
    if path.suffix.lower() == ".txt":
        if not path.is_file():
            raise InputError(path, "no such issues file")
        lines = [line.strip() for line in read_text(path).splitlines()]  # a non-UTF-8 line is named
        issues = [line for line in lines if line and not line.startswith("#")]
    else:
        issues = list(dict.fromkeys(r.issue for r in load_examples(resolve_path(source))))
    if not issues:
        raise InputError(path, "no issues found")
    return issues


def article_rows(articles: Sequence[Article], issues: Sequence[str], aliases: AliasTable | str | Path | None = None,
                 row_id=positional_id) -> tuple[list[StanceExample], int]:
    """The rows `analyze` scores: each article segmented, its actors found with the alias table,
    every (sentence, actor) crossed with every issue. Returns the rows and the sentence count."""
    table = aliases if isinstance(aliases, AliasTable) else AliasTable.load(aliases)
    rows: list[StanceExample] = []
    n_sentences = 0
    for article in articles:
        sentences = segment(article)
        n_sentences += len(sentences)
        rows += mention_rows(sentences, find_mentions(sentences, table), issues, source=article.source, row_id=row_id)
    return rows, n_sentences


def analyze_articles(model, articles: Sequence[Article] | Iterable[str | Path], issues: Sequence[str],
                     aliases: AliasTable | str | Path | None = None, min_evidence: int = 1,
                     show_progress: bool = False) -> StanceMap:
    """Score every (sentence, actor, issue) in the articles and aggregate per (actor, issue)."""
    articles = list(articles)
    if articles and not isinstance(articles[0], Article):
        articles = read_articles(articles)
    rows, n_sentences = article_rows(articles, issues, aliases)
    predictions = model.predict(rows, show_progress=show_progress) if rows else []
    cells = aggregate(rows, [p.label for p in predictions], predictions, min_evidence=min_evidence)
    return StanceMap(rows, predictions, cells, len(articles), n_sentences, list(issues))
