"""Issues read in both directions: "X favors sanctions on Russia" says the same as "X opposes
lifting sanctions on Russia". Training can add, for a share of the rows whose issue has a
hand-written opposite, the flipped copy (the opposite issue, favor <-> against, none stays none),
so the model has to read the issue's direction rather than the verb's.

The opposites of the shipped issues ship in data/resources/issue_opposites.json; a user's own
issues get none unless given in a file (`--opposites FILE`, a JSON object {issue: opposite}).
"""
from __future__ import annotations

import dataclasses
import json
import random
from importlib import resources
from pathlib import Path
from typing import Mapping, Sequence

from actorstance.data.schema import StanceExample
from actorstance.errors import InputError

FLIPPED = {"favor": "against", "against": "favor", "none": "none"}


def load_opposites(path: str | Path | None = None, include_shipped: bool = True) -> dict[str, str]:
    """{issue: opposite}, both directions: the shipped pairs, extended (and overridden) by `path`."""
    pairs: dict[str, str] = {}
    if include_shipped:
        shipped = resources.files("actorstance.data") / "resources" / "issue_opposites.json"
        pairs.update(_pairs(json.loads(shipped.read_text(encoding="utf-8")), "issue_opposites.json"))
    if path is not None:
        file = Path(path)
        if not file.is_file():
            raise InputError(file, "no such opposites file")
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(file, f"not a JSON object of issue -> opposite ({exc})") from None
        pairs.update(_pairs(data, file))
    return pairs


def _pairs(data: object, where) -> dict[str, str]:
    if not isinstance(data, dict):
        raise InputError(where, "expected a JSON object mapping each issue to its opposite")
    pairs: dict[str, str] = {}
    for issue, opposite in data.items():
        if issue.startswith("_"):
            continue  # comments
        if not isinstance(opposite, str) or not opposite.strip() or opposite.strip() == issue.strip():
            raise InputError(where, f"issue '{issue}': its opposite must be another, non-empty phrase", field=issue)
        pairs[issue] = opposite
        pairs.setdefault(opposite, issue)
    return pairs


def flipped_copies(rows: Sequence[StanceExample], opposites: Mapping[str, str], share: float,
                   seed: int) -> list[StanceExample]:
    """For about `share` of the rows whose issue has an opposite: the same sentence and actor on
    the opposite issue, favor and against swapped (`none` stays `none`)."""
    rng = random.Random(seed + 2)
    return [dataclasses.replace(row, issue=opposites[row.issue], stance=FLIPPED.get(row.stance, row.stance),
                                id=f"{row.id}~flip")
            for row in rows if row.issue in opposites and rng.random() < share]
