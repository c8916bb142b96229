"""`make bench-quality`: how well the default recipe generalises beyond what it was trained on.

(a) cross-validation grouped by issue and by actor (each fold's issues / actors unseen);
(b) the seed articles held out entirely (train on the news corpus only);
(c) Emergent's test split (unseen claims, news headlines), zero-shot after training on project data;
(d) swap test: replace a row's actor or issue by another row's; a model that reads them must move.
Every figure is printed beside the TF-IDF + logistic regression baseline trained on the same rows.
"""
from __future__ import annotations

import argparse
import random
import time

from actorstance.console import quiet_libraries


def swapped(rows, field: str, seed: int):
    """Each row with its actor (or issue) replaced by another row's, one not named in its text."""
    import dataclasses
    rng = random.Random(seed)
    values = sorted({getattr(r, field) for r in rows})
    result = []
    for row in rows:
        text = f"{row.text} {row.context}".lower()
        choices = [v for v in values if v != getattr(row, field) and v.lower() not in text]
        replacement = rng.choice(choices)
        result.append(dataclasses.replace(row, **{field: replacement, "mention": None if field == "actor" else row.mention}))
    return result


def moved_share(before: list[str], after: list[str]) -> float:
    return sum(a != b for a, b in zip(before, after)) / max(len(before), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--epochs", type=float, default=2.0,
                        help="Epochs per model (default 2: seven models on ~3,000 rows fit in about an hour on 2 CPU cores).")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    quiet_libraries()
    from actorstance.data.converters import convert
    from actorstance.data.readers import load_examples, packaged_datasets
    from actorstance.eval.baselines import TfidfBaseline
    from actorstance.eval.metrics import macro_f1
    from actorstance.training import TrainConfig, cross_validate, fine_tune

    from .common import shared_dataset, table, write_bench_json

    if "news_corpus" not in packaged_datasets():
        print("news_corpus is not shipped; nothing to measure")
        return
    start = time.perf_counter()
    corpus = load_examples("news_corpus", require_stance=True)
    seed_rows = load_examples("seed_articles", require_stance=True)
    config = TrainConfig(seed=args.seed, epochs=args.epochs, show_progress=False)
    figures: dict[str, float] = {}
    rows_out = []

    for by in ("issue", "actor"):
        t = time.perf_counter()
        cv = cross_validate(corpus + seed_rows, config, folds=args.folds, by=by, seed=args.seed)
        s = cv.pooled.summary()
        figures[f"unseen_{by}_macro_f1"] = s["model"]["macro_f1"]
        figures[f"tfidf_unseen_{by}_macro_f1"] = s["tfidf_logreg"]["macro_f1"]
        rows_out.append((f"unseen {by}s ({args.folds}-fold, grouped by {by})", s["model"]["macro_f1"], s["tfidf_logreg"]["macro_f1"]))
        print(f"  unseen {by}: done in {time.perf_counter() - t:.0f} s", flush=True)

    t = time.perf_counter()
    model = fine_tune(corpus, config)
    tfidf = TfidfBaseline(seed=args.seed).fit(corpus)
    gold = [r.stance for r in seed_rows]
    predicted = [p.label for p in model.predict(seed_rows)]
    figures["seed_heldout_macro_f1"] = macro_f1(gold, predicted)
    figures["tfidf_seed_heldout_macro_f1"] = macro_f1(gold, tfidf.predict(seed_rows))
    rows_out.append(("seed articles held out (train: corpus)", figures["seed_heldout_macro_f1"], figures["tfidf_seed_heldout_macro_f1"]))
    print(f"  seed held out: done in {time.perf_counter() - t:.0f} s", flush=True)

    emergent = shared_dataset("emergent")
    if emergent is None:
        print("  Emergent not found under shared/datasets: skipped")
    else:
        test = convert("emergent", emergent, split="test")
        gold_e = [r.stance for r in test]
        figures["emergent_macro_f1"] = macro_f1(gold_e, [p.label for p in model.predict(test)])
        figures["tfidf_emergent_macro_f1"] = macro_f1(gold_e, tfidf.predict(test))
        rows_out.append((f"Emergent test, zero-shot ({len(test)} headlines)", figures["emergent_macro_f1"], figures["tfidf_emergent_macro_f1"]))

    positioned = [r for r in seed_rows if r.stance != "none"]
    variants = swapped(positioned, "actor", args.seed) + swapped(positioned, "issue", args.seed)
    doubled = positioned + positioned
    base_model = [p.label for p in model.predict(doubled)]
    base_tfidf = tfidf.predict(doubled)
    figures["swap_moved_share"] = moved_share(base_model, [p.label for p in model.predict(variants)])
    figures["tfidf_swap_moved_share"] = moved_share(base_tfidf, tfidf.predict(variants))
    rows_out.append((f"swap test: share moved ({len(variants)} swaps of favor/against seed rows)",
                     figures["swap_moved_share"], figures["tfidf_swap_moved_share"]))

    figures["wall_s"] = round(time.perf_counter() - start, 1)
    print()
    print(table([(name, f"{m:.3f}", f"{b:.3f}", f"{m - b:+.3f}") for name, m, b in rows_out],
                ("measure (macro-F1 unless said)", "model", "tfidf", "gap")))
    print(f"\ncorpus {len(corpus)} rows, seed {len(seed_rows)} rows; wall time {figures['wall_s']:.0f} s")
    write_bench_json(figures)


if __name__ == "__main__":
    main()
