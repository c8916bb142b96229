"""`actorstance export`: write the ONNX graph beside the weights, and with `fast`, the int8 graph
whose fp32 layers were chosen by measurement (model/quantize.py). The plan and what was measured
go into `actorstance.json`, so `predict --fast` and the model card can say what was done."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from actorstance.errors import ConfigError

from .folder import read_metadata, write_metadata
from .onnx_backend import export_onnx

CALIBRATION_ROWS = 400


@dataclass
class ExportResult:
    onnx: Path
    fast: Path | None = None
    keep_fp32: tuple[str, ...] = ()
    agreement: float | None = None
    calibration_rows: int = 0


def export_model(folder: str | Path, fast: bool = False, calibration: str | None = None, target: float = 0.995) -> ExportResult:
    folder = Path(folder)
    read_metadata(folder)
    result = ExportResult(onnx=export_onnx(folder))
    if not fast:
        return result
    from actorstance.data.readers import load_examples

    from .classifier import StanceClassifier
    from .quantize import FAST_ONNX_FILE, choose_plan, quantize_onnx

    classifier = StanceClassifier.from_pretrained(folder, device="cpu")
    rows = load_examples(calibration) if calibration else classifier.training_rows
    if not rows:
        raise ConfigError(f"{folder} keeps no training rows to calibrate on; pass --calibration DATA")
    rows = rows[:CALIBRATION_ROWS]
    plan, report = choose_plan(classifier, rows, target=target)
    result.fast = quantize_onnx(folder, plan, target=FAST_ONNX_FILE)
    meta = read_metadata(folder)
    meta["fast"] = {**plan.to_dict(), "file": FAST_ONNX_FILE, "measured": report}
    write_metadata(folder, meta)
    result.keep_fp32 = plan.keep_fp32
    result.agreement = report["chosen"]["agreement"]
    result.calibration_rows = len(rows)
    return result
