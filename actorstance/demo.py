"""`make demo`: the main job end to end on the shipped labelled data.

Train on most articles, evaluate on held-out ones (split by doc_id), predict the seed articles'
rows and print the actor x issue map of stances. Each step prints the CLI command that does the same.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from actorstance.cli import quiet_libraries, summary_table


def run(output: Path, epochs: float, test_share: float, seed: int) -> None:
    quiet_libraries()
    from actorstance.data.readers import load_examples, packaged_datasets
    from actorstance.data.splits import train_test_split
    from actorstance.data.writers import write_examples
    from actorstance.eval.aggregate import aggregate, format_matrix
    from actorstance.eval.report import evaluate
    from actorstance.model.batch import predict_file
    from actorstance.training import TrainConfig, fine_tune

    start = time.perf_counter()
    names = packaged_datasets()
    rows = [r for name in names for r in load_examples(name, require_stance=True)]
    train, test = train_test_split(rows, test_share=test_share, by="doc_id", seed=seed)
    held_out = sorted({r.doc_id for r in test})
    write_examples(train, output / "train.jsonl")
    write_examples(test, output / "test.jsonl")
    print(f"[1/4] data: {len(rows)} labelled rows from {', '.join(names)}; "
          f"{len(train)} train / {len(test)} test, split by article ({len(held_out)} held out)")

    print(f"[2/4] train   (= actorstance train {output}/train.jsonl --output {output}/model --epochs {epochs:g})")
    model = fine_tune(train, TrainConfig(epochs=epochs, seed=seed))
    model.info["training"]["data"] = ["train.jsonl"]
    model.save_pretrained(output / "model")
    print(f"      {model.info['training']['train_examples_per_s']} training examples/s, "
          f"{model.info['training']['train_runtime_s']} s")

    print(f"[3/4] evaluate on held-out articles (= actorstance evaluate {output}/model {output}/test.jsonl --report {output}/evaluation)")
    report = evaluate(model, test, title="Held-out articles")
    report.save(output / "evaluation")
    print(summary_table(report.summary()))

    print(f"[4/4] predict the seed articles (= actorstance predict {output}/model seed.jsonl --output {output}/seed_predictions.jsonl)")
    seed_rows = load_examples("seed_articles")
    write_examples(seed_rows, output / "seed.jsonl")
    t = time.perf_counter()
    predict_file(model, output / "seed.jsonl", output / "seed_predictions.jsonl", show_progress=False)
    predict_s = time.perf_counter() - t
    predictions = model.predict(seed_rows)
    cells = aggregate(seed_rows, [p.label for p in predictions], predictions)
    seen = sorted({r.doc_id for r in seed_rows} - set(held_out))
    print(f"      {len(seed_rows)} rows in {predict_s:.1f} s; articles held out from training: "
          f"{', '.join(d for d in held_out if d in {r.doc_id for r in seed_rows}) or 'none'}; "
          f"seen in training: {', '.join(seen) or 'none'}")
    print()
    print("Predicted stances, actor x issue, seed articles:")
    print(format_matrix(cells))
    print(f"\ndemo finished in {time.perf_counter() - start:.0f} s; outputs in {output}/")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=Path("runs/demo"))
    parser.add_argument("--epochs", type=float, default=5.0)
    parser.add_argument("--test-share", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    run(args.output, args.epochs, args.test_share, args.seed)


if __name__ == "__main__":
    main()
