"""Real fine-tuning for a few steps: it learns, it is reproducible, its options work."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from actorstance import InputError, StanceExample, TrainConfig, fine_tune
from actorstance.errors import ConfigError
from actorstance.training.trainer import class_weights

FAST = dict(epochs=2, batch_size=4, learning_rate=1e-4, show_progress=False)


def test_training_is_reproducible_on_cpu(small_rows):
    first = fine_tune(small_rows, TrainConfig(seed=3, **FAST))
    second = fine_tune(small_rows, TrainConfig(seed=3, **FAST))
    other_seed = fine_tune(small_rows, TrainConfig(seed=4, **FAST))
    p1, p2, p3 = (m.predict_proba(small_rows) for m in (first, second, other_seed))
    np.testing.assert_array_equal(p1, p2)
    assert np.abs(p1 - p3).max() > 1e-4


def test_training_moves_towards_the_gold_labels(small_rows):
    from actorstance.model import StanceClassifier
    from transformers import set_seed
    set_seed(5)
    untrained = StanceClassifier.from_backbone(None)
    trained = fine_tune(small_rows, TrainConfig(seed=5, epochs=6, batch_size=4, learning_rate=2e-4, negative_share=0.0,
                                                mention_dropout=0.0, show_progress=False))
    gold = np.array([("favor", "against", "none").index(r.stance) for r in small_rows])

    def gold_probability(model):
        return model.predict_proba(small_rows)[np.arange(len(gold)), gold].mean()

    assert gold_probability(trained) > gold_probability(untrained) + 0.1
    assert trained.info["training"]["rows"] == len(small_rows)
    assert trained.info["training"]["train_examples_per_s"] > 0


def test_dev_rows_enable_early_stopping_and_best_checkpoint(small_rows, tmp_path):
    model = fine_tune(small_rows[:9], TrainConfig(seed=1, checkpoint_dir=str(tmp_path / "ckpt"), **FAST), eval_rows=small_rows[9:])
    assert model.info["training"]["best_dev_macro_f1"] is not None
    assert any(p.name.startswith("checkpoint-") for p in (tmp_path / "ckpt").iterdir())


def test_class_weighted_loss(small_rows):
    skewed = small_rows + [StanceExample(text=f"Ana Silva toured plant {i}.", actor="Ana Silva", issue="carbon tax", stance="none") for i in range(6)]
    weights = class_weights(skewed)
    assert weights[2] < weights[0] and torch.isclose(weights.mean(), torch.tensor(1.0), atol=0.2)
    model = fine_tune(skewed, TrainConfig(seed=1, class_weighted_loss=True, epochs=1, batch_size=8, show_progress=False))
    assert model.predict_proba(skewed).shape == (len(skewed), 3)


def test_unlabelled_rows_and_bad_config_are_refused(small_rows):
    with pytest.raises(InputError, match="has stance None"):
        fine_tune(small_rows + [StanceExample(text="x", actor="y", issue="z")], TrainConfig(**FAST))
    with pytest.raises(ConfigError, match="epochs must be positive"):
        TrainConfig(epochs=0)


def test_a_custom_template_is_trained_saved_and_read_back(small_rows, tmp_path):
    template = "Does {actor} support {issue}?"
    model = fine_tune(small_rows, TrainConfig(seed=1, first_segment=template, max_steps=2, **FAST))
    row = small_rows[0]
    first_segment = model.tokenizer.decode(model.encode([row])["input_ids"][0]).split("[SEP]")[0]
    assert f"does {row.actor.lower()} support {row.issue.lower()}?" in first_segment
    from actorstance.model import StanceClassifier
    reloaded = StanceClassifier.from_pretrained(model.save_pretrained(tmp_path / "m"))
    assert reloaded.template.first == template
    np.testing.assert_allclose(reloaded.predict_proba(small_rows), model.predict_proba(small_rows), atol=1e-6)
    with pytest.raises(ConfigError, match="other than"):
        TrainConfig(first_segment="{actor} on {issue} in {year}")


def test_package_exports_are_the_functions_even_after_submodule_imports():
    import importlib
    import actorstance.training as training
    for module in ("trainer", "crossval", "config"):
        importlib.import_module(f"actorstance.training.{module}")
    assert callable(training.fine_tune) and callable(training.cross_validate) and isinstance(training.TrainConfig, type)


def test_head_learns_faster_than_the_encoder(tmp_path):
    """The fresh head (classifier and pooler) gets head_lr_scale x the encoder's learning rate."""
    from transformers import TrainingArguments

    from actorstance.model.classifier import StanceClassifier
    from actorstance.training.trainer import StanceTrainer, is_head_parameter

    model = StanceClassifier.from_backbone(None, device="cpu").model
    args = TrainingArguments(output_dir=str(tmp_path), learning_rate=1e-4, use_cpu=True, report_to="none")
    trainer = StanceTrainer(model=model, args=args, head_lr_scale=20.0)
    optimizer = trainer.create_optimizer()
    assert trainer.create_optimizer() is optimizer  # a second call returns it, the head scaled once (below)
    lr_of = {id(p): group["lr"] for group in optimizer.param_groups for p in group["params"]}
    names = dict(model.named_parameters())
    assert lr_of[id(names["classifier.weight"])] == pytest.approx(2e-3)
    assert lr_of[id(names["bert.pooler.dense.weight"])] == pytest.approx(2e-3)
    assert lr_of[id(names["bert.encoder.layer.0.attention.self.query.weight"])] == pytest.approx(1e-4)
    assert sum(len(g["params"]) for g in optimizer.param_groups) == len(names)
    assert not is_head_parameter("bert.embeddings.word_embeddings.weight", "bert")
