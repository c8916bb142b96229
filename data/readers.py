"""Read JSONL and CSV files of rows as a stream, validating every line, with errors that name
file, line and field.

Three levels:
- `iter_records` streams the raw dicts (all of a file's fields, for outputs that must keep them);
  a line that cannot be parsed comes out as a `Record` carrying its error, so a caller can stop
  or skip it;
- `RowChecker` turns records into `StanceExample` rows (required fields, labels, unique ids);
- `iter_examples` / `load_examples` put the two together; with a `RejectLog`, invalid rows are
  logged and skipped instead of stopping the run.
Memory stays flat: nothing here holds more than one row, except the ids seen so far (as hashes).
"""
from __future__ import annotations

import csv
import json
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from actorstance.errors import InputError

from .schema import FIELD_NAMES, LABELS, REQUIRED_FIELDS, StanceExample

JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
CSV_SUFFIXES = {".csv", ".tsv"}
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # a 100,000-character sentence is a row, not a crash


@dataclass(frozen=True)
class Record:
    """One row of a file as read: its 1-based line number and every field it had, or, for a line
    that could not be parsed, its raw text and the error."""

    line: int
    fields: dict | None
    error: InputError | None = None
    raw: str | None = None


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


def decode_line(path: Path, data: bytes, line: int) -> str:
    """One line as text; the file's BOM (line 1) is dropped; bad UTF-8 is an InputError."""
    try:
        return data.decode("utf-8-sig" if line == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at column {exc.start + 1}); "
                               "re-save the file as UTF-8", line=line) from None


def read_text(path: Path) -> str:
    """A whole (small) text file, UTF-8 checked line by line so an error names its line."""
    return "".join(decode_line(path, data, n) for n, data in enumerate(path.read_bytes().splitlines(True), 1))


def _jsonl_records(path: Path) -> Iterator[Record]:
    with path.open("rb") as handle:
        for number, data in enumerate(handle, 1):
            try:
                line = decode_line(path, data, number)
            except InputError as exc:
                yield Record(number, None, exc, data.decode("utf-8", "replace").rstrip("\r\n"))
                continue
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                error = InputError(path, f"broken JSON ({exc.msg} at column {exc.colno})", line=number)
                yield Record(number, None, error, line.rstrip("\r\n"))
                continue
            if not isinstance(obj, dict):
                error = InputError(path, f"expected a JSON object, got {type(obj).__name__}", line=number)
                yield Record(number, None, error, line.rstrip("\r\n"))
                continue
            yield Record(number, obj)


def _csv_records(path: Path) -> Iterator[Record]:
    """CSV rows, decoded line by line so a bad byte is reported on its line and the rest goes on."""
    bad_lines: dict[int, InputError] = {}

    def lines(handle) -> Iterator[str]:
        for number, data in enumerate(handle, 1):
            try:
                yield decode_line(path, data, number)
            except InputError as exc:
                bad_lines[number] = exc
                yield data.decode("utf-8", "replace")

    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    with path.open("rb") as handle:
        reader = csv.reader(lines(handle), delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(path, f"unreadable CSV header ({exc})", line=1) from None
        if 1 in bad_lines:
            raise bad_lines[1]
        header = [h.strip() for h in header]
        blank = [i + 1 for i, h in enumerate(header) if not h]
        if blank:
            raise InputError(path, f"header has an empty column name (column {blank[0]})", line=1)
        repeated = sorted({h for h in header if header.count(h) > 1})
        if repeated:
            raise InputError(path, f"header repeats the column '{repeated[0]}'", line=1, field=repeated[0])
        end = reader.line_num
        while True:
            start = end + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # e.g. a bare carriage return in an unquoted cell
                end = reader.line_num  # the parser starts afresh on the next line
                yield Record(start, None, InputError(path, f"unreadable CSV row ({exc})", line=start))
                continue
            end = reader.line_num
            raw = ",".join(values)
            errors = [bad_lines.pop(n) for n in range(start, end + 1) if n in bad_lines]
            if errors:
                yield Record(start, None, errors[0], raw)
                continue
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                spans = f" (lines {start}-{end}: a quote opened on line {start} and never closed?)" if end > start else ""
                error = InputError(path, f"row has {len(values)} columns, the header has {len(header)}{spans}", line=start)
                yield Record(start, None, error, raw)
                continue
            yield Record(start, dict(zip(header, values)))


def iter_records(path_or_name: str | Path) -> Iterator[Record]:
    """Every row of a JSONL or CSV file, one at a time, with its line number. Parse errors come
    out as records with `error` set; the caller decides whether to stop or skip."""
    path = resolve_path(path_or_name)
    reader = _jsonl_records if file_format(path) == "jsonl" else _csv_records
    return reader(path)


def read_records(path_or_name: str | Path) -> list[Record]:
    """All rows of a file as raw dicts; the first unparseable line is raised as an InputError."""
    path = resolve_path(path_or_name)
    records = []
    for record in iter_records(path):
        if record.error:
            raise record.error
        records.append(record)
    if not records:
        raise InputError(path, "the file has no rows")
    return records


def parse_label_map(spec: str | Mapping[str, str] | None) -> dict[str, str]:
    """`pro=favor,con=against` (or a dict) -> {"pro": "favor", "con": "against"}; targets checked."""
    if not spec:
        return {}
    pairs = spec.items() if isinstance(spec, Mapping) else (p.split("=", 1) for p in spec.split(",") if p.strip())
    mapping = {}
    for pair in pairs:
        if len(pair) != 2:
            raise InputError("--label-map", f"expected NAME=LABEL pairs like pro=favor,con=against, got {spec!r}")
        source, target = (str(x).strip().lower() for x in pair)
        if target not in LABELS:
            raise InputError("--label-map", f"'{source}' maps to '{target}', which is not one of {', '.join(LABELS)}")
        mapping[source] = target
    return mapping


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


class RowChecker:
    """Validates records of one file into `StanceExample` rows: required fields present and
    non-empty, stance known (after `label_map`), ids unique within the file (GUIDELINE.md).

    `for_prediction` relaxes what prediction does not need: an unknown gold stance becomes
    None (the file's value passes through to the output as `gold_stance`) and a repeated id is
    kept; both are counted in `warnings()` instead of stopping the run.
    """

    def __init__(self, path: str | Path, require_stance: bool = False, label_map: Mapping[str, str] | None = None,
                 for_prediction: bool = False):
        self.path = Path(path)
        self.require_stance = require_stance
        self.label_map = dict(label_map or {})
        self.for_prediction = for_prediction
        self._id_lines: dict[int, int] = {}  # hash of id -> first line; flat memory for big files
        self.unknown_stances: list[int] = []  # lines, for_prediction only
        self.duplicate_ids: list[int] = []

    def check(self, record: Record) -> StanceExample:
        if record.error:
            raise record.error
        row = self._example(record)
        if row.id is not None:
            first = self._id_lines.setdefault(hash(row.id), record.line)
            if first != record.line:
                if not self.for_prediction:
                    raise InputError(self.path, f"duplicate id '{row.id}' (first on line {first})", line=record.line, field="id")
                self.duplicate_ids.append(record.line)
        return row

    def warnings(self) -> list[str]:
        """One line per kind of row that prediction kept although training would refuse it."""
        notes = []
        if self.unknown_stances:
            notes.append(f"{self.path}: {len(self.unknown_stances)} row(s) with a stance other than {', '.join(LABELS)} "
                         f"(first on line {self.unknown_stances[0]}); kept, passed through as gold_stance")
        if self.duplicate_ids:
            notes.append(f"{self.path}: {len(self.duplicate_ids)} row(s) repeating an earlier id "
                         f"(first on line {self.duplicate_ids[0]}); kept, each scored")
        return notes

    def _example(self, record: Record) -> StanceExample:
        f, line, path = record.fields, record.line, self.path
        for name in REQUIRED_FIELDS:
            if name not in f or f[name] is None:
                raise InputError(path, "missing required field", line=line, field=name)
            if not isinstance(f[name], str):
                raise InputError(path, f"expected text, got {type(f[name]).__name__}", line=line, field=name)
            if not f[name].strip():
                raise InputError(path, "is empty", line=line, field=name)
        stance = normalise_stance(f.get("stance"), self.label_map)
        if stance is None and self.require_stance:
            raise InputError(path, "missing stance (needed for training and evaluation)", line=line, field="stance")
        if stance is not None and stance not in LABELS and self.for_prediction:
            self.unknown_stances.append(line)
            stance = None
        elif stance is not None and stance not in LABELS:
            hint = "; --label-map pro=favor,con=against renames labels" if not self.label_map else ""
            raise InputError(path, f"unknown stance '{f.get('stance')}' (expected one of: {', '.join(LABELS)}{hint})",
                             line=line, field="stance")
        values = {}
        for name in FIELD_NAMES:
            value = f.get(name)
            if name == "stance" or value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                raise InputError(path, f"expected text, got {type(value).__name__}", line=line, field=name)
            value = str(value)
            optional_and_empty = name not in REQUIRED_FIELDS and name != "context" and not value.strip()
            if not optional_and_empty:
                values[name] = value
        return StanceExample(stance=stance, **values)


def iter_examples(path_or_name: str | Path, require_stance: bool = False,
                  label_map: Mapping[str, str] | None = None, rejects=None,
                  checker: RowChecker | None = None) -> Iterator[tuple[Record, StanceExample]]:
    """(record, row) pairs of the valid rows, in file order. Without `rejects` the first invalid
    row raises its InputError; with a `RejectLog` it is logged there and skipped. A `checker`
    given replaces the default one (prediction passes a lenient one and reads its warnings)."""
    path = resolve_path(path_or_name)
    checker = checker or RowChecker(path, require_stance, label_map)
    for record in iter_records(path):
        try:
            yield record, checker.check(record)
        except InputError as exc:
            if rejects is None:
                raise
            rejects.add(record, exc)


def load_examples(path_or_name: str | Path, require_stance: bool = False,
                  label_map: Mapping[str, str] | None = None, rejects=None) -> list[StanceExample]:
    """Load rows from a JSONL/CSV file or a packaged dataset name (e.g. "seed_articles").

    Stops at the first invalid row with an `InputError` naming the file, line and field, unless
    `rejects` (a `RejectLog`) takes the invalid rows. `require_stance` is for training and
    evaluation data; `label_map` renames labels (e.g. {"pro": "favor", "con": "against"}).
    """
    path = resolve_path(path_or_name)
    rows = [row for _, row in iter_examples(path, require_stance, label_map, rejects)]
    if not rows:
        rejected = f" ({rejects.count} rejected, see {rejects.path})" if rejects is not None and rejects.count else ""
        raise InputError(path, f"the file has no valid rows{rejected}" if rejected else "the file has no rows")
    return rows


def load_many(sources: Iterable[str | Path], require_stance: bool = False,
              label_map: Mapping[str, str] | None = None, rejects=None) -> list[StanceExample]:
    """Rows of several files, in order."""
    return [row for source in sources for row in load_examples(source, require_stance, label_map, rejects)]
