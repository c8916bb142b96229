"""The rejects file of `--skip-invalid`: every row left out, with the reason, so nothing is
dropped silently. JSONL, one object per rejected row, written atomically when the run ends."""
from __future__ import annotations

import json
from pathlib import Path

from actorstance.errors import InputError

from .writers import AtomicFile


class RejectLog:
    """Collects rejected rows into `path` (a temporary file until `close`)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.count = 0
        self._file: AtomicFile | None = None

    def add(self, record, error: InputError) -> None:
        if self._file is None:
            self._file = AtomicFile(self.path)
        entry = {"file": error.path, "line": error.line, "field": error.field, "reason": error.reason,
                 "row": record.fields, "raw": record.raw}
        self._file.handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.count += 1

    def close(self) -> None:
        """Move the rejects file into place (only written when something was rejected)."""
        if self._file is not None:
            self._file.commit()
            self._file = None

    def discard(self) -> None:
        if self._file is not None:
            self._file.abort()
            self._file = None

    def summary(self) -> str:
        return f"{self.count} invalid rows skipped, listed with their reasons in {self.path}" if self.count else "no invalid rows"

    def __enter__(self) -> "RejectLog":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close() if exc_type is None else self.discard()
