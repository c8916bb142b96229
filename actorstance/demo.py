"""`make demo`: the main job end to end on the shipped labelled data.

1. split: one seed article held out entirely, plus 15% of the stories of each other dataset (by
   doc_id, seed 42: the split the shipped teacher trained on, so no test story was ever its row);
2. train the default MiniLM on the rest, distilled from the shipped teacher's probabilities
   (the labelled rows and the unlabelled transfer rows of the training stories);
3. evaluate on the held-out articles beside majority and TF-IDF baselines;
4. predict the held-out rows from a file, as `actorstance predict` does;
5. analyze the raw seed articles (segment, find actors, score every issue) and print the
   actor x issue map.
Each step prints the CLI command that does the same.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from actorstance.console import quiet_libraries, summary_table

HELD_OUT_SEED = "000_2a04d8071712f466"


def run(output: Path, epochs: float, test_share: float, seed: int) -> None:
    quiet_libraries()
    from actorstance.analysis.articles import seed_articles
    from actorstance.analysis.mentions import AliasTable
    from actorstance.data.readers import load_examples, packaged_datasets
    from actorstance.data.shared import shared_path
    from actorstance.data.writers import write_examples
    from actorstance.analysis.aggregate import format_matrix
    from actorstance.analysis.analyze import analyze_articles
    from actorstance.eval.map_agreement import map_agreement
    from actorstance.eval.mention_recall import mention_recall
    from actorstance.eval.report import evaluate
    from actorstance.model.batch import predict_file
    from actorstance.training import TrainConfig, train_and_save
    from actorstance.training.distill import SHIPPED_TEACHER_SPLIT, teacher_split

    start = time.perf_counter()
    names = packaged_datasets()
    datasets = {name: load_examples(name, require_stance=True) for name in names}
    rows = [r for name in names for r in datasets[name]]
    seed_rows = datasets["seed_articles"]
    train = [r for r in seed_rows if r.doc_id != HELD_OUT_SEED]
    test = [r for r in seed_rows if r.doc_id == HELD_OUT_SEED]
    for name in names:  # each story set split as the shipped teacher's was, so it never read a test story
        if name != "seed_articles":
            part_train, part_test = teacher_split(datasets[name], seed=seed, test_share=test_share)
            train, test = train + part_train, test + part_test
    write_examples(train, output / "train.jsonl")
    write_examples(test, output / "test.jsonl")
    print(f"[1/5] data: {len(rows)} labelled rows from {', '.join(names)}; {len(train)} train / {len(test)} test, "
          f"split by article ({len({r.doc_id for r in test})} held out, seed article {HELD_OUT_SEED} among them)", flush=True)

    teacher = "shipped" if {"test_share": test_share, "seed": seed} == SHIPPED_TEACHER_SPLIT else None
    print(f"[2/5] train     = actorstance train {output}/train.jsonl --teacher-probs {teacher or 'none'} "
          f"--output {output}/model --epochs {epochs:g}", flush=True)
    if teacher is None:
        print(f"      (not distilled: the shipped teacher trained on the split {SHIPPED_TEACHER_SPLIT}, "
              "so with another split it has read some of the test stories)", flush=True)
    model = train_and_save(train, TrainConfig(epochs=epochs, seed=seed, teacher_probs=teacher), output / "model",
                           sources=["train.jsonl"] + (["the shipped teacher's probabilities"] if teacher else [])).model
    info = model.info["training"]
    print(f"      {info['rows']} rows x {epochs:g} epochs in {info['train_runtime_s']} s ({info['train_examples_per_s']} examples/s)")

    print(f"[3/5] evaluate  = actorstance evaluate {output}/model {output}/test.jsonl --train {output}/train.jsonl "
          f"--report {output}/evaluation", flush=True)
    report = evaluate(model, test, train_rows=train, title="Held-out articles")
    report.save(output / "evaluation")
    print(summary_table(report.summary()))

    print(f"[4/5] predict   = actorstance predict {output}/model {output}/test.jsonl --output {output}/test_predictions.jsonl", flush=True)
    run = predict_file(model, output / "test.jsonl", output / "test_predictions.jsonl", show_progress=False)
    print(f"      {run.rows} rows in {run.predict_seconds:.1f} s ({run.rows_per_s:.0f} pairs/s)")

    article = next(a for a in seed_articles(seed_rows) if a.doc_id == HELD_OUT_SEED)
    labelled = [r for r in seed_rows if r.doc_id == HELD_OUT_SEED]
    issues = list(dict.fromkeys(r.issue for r in seed_rows))
    seeds = shared_path("seeds")
    article_file = seeds / f"{HELD_OUT_SEED}.txt" if seeds else f"{HELD_OUT_SEED}.txt"
    print(f"[5/5] analyze   = actorstance analyze {output}/model {article_file} --issues seed_articles "
          f"--output {output}/analysis", flush=True)
    result = analyze_articles(model, [article], issues)
    result.save(output / "analysis")
    recall = mention_recall(labelled, [article], AliasTable.load())
    agreement = map_agreement(labelled, result.cells)
    print(f"      {result.sentences} sentences, {len(result.rows)} (sentence, actor, issue) rows scored; "
          f"article {HELD_OUT_SEED} was never trained on")
    print(f"      actor mentions found: {recall.found}/{recall.total} labelled pairs ({recall.recall:.0%}); "
          f"map agrees with the labels on {agreement.agreed}/{agreement.total} positioned (actor, issue) pairs "
          f"({agreement.agreement:.0%})")
    print()
    print("Who stands where (predicted, actor x issue):")
    print(format_matrix([c for c in result.cells if c.positioned] or result.cells))
    print(f"\ndemo finished in {time.perf_counter() - start:.0f} s; outputs in {output}/ "
          f"(evaluation/report.md, analysis/heatmap.png, analysis/stances.csv)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, default=Path("runs/demo"))
    parser.add_argument("--epochs", type=float, default=1.15,
                        help="1.15 epochs over ~5,800 rows + ~4,000 transfer rows (+ swapped negatives): about the 930 "
                             "steps that keep the demo under 10 minutes on 2 CPU cores (1.7 epochs, 1,376 steps, took "
                             "about 11).")
    parser.add_argument("--test-share", type=float, default=0.15)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    run(args.output, args.epochs, args.test_share, args.seed)


if __name__ == "__main__":
    main()
