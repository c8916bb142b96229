"""The model card (`README.md` in a saved model folder): what it was trained on and how it scored."""
from __future__ import annotations

import json


def render_card(meta: dict) -> str:
    training = meta.get("training") or {}
    metrics = meta.get("metrics") or {}
    lines = [
        "---",
        "library_name: transformers",
        "pipeline_tag: text-classification",
        "tags: [stance-detection, actorstance]",
        "---",
        "",
        "# actorstance stance classifier",
        "",
        "Predicts an actor's stance (`favor`, `against`, `none`) on an issue from a news sentence.",
        f"Input: `{meta['template']['first']}` as the first segment; the sentence (mention bracketed) "
        "and its context as the second.",
        "",
        "```python",
        "from actorstance import StanceClassifier, StanceExample",
        "model = StanceClassifier.from_pretrained(\"path/to/this/folder\")",
        "model.predict([StanceExample(text=..., actor=..., issue=...)])",
        "```",
        "",
        "## Training",
        "",
        f"- base model: `{meta.get('base_model', 'unknown')}`",
    ]
    for key in ("rows", "label_counts", "data", "config"):
        if key in training:
            lines.append(f"- {key.replace('_', ' ')}: `{json.dumps(training[key], ensure_ascii=False)}`")
    if "training_rows_saved" in training:
        lines.append("- training rows: " + ("saved beside the weights (`training_rows.jsonl`)" if training["training_rows_saved"]
                     else "not saved with the model; `actorstance evaluate MODEL DATA --train TRAIN_DATA` fits "
                          "the baselines on them"))
    if meta.get("continued_from"):
        lines.append(f"- continued from: `{meta['continued_from']}`")
    if training.get("replay_rows"):
        lines.append(f"- replay: {training['replay_rows']} rows of the shipped labelled data mixed in with the "
                     f"{training.get('new_rows', '?')} new rows, so the old domains are not forgotten")
    lines += ["", "## Evaluation", ""]
    if metrics:
        lines.append("| metric | value |")
        lines.append("| --- | --- |")
        for key, value in metrics.items():
            if isinstance(value, (int, float)):
                lines.append(f"| {key} | {value:.4f} |" if isinstance(value, float) else f"| {key} | {value} |")
    else:
        lines.append("Not evaluated at save time; run `actorstance evaluate MODEL DATA --report DIR`.")
    lines.append("")
    return "\n".join(lines)
