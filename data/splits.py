"""Splits that keep each article (doc_id) on one side, so evaluation never sees a trained-on article."""
from __future__ import annotations

import random
from collections import defaultdict
from typing import Callable, Sequence

from actorstance.errors import ConfigError

from .schema import StanceExample

GROUP_KEYS: dict[str, Callable[[StanceExample], str]] = {
    "doc_id": lambda r: r.doc_id or r.id or r.text,
    "issue": lambda r: r.issue,
    "actor": lambda r: r.actor,
}


def group_key(by: str) -> Callable[[StanceExample], str]:
    try:
        return GROUP_KEYS[by]
    except KeyError:
        raise ConfigError(f"cannot group by '{by}': choose one of {', '.join(GROUP_KEYS)}") from None


def group_kfold(rows: Sequence[StanceExample], folds: int, by: str = "doc_id",
                seed: int = 0) -> list[tuple[list[StanceExample], list[StanceExample]]]:
    """K (train, test) pairs; every group lands in exactly one test fold.

    Groups are shuffled with `seed`, then dealt largest first onto the fold with fewest rows,
    which keeps fold sizes even when groups differ in size.
    """
    key = group_key(by)
    groups: dict[str, list[StanceExample]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    if folds < 2:
        raise ConfigError("cross-validation needs at least 2 folds")
    if len(groups) < folds:
        raise ConfigError(f"{len(groups)} distinct {by} values cannot fill {folds} folds; use --folds {len(groups)} or fewer")
    names = sorted(groups)
    random.Random(seed).shuffle(names)
    names.sort(key=lambda n: -len(groups[n]))
    fold_of: dict[str, int] = {}
    sizes = [0] * folds
    for name in names:
        target = sizes.index(min(sizes))
        fold_of[name] = target
        sizes[target] += len(groups[name])
    result = []
    for fold in range(folds):
        test = [r for r in rows if fold_of[key(r)] == fold]
        train = [r for r in rows if fold_of[key(r)] != fold]
        result.append((train, test))
    return result


def train_test_split(rows: Sequence[StanceExample], test_share: float = 0.2, by: str = "doc_id",
                     seed: int = 0) -> tuple[list[StanceExample], list[StanceExample]]:
    """One grouped split with about `test_share` of the rows in the test part (at least one group)."""
    folds = max(2, round(1 / test_share))
    key = group_key(by)
    folds = min(folds, len({key(r) for r in rows}))
    return group_kfold(rows, folds, by=by, seed=seed)[0]
