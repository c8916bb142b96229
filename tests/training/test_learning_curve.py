"""measure_learning_curve (`actorstance learning-curve`): real training on growing subsets of a grouped train part, beside TF-IDF."""
from __future__ import annotations

import json
import statistics

import pytest
from typer.testing import CliRunner

from actorstance import TrainConfig
from actorstance.cli import app
from actorstance.data.splits import train_test_split
from actorstance.data.writers import write_examples
from actorstance.errors import ConfigError
from actorstance.training import trainer
from actorstance.training.learning_curve import LearningCurve, measure_learning_curve

FAST = TrainConfig(max_steps=2, batch_size=4, negative_share=0.0, mention_dropout=0.0, show_progress=False)


def test_curve_trains_on_nested_random_prefixes_of_a_grouped_train_part(small_rows, tmp_path, monkeypatch):
    seen = []
    real = trainer.fine_tune

    def recording(rows, config=None, eval_rows=None):  # the real training, with its rows noted
        seen.append(list(rows))
        return real(rows, config, eval_rows)
    monkeypatch.setattr(trainer, "fine_tune", recording)
    curve = measure_learning_curve(small_rows, [6, 3, 50], FAST, by="doc_id", repeats=2, test_share=0.25)
    assert curve.sizes == [3, 6] and curve.skipped_sizes == [50]
    assert [(p["repeat"], p["size"]) for p in curve.points] == [(0, 3), (0, 6), (1, 3), (1, 6)]
    assert [len(rows) for rows in seen] == [3, 6, 3, 6]
    for repeat in range(2):
        small, large = seen[2 * repeat], seen[2 * repeat + 1]
        assert large[:3] == small  # the first `size` rows of one shuffle
        train, test = train_test_split(small_rows, test_share=0.25, by="doc_id", seed=repeat)
        assert {r.doc_id for r in large} <= {r.doc_id for r in train} and not {r.doc_id for r in large} & {r.doc_id for r in test}
        assert curve.points[2 * repeat]["test_rows"] == len(test)
    assert seen[1] != seen[3]  # each repeat has its own split and order
    assert all(0 <= p[k] <= 1 for p in curve.points for k in ("model", "tfidf"))

    summary = curve.summary()
    assert summary[1]["model"]["mean"] == pytest.approx(statistics.fmean([curve.points[1]["model"], curve.points[3]["model"]]))
    assert summary[1]["tfidf"]["sd"] == pytest.approx(statistics.stdev([curve.points[1]["tfidf"], curve.points[3]["tfidf"]]))
    out = curve.save(tmp_path / "lc")
    saved = json.loads((out / "learning_curve.json").read_text())
    assert saved["points"] == curve.points and saved["summary"] == summary and saved["last_step"]["from"] == 3
    assert (out / "learning_curve.png").read_bytes()[:4] == b"\x89PNG"


def points(model_scores):
    """Hand-made points: model_scores[repeat] = {size: macro-F1}."""
    return [{"repeat": r, "size": s, "test_rows": 10, "model": f, "tfidf": 0.3}
            for r, scores in enumerate(model_scores) for s, f in scores.items()]


def test_last_step_verdict_compares_the_gain_with_its_spread():
    gaining = LearningCurve([50, 100], points([{50: 0.50, 100: 0.60}, {50: 0.40, 100: 0.52}, {50: 0.55, 100: 0.63}]), repeats=3)
    step = gaining.last_step()
    assert step["mean"] == pytest.approx(0.1) and step["sd"] == pytest.approx(statistics.stdev([0.10, 0.12, 0.08]))
    assert step["verdict"].startswith("still gaining")
    flat = LearningCurve([50, 100], points([{50: 0.50, 100: 0.55}, {50: 0.40, 100: 0.38}, {50: 0.55, 100: 0.58}]), repeats=3)
    assert flat.last_step()["verdict"].startswith("flat")
    falling = LearningCurve([50, 100], points([{50: 0.50, 100: 0.40}, {50: 0.50, 100: 0.41}, {50: 0.50, 100: 0.39}]), repeats=3)
    assert falling.last_step()["verdict"].startswith("the last step lost")
    assert LearningCurve([50, 100], points([{50: 0.5, 100: 0.6}]), repeats=1).last_step()["verdict"].startswith("one repeat")


def test_sizes_that_cannot_fit_are_refused(small_rows):
    with pytest.raises(ConfigError, match="larger than the train part"):
        measure_learning_curve(small_rows, [100], FAST, repeats=1, test_share=0.25)


def test_cli_learning_curve(small_rows, tmp_path):
    data = tmp_path / "rows.jsonl"
    write_examples(small_rows, data)
    out = tmp_path / "curve"
    result = CliRunner().invoke(app, ["learning-curve", str(data), "--sizes", "3,6", "--repeats", "2", "--test-share", "0.25",
                                      "--epochs", "1", "--batch-size", "4", "--output", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "last step 3 -> 6 rows: model gain" in result.output
    assert {p.name for p in out.iterdir()} == {"learning_curve.json", "learning_curve.png"}
    result = CliRunner().invoke(app, ["learning-curve", str(data), "--sizes", "3,x", "--output", str(out)])
    assert result.exit_code == 2 and "comma-separated" in result.output
