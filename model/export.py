"""`actorstance export`: write the ONNX graph beside the weights, and with `fast`, the int8 graph
plus the measured gap under which `predict --fast` re-scores a row in fp32 (model/quantize.py,
model/cascade.py). What was measured goes into `actorstance.json`, where `predict --fast` reads
the gap and a reader can see what it was chosen on."""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from actorstance.errors import ConfigError

from .folder import read_metadata, write_metadata
from .onnx_backend import export_onnx

CALIBRATION_ROWS = 1000


@dataclass
class ExportResult:
    onnx: Path
    fast: Path | None = None
    rescore_gap: float | None = None  # for the ONNX int8 graph
    rescored: float | None = None  # share of calibration rows it sent to fp32
    agreement: float | None = None  # labels identical to fp32 on the calibration rows
    calibration_rows: int = 0


def export_model(folder: str | Path, fast: bool = False, calibration: str | None = None, target: float = 0.995) -> ExportResult:
    folder = Path(folder)
    read_metadata(folder)
    result = ExportResult(onnx=export_onnx(folder))
    if not fast:
        return result
    from actorstance.data.readers import load_examples

    from .classifier import StanceClassifier
    from .onnx_backend import OnnxStanceClassifier
    from .quantize import FAST_ONNX_FILE, QuantPlan, choose_rescore_gap, quantize_onnx, quantize_torch

    classifier = StanceClassifier.from_pretrained(folder, device="cpu")
    rows = load_examples(calibration) if calibration else classifier.training_rows  # held-out rows are the stricter test
    if not rows:
        raise ConfigError(f"{folder} keeps no training rows to calibrate on; pass --calibration DATA")
    if len(rows) > CALIBRATION_ROWS:  # a seeded sample: the first rows may all come from a few documents
        rows = random.Random(0).sample(rows, CALIBRATION_ROWS)
    plan = QuantPlan(())
    result.fast = quantize_onnx(folder, plan, target=FAST_ONNX_FILE)
    # each backend's int8 changes different labels (ORT and torch quantise activations differently),
    # and each is checked against the fp32 model that its second pass runs
    pairs = {"onnx": (OnnxStanceClassifier(folder, file_name=FAST_ONNX_FILE), OnnxStanceClassifier(folder)),
             "torch": (quantize_torch(classifier, plan), classifier)}
    measured = {backend: choose_rescore_gap(exact.predict_proba(rows), int8.predict_proba(rows), target=target)
                for backend, (int8, exact) in pairs.items()}
    meta = read_metadata(folder)
    meta["fast"] = {**plan.to_dict(), "file": FAST_ONNX_FILE,
                    "rescore_gap": {backend: m["chosen"]["gap"] for backend, m in measured.items()},
                    "measured": {"target_agreement": target, "calibration_rows": len(rows), **measured}}
    write_metadata(folder, meta)
    chosen = measured["onnx"]["chosen"]
    result.rescore_gap, result.rescored, result.agreement = chosen["gap"], chosen["rescored"], chosen["agreement"]
    result.calibration_rows = len(rows)
    return result
