"""suggest_rows (`actorstance suggest`): which rows of a user's own articles are most worth labelling next.

The articles go through the path `analyze` takes (read, segment, find actors with the alias table,
cross every (sentence, actor) with every issue); every row is scored with the model's
`predict_proba`, and the `n` rows most worth a person's time are written with an empty `stance`
column, the fields a labeller needs, and the model's current guess and probabilities as hints.

Strategies:
- `uncertainty`: the smallest gap between the two most probable labels first;
- `diverse`: the same order, but spread out: at most `Spread.per_sentence` rows per sentence, a cap
  per article, per actor and per issue, and no sentence whose TF-IDF vector (word 1-2 grams over
  the candidate sentences, L2-normalised) has a cosine above `Spread.max_similarity` with a
  sentence already chosen (near-duplicate wire copies). TF-IDF rather than the encoder's mean-
  pooled states: no second forward pass, and the model's last layer only computes [CLS]
  (model/first_token.py). When the caps leave fewer than `n` rows, the article, actor and issue
  caps are doubled, round by round, then (once none binds) the rows per sentence, until `n` rows
  are found or no cap binds; the similarity rule is never relaxed;
- `random`: a seeded sample.
Rows already labelled (in the `exclude` files, matched on text, actor and issue) are never proposed.
"""
from __future__ import annotations

import hashlib
import math
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from actorstance.data.label_tools import TASK_COLUMNS
from actorstance.data.schema import LABELS, StanceExample
from actorstance.data.writers import write_records
from actorstance.errors import ConfigError, InputError

from .analyze import article_rows
from .articles import Article, Sentence, normalise_space, read_articles
from .mentions import AliasTable

STRATEGIES = ("uncertainty", "diverse", "random")


@dataclass(frozen=True)
class Spread:
    """How `diverse` spreads its rows. Shares are of `n` (rounded up, at least 1)."""

    per_sentence: int = 1
    article_share: float = 0.1
    actor_share: float = 0.25
    issue_share: float = 0.5
    max_similarity: float = 0.9


@dataclass
class Suggestion:
    """What `suggest` did: rows scored (after exclusion), rows written, and how."""

    output: Path
    strategy: str
    rows_scored: int
    rows_written: int
    excluded: int = 0
    articles: int = 0
    sentences: int = 0
    relaxed_rounds: int = 0  # diverse: how often the caps were doubled to reach n


def slug(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_") or "x"


def stable_id(sentence: Sentence, k: int, actor: str, j: int, issue: str) -> str:
    """`<doc_id>-s<sentence index>-<actor slug>-<hash of actor and issue>`: the same row gets the
    same id whatever the order of the issues or of the actors in the sentence."""
    digest = hashlib.sha1(f"{actor}\x1f{issue}".encode("utf-8")).hexdigest()[:10]
    return f"{sentence.doc_id}-s{sentence.index}-{slug(actor)}-{digest}"


def row_key(row: StanceExample) -> tuple[str, str, str]:
    """What makes two rows the same question: the sentence (whitespace normalised), actor, issue."""
    return normalise_space(row.text), row.actor.strip(), row.issue.strip()


def labelled_keys(paths: Iterable[str | Path]) -> set[tuple[str, str, str]]:
    """The (text, actor, issue) of every row in the given JSONL/CSV files, labelled or not."""
    from actorstance.data.readers import load_examples
    return {row_key(r) for path in paths for r in load_examples(path)}


def top_two_gap(probs: np.ndarray) -> np.ndarray:
    ordered = np.sort(probs, axis=1)
    return ordered[:, -1] - ordered[:, -2]


def select_uncertain(probs: np.ndarray, n: int) -> list[int]:
    return [int(i) for i in np.argsort(top_two_gap(probs), kind="stable")[:n]]


def select_random(count: int, n: int, seed: int) -> list[int]:
    return random.Random(seed).sample(range(count), min(n, count))


def sentence_vectors(texts: Sequence[str]):
    """L2-normalised TF-IDF rows (word 1-2 grams), or None where the texts have no words at all."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    try:
        return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit_transform(texts)
    except ValueError:  # empty vocabulary
        return None


def select_diverse(rows: Sequence[StanceExample], probs: np.ndarray, n: int,
                   spread: Spread = Spread()) -> tuple[list[int], int]:
    """Uncertainty order, spread over sentences, articles, actors and issues (see the module's
    docstring). Returns the chosen row indices and how many times the caps were doubled."""
    order = [int(i) for i in np.argsort(top_two_gap(probs), kind="stable")]
    sentence_of = {}
    sentence_ids = []
    for row in rows:
        sentence_ids.append(sentence_of.setdefault((row.doc_id, row.text), len(sentence_of)))
    vectors = sentence_vectors([text for _, text in sentence_of])
    base_caps = {"article": math.ceil(spread.article_share * n), "actor": math.ceil(spread.actor_share * n),
                 "issue": math.ceil(spread.issue_share * n)}
    keys = {"article": lambda r: r.doc_id, "actor": lambda r: r.actor, "issue": lambda r: r.issue}
    counts = {name: Counter() for name in base_caps}
    per_sentence: Counter = Counter()
    chosen: list[int] = []
    taken: set[int] = set()
    chosen_sentences: list[int] = []
    chosen_sentence_set: set[int] = set()
    too_close: set[int] = set()  # sentences near one already chosen; the chosen set only grows

    def near_a_chosen_sentence(s: int) -> bool:
        if vectors is None or not chosen_sentences or s in chosen_sentence_set:
            return False
        if s in too_close:
            return True
        if (vectors[s] @ vectors[chosen_sentences].T).max() > spread.max_similarity:
            too_close.add(s)
            return True
        return False

    rounds, group_scale, sentence_cap = 0, 1, max(1, spread.per_sentence)
    while True:
        caps = {name: max(1, cap) * group_scale for name, cap in base_caps.items()}
        for i in order:
            if len(chosen) == n:
                break
            if i in taken:
                continue
            row, s = rows[i], sentence_ids[i]
            if per_sentence[s] >= sentence_cap:
                continue
            if any(counts[name][keys[name](row)] >= caps[name] for name in caps):
                continue
            if near_a_chosen_sentence(s):
                continue
            chosen.append(i)
            taken.add(i)
            per_sentence[s] += 1
            for name in caps:
                counts[name][keys[name](row)] += 1
            if s not in chosen_sentence_set:
                chosen_sentences.append(s)
                chosen_sentence_set.add(s)
        if len(chosen) == n:
            return chosen, rounds
        if min(caps.values()) < n:  # first the article, actor and issue caps,
            group_scale *= 2
        elif sentence_cap < n:  # and only when none of them binds any more, rows per sentence
            sentence_cap *= 2
        else:
            return chosen, rounds
        rounds += 1


def suggestion_record(row: StanceExample, probs: np.ndarray) -> dict:
    record = {"id": row.id, "doc_id": row.doc_id, "actor": row.actor, "issue": row.issue, "mention": row.mention,
              "context": row.context, "text": row.text, "stance": None, "guess": LABELS[int(np.argmax(probs))]}
    record.update({f"p_{label}": round(float(p), 4) for label, p in zip(LABELS, probs)})
    record["source"] = row.source
    return record


def score_rows(model, rows: Sequence[StanceExample], show_progress: bool = False) -> np.ndarray:
    """`predict_proba` over all rows, in chunks under one progress bar that counts rows."""
    if not rows:
        return np.zeros((0, len(LABELS)), dtype=np.float32)
    chunk = max(1, getattr(model, "batch_size", 32)) * 8
    bar = None
    if show_progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=len(rows), desc="scoring", unit="row")
    parts = []
    for start in range(0, len(rows), chunk):
        parts.append(model.predict_proba(rows[start:start + chunk]))
        if bar is not None:
            bar.update(len(parts[-1]))
    if bar is not None:
        bar.close()
    return np.concatenate(parts)


def suggest_rows(model, articles: Sequence[Article] | Iterable[str | Path], issues: Sequence[str], output: str | Path,
            n: int = 200, strategy: str = "uncertainty", seed: int = 0, exclude: Sequence[str | Path] = (),
            aliases: AliasTable | str | Path | None = None, spread: Spread = Spread(), device: str = "auto",
            show_progress: bool = False) -> Suggestion:
    """Score every (sentence, actor, issue) row of the articles and write the `n` most worth
    labelling to `output` (.csv or .jsonl, written atomically). `model` is a model folder or a
    loaded predictor (anything with `predict_proba`)."""
    if strategy not in STRATEGIES:
        raise ConfigError(f"unknown strategy '{strategy}': use one of {', '.join(STRATEGIES)}")
    if n < 1:
        raise ConfigError(f"--n must be at least 1, got {n}")
    issues = list(issues)
    if not issues:
        raise ConfigError("no issues given")
    output = Path(output)
    from actorstance.data.readers import file_format
    file_format(output)  # a wrong suffix fails before any scoring
    articles = list(articles)
    if articles and not isinstance(articles[0], Article):
        articles = read_articles(articles)
    seen = labelled_keys(exclude)
    rows, n_sentences = article_rows(articles, issues, aliases, row_id=stable_id)
    candidates = [r for r in rows if row_key(r) not in seen]
    if not candidates:
        where = articles[0].source or articles[0].doc_id if articles else "articles"
        reason = (f"all {len(rows)} rows are already in the --exclude files" if rows else
                  "no actor of the alias table was found in the articles (--aliases FILE adds names)")
        raise InputError(where, f"nothing to suggest: {reason}")
    if isinstance(model, (str, Path)):
        from actorstance.model.backends import load_predictor
        model = load_predictor(model, device=device)
    probs = score_rows(model, candidates, show_progress=show_progress)
    rounds = 0
    if strategy == "uncertainty":
        chosen = select_uncertain(probs, n)
    elif strategy == "diverse":
        chosen, rounds = select_diverse(candidates, probs, n, spread)
    else:
        chosen = select_random(len(candidates), n, seed)
    written = write_records((suggestion_record(candidates[i], probs[i]) for i in chosen), output, columns=TASK_COLUMNS)
    return Suggestion(output, strategy, len(candidates), written, len(rows) - len(candidates), len(articles),
                      n_sentences, rounds)
