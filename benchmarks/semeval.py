"""`make bench-semeval`: SemEval-2016 Task 6 (stance in tweets, Task A), side by side with the
paper's table.

Trains the default backbone on the official train split (a dev split carved from train, per
target, for early stopping on dev F_avg; never from test), scores the official test split with
the official metric (F_avg = mean of F1(favor) and F1(against), pooled over all test tweets),
over several seeds, beside our TF-IDF + logistic regression and majority baselines fitted on the
same training rows and the paper's rows. The target-masking check scores the same test with the
target blanked: a model that reads the target must lose F_avg.

It also measures what a lexical model adds: one n-gram model per target (the paper's SVM-ngrams
features, logistic regression in place of the SVM) alone, and averaged with the transformer's
probabilities at the weight that scores best on the seed's dev split. That split also chose the
transformer's epoch, so its dev probabilities are optimistic and the weight leans its way.

Reads shared/datasets/semeval2016_task6 (ACTORSTANCE_SHARED overrides where shared/ lives);
where it is absent, says so and exits 0.
"""
from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import time
from collections import defaultdict

from actorstance.console import quiet_libraries

PAPER = [  # Mohammad et al. 2016, Task A, F_avg on the 1,249 test tweets (PROVENANCE.md)
    ("paper: SVM-ngrams (baseline, one SVM per target)", 0.6898),
    ("paper: MITRE (best team)", 0.6782),
    ("paper: majority class", 0.6522),
]
TWEETEVAL_ROBERTA = 0.680  # TweetEval (Barbieri et al. 2020), RoBERTa-base, stance
BLEND_WEIGHTS = [round(0.1 * i, 1) for i in range(11)]  # the transformer's share of the average


def dev_split(rows, share: float, seed: int):
    """A dev part of `share` of each target's training rows (stratified by target), seeded."""
    by_target = defaultdict(list)
    for row in rows:
        by_target[row.issue].append(row)
    rng = random.Random(seed)
    train, dev = [], []
    for target in sorted(by_target):
        group = by_target[target][:]
        rng.shuffle(group)
        cut = round(len(group) * share)
        dev += group[:cut]
        train += group[cut:]
    return train, dev


def per_target_f_avg(rows, predicted) -> dict[str, float]:
    from actorstance.eval.metrics import f_avg
    by_target = defaultdict(lambda: ([], []))
    for row, label in zip(rows, predicted):
        by_target[row.issue][0].append(row.stance)
        by_target[row.issue][1].append(label)
    return {t: f_avg(g, p) for t, (g, p) in sorted(by_target.items())}


def blend_weight(dev, model_dev, ngram_dev) -> float:
    """The transformer's weight in the probability average that scores best on dev F_avg (the
    first of equals, from 0: the lexical model alone)."""
    from actorstance.data.schema import labels_of
    from actorstance.eval.metrics import f_avg
    gold = [r.stance for r in dev]
    scores = {w: f_avg(gold, labels_of(w * model_dev + (1 - w) * ngram_dev)) for w in BLEND_WEIGHTS}
    return max(scores, key=scores.get)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--epochs", type=float, default=3.0)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--max-length", type=int, default=64)
    parser.add_argument("--class-weights", action=argparse.BooleanOptionalAction, default=False,
                        help="Class-weighted loss (off, as in TrainConfig: 3 seeds scored 0.657 with it, 0.673 without).")
    parser.add_argument("--dev-share", type=float, default=0.1)
    parser.add_argument("--base", default=None, help="Backbone: minilm (default), mpnet or a Hugging Face folder.")
    args = parser.parse_args()

    from .common import shared_dataset, table, write_bench_json

    folder = shared_dataset("semeval2016_task6")
    if folder is None:
        print("SemEval-2016 Task 6 not found under shared/datasets (set ACTORSTANCE_SHARED): skipped")
        return
    quiet_libraries()
    from actorstance.data.converters import convert
    from actorstance.data.schema import labels_of
    from actorstance.eval.baselines import MajorityBaseline, PerTargetNgramBaseline, TfidfBaseline
    from actorstance.eval.metrics import f_avg
    from actorstance.training import TrainConfig, fine_tune

    start = time.perf_counter()
    train_all = convert("semeval2016", folder, split="train")
    test = convert("semeval2016", folder, split="test")
    gold = [r.stance for r in test]
    masked = [dataclasses.replace(r, issue="") for r in test]
    print(f"SemEval-2016 Task A: train {len(train_all)} tweets, test {len(test)}; seeds {args.seeds}; "
          f"{args.epochs:g} epochs max, lr {args.lr:g}, batch {args.batch_size}, max length {args.max_length}, "
          f"class weights {'on' if args.class_weights else 'off'}, backbone {args.base or 'minilm'}", flush=True)

    runs = []
    for seed in args.seeds:
        t = time.perf_counter()
        train, dev = dev_split(train_all, args.dev_share, seed)
        config = TrainConfig(base_model=args.base, seed=seed, epochs=args.epochs, learning_rate=args.lr,
                             batch_size=args.batch_size, max_length=args.max_length, class_weighted_loss=args.class_weights,
                             negative_share=0.0, mention_dropout=0.0, selection_metric="f_avg", show_progress=False)
        model = fine_tune(train, config, eval_rows=dev)
        train_seconds = time.perf_counter() - t
        model_test = model.predict_proba(test)
        predicted = labels_of(model_test)
        masked_predicted = [p.label for p in model.predict(masked)]
        ngram = PerTargetNgramBaseline().fit(train)  # the same rows as the transformer, so dev can weigh the two
        ngram_test = ngram.predict_proba(test)
        weight = blend_weight(dev, model.predict_proba(dev), ngram.predict_proba(dev))
        blended = labels_of(weight * model_test + (1 - weight) * ngram_test)
        runs.append({"seed": seed, "f_avg": f_avg(gold, predicted), "f_avg_masked": f_avg(gold, masked_predicted),
                     "per_target": per_target_f_avg(test, predicted), "train_seconds": train_seconds,
                     "seconds": time.perf_counter() - t,
                     "train_examples_s": model.info["training"]["train_examples_per_s"],
                     "best_dev_f_avg": model.info["training"]["best_dev_f_avg"],
                     "ngram_f_avg": f_avg(gold, labels_of(ngram_test)), "blend_weight": weight,
                     "blend_f_avg": f_avg(gold, blended)})
        print(f"  seed {seed}: F_avg {runs[-1]['f_avg']:.4f} (target blanked {runs[-1]['f_avg_masked']:.4f}), "
              f"dev {runs[-1]['best_dev_f_avg']:.4f}, {train_seconds:.0f} s training; per-target n-grams on the "
              f"same rows {runs[-1]['ngram_f_avg']:.4f}, blended at weight {weight:.1f}: {runs[-1]['blend_f_avg']:.4f}",
              flush=True)

    tfidf = TfidfBaseline(seed=0).fit(train_all).predict(test)
    ngram = PerTargetNgramBaseline().fit(train_all).predict(test)
    majority = MajorityBaseline().fit(train_all).predict(test)
    scores = [r["f_avg"] for r in runs]
    masked_scores = [r["f_avg_masked"] for r in runs]
    blend_scores = [r["blend_f_avg"] for r in runs]
    seed_ngram_scores = [r["ngram_f_avg"] for r in runs]
    spread = statistics.stdev(scores) if len(scores) > 1 else 0.0
    blend_spread = statistics.stdev(blend_scores) if len(blend_scores) > 1 else 0.0
    figures = {
        "f_avg_mean": statistics.mean(scores), "f_avg_std": spread,
        "f_avg_masked_mean": statistics.mean(masked_scores),
        "tfidf_f_avg": f_avg(gold, tfidf), "majority_f_avg": f_avg(gold, majority),
        "ngram_per_target_f_avg": f_avg(gold, ngram),
        "blend_f_avg_mean": statistics.mean(blend_scores), "blend_f_avg_std": blend_spread,
        "ngram_same_rows_f_avg_mean": statistics.mean(seed_ngram_scores),
        "seeds": args.seeds, "runs": runs, "wall_s": round(time.perf_counter() - start, 1),
        "config": vars(args),
    }
    backbone = "MiniLM-L6" if args.base in (None, "minilm") else "MPNet-base" if args.base == "mpnet" else args.base
    rows = [(f"actorstance, {backbone} ({len(scores)} seeds)", f"{figures['f_avg_mean']:.4f} ± {spread:.4f}"),
            ("  same models, target blanked", f"{figures['f_avg_masked_mean']:.4f}"),
            ("  blended with per-target n-grams (weight from dev)", f"{figures['blend_f_avg_mean']:.4f} ± {blend_spread:.4f}"),
            ("actorstance baseline: TF-IDF + logistic regression", f"{figures['tfidf_f_avg']:.4f}"),
            ("n-gram logistic regression per target (the paper's SVM features)", f"{figures['ngram_per_target_f_avg']:.4f}"),
            ("  the same, on each seed's training rows (mean)", f"{figures['ngram_same_rows_f_avg_mean']:.4f}"),
            ("actorstance baseline: majority class", f"{figures['majority_f_avg']:.4f}")]
    rows += [(name, f"{score:.4f}") for name, score in PAPER]
    rows.append(("TweetEval: RoBERTa-base (different split)", f"{TWEETEVAL_ROBERTA:.4f}"))
    print()
    print(table(rows, ("system (SemEval-2016 Task A test, 1,249 tweets)", "F_avg")))
    targets = list(runs[0]["per_target"])
    print()
    print(table([(t, f"{statistics.mean(r['per_target'][t] for r in runs):.4f}") for t in targets],
                ("target", "F_avg (mean over seeds)")))
    print(f"\nwall time {figures['wall_s']:.0f} s on this machine")
    write_bench_json(figures)


if __name__ == "__main__":
    main()
