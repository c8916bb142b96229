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


def test_dev_rows_stop_training_early(small_rows, tmp_path):
    """A learning rate too small to change any prediction leaves dev macro-F1 flat: with patience
    1, training stops after epoch 2 of 6, and the kept model is epoch 1's checkpoint (the first
    best; later equal scores are no gain)."""
    config = TrainConfig(seed=1, checkpoint_dir=str(tmp_path / "ckpt"), epochs=6, batch_size=3, learning_rate=1e-9,
                         head_lr_scale=1.0, early_stopping_patience=1, negative_share=0.0, show_progress=False)
    model = fine_tune(small_rows[:9], config, eval_rows=small_rows[9:])
    info = model.info["training"]
    assert info["epochs_run"] == 2.0  # of 6
    assert info["best_checkpoint"] == "checkpoint-3"  # 9 rows in batches of 3: epoch 1 ends at step 3
    assert info["best_dev_macro_f1"] is not None


def test_dev_rows_keep_the_best_epoch_not_the_last(small_rows, tmp_path):
    """With dev rows the returned model is the best epoch's: its dev macro-F1, recomputed from
    its predictions, is the best one the Trainer logged (the last epoch's may be lower)."""
    from actorstance.eval.metrics import macro_f1
    config = TrainConfig(seed=1, checkpoint_dir=str(tmp_path / "ckpt"), epochs=4, batch_size=4, learning_rate=3e-4,
                         early_stopping_patience=4, show_progress=False)
    dev = small_rows[8:]
    model = fine_tune(small_rows[:8], config, eval_rows=dev)
    best = model.info["training"]["best_dev_macro_f1"]
    assert macro_f1([r.stance for r in dev], [p.label for p in model.predict(dev)]) == pytest.approx(best)
    assert model.info["training"]["best_checkpoint"].startswith("checkpoint-")


def test_class_weights_are_inverse_frequencies_with_mean_exactly_one(small_rows):
    skewed = small_rows + [StanceExample(text=f"Ana Silva toured plant {i}.", actor="Ana Silva", issue="carbon tax", stance="none") for i in range(6)]
    weights = class_weights(skewed)  # favor 4, against 4, none 10
    assert weights.mean().item() == pytest.approx(1.0, abs=1e-6)
    assert weights[0].item() == pytest.approx(weights[1].item()) and weights[0].item() / weights[2].item() == pytest.approx(10 / 4)
    only_two = class_weights([r for r in small_rows if r.stance != "none"])
    assert only_two[2].item() == 1.0 and only_two[:2].mean().item() == pytest.approx(1.0)


def test_weighted_loss_weighs_each_row_by_its_label():
    from actorstance.training.trainer import weighted_loss
    logits = torch.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.5, 0.2, 0.1]])
    labels = torch.tensor([0, 2, 1])
    weights = torch.tensor([0.5, 2.0, 0.5])
    per_row = torch.nn.functional.cross_entropy(logits, labels, reduction="none")
    expected = (per_row * weights[labels]).sum() / weights[labels].sum()
    assert weighted_loss(weights)({"logits": logits}, labels).item() == pytest.approx(expected.item())
    assert abs(expected.item() - per_row.mean().item()) > 0.1  # so ignoring the weights would fail


def test_class_weighted_training_predicts_the_frequent_label_less(small_rows):
    """Trained on many `none` rows, the weighted model gives `none` less probability than the same
    run without weights: the weights reach the Trainer's loss."""
    skewed = small_rows + [StanceExample(text=f"Ana Silva toured plant {i}.", actor="Ana Silva", issue="carbon tax", stance="none") for i in range(12)]
    runs = {weighted: fine_tune(skewed, TrainConfig(seed=1, class_weighted_loss=weighted, epochs=2, batch_size=8,
                                                    negative_share=0.0, show_progress=False))
            for weighted in (False, True)}
    p_none = {weighted: model.predict_proba(skewed)[:, 2].mean() for weighted, model in runs.items()}
    assert p_none[True] < p_none[False] - 0.01, p_none


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
