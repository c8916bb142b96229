"""`make bench`: prediction and training speed on this machine, side by side with the naive
`transformers.pipeline()` baseline, on the same rows, in one run.

Prints pairs/s of each path, its ratio to the pipeline, label agreement with our fp32 default,
the achieved GFLOP/s of the default path against a plain matmul measured in the same run, CLI
start-up time for one row, and training examples/s for a fixed number of steps.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from actorstance.cli import quiet_libraries


def bench_rows(n: int):
    from actorstance.data.readers import load_examples, packaged_datasets
    pool = [r for name in packaged_datasets() for r in load_examples(name)]
    return list(itertools.islice(itertools.cycle(pool), n))


def timed(fn, repeat: int = 1):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def matmul_gflops(size: int = 1024, repeat: int = 10) -> float:
    import torch
    a, b = torch.randn(size, size), torch.randn(size, size)
    torch.mm(a, b)
    seconds, _ = timed(lambda: [torch.mm(a, b) for _ in range(repeat)], repeat=3)
    return 2 * size ** 3 * repeat / seconds / 1e9


def encoder_flops(model, rows) -> float:
    """Forward FLOPs of the padded batches the default path runs (dense layers and attention)."""
    import numpy as np
    config = model.model.config
    h, ffn, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
    lengths = np.sort(np.array([len(ids) for ids in model.encode(rows)["input_ids"]]))[::-1]
    total = 0.0
    for start in range(0, len(lengths), model.batch_size):
        batch = lengths[start:start + model.batch_size]
        seq, count = int(batch[0]), len(batch)
        per_layer = 2 * seq * (4 * h * h + 2 * h * ffn) + 2 * 2 * seq * seq * h
        total += count * layers * per_layer
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--train-steps", type=int, default=30)
    args = parser.parse_args()
    quiet_libraries()
    import torch
    from transformers import pipeline

    from actorstance.model.classifier import StanceClassifier
    from actorstance.training import TrainConfig, fine_tune

    from .common import table, write_bench_json

    rows = bench_rows(args.rows)
    labelled = [r for r in rows if r.stance][: args.train_steps * 16]
    figures: dict[str, float] = {"rows": len(rows), "torch_threads": torch.get_num_threads()}

    model = fine_tune(labelled, TrainConfig(max_steps=args.train_steps, batch_size=16, show_progress=False, seed=1))
    figures["train_examples_s"] = model.info["training"]["train_examples_per_s"]

    workdir = Path(tempfile.mkdtemp(prefix="actorstance-bench-"))
    model.save_pretrained(workdir / "model")
    model = StanceClassifier.from_pretrained(workdir / "model", device="cpu")

    pairs = [dict(zip(("text", "text_pair"), model.template.pair(r))) for r in rows]
    classify = pipeline("text-classification", model=str(workdir / "model"), device="cpu")
    seconds, out = timed(lambda: classify(pairs))
    figures["pipeline_pairs_s"] = len(rows) / seconds
    pipeline_labels = [o["label"] for o in out]

    seconds, probs = timed(lambda: model.predict_proba(rows))
    figures["default_pairs_s"] = len(rows) / seconds
    default_labels = probs.argmax(1)
    figures["default_agreement_with_pipeline"] = sum(
        model.model.config.id2label[int(i)] == p for i, p in zip(default_labels, pipeline_labels)) / len(rows)
    figures["gflops_default"] = encoder_flops(model, rows) / seconds / 1e9
    figures["gflops_peak"] = matmul_gflops()

    quantized = StanceClassifier.from_pretrained(workdir / "model", device="cpu")
    quantized.model = torch.ao.quantization.quantize_dynamic(quantized.model, {torch.nn.Linear}, dtype=torch.qint8)
    seconds, qprobs = timed(lambda: quantized.predict_proba(rows))
    figures["int8_all_linear_pairs_s"] = len(rows) / seconds
    figures["int8_all_linear_agreement"] = float((qprobs.argmax(1) == default_labels).mean())

    one = workdir / "one.jsonl"
    one.write_text(json.dumps({"text": rows[0].text, "actor": rows[0].actor, "issue": rows[0].issue}) + "\n")
    cli = [sys.executable, "-m", "actorstance.cli", "predict", str(workdir / "model"), str(one), "--output", str(workdir / "o.jsonl"), "--quiet"]
    seconds, _ = timed(lambda: subprocess.run(cli, check=True, capture_output=True, env={**os.environ}), repeat=2)
    figures["cli_one_row_s"] = seconds
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    base = figures["pipeline_pairs_s"]
    print(table([
        ("transformers pipeline() (baseline)", f"{base:.1f}", "1.00x", "-"),
        ("actorstance default (fp32, sorted batches)", f"{figures['default_pairs_s']:.1f}", f"{figures['default_pairs_s'] / base:.2f}x",
         f"{figures['default_agreement_with_pipeline']:.2%} vs pipeline"),
        ("torch dynamic int8, every Linear", f"{figures['int8_all_linear_pairs_s']:.1f}", f"{figures['int8_all_linear_pairs_s'] / base:.2f}x",
         f"{figures['int8_all_linear_agreement']:.2%} vs fp32"),
    ], ("path", "pairs/s", "ratio", "label agreement")))
    print(f"\n{len(rows)} rows, {figures['torch_threads']} torch threads")
    print(f"default path: {figures['gflops_default']:.1f} GFLOP/s achieved; plain 1024x1024 matmul: {figures['gflops_peak']:.1f} GFLOP/s")
    print(f"CLI predict, one row, whole process: {figures['cli_one_row_s']:.2f} s")
    print(f"training: {figures['train_examples_s']:.1f} examples/s ({args.train_steps} steps of 16, group-by-length, fused AdamW)")
    print(f"peak RSS of this process: {figures['peak_rss_mb']:.0f} MB")
    write_bench_json(figures)


if __name__ == "__main__":
    main()
