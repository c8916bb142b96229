"""The `--fast` path: int8 weights, and fp32 again for the rows where int8 may change the answer.

Dynamic int8 quantisation of every Linear layer (weights with one scale per output channel) is
about 2x faster on a CPU with ONNX Runtime but changes a few percent of labels, mostly close calls.
`choose_rescore_gap` measures, on calibration rows, under which int8 top-two gap a second fp32
pass (model/cascade.py) gets enough of them back; `export --fast` stores that gap in
`actorstance.json`, so `predict --fast` reuses it.

Keeping the most sensitive Linears in fp32 instead (`linear_sensitivity` quantises one Linear at
a time and measures the KL divergence from fp32; `keep_plan` keeps the top ones) is the other
way along the frontier; the speed bench measures both, and the second pass was faster at 99%.
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


RESCORE_GAPS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.6, 1.01)
"""Top-two gaps tried for the fp32 second pass; 1.01 re-scores every row (always 100%)."""


def choose_rescore_gap(reference: np.ndarray, int8: np.ndarray, target: float = 0.995,
                       gaps: Sequence[float] = RESCORE_GAPS) -> dict:
    """The smallest int8 top-two gap under which re-scoring in fp32 keeps `target` of the fp32
    labels (`reference` and `int8`: probabilities on the same calibration rows). The second pass
    is simulated exactly: a re-scored row gets its fp32 label."""
    from .cascade import top_two_gap

    close = top_two_gap(int8)
    expected, approximate = reference.argmax(1), int8.argmax(1)
    tried = []
    for gap in gaps:
        redo = close < gap
        agreement = float((np.where(redo, expected, approximate) == expected).mean())
        tried.append({"gap": gap, "rescored": float(redo.mean()), "agreement": agreement})
        if agreement >= target:
            break
    return {"int8_agreement": float((approximate == expected).mean()), "tried": tried, "chosen": tried[-1]}
