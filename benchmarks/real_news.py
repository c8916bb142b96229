"""`make bench-real-news`: what the stories grounded in real reporting (`real_news`) add.

Two models with the default recipe (`TrainConfig()`), one trained on the invented stories alone
(`news_corpus`) and one on the same stories plus the real-news stories, each split 85/15 by
story (`train_test_split(..., by="doc_id", seed=42)`); the seed articles are never trained on.
Both are scored on
- the held-out invented stories and the held-out real-news stories (macro-F1, TF-IDF fitted on
  the same training rows beside them, favor<->against and none<->position confusions, and the
  rows whose issue no training row has: unseen issues);
- the two raw seed articles: their labelled rows scored directly (row macro-F1) and the stance
  map that `analyze` draws from the raw text, against the labelled positions (map agreement);
- two tests of reading: the swap test (`bench-quality`'s: seed rows with a position, actor or
  issue replaced by another row's, the share of labels that move) and the opposite test (rows
  with a position whose issue has a shipped opposite, asked again on the opposite issue: the
  share answered with the other side, right against the flipped gold label and consistent with
  the model's own first answer).

`--flip-share X` adds a third model (with real_news, plus flipped copies: issue opposites) and
`--distill` a fourth (with real_news, distilled from the shipped teacher probabilities,
data/labelled/teacher/, or --teacher-probs FILE: an MPNet teacher trained on this same train split,
seed 42, so no held-out story was ever its training row; the held-out stories' transfer rows stay
out of the student's training). The teacher's own row scores come from its probabilities in that file.
"""
from __future__ import annotations

import argparse
import dataclasses
import time
from collections import Counter

from actorstance.console import quiet_libraries


def confusions(gold: list[str], predicted: list[str]) -> dict[str, int]:
    pairs = Counter(zip(gold, predicted))
    return {"favor_against": pairs[("favor", "against")] + pairs[("against", "favor")],
            "none_to_position": pairs[("none", "favor")] + pairs[("none", "against")],
            "position_to_none": pairs[("favor", "none")] + pairs[("against", "none")],
            "positions": sum(g != "none" for g in gold)}


def opposite_test(model, rows, opposites: dict[str, str]) -> dict:
    """The favor/against rows whose issue has an opposite, asked again on the opposite issue: a
    model that reads the issue's direction flips its answer (favor <-> against)."""
    import dataclasses

    from actorstance.training.opposites import FLIPPED
    asked = [r for r in rows if r.stance != "none" and r.issue in opposites]
    if not asked:
        return {"rows": 0}
    before = [p.label for p in model.predict(asked)]
    after = [p.label for p in model.predict([dataclasses.replace(r, issue=opposites[r.issue]) for r in asked])]
    return {"rows": len(asked),
            "consistent_share": sum(a == FLIPPED[b] for a, b in zip(after, before)) / len(asked),
            "right_share": sum(a == FLIPPED[r.stance] for a, r in zip(after, asked)) / len(asked)}


def swap_test(model, seeds, seed: int) -> dict:
    """`bench-quality`'s swap test on the seed rows with a position: the share of labels that move
    when the actor or the issue is replaced by another row's."""
    from .quality import moved_share, swapped
    positioned = [r for r in seeds if r.stance != "none"]
    variants = swapped(positioned, "actor", seed) + swapped(positioned, "issue", seed)
    before = [p.label for p in model.predict(positioned + positioned)]
    return {"swaps": len(variants), "moved_share": moved_share(before, [p.label for p in model.predict(variants)])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=float, default=None, help="Default: TrainConfig's (the default recipe).")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--only", default=None, help="Train these models only (comma-separated: without, with, with_flipped, with_distilled).")
    parser.add_argument("--distill", action="store_true", help="Also train the model distilled from the teacher's probabilities.")
    parser.add_argument("--teacher-probs", default=None, help="The teacher's probabilities file (default: the shipped one).")
    parser.add_argument("--teacher-saw-real-news", action="store_true",
                        help="The teacher trained on real_news's training split too (its unseen issues are counted so).")
    parser.add_argument("--flip-share", type=float, default=0.0,
                        help="Also train a third model: with real_news, plus flipped copies of this share of the rows (issue opposites).")
    args = parser.parse_args()
    quiet_libraries()
    from actorstance.analysis.analyze import analyze_articles
    from actorstance.analysis.articles import seed_articles
    from actorstance.data.readers import load_examples
    from actorstance.data.schema import LABELS
    from actorstance.training.distill import teacher_split
    from actorstance.eval.baselines import TfidfBaseline
    from actorstance.eval.map_agreement import map_agreement
    from actorstance.eval.metrics import macro_f1
    from actorstance.training import TrainConfig, fine_tune
    from actorstance.training.opposites import load_opposites

    from .common import table, write_bench_json

    start = time.perf_counter()
    corpus = load_examples("news_corpus", require_stance=True)
    real = load_examples("real_news", require_stance=True)
    seeds = load_examples("seed_articles", require_stance=True)
    corpus_train, corpus_test = teacher_split(corpus, seed=args.seed)
    real_train, real_test = teacher_split(real, seed=args.seed)
    articles = seed_articles(seeds)
    opposites = load_opposites()
    seed_issues = list(dict.fromkeys(r.issue for r in seeds))
    print(f"invented stories: {len(corpus_train)} train / {len(corpus_test)} test rows; real-news stories: "
          f"{len(real_train)} train / {len(real_test)} test rows; seed articles: {len(seeds)} rows, never trained on", flush=True)
    config = TrainConfig(seed=args.seed, show_progress=False) if args.epochs is None else \
        TrainConfig(seed=args.seed, epochs=args.epochs, show_progress=False)
    figures: dict = {"epochs": config.epochs, "seed": args.seed, "runs": {}}
    runs = {"without": (corpus_train, config), "with": (corpus_train + real_train, config)}
    if args.flip_share > 0:
        runs["with_flipped"] = (corpus_train + real_train, dataclasses.replace(config, flip_share=args.flip_share))
        figures["flip_share"] = args.flip_share
    teacher = None
    if args.distill or "with_distilled" in (args.only or ""):
        from actorstance.training.distill import TeacherProbs, shipped_teacher_probs
        teacher_file = args.teacher_probs or str(shipped_teacher_probs())
        teacher = TeacherProbs.load(teacher_file)
        runs["with_distilled"] = (corpus_train + real_train, dataclasses.replace(config, teacher_probs=teacher_file))
        figures["teacher_probs"] = teacher_file
        figures["teacher"] = {}
        teacher_issues = {r.issue for r in (corpus_train + real_train if args.teacher_saw_real_news else corpus_train)}
        for set_name, rows in (("invented_test", corpus_test), ("real_test", real_test), ("seeds", seeds)):
            scored = [(r.stance, teacher.get(r)) for r in rows]
            gold = [g for g, p in scored if p is not None]
            predicted = [LABELS[max(range(len(LABELS)), key=p.__getitem__)] for _, p in scored if p is not None]
            unseen = [i for i, r in enumerate(rows) if r.issue not in teacher_issues and teacher.get(r) is not None]
            by_row = dict(zip([i for i, (_, p) in enumerate(scored) if p is not None], predicted))
            figures["teacher"][set_name] = {"rows": len(gold), "of": len(rows), "macro_f1": macro_f1(gold, predicted),
                                            **confusions(gold, predicted), "unseen_issue_rows": len(unseen),
                                            "unseen_issue_macro_f1": macro_f1([rows[i].stance for i in unseen], [by_row[i] for i in unseen]) if unseen else None}
        print("teacher (from its probabilities): " + ", ".join(
            f"{k} {v['macro_f1']:.3f} ({v['rows']} of {v['of']} rows)" for k, v in figures["teacher"].items()), flush=True)
    only = set(args.only.split(",")) if args.only else None
    for name, (train, run_config) in runs.items():
        if only and name not in only:
            continue
        t = time.perf_counter()
        model = fine_tune(train, run_config)
        train_s = time.perf_counter() - t
        tfidf = TfidfBaseline(seed=args.seed).fit(train)
        seen_issues = {r.issue for r in train}
        run = {"train_rows": len(train), "train_seconds": round(train_s),
               "train_examples_per_s": model.info["training"]["train_examples_per_s"],
               "transfer_rows": model.info["training"].get("transfer_rows", 0)}
        for set_name, rows in (("invented_test", corpus_test), ("real_test", real_test), ("seeds", seeds)):
            gold = [r.stance for r in rows]
            predicted = [p.label for p in model.predict(rows)]
            unseen = [i for i, r in enumerate(rows) if r.issue not in seen_issues]
            run[set_name] = {"rows": len(rows), "macro_f1": macro_f1(gold, predicted),
                             "tfidf_macro_f1": macro_f1(gold, tfidf.predict(rows)), **confusions(gold, predicted),
                             "unseen_issue_rows": len(unseen),
                             "unseen_issue_macro_f1": macro_f1([gold[i] for i in unseen], [predicted[i] for i in unseen]) if unseen else None}
        agreed = total = 0
        for article in articles:
            stance_map = analyze_articles(model, [article], seed_issues)
            agreement = map_agreement([r for r in seeds if r.doc_id == article.doc_id], stance_map.cells)
            agreed, total = agreed + agreement.agreed, total + agreement.total
        run["seed_map_agreement"] = {"agreed": agreed, "total": total, "agreement": agreed / max(total, 1)}
        run["swap_test"] = swap_test(model, seeds, args.seed)
        run["opposite_test"] = {name: opposite_test(model, rows, opposites) for name, rows in
                                (("invented_test", corpus_test), ("real_test", real_test), ("seeds", seeds))}
        figures["runs"][name] = run
        print(f"[{name}] trained on {len(train)} rows in {train_s:.0f} s; "
              f"invented {run['invented_test']['macro_f1']:.3f}, real {run['real_test']['macro_f1']:.3f}, "
              f"seeds {run['seeds']['macro_f1']:.3f}, map {agreed}/{total}", flush=True)

    header = ("measure",) + tuple(f"{n} real_news".replace("_flipped real_news", " real_news, flipped")
                                  .replace("_distilled real_news", " real_news, distilled") for n in figures["runs"])
    def row(label, get):
        return (label,) + tuple(get(r) for r in figures["runs"].values())
    lines = [
        row("training rows", lambda r: r["train_rows"]),
        row("held-out invented stories: macro-F1 (TF-IDF)", lambda r: f"{r['invented_test']['macro_f1']:.3f} ({r['invented_test']['tfidf_macro_f1']:.3f})"),
        row("held-out real-news stories: macro-F1 (TF-IDF)", lambda r: f"{r['real_test']['macro_f1']:.3f} ({r['real_test']['tfidf_macro_f1']:.3f})"),
        row("  real-news rows with an unseen issue: macro-F1", lambda r: f"{r['real_test']['unseen_issue_macro_f1']:.3f} of {r['real_test']['unseen_issue_rows']}" if r['real_test']['unseen_issue_rows'] else "-"),
        row("  invented rows with an unseen issue: macro-F1", lambda r: f"{r['invented_test']['unseen_issue_macro_f1']:.3f} of {r['invented_test']['unseen_issue_rows']}" if r['invented_test']['unseen_issue_rows'] else "-"),
        row("seed articles (never trained on): row macro-F1 (TF-IDF)", lambda r: f"{r['seeds']['macro_f1']:.3f} ({r['seeds']['tfidf_macro_f1']:.3f})"),
        row("seed articles: map agreement", lambda r: f"{r['seed_map_agreement']['agreement']:.3f} ({r['seed_map_agreement']['agreed']}/{r['seed_map_agreement']['total']})"),
    ]
    for set_name in ("invented_test", "real_test", "seeds"):
        lines.append(row(f"{set_name}: favor<->against / none->position / position->none",
                         lambda r, s=set_name: f"{r[s]['favor_against']} / {r[s]['none_to_position']} / {r[s]['position_to_none']}"))
    lines.append(row("swap test: seed labels that move when actor or issue is swapped",
                     lambda r: f"{r['swap_test']['moved_share']:.3f} of {r['swap_test']['swaps']}"))
    for set_name in ("invented_test", "real_test", "seeds"):
        lines.append(row(f"{set_name}: positions flipped when asked on the opposite issue (right / consistent)",
                         lambda r, s=set_name: f"{r['opposite_test'][s]['right_share']:.3f} / {r['opposite_test'][s]['consistent_share']:.3f} of {r['opposite_test'][s]['rows']}"
                         if r['opposite_test'][s]['rows'] else "-"))
    lines.append(row("training examples/s", lambda r: r["train_examples_per_s"]))
    lines.append(row("transfer rows (distilled only)", lambda r: r.get("transfer_rows", 0)))
    if figures.get("teacher"):
        header = header + ("teacher (its probabilities)",)
        t = figures["teacher"]
        def unseen(s):
            return f"{t[s]['unseen_issue_macro_f1']:.3f} of {t[s]['unseen_issue_rows']}" if t[s]["unseen_issue_rows"] else "-"
        cells = {1: f"{t['invented_test']['macro_f1']:.3f}", 2: f"{t['real_test']['macro_f1']:.3f}",
                 3: unseen("real_test"), 4: unseen("invented_test"),
                 5: f"{t['seeds']['macro_f1']:.3f}",
                 **{7 + k: f"{t[s]['favor_against']} / {t[s]['none_to_position']} / {t[s]['position_to_none']}"
                    for k, s in enumerate(("invented_test", "real_test", "seeds"))}}
        lines = [line + (cells.get(i, "-"),) for i, line in enumerate(lines)]
    print()
    print(table(lines, header))
    figures["wall_seconds"] = round(time.perf_counter() - start)
    print(f"\nbench-real-news finished in {figures['wall_seconds']} s")
    write_bench_json(figures)


if __name__ == "__main__":
    main()
