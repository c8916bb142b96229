"""Write rows or records as JSONL or CSV, atomically: a temporary file moved into place at the end,
so an interrupted run never leaves a half-written output."""
from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from pathlib import Path
from typing import Iterable, Iterator, TextIO

from .readers import file_format
from .schema import FIELD_NAMES, StanceExample


@contextlib.contextmanager
def atomic_open(path: str | Path) -> Iterator[TextIO]:
    """Open a temporary file beside `path`; rename it over `path` only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_records(records: Iterable[dict], path: str | Path, columns: list[str] | None = None) -> int:
    """Write dicts to JSONL or CSV by the path's suffix; returns the number written.

    CSV needs `columns` (the header) or takes the keys of the first record in order.
    """
    path = Path(path)
    fmt = file_format(path)
    count = 0
    with atomic_open(path) as handle:
        if fmt == "jsonl":
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
        else:
            records = iter(records)
            first = next(records, None)
            header = columns or (list(first) if first else list(FIELD_NAMES))
            delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
            writer = csv.DictWriter(handle, fieldnames=header, delimiter=delimiter, extrasaction="raise")
            writer.writeheader()
            for record in ([first] if first else []):
                writer.writerow(record)
                count += 1
            for record in records:
                writer.writerow(record)
                count += 1
    return count


def example_to_record(row: StanceExample) -> dict:
    """A row as a dict without its empty optional fields (JSONL stays compact)."""
    return {k: v for k, v in row.to_dict().items() if v is not None}


def write_examples(rows: Iterable[StanceExample], path: str | Path) -> int:
    """Write `StanceExample` rows to a JSONL or CSV file (by suffix); returns the count."""
    path = Path(path)
    if file_format(path) == "csv":
        records = ({k: ("" if v is None else v) for k, v in r.to_dict().items()} for r in rows)
        return write_records(records, path, columns=list(FIELD_NAMES))
    return write_records((example_to_record(r) for r in rows), path)
