"""The package's shape: lazy exports that resolve to the real objects, no heavy import on
`import actorstance`, library code that never imports the CLI, a transformers floor that works."""
from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

import actorstance

ROOT = Path(__file__).resolve().parents[1]
LIBRARY_FOLDERS = ("actorstance", "data", "model", "training", "eval", "analysis")
PACKAGES = ("actorstance", "actorstance.data", "actorstance.model", "actorstance.training", "actorstance.eval",
            "actorstance.analysis")


@pytest.mark.parametrize("package", PACKAGES)
def test_every_export_is_the_object_of_its_module(package):
    module = importlib.import_module(package)
    for name, source in module._EXPORTS.items():
        assert getattr(module, name) is getattr(importlib.import_module(source), name), f"{package}.{name}"
    assert sorted(module._EXPORTS) == sorted(n for n in module.__all__ if n != "__version__")
    assert set(module._EXPORTS) <= set(dir(module))


def test_the_names_users_look_for_are_top_level():
    for name in ("predict_file", "ConfigError", "export_model", "AliasTable", "analyze_articles", "train_and_save",
                 "StanceClassifier", "fine_tune", "evaluate", "load_examples"):
        assert name in actorstance.__all__, name
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        actorstance.not_a_name  # noqa: B018


def test_import_and_help_stay_free_of_torch_and_plotting():
    code = ("import sys, actorstance, actorstance.data, actorstance.eval, actorstance.analysis, actorstance.cli; "
            "heavy = [m for m in ('torch', 'transformers', 'sklearn', 'matplotlib') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_library_code_never_imports_the_cli():
    offenders = [str(path.relative_to(ROOT)) for folder in LIBRARY_FOLDERS for path in (ROOT / folder).rglob("*.py")
                 if path.name != "cli.py" and "actorstance.cli" in imported_modules(path)]
    assert offenders == []


def test_transformers_floor_is_the_first_release_with_what_the_trainer_uses():
    """The trainer passes TrainingArguments(train_sampling_strategy=...), new in transformers 5.2
    (5.1.0 lacks it; checked in the released wheels); the floor in pyproject.toml must say so."""
    import transformers
    from transformers import TrainingArguments
    floor = re.search(r'"transformers>=([0-9.]+)', (ROOT / "pyproject.toml").read_text()).group(1)
    assert tuple(map(int, floor.split("."))) >= (5, 2)
    assert tuple(map(int, transformers.__version__.split(".")[:2])) >= tuple(map(int, floor.split(".")[:2]))
    assert "train_sampling_strategy" in TrainingArguments.__dataclass_fields__
