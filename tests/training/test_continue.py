"""Continuing a saved model on new rows (`train --base MODEL_DIR`), with replay of shipped rows."""
from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from actorstance import TrainConfig, fine_tune
from actorstance.cli import app
from actorstance.data.readers import load_many, packaged_datasets
from actorstance.data.writers import write_examples
from actorstance.errors import ConfigError
from actorstance.model.classifier import StanceClassifier
from actorstance.training.trainer import replay_rows

QUIET = dict(batch_size=4, negative_share=0.0, mention_dropout=0.0, show_progress=False)


def test_continuing_keeps_the_saved_head_and_template(seed_model_dir, seed_rows, small_rows, tmp_path):
    base = StanceClassifier.from_pretrained(seed_model_dir)
    # a learning rate too small to move anything: the continued model is the saved one
    still = fine_tune(small_rows, TrainConfig(base_model=str(seed_model_dir), max_steps=2, learning_rate=1e-9, **QUIET))
    np.testing.assert_allclose(still.predict_proba(seed_rows), base.predict_proba(seed_rows), atol=1e-4)
    assert still.template == base.template
    # a real step moves it, from there
    moved = fine_tune(small_rows, TrainConfig(base_model=str(seed_model_dir), max_steps=2, learning_rate=1e-4, seed=1, **QUIET))
    diff = np.abs(moved.predict_proba(small_rows) - base.predict_proba(small_rows)).max()
    assert 1e-3 < diff
    assert moved.info["continued_from"] == str(seed_model_dir)
    assert moved.info["base_model"] == base.info["base_model"] and "metrics" not in moved.info
    assert moved.info["training"]["head_lr_scale"] == 1.0 and moved.info["training"]["rows"] == len(small_rows)
    folder = moved.save_pretrained(tmp_path / "continued")
    assert f"continued from: `{seed_model_dir}`" in (folder / "README.md").read_text()
    assert json.loads((folder / "actorstance.json").read_text())["continued_from"] == str(seed_model_dir)


def test_a_different_template_for_a_saved_model_is_an_error(seed_model_dir, small_rows):
    with pytest.raises(ConfigError, match="differs from '{actor} | {issue}'"):
        fine_tune(small_rows, TrainConfig(base_model=str(seed_model_dir), first_segment="Does {actor} support {issue}?",
                                          max_steps=1, **QUIET))
    # the same template, given explicitly, is fine
    fine_tune(small_rows, TrainConfig(base_model=str(seed_model_dir), first_segment="{actor} | {issue}", max_steps=1, **QUIET))


def test_replay_draws_shipped_rows_with_the_seed(small_rows):
    shipped = {(r.text, r.actor, r.issue): r for r in load_many(packaged_datasets(), require_stance=True)}
    first = replay_rows(small_rows, 0.5, seed=3)
    assert len(first) == 6 and all((r.text, r.actor, r.issue) in shipped for r in first)
    assert replay_rows(small_rows, 0.5, seed=3) == first and replay_rows(small_rows, 0.5, seed=4) != first
    assert replay_rows(small_rows, 0, seed=3) == [] and len(replay_rows(small_rows, 2, seed=3)) == 24
    # a shipped row that is also one of the new rows is never drawn a second time
    new = list(shipped.values())[:10]
    assert not {(r.text, r.actor, r.issue) for r in replay_rows(new, 100, seed=0)} & {(r.text, r.actor, r.issue) for r in new}


def test_replay_rows_are_trained_on_and_recorded(seed_model_dir, small_rows, tmp_path):
    model = fine_tune(small_rows, TrainConfig(base_model=str(seed_model_dir), replay_share=0.5, max_steps=2, seed=3, **QUIET))
    training = model.info["training"]
    assert (training["new_rows"], training["replay_rows"], training["rows"]) == (12, 6, 18)
    assert model.training_rows[:12] == small_rows and model.training_rows[12:] == replay_rows(small_rows, 0.5, seed=3)
    card = model.save_pretrained(tmp_path / "m").joinpath("README.md").read_text()
    assert "replay: 6 rows of the shipped labelled data mixed in with the 12 new rows" in card


def test_cli_train_continues_with_replay(seed_model_dir, small_rows, tmp_path):
    data = tmp_path / "new.jsonl"
    write_examples(small_rows, data)
    out = tmp_path / "continued"
    runner = CliRunner()
    result = runner.invoke(app, ["train", str(data), "--output", str(out), "--base", str(seed_model_dir), "--replay", "0.5",
                                 "--epochs", "0.3", "--batch-size", "8", "--quiet"])
    assert result.exit_code == 0, result.output
    assert f"continued from {seed_model_dir}" in result.output and "mixed in 6 shipped rows" in result.output
    meta = json.loads((out / "actorstance.json").read_text())
    assert meta["continued_from"] == str(seed_model_dir) and meta["training"]["replay_rows"] == 6
    assert meta["training"]["config"]["replay_share"] == 0.5
    result = runner.invoke(app, ["train", str(data), "--output", str(tmp_path / "x"), "--base", str(seed_model_dir),
                                 "--template", "{issue}: {actor}", "--epochs", "0.3", "--quiet"])
    assert result.exit_code == 1 and result.output.splitlines()[-1].startswith("error: the template '{issue}: {actor}' differs")
