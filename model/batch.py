"""Score a whole file as a stream: validate every row first (nothing is written when a row is
bad, unless `skip_invalid`), then predict chunk by chunk and write the input's fields plus the
prediction in the input's order. Memory stays flat whatever the file's size.

The output goes to a part file with a checkpoint after every chunk, and is moved into place at
the end: an interrupted run leaves no output, and `resume` continues it. Chunks are fixed
slices of the valid rows, so a resumed run and a shard (`shard=(i, n)`, a contiguous range of
whole chunks) compute every chunk in the same batches as one uninterrupted run does: their
outputs equal its output row for row, the probabilities within 1e-5 (the math library's kernels
differ by CPU and can round the 6th decimal apart).
"""
from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

from actorstance.data.readers import RowChecker, file_format, iter_examples, parse_label_map, resolve_path
from actorstance.data.rejects import RejectLog
from actorstance.data.schema import LABELS, StanceExample
from actorstance.data.writers import PartialOutput, RecordWriter, fingerprint
from actorstance.errors import ConfigError, InputError

PROBABILITY_COLUMNS = [f"p_{label}" for label in LABELS]
PREDICTION_COLUMNS = ["stance", *PROBABILITY_COLUMNS]
CHUNK_ROWS = 1024


@dataclass
class PredictRun:
    """What a `predict_file` call did."""

    rows: int  # rows written by this call (this shard)
    total_valid: int  # valid rows in the input file
    rejected: int
    truncated: int  # rows longer than the model's max_length
    resumed_from: int  # rows already done by an earlier, interrupted run
    seconds: float  # the whole call: validation, model loading, prediction, writing
    predict_seconds: float  # the prediction loop alone
    backend: str
    shard: tuple[int, int] = (1, 1)
    warnings: tuple[str, ...] = ()  # rows kept that training would refuse (unknown gold stance, repeated id)

    @property
    def rows_per_s(self) -> float:
        return (self.rows - self.resumed_from) / self.predict_seconds if self.predict_seconds else 0.0


class _Ignore:
    """Rejects already logged by the validation pass."""

    def add(self, record, error) -> None:
        pass


def output_record(fields: dict, label: str, probabilities: Mapping[str, float]) -> dict:
    """The input fields unchanged, a gold `stance` kept as `gold_stance`, then the prediction."""
    record = {("gold_stance" if k == "stance" else k): v for k, v in fields.items()}
    record["stance"] = label
    for label_name in LABELS:
        record[f"p_{label_name}"] = round(float(probabilities[label_name]), 6)
    return record


def output_columns(input_columns: list[str]) -> list[str]:
    """The input's columns (a gold `stance` renamed `gold_stance`), then the prediction's."""
    renamed = ["gold_stance" if c == "stance" else c for c in input_columns]
    return [c for c in renamed if c not in PREDICTION_COLUMNS] + PREDICTION_COLUMNS


def parse_shard(spec: str | tuple[int, int] | None) -> tuple[int, int]:
    """"2/4" -> (2, 4): the second of four parts (1-based)."""
    if spec is None:
        return (1, 1)
    if isinstance(spec, tuple):
        index, count = spec
    else:
        try:
            index, count = (int(x) for x in str(spec).split("/"))
        except ValueError:
            raise ConfigError(f"--shard takes I/N, like 1/4 (the first of four parts), got {spec!r}") from None
    if not 1 <= index <= count:
        raise ConfigError(f"--shard {index}/{count}: I must be between 1 and N")
    return (index, count)


def shard_range(total: int, shard: tuple[int, int], chunk_rows: int) -> tuple[int, int]:
    """Rows [start, end) of a shard: a contiguous run of whole chunks."""
    chunks = -(-total // chunk_rows)
    index, count = shard
    first, last = (index - 1) * chunks // count, index * chunks // count
    return min(first * chunk_rows, total), min(last * chunk_rows, total)


def validate_file(path: Path, label_map: Mapping[str, str], rejects: RejectLog | None) -> tuple[int, list[str], list[str]]:
    """The validation pass: count valid rows, collect the column names (for CSV output) and the
    warnings. Without `rejects` the first invalid row stops everything before any output exists.
    Prediction needs neither a known gold stance nor unique ids: such rows are kept, with a warning."""
    checker = RowChecker(path, label_map=label_map, for_prediction=True)
    count, columns = 0, {}
    for record, _ in iter_examples(path, rejects=rejects, checker=checker):
        count += 1
        columns.update(dict.fromkeys(record.fields))
    return count, list(columns), checker.warnings()


def chunks(path: Path, label_map: Mapping[str, str], start: int, end: int,
           chunk_rows: int) -> Iterator[list[tuple[dict, StanceExample]]]:
    """The valid rows [start, end) in slices of `chunk_rows`, aligned on multiples of it."""
    valid = iter_examples(path, rejects=_Ignore(), checker=RowChecker(path, label_map=label_map, for_prediction=True))
    selected = ((record.fields, row) for record, row in itertools.islice(valid, start, end))
    while batch := list(itertools.islice(selected, chunk_rows)):
        yield batch


def predict_file(model, input_path: str | Path, output_path: str | Path, *, batch_size: int = 32,
                 device: str = "auto", backend: str = "auto", show_progress: bool = True,
                 skip_invalid: bool = False, rejects_path: str | Path | None = None,
                 label_map: str | Mapping[str, str] | None = None, resume: bool = False,
                 shard: str | tuple[int, int] | None = None, chunk_rows: int = CHUNK_ROWS, fast: bool = False) -> PredictRun:
    """Predict every valid row of `input_path` into `output_path` (JSONL or CSV by suffix).

    `model` is a model folder or an already loaded predictor (`StanceClassifier`, or any object
    with `predict_proba(rows)`). Returns what was done, as a `PredictRun`.
    """
    from .backends import load_predictor

    started = time.perf_counter()
    path = resolve_path(input_path)
    out = Path(output_path)
    file_format(out)  # an unusable output name fails before any work
    if out.exists() and out.resolve() == path.resolve():
        raise InputError(out, "is the input file; choose another output path")
    index, count = parse_shard(shard)
    labels = parse_label_map(label_map)
    rejects = RejectLog(rejects_path or out.with_name(out.name + ".rejects.jsonl")) if skip_invalid else None
    total, input_columns, warnings = validate_file(path, labels, rejects)
    if rejects is not None:
        rejects.close()
    if total == 0:
        raise InputError(path, "the file has no valid rows" if rejects is not None and rejects.count else "the file has no rows")
    start, end = shard_range(total, (index, count), chunk_rows)

    predictor = load_predictor(model, device=device, batch_size=batch_size, backend=backend, fast=fast)
    job = {"input": str(path.resolve()), "input_fingerprint": fingerprint(path), "model": str(model) if isinstance(model, (str, Path)) else None,
           "shard": [index, count], "chunk_rows": chunk_rows, "label_map": labels, "backend": predictor.backend}
    output = PartialOutput(out, job, resume=resume)
    done, truncated = output.rows_done, 0
    # CSV shards after the first have no header, so that `cat` joins the shards into one file
    writer = RecordWriter(output.handle, out, output_columns(input_columns), header=not output.resumed and index == 1)
    progress = None
    if show_progress:
        from tqdm.auto import tqdm
        progress = tqdm(total=end - start, initial=done, unit="row", desc="predict", smoothing=0.1)
    loop_started = time.perf_counter()
    try:
        for batch in chunks(path, labels, start + done, end, chunk_rows):
            rows = [row for _, row in batch]
            probabilities = predictor.predict_proba(rows)
            truncated += predictor.count_truncated(rows)
            for (fields, _), p in zip(batch, probabilities):
                writer.write(output_record(fields, LABELS[int(p.argmax())], dict(zip(LABELS, p))))
            output.checkpoint(output.rows_done + len(batch))
            if progress is not None:
                progress.update(len(batch))
        writer.finish()
        output.commit()
    finally:
        output.close()
        if progress is not None:
            progress.close()
    return PredictRun(rows=end - start, total_valid=total, rejected=rejects.count if rejects else 0, truncated=truncated,
                      resumed_from=done, seconds=time.perf_counter() - started,
                      predict_seconds=time.perf_counter() - loop_started, backend=predictor.backend,
                      shard=(index, count), warnings=tuple(warnings))
