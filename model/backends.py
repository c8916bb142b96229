"""Choose how a saved model runs: torch (the default, any device) or ONNX Runtime (CPU, when the
folder holds an exported `model.onnx` and onnxruntime is installed; torch is then never
imported). Everything returned here has `predict_proba(rows)`, `count_truncated(rows)` and
`backend`."""
from __future__ import annotations

from pathlib import Path

from actorstance.errors import ConfigError

from .folder import read_metadata
from .onnx_backend import ONNX_FILE, onnxruntime_available

BACKENDS = ("auto", "torch", "onnx")


def pick_backend(folder: Path, backend: str, device: str) -> str:
    """`auto`: ONNX where it was exported and can run here and no GPU was asked for; else torch."""
    if backend not in BACKENDS:
        raise ConfigError(f"unknown backend '{backend}': use one of {', '.join(BACKENDS)}")
    has_onnx = (folder / ONNX_FILE).is_file()
    if backend == "onnx":
        if not has_onnx:
            raise ConfigError(f"--backend onnx: {folder} has no {ONNX_FILE}; run `actorstance export {folder}` first")
        if not onnxruntime_available():
            raise ConfigError("--backend onnx needs onnxruntime: pip install 'actorstance[onnx]'")
        return "onnx"
    if backend == "auto" and has_onnx and onnxruntime_available() and device in ("auto", "cpu"):
        return "onnx"
    return "torch"


def load_predictor(model, device: str = "auto", batch_size: int = 32, backend: str = "auto", fast: bool = False):
    """A predictor for a model folder; an already loaded model is returned as it is.

    `fast`: int8 weights (the ONNX int8 graph where it was exported and can run, else the torch
    model quantised the same way), with the close calls scored again in fp32 under the gap
    `actorstance export --fast` measured.
    """
    if not isinstance(model, (str, Path)):
        return model
    folder = Path(model)
    meta = read_metadata(folder)  # a wrong folder fails here, with one clear message
    chosen = pick_backend(folder, backend, device)
    if fast:
        return fast_predictor(folder, meta, chosen, batch_size, device)
    if chosen == "onnx":
        from .onnx_backend import OnnxStanceClassifier
        return OnnxStanceClassifier(folder, batch_size=batch_size)
    from .classifier import StanceClassifier
    return StanceClassifier.from_pretrained(folder, device=device, batch_size=batch_size)


def fast_predictor(folder: Path, meta: dict, backend: str, batch_size: int, device: str = "auto"):
    """Int8 weights; rows whose int8 call is closer than the measured gap are scored again in fp32.
    Int8 kernels run on the CPU only, so a GPU device is refused rather than silently ignored."""
    from .cascade import CloseCallCascade
    from .quantize import FAST_ONNX_FILE, QuantPlan
    if device not in ("auto", "cpu"):
        raise ConfigError(f"--fast runs int8 weights on the CPU and cannot use --device {device}; "
                          "leave out --fast to run the model on that device")
    if "fast" not in meta:
        raise ConfigError(f"--fast: {folder} has no int8 model yet; run `actorstance export {folder} --fast` once "
                          "(it measures when int8 can be trusted and when a row needs fp32)")
    if "rescore_gap" not in meta["fast"]:
        raise ConfigError(f"--fast: {folder} was exported by an older actorstance (int8 without the fp32 second pass); "
                          f"run `actorstance export {folder} --fast` again")
    gaps = meta["fast"]["rescore_gap"]
    if backend == "onnx" and (folder / FAST_ONNX_FILE).is_file():
        from .onnx_backend import OnnxStanceClassifier
        exact = OnnxStanceClassifier(folder, batch_size=batch_size)
        fast, gap = OnnxStanceClassifier(folder, batch_size=batch_size, file_name=FAST_ONNX_FILE), gaps.get("onnx", 0)
    else:
        from .classifier import StanceClassifier
        from .quantize import quantize_torch
        exact = StanceClassifier.from_pretrained(folder, device="cpu", batch_size=batch_size)
        fast, gap = quantize_torch(exact, QuantPlan.from_dict(meta["fast"])), gaps.get("torch", 0)
    return CloseCallCascade(fast, exact, gap) if gap > 0 else fast
