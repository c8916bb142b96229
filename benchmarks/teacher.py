"""`python -m benchmarks.teacher NAME BASE EPOCHS LR`: one backbone with one recipe on the
invented stories' training split, scored where the teacher of the default must be measured.

The split is `bench-real-news`'s: `news_corpus` 85/15 by story (`train_test_split(...,
by="doc_id", seed=42)`); neither seed article is trained on. Scores: the held-out stories and the
seed rows (macro-F1, favor<->against and none<->position confusions) and the stance maps that
`analyze` draws from the two raw seed articles (map agreement). BASE is `minilm`, `mpnet` or a
folder. The model and the reports are kept under --output (default runs/teacher/NAME).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from actorstance.console import quiet_libraries

from .real_news import confusions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name")
    parser.add_argument("base", help="minilm, mpnet or a Hugging Face folder")
    parser.add_argument("epochs", type=float)
    parser.add_argument("lr", type=float)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--with-real-news", action="store_true",
                        help="Also train on real_news's training split and score its held-out stories.")
    args = parser.parse_args()
    quiet_libraries()
    from actorstance.analysis.analyze import analyze_articles
    from actorstance.analysis.articles import seed_articles
    from actorstance.data.readers import load_examples
    from actorstance.training.distill import teacher_split
    from actorstance.eval.map_agreement import map_agreement
    from actorstance.eval.report import evaluate
    from actorstance.training import TrainConfig, fine_tune

    from .common import write_bench_json

    out = args.output or Path("runs/teacher") / args.name
    corpus = load_examples("news_corpus", require_stance=True)
    seeds = load_examples("seed_articles", require_stance=True)
    train, test = teacher_split(corpus, seed=args.seed)
    test_sets = [("stories", test)]
    if args.with_real_news:
        real_train, real_test = teacher_split(load_examples("real_news", require_stance=True), seed=args.seed)
        train = train + real_train
        test_sets.append(("real_stories", real_test))
    test_sets.append(("seeds", seeds))
    print(f"train {len(train)} rows; held-out " + ", ".join(f"{name} {len(rows)} rows" for name, rows in test_sets), flush=True)
    started = time.perf_counter()
    model = fine_tune(train, TrainConfig(base_model=args.base, epochs=args.epochs, learning_rate=args.lr, seed=args.seed))
    figures = {"name": args.name, "base": args.base, "epochs": args.epochs, "lr": args.lr,
               "with_real_news": args.with_real_news, "train_rows": len(train),
               "train_seconds": round(time.perf_counter() - started),
               "train_examples_per_s": model.info["training"]["train_examples_per_s"]}
    model.save_pretrained(out / "model")
    for label, rows in test_sets:
        started = time.perf_counter()
        predicted = [p.label for p in model.predict(rows)]
        seconds = time.perf_counter() - started
        report = evaluate(model, rows, train_rows=train, title=label)
        report.save(out / f"eval_{label}")
        figures[label] = {"macro_f1": report.summary()["model"]["macro_f1"],
                          "tfidf_macro_f1": report.summary().get("tfidf_logreg", {}).get("macro_f1"),
                          "pairs_per_s": round(len(rows) / seconds, 1), **confusions([r.stance for r in rows], predicted)}
    issues = list(dict.fromkeys(r.issue for r in seeds))
    agreed = total = 0
    for article in seed_articles(seeds):
        agreement = map_agreement([r for r in seeds if r.doc_id == article.doc_id],
                                  analyze_articles(model, [article], issues).cells)
        agreed, total = agreed + agreement.agreed, total + agreement.total
    figures["seed_map"] = {"agreed": agreed, "total": total, "agreement": agreed / max(total, 1)}
    (out / "result.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=1))
    write_bench_json(figures)


if __name__ == "__main__":
    main()
