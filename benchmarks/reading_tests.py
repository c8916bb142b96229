"""`python -m benchmarks.reading_tests MODEL`: bench-real-news's two tests of reading, on a saved
model (say, a teacher too slow to retrain beside each student).

The swap test on the seed rows with a position, and the opposite test on the held-out invented
and real-news stories of bench-real-news's split (85/15 by story, seed 42) and the seed rows.
"""
from __future__ import annotations

import argparse
import json

from actorstance.console import quiet_libraries

from .real_news import opposite_test, swap_test


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="A model folder made by `actorstance train`.")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    quiet_libraries()
    from actorstance.data.readers import load_examples
    from actorstance.training.distill import teacher_split
    from actorstance.model.classifier import StanceClassifier
    from actorstance.training.opposites import load_opposites

    from .common import write_bench_json

    model = StanceClassifier.from_pretrained(args.model)
    seeds = load_examples("seed_articles", require_stance=True)
    test_sets = {"invented_test": teacher_split(load_examples("news_corpus", require_stance=True), seed=args.seed)[1],
                 "real_test": teacher_split(load_examples("real_news", require_stance=True), seed=args.seed)[1],
                 "seeds": seeds}
    opposites = load_opposites()
    figures = {"model": args.model, "swap_test": swap_test(model, seeds, args.seed),
               "opposite_test": {name: opposite_test(model, rows, opposites) for name, rows in test_sets.items()}}
    print(json.dumps(figures, indent=1))
    write_bench_json(figures)


if __name__ == "__main__":
    main()
