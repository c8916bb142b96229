"""Write rows or records as JSONL or CSV, as a stream and atomically: a temporary file moved into
place at the end, so an interrupted run never leaves a half-written output. `PartialOutput` adds
checkpoints, so a long run that was stopped can go on where it stopped (`--resume`)."""
from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Iterable, Iterator, TextIO

from actorstance.errors import InputError

from .readers import file_format
from .schema import FIELD_NAMES, StanceExample


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class AtomicFile:
    """A temporary file beside `path`; `commit` renames it over `path`, `abort` deletes it."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        self.handle: TextIO = os.fdopen(fd, "w", encoding="utf-8", newline="")

    def commit(self) -> None:
        self.handle.close()
        os.chmod(self.tmp, 0o666 & ~current_umask())  # mkstemp makes 0600; a written file gets the usual mode
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        self.handle.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.tmp)


@contextlib.contextmanager
def atomic_open(path: str | Path) -> Iterator[TextIO]:
    """Open a temporary file beside `path`; rename it over `path` only if the block succeeds."""
    target = AtomicFile(path)
    try:
        yield target.handle
    except BaseException:
        target.abort()
        raise
    target.commit()


class RecordWriter:
    """Writes dicts to an open handle as JSONL or CSV (by the output path's suffix)."""

    def __init__(self, handle: TextIO, path: str | Path, columns: list[str] | None = None, header: bool = True):
        self.handle = handle
        self.format = file_format(Path(path))
        self.columns = columns
        self._csv = None
        self._header = header
        self.delimiter = "\t" if Path(path).suffix.lower() == ".tsv" else ","

    def write(self, record: dict) -> None:
        if self.format == "jsonl":
            self.handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            return
        if self._csv is None:
            self.columns = self.columns or list(record)
            self._csv = csv.DictWriter(self.handle, fieldnames=self.columns, delimiter=self.delimiter, extrasaction="raise")
            if self._header:
                self._csv.writeheader()
        self._csv.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v
                            for k, v in record.items()})

    def finish(self) -> None:
        """A CSV with no rows still gets its header."""
        if self.format == "csv" and self._csv is None and self._header:
            csv.writer(self.handle, delimiter=self.delimiter).writerow(self.columns or list(FIELD_NAMES))


def write_records(records: Iterable[dict], path: str | Path, columns: list[str] | None = None) -> int:
    """Write dicts to JSONL or CSV by the path's suffix, atomically; returns the number written.

    CSV takes `columns` as its header, or the keys of the first record in order.
    """
    count = 0
    with atomic_open(path) as handle:
        writer = RecordWriter(handle, path, columns)
        for record in records:
            writer.write(record)
            count += 1
        writer.finish()
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


def fingerprint(path: Path) -> str:
    """Identity of an input file for `--resume`: size, modification time and the first 64 KiB."""
    stat = path.stat()
    with path.open("rb") as handle:
        head = hashlib.sha256(handle.read(65536)).hexdigest()[:16]
    return f"{stat.st_size}-{stat.st_mtime_ns}-{head}"


class PartialOutput:
    """An output written as `.NAME.part` beside NAME, with `.NAME.progress.json` recording how many
    rows are safely on disk (after each `checkpoint`). `commit` moves the part into place.

    With `resume`, a part left by an interrupted run of the same job (same `job` dict) is cut
    back to its last checkpoint and continued; otherwise the part starts empty.
    """

    def __init__(self, path: str | Path, job: dict, resume: bool = False):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.part = self.path.with_name(f".{self.path.name}.part")
        self.progress = self.path.with_name(f".{self.path.name}.progress.json")
        self.job = job
        self.rows_done = 0
        self.resumed = False
        start_bytes = 0
        if resume:
            state = self._saved_state()
            if state is not None:
                self.rows_done, start_bytes, self.resumed = state["rows"], state["bytes"], True
        mode = "r+" if self.resumed else "w"
        self.handle: TextIO = open(self.part, mode, encoding="utf-8", newline="")
        if self.resumed:
            self.handle.seek(start_bytes)
            self.handle.truncate()
        else:
            self.checkpoint(0)

    def _saved_state(self) -> dict | None:
        if not (self.part.is_file() and self.progress.is_file()):
            return None
        try:
            state = json.loads(self.progress.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None
        if state.get("job") != self.job:
            raise InputError(self.path, "--resume: the unfinished output was made from another input, model or "
                                        f"shard; delete {self.part} or run without --resume")
        if self.part.stat().st_size < state["bytes"]:
            return None
        return state

    def checkpoint(self, rows_done: int) -> None:
        """Everything written so far is on disk; a resumed run starts after `rows_done` rows."""
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.rows_done = rows_done
        state = {"job": self.job, "rows": rows_done, "bytes": self.handle.tell()}
        tmp = self.progress.with_suffix(".tmp")
        tmp.write_text(json.dumps(state), encoding="utf-8")
        os.replace(tmp, self.progress)

    def commit(self) -> None:
        self.handle.close()
        os.replace(self.part, self.path)
        with contextlib.suppress(FileNotFoundError):
            self.progress.unlink()

    def close(self) -> None:
        """Leave the part and its progress on disk for `--resume` (an interrupted run)."""
        if not self.handle.closed:
            self.handle.close()
