"""The last layer computed for [CLS] only gives the plain Hugging Face model's logits and
gradients, on padded batches, with either attention implementation."""
from __future__ import annotations

import json
import pickle

import pytest
import torch
from transformers import AutoModelForSequenceClassification

from actorstance import StanceClassifier
from actorstance.model.backbone import default_backbone_path
from actorstance.model.first_token import has_first_token_shortcut, install_first_token_shortcut


def plain_and_shortcut(attention: str):
    """Two copies of the default backbone with the same random head, one with the shortcut."""
    models = []
    for _ in range(2):
        torch.manual_seed(3)
        models.append(AutoModelForSequenceClassification.from_pretrained(
            default_backbone_path(), num_labels=3, local_files_only=True, attn_implementation=attention))
    assert install_first_token_shortcut(models[1])
    return models


@pytest.fixture(scope="module")
def padded_batch(seed_rows):
    classifier = StanceClassifier.from_pretrained(None, device="cpu")
    firsts, seconds = zip(*(classifier.template.pair(r) for r in seed_rows[:12]))
    batch = classifier.tokenizer(list(firsts), list(seconds), padding=True, return_tensors="pt")
    assert (batch["attention_mask"] == 0).any(), "the batch should hold padding"
    return batch


@pytest.mark.parametrize("attention", ["sdpa", "eager"])
def test_shortcut_gives_the_full_models_logits(padded_batch, attention):
    plain, shortcut = plain_and_shortcut(attention)
    with torch.inference_mode():
        expected = plain.eval()(**padded_batch).logits
        got = shortcut.eval()(**padded_batch).logits
        assert shortcut.bert(**padded_batch).last_hidden_state.shape[1] == 1, "the last layer should compute [CLS] only"
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-4)
    assert not torch.equal(expected[0], expected[-1]), "rows should differ, or the check says little"


def test_shortcut_gives_the_full_models_gradients(padded_batch):
    """Training goes through the shortcut too (dropout off here, so both are deterministic)."""
    plain, shortcut = plain_and_shortcut("sdpa")
    labels = torch.arange(len(padded_batch["input_ids"])) % 3
    grads = []
    for model in (plain, shortcut):
        model.eval()
        model(**padded_batch, labels=labels).loss.backward()
        grads.append({n: p.grad for n, p in model.named_parameters() if p.grad is not None})
    assert grads[0].keys() == grads[1].keys()
    for name, grad in grads[0].items():
        torch.testing.assert_close(grads[1][name], grad, atol=1e-5, rtol=1e-3, msg=name)


def test_a_saved_classifier_holds_the_plain_models_weights(padded_batch, tmp_path):
    """The shortcut adds and renames nothing: the plain Hugging Face class loads the folder and
    gives the same logits; the shortcut model also pickles (as DataParallel and DDP need)."""
    classifier = StanceClassifier.from_pretrained(None, device="cpu")
    assert has_first_token_shortcut(classifier.model)
    classifier.save_pretrained(tmp_path / "model")
    plain = AutoModelForSequenceClassification.from_pretrained(tmp_path / "model", local_files_only=True).eval()
    assert not has_first_token_shortcut(plain)
    for name, tensor in plain.state_dict().items():
        torch.testing.assert_close(classifier.model.state_dict()[name], tensor, msg=name)
    with torch.inference_mode():
        torch.testing.assert_close(classifier.model(**padded_batch).logits, plain(**padded_batch).logits, atol=1e-5, rtol=1e-4)
    copy = pickle.loads(pickle.dumps(classifier.model))
    assert has_first_token_shortcut(copy)


def test_other_architectures_run_the_full_layer():
    from transformers import BertConfig, BertModel
    encoder = BertModel(BertConfig(hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64))
    assert not install_first_token_shortcut(encoder)  # its output is every token's vector
    assert not has_first_token_shortcut(encoder)


def test_training_through_the_shortcut_ends_with_the_full_models_weights(small_rows, tmp_path, monkeypatch):
    """Real fine-tuning steps (Trainer, fused AdamW, augmentation) with dropout off, so both runs
    are deterministic: with and without the shortcut they end with the same weights."""
    import shutil

    import actorstance.model.classifier as classifier_module
    from actorstance import TrainConfig, fine_tune
    backbone = tmp_path / "backbone"
    shutil.copytree(default_backbone_path(), backbone)
    config = json.loads((backbone / "config.json").read_text())
    config.update(hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
    (backbone / "config.json").write_text(json.dumps(config))
    settings = TrainConfig(base_model=str(backbone), max_steps=3, batch_size=4, seed=5, show_progress=False)
    with_shortcut = fine_tune(small_rows, settings).model
    monkeypatch.setattr(classifier_module, "install_first_token_shortcut", lambda model: False)
    without = fine_tune(small_rows, settings).model
    assert has_first_token_shortcut(with_shortcut) and not has_first_token_shortcut(without)
    start = AutoModelForSequenceClassification.from_pretrained(backbone, num_labels=3, local_files_only=True).state_dict()
    moved = [n for n, t in without.state_dict().items() if n in start and not torch.allclose(t, start[n])]
    assert moved, "training should have changed the encoder"
    for name, tensor in without.state_dict().items():
        torch.testing.assert_close(with_shortcut.state_dict()[name], tensor, atol=1e-5, rtol=1e-4, msg=name)
