"""Distillation: a larger teacher's probabilities taught to the small default model.

A `TeacherProbs` holds, for (sentence, actor, issue) rows, the probabilities a fine-tuned teacher
gave them: the labelled rows (matched on text, actor and issue) and the unlabelled transfer rows of
the same stories (training/transfer.py). It is made once by `score_with_teacher` (where the
teacher is at hand) and saved as JSONL, so that training the student needs only the file.

The student learns, on a row with both, `alpha` x T^2 x KL(teacher_T || student_T) plus
(1 - alpha) x cross-entropy on the gold label; on a transfer row the KL term alone; on a row the
teacher never scored (swapped negatives, a user's new rows) the gold label alone. `_T`: the
distribution softened by the temperature T (p^(1/T), renormalised).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from actorstance.analysis.suggest import row_key
from actorstance.data.schema import LABELS, StanceExample
from actorstance.errors import InputError

ROW_FIELDS = ("text", "actor", "issue", "context", "mention", "doc_id", "id", "source")
Key = tuple[str, str, str]  # row_key: the sentence (whitespace normalised), actor and issue


@dataclass
class TeacherProbs:
    """Teacher probabilities (in `LABELS` order) by row key, and the transfer rows among them."""

    probs: dict[Key, tuple[float, ...]] = field(default_factory=dict)
    transfer: list[StanceExample] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.probs)

    def get(self, row: StanceExample) -> tuple[float, ...] | None:
        return self.probs.get(row_key(row))

    def transfer_for(self, stories: Iterable[str]) -> list[StanceExample]:
        """The transfer rows of these stories only: a story held out of training keeps its
        unlabelled rows out too."""
        wanted = set(stories)
        return [r for r in self.transfer if r.doc_id in wanted]

    def save(self, path: str | Path, labelled: Sequence[StanceExample]) -> Path:
        """One JSON line per row: the labelled rows' key and probabilities, then each transfer
        row whole (`transfer: true`). Written to a temporary file and renamed."""
        from actorstance.data.writers import atomic_open
        path = Path(path)
        with atomic_open(path) as out:
            written: set[Key] = set()
            for row in labelled:
                key = row_key(row)
                if key in self.probs and key not in written:
                    written.add(key)
                    out.write(json.dumps({"text": key[0], "actor": key[1], "issue": key[2], "doc_id": row.doc_id,
                                          **probability_fields(self.probs[key])}, ensure_ascii=False) + "\n")
            for row in self.transfer:
                record = {name: getattr(row, name) for name in ROW_FIELDS if getattr(row, name)}
                out.write(json.dumps({**record, "transfer": True, **probability_fields(self.probs[row_key(row)])},
                                     ensure_ascii=False) + "\n")
        return path

    @classmethod
    def load(cls, path: str | Path) -> "TeacherProbs":
        path = Path(path)
        teacher = cls()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(str(path), f"cannot read the teacher probabilities: {error}") from None
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise InputError(str(path), f"not valid JSON ({error.msg})", line=number) from None
            for name in ("text", "actor", "issue", *(f"p_{label}" for label in LABELS)):
                if not isinstance(record, dict) or record.get(name) in (None, ""):
                    raise InputError(str(path), "missing", line=number, field=name)
            try:
                probs = tuple(float(record[f"p_{label}"]) for label in LABELS)
            except (TypeError, ValueError):
                raise InputError(str(path), "not a probability", line=number, field="p_favor") from None
            row = StanceExample(**{name: str(record[name]) for name in ROW_FIELDS if record.get(name) is not None})
            if any(p < 0 for p in probs) or abs(sum(probs) - 1) > 0.01:
                raise InputError(str(path), f"probabilities {probs} do not sum to 1", line=number, field="p_favor")
            teacher.probs[row_key(row)] = probs
            if record.get("transfer"):
                teacher.transfer.append(row)
        return teacher


def shipped_teacher_probs() -> Path:
    """The teacher's probabilities shipped with the package (data/labelled/teacher/)."""
    from importlib import resources
    return Path(str(resources.files("actorstance.data") / "labelled" / "teacher" / "teacher_probs.jsonl"))


# How the shipped teacher's training rows were drawn: each story set (news_corpus, real_news)
# split by story with train_test_split(rows, test_share, by="doc_id", seed); it trained on the
# train parts. An evaluation on these test parts is one the teacher never read.
SHIPPED_TEACHER_SPLIT = {"test_share": 0.15, "seed": 42}


def teacher_split(rows: Sequence[StanceExample], seed: int = SHIPPED_TEACHER_SPLIT["seed"],
                  test_share: float = SHIPPED_TEACHER_SPLIT["test_share"]):
    """(train, test) of one story set, by story, as the shipped teacher's split was drawn (with
    the defaults): the demo and the benches hold out what the teacher never trained on."""
    from actorstance.data.splits import train_test_split
    return train_test_split(rows, test_share=test_share, by="doc_id", seed=seed)


def default_teacher(data_given: bool, base_model: str | None) -> str | None:
    """The distilled default: the default MiniLM trained on the shipped data (no DATA given) also
    learns the shipped teacher's probabilities; anything else learns the gold labels alone unless
    told otherwise (`--teacher-probs`), since the shipped teacher never read a user's rows."""
    return "shipped" if not data_given and base_model in (None, "minilm") else None


def teacher_file(name_or_path: str | Path) -> Path:
    """`shipped` names the packaged file; anything else is a path."""
    return shipped_teacher_probs() if str(name_or_path) == "shipped" else Path(name_or_path)


def probability_fields(probs: Sequence[float]) -> dict[str, float]:
    return {f"p_{label}": round(float(p), 5) for label, p in zip(LABELS, probs)}


def score_with_teacher(teacher, labelled: Sequence[StanceExample], transfer: Sequence[StanceExample],
                       show_progress: bool = False) -> TeacherProbs:
    """The teacher's probabilities for the labelled rows and the transfer rows (one progress bar)."""
    from actorstance.analysis.suggest import score_rows
    unique: dict[Key, StanceExample] = {}
    for row in list(labelled) + list(transfer):
        unique.setdefault(row_key(row), row)
    rows = list(unique.values())
    probs = score_rows(teacher, rows, show_progress=show_progress)
    transfer_keys = {row_key(r) for r in transfer}
    return TeacherProbs({row_key(r): tuple(float(x) for x in p) for r, p in zip(rows, probs)},
                        [r for r in rows if row_key(r) in transfer_keys])


def soften(probs: np.ndarray | Sequence[float], temperature: float) -> np.ndarray:
    """p^(1/T), renormalised: the teacher's distribution at temperature T."""
    p = np.clip(np.asarray(probs, dtype=np.float64), 1e-8, 1.0) ** (1.0 / temperature)
    return p / p.sum(axis=-1, keepdims=True)


def weights_hash(model_folder: str | Path) -> str:
    """SHA-256 of the teacher's weights file: names the teacher in the data's README."""
    digest = hashlib.sha256()
    with open(Path(model_folder) / "model.safetensors", "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def teacher_probabilities(teacher: str | Path, labelled: Sequence[StanceExample], device: str = "auto",
                          show_progress: bool = False) -> TeacherProbs:
    """Load a fine-tuned teacher (an actorstance model folder) and score the labelled rows and the
    transfer rows of their stories."""
    from actorstance.model.backends import load_predictor

    from .transfer import transfer_rows
    model = load_predictor(teacher, device=device)
    return score_with_teacher(model, labelled, transfer_rows(labelled), show_progress=show_progress)
