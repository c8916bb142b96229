"""The `--fast` path: int8 weights where they cost no answers, fp32 where they do.

Dynamic int8 quantisation of every Linear layer (weights with one scale per output channel) is
about 1.7x faster on a CPU but changes a few percent of labels. Not all layers are equally to blame: `linear_sensitivity` quantises one
Linear at a time and measures how far the output distribution moves (KL divergence from fp32)
on calibration rows (the model's own training rows). `keep_plan` keeps the most sensitive ones in
fp32; `quantize_torch` and `quantize_onnx` apply such a plan to the torch model or to the
exported ONNX graph. The plan is stored in `actorstance.json`, so `predict --fast` reuses it.
"""
from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from actorstance.data.schema import StanceExample

FAST_ONNX_FILE = "model.int8.onnx"


@dataclass(frozen=True)
class QuantPlan:
    """Linear layers (torch module names) kept in fp32; every other Linear becomes int8."""

    keep_fp32: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"keep_fp32": list(self.keep_fp32)}

    @classmethod
    def from_dict(cls, data: dict) -> "QuantPlan":
        return cls(tuple(data.get("keep_fp32", ())))


def linear_names(model) -> list[str]:
    import torch
    return [name for name, module in model.named_modules() if isinstance(module, torch.nn.Linear)]


def kl_divergence(p: np.ndarray, q: np.ndarray) -> float:
    p, q = np.clip(p, 1e-9, 1), np.clip(q, 1e-9, 1)
    return float((p * np.log(p / q)).sum(axis=1).mean())


def quantize_torch(classifier, plan: QuantPlan):
    """A copy of the classifier whose Linears, except `plan.keep_fp32`, hold int8 weights."""
    import copy

    import torch
    from torch.ao.quantization import quantize_dynamic

    quantized = copy.copy(classifier)
    model = copy.deepcopy(classifier.model).to("cpu").eval()
    targets = {name for name in linear_names(model) if name not in set(plan.keep_fp32)}
    # one scale per output channel: on the demo model all-int8 kept 92.6% of labels, not 89.8% (torch)
    spec = {name: torch.ao.quantization.per_channel_dynamic_qconfig for name in targets}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch notes that quantized tensors are deprecated upstream
        quantized.model = quantize_dynamic(model, spec, dtype=torch.qint8) if targets else model
    quantized.device = torch.device("cpu")
    quantized.backend = "torch-int8"
    return quantized


def linear_sensitivity(classifier, rows: Sequence[StanceExample]) -> list[tuple[str, float]]:
    """(Linear name, KL divergence from fp32 when only that layer is int8), most sensitive first."""
    reference = classifier.predict_proba(rows)
    scores = []
    for name in linear_names(classifier.model):
        others = tuple(n for n in linear_names(classifier.model) if n != name)
        probs = quantize_torch(classifier, QuantPlan(others)).predict_proba(rows)
        scores.append((name, kl_divergence(reference, probs)))
    return sorted(scores, key=lambda item: -item[1])


def keep_plan(sensitivity: Sequence[tuple[str, float]], keep: int) -> QuantPlan:
    """Keep the `keep` most sensitive Linears in fp32."""
    return QuantPlan(tuple(name for name, _ in sensitivity[:keep]))


def quantize_onnx(folder: str | Path, plan: QuantPlan, source: str = "model.onnx", target: str = FAST_ONNX_FILE) -> Path:
    """Int8 weights for every MatMul/Gemm of the exported graph except those of the kept Linears."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    folder = Path(folder)
    graph = onnx.load(str(folder / source), load_external_data=False).graph
    kept = [f".{name}." for name in plan.keep_fp32]
    exclude = [node.name for node in graph.node if node.op_type in ("MatMul", "Gemm")
               and any(k in node.name.replace("/", ".") + "." for k in kept)]
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # ORT's advice to pre-process applies to static quantisation
    try:
        quantize_dynamic(str(folder / source), str(folder / target), weight_type=QuantType.QInt8,
                         per_channel=True, nodes_to_exclude=exclude)  # per channel: 96.8% of labels kept, not 92.5%
    finally:
        root.setLevel(level)
    return folder / target


def choose_plan(classifier, rows: Sequence[StanceExample], target: float = 0.995,
                steps: Sequence[int] = (0, 1, 2, 4, 8, 16)) -> tuple[QuantPlan, dict]:
    """The plan with the fewest fp32 Linears whose labels agree with fp32 on `target` of the
    held-back half of `rows` (the other half ranks the layers). Returns the plan and what was
    measured on the way."""
    half = len(rows) // 2
    ranking, check = rows[:half], rows[half:]
    sensitivity = linear_sensitivity(classifier, ranking)
    reference = classifier.predict_proba(check).argmax(1)
    tried = []
    plan, chosen = keep_plan(sensitivity, len(sensitivity)), {"keep_fp32": len(sensitivity), "agreement": 1.0}
    for keep in steps:
        candidate = keep_plan(sensitivity, keep)
        agreement = float((quantize_torch(classifier, candidate).predict_proba(check).argmax(1) == reference).mean())
        tried.append({"keep_fp32": keep, "agreement": agreement})
        if agreement >= target:
            plan, chosen = candidate, tried[-1]
            break
    report = {"target_agreement": target, "calibration_rows": len(rows), "tried": tried, "chosen": chosen,
              "sensitivity": [[n, round(s, 6)] for n, s in sensitivity]}
    return plan, report
