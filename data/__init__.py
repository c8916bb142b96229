"""Rows, files and splits: the data side of actorstance. Exports resolve lazily, as in every
package of actorstance (actorstance/lazy.py)."""
from __future__ import annotations

from actorstance.lazy import lazy_exports

_EXPORTS = {
    "LABELS": "actorstance.data.schema",
    "Prediction": "actorstance.data.schema",
    "StanceExample": "actorstance.data.schema",
    "Record": "actorstance.data.readers",
    "load_examples": "actorstance.data.readers",
    "packaged_datasets": "actorstance.data.readers",
    "read_records": "actorstance.data.readers",
    "group_kfold": "actorstance.data.splits",
    "train_test_split": "actorstance.data.splits",
    "write_examples": "actorstance.data.writers",
    "write_records": "actorstance.data.writers",
    "export_tasks": "actorstance.data.label_tools",
    "import_labels": "actorstance.data.label_tools",
}
__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
