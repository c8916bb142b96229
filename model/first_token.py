"""Run the encoder's last layer for the first token only.

A sequence classifier reads one vector: the last layer's output at the first token ([CLS]),
through the pooler. Every other position of that layer is computed and thrown away. Its keys and
values still need every token, but its queries, attention output, feed-forward block and layer
norms are needed at one position only. Computing just those cuts about 14% of a 6-layer
encoder's FLOPs, and the answer is the same computation, not an approximation.

The shortcut replaces the last layer's `forward` on the instance: weights, `state_dict`,
`save_pretrained` and the ONNX export (which traces it) are unchanged in layout.
"""
from __future__ import annotations

import types

import torch
from torch import nn

SHORTCUT_FLAG = "_actorstance_first_token_only"


def supports_first_token_shortcut(model: nn.Module) -> bool:
    """BERT-family sequence classifiers whose pooler reads position 0 (MiniLM is one)."""
    base = getattr(model, "bert", None)
    if base is None or getattr(base, "pooler", None) is None:
        return False
    config = model.config
    if config.is_decoder or getattr(config, "add_cross_attention", False):
        return False
    last = base.encoder.layer[-1]
    return all(hasattr(last.attention.self, name) for name in ("query", "key", "value", "scaling"))


def install_first_token_shortcut(model: nn.Module) -> bool:
    """Make the last encoder layer compute position 0 only. Returns False (and changes nothing)
    for an architecture it does not know."""
    if not supports_first_token_shortcut(model):
        return False
    last = model.bert.encoder.layer[-1]
    if not getattr(last, SHORTCUT_FLAG, False):
        last.forward = types.MethodType(_first_token_forward, last)
        setattr(last, SHORTCUT_FLAG, True)
    return True


def _first_token_forward(layer: nn.Module, hidden_states: torch.Tensor,
                         attention_mask: torch.Tensor | None = None, *args, **kwargs) -> torch.Tensor:
    """BertLayer.forward restricted to the first query position: shape (batch, 1, hidden)."""
    attention = layer.attention.self
    batch, length, _ = hidden_states.shape
    heads, head_size = attention.num_attention_heads, attention.attention_head_size
    first = hidden_states[:, :1]
    query = attention.query(first).view(batch, 1, heads, head_size).transpose(1, 2)
    key = attention.key(hidden_states).view(batch, length, heads, head_size).transpose(1, 2)
    value = attention.value(hidden_states).view(batch, length, heads, head_size).transpose(1, 2)
    if attention_mask is not None and attention_mask.dim() == 4 and attention_mask.shape[-2] > 1:
        attention_mask = attention_mask[:, :, :1, :]
    dropout = attention.dropout.p if layer.training else 0.0
    context = nn.functional.scaled_dot_product_attention(query, key, value, attn_mask=attention_mask,
                                                         dropout_p=dropout, scale=attention.scaling)
    context = context.transpose(1, 2).reshape(batch, 1, heads * head_size)
    attention_output = layer.attention.output(context, first)
    return layer.output(layer.intermediate(attention_output), attention_output)
