"""measure_learning_curve (`actorstance learning-curve`): would more labels still help? Macro-F1
against the number of training rows.

For each repeat r: one grouped split (data/splits.py `train_test_split` by `by`, seed r) holds out
a test part; the train part is shuffled with seed r, and for each size the model is trained on
its first `size` rows (the labels a person would have after labelling that many at random) and
scored on the test part, beside the TF-IDF baseline fitted on the same rows. The repeats differ in
their split and order, so the spread over repeats shows how much of a step is noise.
"""
from __future__ import annotations

import dataclasses
import json
import random
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from actorstance.data.schema import StanceExample
from actorstance.data.splits import train_test_split
from actorstance.errors import ConfigError
from actorstance.eval.baselines import TfidfBaseline
from actorstance.eval.metrics import macro_f1

from .config import TrainConfig

SYSTEMS = ("model", "tfidf")


def mean_sd(values: Sequence[float]) -> dict:
    return {"mean": statistics.fmean(values), "sd": statistics.stdev(values) if len(values) > 1 else 0.0, "n": len(values)}


@dataclass
class LearningCurve:
    sizes: list[int]
    points: list[dict] = field(default_factory=list)  # one per (repeat, size): test macro-F1 of model and tfidf
    by: str = "doc_id"
    repeats: int = 1
    test_share: float = 0.2
    skipped_sizes: list[int] = field(default_factory=list)  # larger than some repeat's train part

    def summary(self) -> list[dict]:
        """Mean and sd over repeats of each system's macro-F1, per size."""
        return [{"size": size, **{system: mean_sd([p[system] for p in self.points if p["size"] == size])
                                  for system in SYSTEMS}} for size in self.sizes]

    def last_step(self) -> dict | None:
        """The model's gain from the second-to-last to the last size: mean and sd over repeats of
        the per-repeat gains (same split and rows, so paired), and a verdict comparing the two."""
        if len(self.sizes) < 2:
            return None
        before, last = self.sizes[-2], self.sizes[-1]
        by_repeat = {(p["repeat"], p["size"]): p["model"] for p in self.points}
        gains = [by_repeat[(r, last)] - by_repeat[(r, before)] for r in range(self.repeats)
                 if (r, last) in by_repeat and (r, before) in by_repeat]
        step = {"from": before, "to": last, **mean_sd(gains)}
        if len(gains) < 2:
            step["verdict"] = "one repeat: no spread to compare the gain with (use --repeats 3)"
        elif step["mean"] > step["sd"]:
            step["verdict"] = "still gaining: the last step's gain is larger than its spread, so more labels should help"
        elif step["mean"] < -step["sd"]:
            step["verdict"] = "the last step lost more than its spread: check the new labels"
        else:
            step["verdict"] = "flat: the last step's gain is within its spread"
        return step

    def to_dict(self) -> dict:
        return {"by": self.by, "repeats": self.repeats, "test_share": self.test_share, "sizes": self.sizes,
                "skipped_sizes": self.skipped_sizes, "points": self.points, "summary": self.summary(),
                "last_step": self.last_step()}

    def save(self, folder: str | Path) -> Path:
        """learning_curve.json (every point, mean and sd per size, the last step) and learning_curve.png."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        (out / "learning_curve.json").write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")
        plot_curve(self, out / "learning_curve.png")
        return out


def plot_curve(curve: LearningCurve, path: Path) -> Path:
    from actorstance.eval.plots import plt
    summary = curve.summary()
    fig, ax = plt.subplots(figsize=(5.6, 3.8), dpi=120)
    for system, label, marker in (("model", "actorstance", "o"), ("tfidf", "TF-IDF + LR", "s")):
        ax.errorbar([s["size"] for s in summary], [s[system]["mean"] for s in summary],
                    yerr=[s[system]["sd"] for s in summary], label=label, marker=marker, capsize=3)
    ax.set_xscale("log")
    ax.set_xticks(curve.sizes, [str(s) for s in curve.sizes])
    ax.minorticks_off()
    ax.set_xlabel("labelled training rows")
    ax.set_ylabel("macro-F1 on held-out rows")
    ax.set_title(f"Learning curve ({curve.repeats} repeat{'s' if curve.repeats > 1 else ''}, split by {curve.by}; bars: sd)",
                 fontsize=9)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def measure_learning_curve(rows: Sequence[StanceExample], sizes: Sequence[int], config: TrainConfig | None = None,
                   by: str = "doc_id", repeats: int = 3, test_share: float = 0.2,
                   show_progress: bool = False) -> LearningCurve:
    """Train on growing random subsets of a grouped train part and score each on the held-out part
    (see the module's docstring). Sizes larger than a repeat's train part are skipped and listed."""
    from .trainer import fine_tune
    config = config or TrainConfig()
    sizes = sorted(set(int(s) for s in sizes))
    if not sizes or sizes[0] < 1:
        raise ConfigError(f"sizes must be positive row counts, got {sizes}")
    if repeats < 1:
        raise ConfigError(f"repeats must be at least 1, got {repeats}")
    if not 0 < test_share < 1:
        raise ConfigError(f"test share must be between 0 and 1, got {test_share}")
    splits = []
    for repeat in range(repeats):
        train, test = train_test_split(rows, test_share=test_share, by=by, seed=repeat)
        train = list(train)
        random.Random(repeat).shuffle(train)
        splits.append((train, test))
    fitting = [s for s in sizes if all(s <= len(train) for train, _ in splits)]
    if not fitting:
        smallest = min(len(train) for train, _ in splits)
        raise ConfigError(f"every size is larger than the train part ({smallest} rows in the smallest repeat)")
    curve = LearningCurve(fitting, by=by, repeats=repeats, test_share=test_share,
                          skipped_sizes=[s for s in sizes if s not in fitting])
    jobs = [(r, size) for r in range(repeats) for size in fitting]
    if show_progress:
        from tqdm.auto import tqdm
        jobs = tqdm(jobs, desc="learning curve", unit="model")
    run_config = dataclasses.replace(config, checkpoint_dir=None, resume=False, show_progress=False)
    for repeat, size in jobs:
        train, test = splits[repeat]
        subset = train[:size]
        gold = [r.stance for r in test]
        model = fine_tune(subset, run_config)
        predicted = [p.label for p in model.predict(test)]
        baseline = TfidfBaseline(seed=config.seed).fit(subset).predict(test)
        curve.points.append({"repeat": repeat, "size": size, "test_rows": len(test),
                             "model": macro_f1(gold, predicted), "tfidf": macro_f1(gold, baseline)})
    return curve
