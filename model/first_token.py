"""Run the encoder's last layer for the first token only.

A sequence classifier reads one vector: the last layer's output at the first token ([CLS]),
through the pooler. Every other position of that layer is computed and thrown away. Its keys and
values still need every token, but its queries, attention output, feed-forward block and layer
norms are needed at one position only. Computing just those cuts about 14% of a 6-layer
encoder's FLOPs, and the answer is the same computation, not an approximation.

The shortcut changes the last layer's class to a subclass whose `forward` does this: weights,
`state_dict`, `save_pretrained`, pickling, replication across GPUs and the ONNX export (which
traces it) work as before. Only `BertForSequenceClassification` (MiniLM is one) on transformers
5 gets it; anything else runs the full layer. A side effect for callers of `model.bert(...)`:
the last hidden state then has one position.
"""
from __future__ import annotations

import torch
import transformers
from torch import nn
from transformers.models.bert.modeling_bert import BertForSequenceClassification, BertLayer

ATTENTION_IMPLEMENTATIONS = ("sdpa", "eager")
"""Those whose masks reach a layer as a 4-D tensor (or None); others (flash, flex) run the full layer."""


class FirstTokenBertLayer(BertLayer):
    """A BertLayer whose output is position 0 only: shape (batch, 1, hidden)."""

    def forward(self, hidden_states: torch.Tensor, attention_mask: torch.Tensor | None = None,
                *args, **kwargs) -> torch.Tensor:
        masked = attention_mask is not None
        if masked and not (isinstance(attention_mask, torch.Tensor) and attention_mask.dim() == 4):
            return super().forward(hidden_states, attention_mask, *args, **kwargs)
        attention = self.attention.self
        batch, length, _ = hidden_states.shape
        heads, head_size = attention.num_attention_heads, attention.attention_head_size
        first = hidden_states[:, :1]
        query = attention.query(first).view(batch, 1, heads, head_size).transpose(1, 2)
        key = attention.key(hidden_states).view(batch, length, heads, head_size).transpose(1, 2)
        value = attention.value(hidden_states).view(batch, length, heads, head_size).transpose(1, 2)
        if masked and attention_mask.shape[-2] > 1:
            attention_mask = attention_mask[:, :, :1, :]  # the first query's row of the mask
        dropout = attention.dropout.p if self.training else 0.0
        context = nn.functional.scaled_dot_product_attention(query, key, value, attn_mask=attention_mask,
                                                             dropout_p=dropout, scale=attention.scaling)
        context = context.transpose(1, 2).reshape(batch, 1, heads * head_size)
        attention_output = self.attention.output(context, first)
        return self.output(self.intermediate(attention_output), attention_output)


def supports_first_token_shortcut(model: nn.Module) -> bool:
    """A BERT sequence classifier (its head reads position 0 only), encoder-only, on transformers 5
    (whose layers return a tensor, not a tuple), with an attention kind whose masks it knows."""
    if int(transformers.__version__.split(".")[0]) < 5 or not isinstance(model, BertForSequenceClassification):
        return False
    config = model.config
    if config.is_decoder or getattr(config, "add_cross_attention", False):
        return False
    if getattr(config, "_attn_implementation", "eager") not in ATTENTION_IMPLEMENTATIONS:
        return False
    return type(model.bert.encoder.layer[-1]) in (BertLayer, FirstTokenBertLayer)


def install_first_token_shortcut(model: nn.Module) -> bool:
    """Make the last encoder layer compute position 0 only. Returns False (and changes nothing)
    for a model it does not know."""
    if not supports_first_token_shortcut(model):
        return False
    model.bert.encoder.layer[-1].__class__ = FirstTokenBertLayer
    return True


def has_first_token_shortcut(model: nn.Module) -> bool:
    return any(isinstance(module, FirstTokenBertLayer) for module in model.modules())
