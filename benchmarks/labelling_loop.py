"""`make bench-labelling`: a user's afternoon with their own articles (the labelling loop).

One domain of the shipped data plays "the user's articles"; the model that starts the loop has
never seen it. For each repeat the domain's stories are split in two by story (`doc_id`): a pool
the user labels from and a test part that scores the result. From the pool, budgets of 25, 50,
100 and 200 labels are chosen
- at random (a seeded shuffle of the pool), or
- by `suggest` (analysis/suggest.py's `diverse` selection, or `uncertainty`, over the pool rows,
  scored by the shipped model: a user with only the raw backbone would still rank with a model),
and a model is trained on them starting
- from the raw backbone (MiniLM), or
- from the shipped model trained without the domain (`train --base MODEL`: head kept),
with the default recipe (5 epochs, lr 1e-4, seed = the repeat). Each is scored on the test part,
beside TF-IDF + LR fitted on the same labels and the starting model with no new label.

Domains: `dip` (diplomacy and security: the `nc-dip` invented stories and the `rn-dip` real news
stories together; half the stories in the pool, half in the test part, per repeat) and `seeds`
(the two seed articles: one is the pool, the other the test part, alternating by repeat; budgets
larger than the pool are skipped).

The shipped model without the domain: `--shipped-model DIR`, or trained here first (the default
recipe on news_corpus and real_news without any `dip` story and without the seed articles, 4,864
rows; about 16 minutes on 2 cores).
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

from actorstance.console import quiet_libraries

SIZES = (25, 50, 100, 200)
STARTS = ("raw", "shipped")
CHOICES = ("random", "diverse")


def area_of(doc_id: str) -> str:
    """`nc-dip-012` -> `dip`: the policy area code in the shipped corpora's story ids."""
    parts = doc_id.split("-")
    return parts[1] if len(parts) >= 3 and parts[0] in ("nc", "rn") else ""


def domain_split(domain: str, rows: list, repeat: int) -> tuple[list, list]:
    """The pool (to label from) and the test part of one repeat, split by story."""
    from actorstance.data.splits import train_test_split
    if domain == "seeds":
        docs = sorted({r.doc_id for r in rows})
        pool_doc = docs[repeat % len(docs)]
        return [r for r in rows if r.doc_id == pool_doc], [r for r in rows if r.doc_id != pool_doc]
    pool, test = train_test_split(rows, test_share=0.5, by="doc_id", seed=repeat)
    return list(pool), list(test)


def chosen_rows(choice: str, pool: list, pool_probs, size: int, repeat: int) -> list:
    from actorstance.analysis.suggest import select_diverse, select_uncertain
    if choice == "random":
        order = list(range(len(pool)))
        random.Random(repeat).shuffle(order)
        return [pool[i] for i in order[:size]]
    if choice == "uncertainty":
        return [pool[i] for i in select_uncertain(pool_probs, size)]
    picked, _ = select_diverse(pool, pool_probs, size)
    return [pool[i] for i in picked]


def train_shipped_without(domain_rows: list, other_rows: list, folder: Path) -> Path:
    from actorstance.training import TrainConfig
    from actorstance.training.pipeline import train_and_save
    print(f"training the shipped model without the domain on {len(other_rows)} rows into {folder}", flush=True)
    train_and_save(other_rows, TrainConfig(show_progress=True), folder, sources=["news_corpus and real_news without dip"])
    return folder


def plot_points(points: list[dict], path: Path) -> Path:
    """Macro-F1 against labels, one panel per domain, one line per (start, choice), sd bars."""
    from actorstance.eval.plots import plt
    domains = list(dict.fromkeys(p["domain"] for p in points))
    fig, axes = plt.subplots(1, len(domains), figsize=(5.2 * len(domains), 3.9), dpi=120, squeeze=False)
    for ax, domain in zip(axes[0], domains):
        mine = [p for p in points if p["domain"] == domain]
        zero = [p["model"] for p in mine if p["size"] == 0]
        ax.axhline(statistics.fmean(zero), color="grey", linestyle=":", label="shipped model, no label")
        sizes = sorted({p["size"] for p in mine if p["size"]})
        for start in STARTS:
            for choice in sorted({p["choice"] for p in mine if p["size"]}):
                series = [[p["model"] for p in mine if (p["size"], p["start"], p["choice"]) == (size, start, choice)]
                          for size in sizes]
                ax.errorbar(sizes, [statistics.fmean(v) for v in series],
                            yerr=[statistics.stdev(v) if len(v) > 1 else 0 for v in series], marker="o", capsize=3,
                            label=f"from {start}, {choice}")
        tfidf = [[p["tfidf"] for p in mine if p["size"] == size and p["start"] == "raw" and p["choice"] == "random"] for size in sizes]
        ax.plot(sizes, [statistics.fmean(v) for v in tfidf], color="black", linestyle="--", label="TF-IDF + LR, random")
        ax.set_xscale("log")
        ax.set_xticks(sizes, [str(s) for s in sizes])
        ax.minorticks_off()
        ax.set_xlabel("labels in the domain")
        ax.set_ylabel("macro-F1 on the domain's other stories")
        ax.set_title(f"held-out domain: {domain}", fontsize=9)
        ax.set_ylim(0, 1)
    axes[0][-1].legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def probe_recipes(shipped: Path, domain_rows: list, other_rows: list, size: int = 200) -> list[tuple[str, float]]:
    """Repeat 0 of `dip`, `size` suggested labels, continued with other recipes: a lower learning
    rate, twice as many rows of the other domains replayed, and every pool row (the ceiling)."""
    from actorstance.eval.metrics import macro_f1
    from actorstance.model.classifier import StanceClassifier
    from actorstance.training import TrainConfig, fine_tune
    pool, test = domain_split("dip", domain_rows, 0)
    labelled = chosen_rows("diverse", pool, StanceClassifier.from_pretrained(shipped).predict_proba(pool), size, 0)
    replay = random.Random(0).sample(other_rows, 2 * size)
    gold = [r.stance for r in test]
    results = []
    for name, rows, settings in ((f"{size} suggested, lr 3e-5", labelled, {"learning_rate": 3e-5}),
                                 (f"{size} suggested + {2 * size} rows of other domains replayed", labelled + replay, {}),
                                 (f"all {len(pool)} pool rows", pool, {})):
        model = fine_tune(rows, TrainConfig(seed=0, base_model=str(shipped), show_progress=False, **settings))
        results.append((name, macro_f1(gold, [p.label for p in model.predict(test)])))
        print(f"  probe: {name}: {results[-1][1]:.3f}", flush=True)
    return results


def mean_sd(values: list[float]) -> str:
    if not values:
        return "-"
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.fmean(values):.3f} ± {sd:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shipped-model", type=Path, default=None, help="The default model trained without the domain (else trained here).")
    parser.add_argument("--work", type=Path, default=Path("runs/bench-labelling"), help="Where a model trained here is kept.")
    parser.add_argument("--domains", default="dip,seeds")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--choices", default=",".join(CHOICES), help="random, diverse, uncertainty (comma-separated).")
    parser.add_argument("--plot", type=Path, default=Path("runs/bench-labelling/labelling_loop.png"))
    parser.add_argument("--probe", action="store_true", help="Only continue with other recipes on repeat 0 of dip (lr 3e-5, replay, every pool row).")
    parser.add_argument("--replot", type=Path, default=None, help="Only redraw the plot from a BENCH_JSON file of an earlier run.")
    args = parser.parse_args()
    quiet_libraries()
    if args.replot:
        print(f"plot: {plot_points(json.loads(args.replot.read_text())['points'], args.plot)}")
        return
    from actorstance.data.readers import load_examples
    from actorstance.eval.baselines import TfidfBaseline
    from actorstance.eval.metrics import macro_f1
    from actorstance.model.classifier import StanceClassifier
    from actorstance.training import TrainConfig, fine_tune

    from .common import table, write_bench_json

    started = time.perf_counter()
    sizes = [int(s) for s in args.sizes.split(",")]
    choices = args.choices.split(",")
    corpus = load_examples("news_corpus", require_stance=True) + load_examples("real_news", require_stance=True)
    domains = {"dip": [r for r in corpus if area_of(r.doc_id) == "dip"],
               "seeds": load_examples("seed_articles", require_stance=True)}
    shipped = args.shipped_model or train_shipped_without(
        domains["dip"], [r for r in corpus if area_of(r.doc_id) != "dip"], args.work / "shipped_without_dip")
    if args.probe:
        probe_recipes(shipped, domains["dip"], [r for r in corpus if area_of(r.doc_id) != "dip"])
        return
    shipped_model = StanceClassifier.from_pretrained(shipped)
    points = []
    for domain in args.domains.split(","):
        rows = domains[domain]
        for repeat in range(args.repeats):
            pool, test = domain_split(domain, rows, repeat)
            gold = [r.stance for r in test]
            pool_probs = shipped_model.predict_proba(pool)
            zero = macro_f1(gold, [p.label for p in shipped_model.predict(test)])
            points.append({"domain": domain, "repeat": repeat, "size": 0, "start": "shipped", "choice": "-",
                           "pool": len(pool), "test_rows": len(test), "model": zero, "tfidf": None})
            print(f"{domain} repeat {repeat}: pool {len(pool)} rows / {len({r.doc_id for r in pool})} stories, "
                  f"test {len(test)} rows; shipped model with no label {zero:.3f}", flush=True)
            for size in [s for s in sizes if s <= len(pool)]:
                for choice in choices:
                    labelled = chosen_rows(choice, pool, pool_probs, size, repeat)
                    tfidf = macro_f1(gold, TfidfBaseline(seed=repeat).fit(labelled).predict(test))
                    for start in STARTS:
                        config = TrainConfig(seed=repeat, base_model=str(shipped) if start == "shipped" else None, show_progress=False)
                        t = time.perf_counter()
                        model = fine_tune(labelled, config)
                        score = macro_f1(gold, [p.label for p in model.predict(test)])
                        points.append({"domain": domain, "repeat": repeat, "size": size, "start": start, "choice": choice,
                                       "pool": len(pool), "test_rows": len(test), "model": score, "tfidf": tfidf,
                                       "seconds": round(time.perf_counter() - t, 1)})
                        print(f"  {size:>3} {choice:<11} from {start:<7} {score:.3f} (tfidf {tfidf:.3f}, "
                              f"{points[-1]['seconds']} s)", flush=True)
    summary = []
    for domain in args.domains.split(","):
        zero = [p["model"] for p in points if p["domain"] == domain and p["size"] == 0]
        summary.append((domain, 0, "-", "shipped", mean_sd(zero), "-"))
        for size in sizes:
            for choice in choices:
                for start in STARTS:
                    mine = [p for p in points if (p["domain"], p["size"], p["choice"], p["start"]) == (domain, size, choice, start)]
                    if mine:
                        summary.append((domain, size, choice, start, mean_sd([p["model"] for p in mine]),
                                        mean_sd([p["tfidf"] for p in mine])))
    print()
    print(table(summary, ("domain", "labels", "chosen", "start", "macro-F1 (mean ± sd)", "TF-IDF + LR")))
    args.plot.parent.mkdir(parents=True, exist_ok=True)
    print(f"\nplot: {plot_points(points, args.plot)}")
    print(f"{time.perf_counter() - started:.0f} s in all")
    write_bench_json({"shipped_model": str(shipped), "repeats": args.repeats, "points": points,
                      "seconds": round(time.perf_counter() - started)})


if __name__ == "__main__":
    main()
