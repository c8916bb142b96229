"""Errors a user can fix. The CLI prints them as one line and exits non-zero, never a traceback."""
from __future__ import annotations

from pathlib import Path


class ActorstanceError(Exception):
    """Base class: anything the user can correct (bad file, bad option, bad model folder)."""


class InputError(ActorstanceError):
    """A data file is unreadable or a row in it is invalid.

    Carries the file, the 1-based line (data line for CSV, counting the header as line 1) and
    the field, so the message points at the exact place to fix.
    """

    def __init__(self, path: str | Path, message: str, line: int | None = None, field: str | None = None):
        self.path = str(path)
        self.line = line
        self.field = field
        self.reason = message
        where = self.path
        if line is not None:
            where += f", line {line}"
        if field is not None:
            where += f", field '{field}'"
        super().__init__(f"{where}: {message}")


class ModelFolderError(ActorstanceError):
    """A folder given as a model is missing, incomplete or not an actorstance model."""


class ConfigError(ActorstanceError):
    """An option or configuration value is out of range or inconsistent."""
