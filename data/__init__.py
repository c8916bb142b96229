"""Rows, files and splits: the data side of actorstance."""
from .readers import Record, load_examples, packaged_datasets, read_records
from .schema import LABELS, Prediction, StanceExample
from .splits import group_kfold, train_test_split
from .writers import write_examples, write_records

__all__ = [
    "LABELS", "Prediction", "Record", "StanceExample", "group_kfold", "load_examples",
    "packaged_datasets", "read_records", "train_test_split", "write_examples", "write_records",
]
