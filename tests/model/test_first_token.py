"""The last layer computed for [CLS] only gives the plain Hugging Face model's logits and
gradients, on padded batches, with either attention implementation."""
from __future__ import annotations

import pytest
import torch
from transformers import AutoModelForSequenceClassification

from actorstance import StanceClassifier
from actorstance.model.backbone import default_backbone_path
from actorstance.model.first_token import install_first_token_shortcut


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


def test_the_classifier_installs_it_and_saves_the_same_weights(tmp_path):
    classifier = StanceClassifier.from_pretrained(None, device="cpu")
    last = classifier.model.bert.encoder.layer[-1]
    assert "forward" in vars(last), "the last layer should run the first-token forward"
    plain = AutoModelForSequenceClassification.from_pretrained(default_backbone_path(), num_labels=3, local_files_only=True)
    assert classifier.model.state_dict().keys() == plain.state_dict().keys()
