"""`make bench`: prediction and training speed on this machine, side by side with the naive
`transformers.pipeline()` baseline, on the same rows, in one run.

1. trains the default backbone for a fixed number of steps on the shipped data (training
   examples/s, group-by-length sampling, fused AdamW);
   the model measured below is `--model` (`make bench` passes the demo's trained model where
   `make demo` has made it): label agreement only means something for a model that answers
   all three labels, so the bench prints the labels it gave;
2. pairs/s on the same bench rows of: the naive pipeline (baseline); our default torch path
   (length-sorted batches, inference_mode); ONNX Runtime fp32; the int8 frontier (torch and
   ONNX Runtime, keeping the k most sensitive Linears in fp32; all-int8 ONNX with an fp32 second
   pass for rows under an int8 top-two gap) with label agreement against fp32, and `predict
   --fast` as `export --fast` sets it up;
3. achieved GFLOP/s of the default path against a plain matmul measured in the same run;
4. CLI start-up and total time for one row (torch and ONNX backends);
5. peak memory of `actorstance predict` (a separate process) on 10,000 and 200,000 rows.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from actorstance.console import quiet_libraries


REPEAT = 3


def bench_rows(n: int):
    """`n` distinct rows of the shipped data (cycled if it has fewer)."""
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


def decision_margins(fp32, approximate) -> dict:
    """Why int8 changes labels: the fp32 gap between the top two probabilities, over all rows and
    over the rows the approximation flips. A row flips when the perturbation exceeds its gap."""
    import numpy as np

    from actorstance.model.cascade import top_two_gap
    gap = top_two_gap(fp32)
    flipped = approximate.argmax(1) != fp32.argmax(1)
    return {"share_gap_below_0.05": float((gap < 0.05).mean()), "share_gap_below_0.01": float((gap < 0.01).mean()),
            "median_gap": float(np.median(gap)), "flipped": int(flipped.sum()),
            "median_gap_of_flipped": float(np.median(gap[flipped])) if flipped.any() else None,
            "share_of_flipped_below_0.1": float((gap[flipped] < 0.1).mean()) if flipped.any() else None}


def describe_point(point: dict) -> str:
    """One frontier point in words: int8 with k Linears kept fp32, or with the fp32 second pass."""
    if "keep_fp32" in point:
        return f"{point['path']}, {point['keep_fp32']} most sensitive Linears fp32"
    return f"{point['path']} under gap {point['rescore_gap']:g} ({point['rescored']:.0%} of rows)"


def matmul_gflops(size: int = 1024, repeat: int = 10) -> float:
    import torch
    a, b = torch.randn(size, size), torch.randn(size, size)
    torch.mm(a, b)
    seconds, _ = timed(lambda: [torch.mm(a, b) for _ in range(repeat)], repeat=3)
    return 2 * size ** 3 * repeat / seconds / 1e9


def encoder_flops(model, rows) -> float:
    """Forward FLOPs of the padded batches the default path runs (dense layers and attention);
    the last layer computes keys and values for every token and the rest for [CLS] only."""
    import numpy as np

    from actorstance.model.first_token import has_first_token_shortcut
    config = model.model.config
    h, ffn, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
    first_token_only = has_first_token_shortcut(model.model)
    lengths = np.sort(np.array([len(ids) for ids in model.encode(rows)["input_ids"]]))[::-1]
    total = 0.0
    for start in range(0, len(lengths), model.batch_size):
        batch = lengths[start:start + model.batch_size]
        seq, count = int(batch[0]), len(batch)
        full_layer = 2 * seq * (4 * h * h + 2 * h * ffn) + 2 * 2 * seq * seq * h
        last_layer = 2 * seq * 2 * h * h + 2 * (2 * h * h + 2 * h * ffn) + 2 * 2 * seq * h if first_token_only else full_layer
        total += count * ((layers - 1) * full_layer + last_layer)
    return total


def cli_one_row(model_dir: Path, workdir: Path, row, backend: str) -> float:
    one = workdir / "one.jsonl"
    one.write_text(json.dumps({"text": row.text, "actor": row.actor, "issue": row.issue}) + "\n")
    cli = [sys.executable, "-m", "actorstance.cli", "predict", str(model_dir), str(one), "--output",
           str(workdir / "one_out.jsonl"), "--backend", backend, "--quiet"]
    seconds, _ = timed(lambda: subprocess.run(cli, check=True, capture_output=True, env={**os.environ}), repeat=2)
    return seconds


def predict_peak_mb(model_dir: Path, workdir: Path, n: int, fast: bool) -> tuple[float, float]:
    """Peak RSS (MB) and seconds of `actorstance predict` on `n` short rows, in its own process."""
    source = workdir / f"rows_{n}.jsonl"
    with source.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": str(i), "text": f"Minister {i % 97} backed the plan.", "actor": f"Minister {i % 97}",
                                 "issue": "the plan"}) + "\n")
    # the console entry point run as `python -m actorstance.cli`, in this process so its peak RSS is measured
    script = ("import resource, runpy, sys, time; t = time.perf_counter(); sys.argv[0] = 'actorstance'\n"
              "try:\n    runpy.run_module('actorstance.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
              "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, time.perf_counter() - t)")
    args = ["predict", str(model_dir), str(source), "--output", str(workdir / f"out_{n}.jsonl"), "--quiet"]
    args += ["--fast"] if fast else []
    out = subprocess.run([sys.executable, "-c", script, *args], check=True, capture_output=True, text=True, env={**os.environ})
    peak, seconds = out.stdout.split()[-2:]
    return float(peak), float(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--train-steps", type=int, default=150)
    parser.add_argument("--keep", type=int, nargs="+", default=[0, 1, 2, 4, 8, 16], help="fp32 Linears on the int8 frontier")
    parser.add_argument("--rescore-gaps", type=float, nargs="+", default=[0.05, 0.1, 0.15, 0.2, 0.3],
                        help="int8 top-two gaps under which the second pass re-scores a row in fp32")
    parser.add_argument("--memory-rows", type=int, nargs="+", default=[10_000, 200_000])
    parser.add_argument("--model", type=Path, default=None, help="The trained model to measure (make bench passes the demo's). Default: the short training run's model.")
    args = parser.parse_args()
    if 0 not in args.keep:
        parser.error("--keep must include 0: the all-int8 point is the second pass's first pass and explains the flips")
    quiet_libraries()
    import torch
    from transformers import pipeline

    from actorstance.model.backends import load_predictor
    from actorstance.model.cascade import CloseCallCascade
    from actorstance.model.classifier import StanceClassifier
    from actorstance.model.export import export_model
    from actorstance.model.onnx_backend import OnnxStanceClassifier, export_onnx
    from actorstance.model.quantize import keep_plan, linear_sensitivity, quantize_onnx, quantize_torch
    from actorstance.training import TrainConfig, fine_tune

    from .common import table, write_bench_json

    rows = bench_rows(args.rows)
    figures: dict = {"rows": len(rows), "torch_threads": torch.get_num_threads(), "cpu": platform.processor() or platform.machine()}
    workdir = Path(tempfile.mkdtemp(prefix="actorstance-bench-"))
    model_dir = workdir / "model"
    labelled = [r for r in bench_rows(args.train_steps * 16) if r.stance]
    trained = fine_tune(labelled, TrainConfig(max_steps=args.train_steps, batch_size=16, show_progress=False, seed=1,
                                              negative_share=0.0))
    figures["train_examples_s"] = trained.info["training"]["train_examples_per_s"]
    figures["train_steps"] = args.train_steps
    if args.model is None:
        print(f"no --model given: measuring the {args.train_steps}-step model, which may answer one label almost "
              "everywhere (label agreement then says little); `make demo` first, and `make bench` measures its model")
        trained.save_pretrained(model_dir)
    else:
        import shutil
        shutil.copytree(args.model, model_dir, ignore=shutil.ignore_patterns("*.onnx"))
    figures["measured_model"] = str(args.model or f"{args.train_steps}-step bench model")
    del trained
    model = StanceClassifier.from_pretrained(model_dir, device="cpu")
    export_onnx(model_dir)
    print(f"model ready in {workdir}", flush=True)

    pairs = [dict(zip(("text", "text_pair"), model.template.pair(r))) for r in rows]
    classify = pipeline("text-classification", model=str(model_dir), device="cpu")
    # best of REPEAT for the baseline and the fp32 paths: one run on a shared 2-core machine varies by 10%
    seconds, out = timed(lambda: classify(pairs), repeat=REPEAT)
    base = figures["pipeline_pairs_s"] = len(rows) / seconds
    pipeline_labels = [o["label"] for o in out]

    seconds, probs = timed(lambda: model.predict_proba(rows), repeat=REPEAT)
    figures["default_pairs_s"] = len(rows) / seconds
    fp32 = probs.argmax(1)
    # agreement means little if the model answers one label everywhere: say what it answered
    figures["fp32_label_counts"] = {label: int((fp32 == i).sum()) for i, label in enumerate(model.model.config.id2label.values())}
    figures["default_agreement_with_pipeline"] = float(sum(model.model.config.id2label[int(i)] == p for i, p in zip(fp32, pipeline_labels)) / len(rows))
    figures["gflops_default"] = encoder_flops(model, rows) / seconds / 1e9
    figures["gflops_peak"] = matmul_gflops()

    onnx_model = OnnxStanceClassifier(model_dir)
    seconds, onnx_probs = timed(lambda: onnx_model.predict_proba(rows), repeat=REPEAT)
    figures["onnx_pairs_s"] = len(rows) / seconds
    figures["onnx_agreement"] = float((onnx_probs.argmax(1) == fp32).mean())

    calibration = (model.training_rows or rows)[:300]
    t = time.perf_counter()
    sensitivity = linear_sensitivity(model, calibration)
    figures["sensitivity_s"] = time.perf_counter() - t
    figures["sensitivity_top"] = [[n, round(s, 6)] for n, s in sensitivity[:8]]
    frontier = []
    for keep in args.keep:
        plan = keep_plan(sensitivity, keep)
        seconds, q = timed(lambda: quantize_torch(model, plan).predict_proba(rows))
        if keep == 0:
            figures["int8_margins"] = decision_margins(probs, q)
        frontier.append({"path": "torch int8", "keep_fp32": keep, "pairs_s": len(rows) / seconds, "agreement": float((q.argmax(1) == fp32).mean())})
        name = f"model.int8.k{keep}.onnx"
        quantize_onnx(model_dir, plan, target=name)
        session = OnnxStanceClassifier(model_dir, file_name=name)
        seconds, q = timed(lambda: session.predict_proba(rows))
        frontier.append({"path": "onnx int8", "keep_fp32": keep, "pairs_s": len(rows) / seconds, "agreement": float((q.argmax(1) == fp32).mean())})
        print(f"  keep {keep}: " + ", ".join(f"{f['path']} {f['pairs_s']:.0f}/s {f['agreement']:.2%}" for f in frontier[-2:]), flush=True)
    all_int8 = OnnxStanceClassifier(model_dir, file_name="model.int8.k0.onnx")
    for gap in args.rescore_gaps:
        cascade = CloseCallCascade(all_int8, onnx_model, gap)
        seconds, q = timed(lambda: cascade.predict_proba(rows))
        frontier.append({"path": "onnx int8 + fp32 second pass", "rescore_gap": gap, "rescored": cascade.rescored / len(rows),
                         "pairs_s": len(rows) / seconds, "agreement": float((q.argmax(1) == fp32).mean())})
        print(f"  second pass under gap {gap}: {frontier[-1]['rescored']:.1%} re-scored, {frontier[-1]['pairs_s']:.0f}/s "
              f"{frontier[-1]['agreement']:.2%}", flush=True)
    figures["frontier"] = frontier
    good = [f for f in frontier if f["agreement"] >= 0.99]
    # the fastest point that keeps 99% of labels; where none does, the one that keeps the most
    best = max(good, key=lambda f: f["pairs_s"]) if good else max(frontier, key=lambda f: (f["agreement"], f["pairs_s"]))
    figures["best_point_reaches_99"], figures["best_point"] = bool(good), best

    # what `predict --fast` runs: `export --fast` calibrated on the model's training rows
    exported = export_model(model_dir, fast=True)
    fast = load_predictor(model_dir, fast=True)
    seconds, q = timed(lambda: fast.predict_proba(rows), repeat=REPEAT)
    figures["fast_pairs_s"], figures["fast_agreement"] = len(rows) / seconds, float((q.argmax(1) == fp32).mean())
    figures["fast_path"] = {"backend": fast.backend, "rescore_gap": exported.rescore_gap,
                            "calibration_rows": exported.calibration_rows, "calibration_agreement": exported.agreement,
                            "rescored_share": getattr(fast, "rescored", 0) / (REPEAT * len(rows))}

    figures["cli_one_row_torch_s"] = cli_one_row(model_dir, workdir, rows[0], "torch")
    figures["cli_one_row_onnx_s"] = cli_one_row(model_dir, workdir, rows[0], "onnx")
    figures["bench_process_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    memory = {}
    for n in args.memory_rows:
        memory[n] = predict_peak_mb(model_dir, workdir, n, fast=False)
        print(f"  predict {n} rows: peak {memory[n][0]:.0f} MB in {memory[n][1]:.0f} s", flush=True)
    figures["predict_peak_mb"] = {str(n): m[0] for n, m in memory.items()}

    rows_out = [("transformers pipeline() (baseline)", f"{base:.1f}", "1.00x", f"{1:.2%} (itself)"),
                ("actorstance default: torch fp32, sorted batches", f"{figures['default_pairs_s']:.1f}",
                 f"{figures['default_pairs_s'] / base:.2f}x", f"{figures['default_agreement_with_pipeline']:.2%} vs pipeline"),
                ("ONNX Runtime fp32 (export)", f"{figures['onnx_pairs_s']:.1f}", f"{figures['onnx_pairs_s'] / base:.2f}x",
                 f"{figures['onnx_agreement']:.2%} vs fp32")]
    for f in frontier:
        rows_out.append((describe_point(f), f"{f['pairs_s']:.1f}", f"{f['pairs_s'] / base:.2f}x", f"{f['agreement']:.2%} vs fp32"))
    fast_path = figures["fast_path"]
    rows_out.append((f"predict --fast ({fast_path['backend']}, gap {fast_path['rescore_gap']:g} from export --fast)",
                     f"{figures['fast_pairs_s']:.1f}", f"{figures['fast_pairs_s'] / base:.2f}x", f"{figures['fast_agreement']:.2%} vs fp32"))
    print()
    print(table(rows_out, ("path", "pairs/s", "ratio", "label agreement")))
    what = "best point at >= 99% agreement" if good else "no point keeps 99% of labels; the closest"
    print(f"\n{what}: {describe_point(best)}: {best['pairs_s']:.1f} pairs/s "
          f"({best['pairs_s'] / base:.2f}x the pipeline), {best['agreement']:.2%} agreement")
    print(f"predict --fast: {figures['fast_pairs_s']:.1f} pairs/s ({figures['fast_pairs_s'] / base:.2f}x), "
          f"{figures['fast_agreement']:.2%} agreement; export --fast chose gap {fast_path['rescore_gap']:g} on "
          f"{fast_path['calibration_rows']} training rows ({fast_path['calibration_agreement']:.2%} there), "
          f"{fast_path['rescored_share']:.1%} of bench rows re-scored")
    margins = figures["int8_margins"]
    flips = (f"of the {margins['flipped']} rows all-int8 torch flips, {margins['share_of_flipped_below_0.1']:.0%} had a gap "
             f"under 0.1 (median {margins['median_gap_of_flipped']:.3f})") if margins["flipped"] else "all-int8 torch flips no row"
    print(f"what limits int8: {margins['share_gap_below_0.05']:.1%} of rows have an fp32 top-two gap under 0.05 "
          f"(median gap {margins['median_gap']:.3f}); {flips}")
    print("fp32 labels on the bench rows: " + ", ".join(f"{k} {v}" for k, v in figures["fp32_label_counts"].items()))
    print(f"{len(rows)} rows, {figures['torch_threads']} torch threads; most sensitive Linears: "
          + ", ".join(n for n, _ in sensitivity[:4]))
    print(f"default path: {figures['gflops_default']:.1f} GFLOP/s achieved; plain 1024x1024 matmul: {figures['gflops_peak']:.1f} GFLOP/s")
    print(f"CLI predict, one row, whole process: torch {figures['cli_one_row_torch_s']:.2f} s, ONNX {figures['cli_one_row_onnx_s']:.2f} s")
    print(f"measured model: {figures['measured_model']}")
    print(f"training: {figures['train_examples_s']:.1f} examples/s ({args.train_steps} steps of 16, group-by-length, fused AdamW)")
    print("predict peak memory: " + ", ".join(f"{n:,} rows {m[0]:.0f} MB" for n, m in memory.items()))
    write_bench_json(figures)


if __name__ == "__main__":
    main()
