"""Score a whole file: read every row (validating all before any work), predict, and write the
input's fields plus the prediction, atomically, in the input's order."""
from __future__ import annotations

from pathlib import Path

from actorstance.data.readers import check_unique_ids, file_format, read_records, resolve_path, to_example
from actorstance.data.schema import LABELS
from actorstance.data.writers import write_records

from .classifier import StanceClassifier

PROBABILITY_COLUMNS = [f"p_{label}" for label in LABELS]


def output_record(fields: dict, label: str, probabilities: dict[str, float]) -> dict:
    """The input fields unchanged, a gold `stance` kept as `gold_stance`, then the prediction."""
    record = {("gold_stance" if k == "stance" else k): v for k, v in fields.items()}
    record["stance"] = label
    for label_name in LABELS:
        record[f"p_{label_name}"] = round(probabilities[label_name], 6)
    return record


def predict_file(model: str | Path | StanceClassifier, input_path: str | Path, output_path: str | Path,
                 batch_size: int = 32, device: str = "auto", show_progress: bool = True) -> int:
    """Predict every row of `input_path` into `output_path`; returns the number of rows written."""
    path = resolve_path(input_path)
    file_format(Path(output_path))  # an unusable output name fails before any work
    records = read_records(path)
    rows = [to_example(path, r, require_stance=False) for r in records]
    check_unique_ids(path, records)
    classifier = model if isinstance(model, StanceClassifier) else StanceClassifier.from_pretrained(
        model, device=device, batch_size=batch_size)
    predictions = classifier.predict(rows, show_progress=show_progress)
    out = [output_record(r.fields, p.label, p.probabilities) for r, p in zip(records, predictions)]
    columns = None
    if file_format(Path(output_path)) == "csv":
        columns = list(out[0])
    return write_records(out, output_path, columns=columns)
