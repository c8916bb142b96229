"""The saved-model folder: a standard Hugging Face folder plus `actorstance.json` and a model card.

`actorstance.json` is checked on load (format version, label set, template) so a wrong folder
fails with one clear message instead of a shape mismatch deep inside torch.
"""
from __future__ import annotations

import json
from pathlib import Path

from actorstance.data.schema import LABELS
from actorstance.errors import ConfigError, ModelFolderError

from .template import InputTemplate, check_first_segment

METADATA_FILE = "actorstance.json"
FORMAT_VERSION = 1
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
TOKENIZER_FILES = ("tokenizer.json", "vocab.txt", "tokenizer.model", "vocab.json")


def is_model_folder(path: str | Path) -> bool:
    return (Path(path) / METADATA_FILE).is_file()


def check_template(meta_path: Path, template: object) -> None:
    """A hand-edited template fails here, at load, not at the first row predict formats."""
    if not isinstance(template, dict):
        raise ModelFolderError(f"{meta_path}: no input template")
    try:
        check_first_segment(InputTemplate.from_dict(template).first)
    except TypeError as exc:
        raise ModelFolderError(f"{meta_path}: template has unknown fields ({exc})") from None
    except ConfigError as exc:
        raise ModelFolderError(f"{meta_path}: {exc}") from None


def read_metadata(path: str | Path) -> dict:
    """Validate an actorstance model folder and return its metadata."""
    folder = Path(path)
    if not folder.exists():
        raise ModelFolderError(f"{folder}: no such model folder")
    if not folder.is_dir():
        raise ModelFolderError(f"{folder}: is a file, expected a model folder (made by `actorstance train`)")
    meta_path = folder / METADATA_FILE
    if not meta_path.is_file():
        hint = " (it looks like a plain Hugging Face model: pass it as --base to fine-tune from it)" \
            if (folder / "config.json").is_file() else ""
        raise ModelFolderError(f"{folder}: not an actorstance model, {METADATA_FILE} is missing{hint}")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelFolderError(f"{meta_path}: unreadable ({exc})") from None
    version = meta.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelFolderError(f"{meta_path}: format_version {version!r} is not supported "
                               f"(this actorstance reads version {FORMAT_VERSION})")
    labels = tuple(meta.get("labels", ()))
    if labels != LABELS:
        raise ModelFolderError(f"{meta_path}: labels {list(labels)} differ from {list(LABELS)}")
    check_template(meta_path, meta.get("template"))
    missing = []
    if not (folder / "config.json").is_file():
        missing.append("config.json")
    if not any((folder / f).is_file() for f in WEIGHT_FILES):
        missing.append("weights (model.safetensors)")
    if not any((folder / f).is_file() for f in TOKENIZER_FILES):
        missing.append("tokenizer files")
    if missing:
        raise ModelFolderError(f"{folder}: incomplete model folder, missing {', '.join(missing)}")
    return meta


def write_metadata(path: str | Path, meta: dict) -> None:
    (Path(path) / METADATA_FILE).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
