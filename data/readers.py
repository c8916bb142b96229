"""Read JSONL and CSV files of rows, validating every line, with errors that name file, line and field.

Two levels: `read_records` gives the raw dicts (all of a file's fields, for outputs that must keep
them) and `load_examples` turns them into `StanceExample` rows.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Mapping

from actorstance.errors import InputError

from .schema import FIELD_NAMES, LABELS, REQUIRED_FIELDS, StanceExample

JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
CSV_SUFFIXES = {".csv", ".tsv"}


@dataclass(frozen=True)
class Record:
    """One row of a file as read: its 1-based line number and every field it had."""

    line: int
    fields: dict


def file_format(path: Path) -> str:
    """'jsonl' or 'csv' from the file's suffix; anything else is an error."""
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in CSV_SUFFIXES:
        return "csv"
    raise InputError(path, f"unknown file type '{suffix or '(none)'}': use .jsonl or .csv")


def packaged_datasets() -> list[str]:
    """Names of the labelled datasets shipped with the package (usable as `load_examples(name)`)."""
    folder = resources.files("actorstance.data") / "labelled"
    return sorted(p.name[: -len(".jsonl")] for p in folder.iterdir() if p.name.endswith(".jsonl"))


def resolve_path(path_or_name: str | Path) -> Path:
    """A path that exists as a file, or the packaged dataset of that name."""
    path = Path(path_or_name)
    if path.is_file():
        return path
    if path.is_dir():
        raise InputError(path, "is a directory, expected a .jsonl or .csv file")
    name = str(path_or_name)
    if name in packaged_datasets():
        return Path(str(resources.files("actorstance.data") / "labelled" / f"{name}.jsonl"))
    known = ", ".join(packaged_datasets())
    raise InputError(path, f"no such file (nor a packaged dataset; those are: {known})")


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(path, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); re-save the file as UTF-8", line=line) from None


def _jsonl_records(path: Path, text: str) -> Iterable[Record]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(path, f"broken JSON ({exc.msg} at column {exc.colno})", line=number) from None
        if not isinstance(obj, dict):
            raise InputError(path, f"expected a JSON object, got {type(obj).__name__}", line=number)
        yield Record(number, obj)


def _csv_records(path: Path, text: str) -> Iterable[Record]:
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    header = [h.strip() for h in header]
    blank = [i + 1 for i, h in enumerate(header) if not h]
    if blank:
        raise InputError(path, f"header has an empty column name (column {blank[0]})", line=1)
    start = 1
    for values in reader:
        number = start + 1
        start = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise InputError(path, f"row has {len(values)} columns, the header has {len(header)}", line=number)
        yield Record(number, dict(zip(header, values)))


def read_records(path_or_name: str | Path) -> list[Record]:
    """Every row of a JSONL or CSV file as a raw dict with its line number (no field checks)."""
    path = resolve_path(path_or_name)
    text = _decode(path)
    reader = _jsonl_records if file_format(path) == "jsonl" else _csv_records
    records = list(reader(path, text))
    if not records:
        raise InputError(path, "the file has no rows")
    return records


def normalise_stance(value: object, label_map: Mapping[str, str] | None = None) -> str | None:
    """Lower-case, trimmed stance, mapped through `label_map`; None for an empty value."""
    if value is None:
        return None
    stance = str(value).strip().lower()
    if not stance:
        return None
    if label_map:
        stance = label_map.get(stance, stance)
    return stance


def to_example(path: Path, record: Record, require_stance: bool, label_map: Mapping[str, str] | None = None) -> StanceExample:
    """Validate one record and build its `StanceExample`; an `InputError` names line and field."""
    f = record.fields
    for name in REQUIRED_FIELDS:
        if name not in f or f[name] is None:
            raise InputError(path, "missing required field", line=record.line, field=name)
        if not isinstance(f[name], str):
            raise InputError(path, f"expected text, got {type(f[name]).__name__}", line=record.line, field=name)
        if not f[name].strip():
            raise InputError(path, "is empty", line=record.line, field=name)
    stance = normalise_stance(f.get("stance"), label_map)
    if stance is None and require_stance:
        raise InputError(path, "missing stance (needed for training and evaluation)", line=record.line, field="stance")
    if stance is not None and stance not in LABELS:
        raise InputError(path, f"unknown stance '{f.get('stance')}' (expected one of: {', '.join(LABELS)})",
                         line=record.line, field="stance")
    values = {}
    for name in FIELD_NAMES:
        value = f.get(name)
        if name == "stance" or value is None:
            continue
        if not isinstance(value, (str, int, float)):
            raise InputError(path, f"expected text, got {type(value).__name__}", line=record.line, field=name)
        value = str(value)
        optional_and_empty = name not in REQUIRED_FIELDS and name != "context" and not value.strip()
        if not optional_and_empty:
            values[name] = value
    return StanceExample(stance=stance, **values)


def load_examples(path_or_name: str | Path, require_stance: bool = False,
                  label_map: Mapping[str, str] | None = None) -> list[StanceExample]:
    """Load rows from a JSONL/CSV file or a packaged dataset name (e.g. "seed_articles").

    Stops at the first invalid row with an `InputError` naming the file, line and field.
    `require_stance` is for training and evaluation data; `label_map` renames labels
    (e.g. {"pro": "favor", "con": "against"}).
    """
    path = resolve_path(path_or_name)
    records = read_records(path)
    rows = [to_example(path, r, require_stance, label_map) for r in records]
    check_unique_ids(path, records)
    return rows


def check_unique_ids(path: Path, records: list[Record]) -> None:
    """Ids are unique within a file (GUIDELINE.md): a repeated id is an error at its second line."""
    seen: dict[str, int] = {}
    for record in records:
        rid = record.fields.get("id")
        if rid is None or rid == "":
            continue
        key = str(rid)
        if key in seen:
            raise InputError(path, f"duplicate id '{key}' (first on line {seen[key]})", line=record.line, field="id")
        seen[key] = record.line
