"""The ONNX Runtime backend: same labels as torch, chosen automatically once exported, and a
prediction process that never imports torch."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("onnxruntime")

from actorstance.model.backends import load_predictor  # noqa: E402
from actorstance.model.onnx_backend import export_onnx  # noqa: E402


@pytest.fixture(scope="module")
def onnx_model_dir(seed_model_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("onnx") / "model"
    shutil.copytree(seed_model_dir, folder)
    export_onnx(folder)
    return folder


def test_onnx_gives_the_torch_answers(onnx_model_dir, seed_model, seed_rows):
    predictor = load_predictor(onnx_model_dir)
    assert predictor.backend == "onnx"
    onnx_probs = predictor.predict_proba(seed_rows)
    torch_probs = seed_model.predict_proba(seed_rows)
    assert (onnx_probs.argmax(1) == torch_probs.argmax(1)).all()
    np.testing.assert_allclose(onnx_probs, torch_probs, atol=1e-4)
    assert predictor.count_truncated(seed_rows) == seed_model.count_truncated(seed_rows)
    assert load_predictor(onnx_model_dir, backend="torch").backend == "torch"


def test_onnx_prediction_process_never_imports_torch(onnx_model_dir, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"text": "Xi criticised the West.", "actor": "Xi Jinping", "issue": "peace negotiations"}) + "\n")
    script = ("import sys; from actorstance.model.batch import predict_file; "
              f"run = predict_file({str(onnx_model_dir)!r}, {str(source)!r}, {str(tmp_path / 'out.jsonl')!r}, show_progress=False); "
              "print(run.backend, 'torch' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env={**os.environ})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["onnx", "False"]


def test_export_fast_measures_a_rescore_gap_and_predict_fast_reproduces_it(onnx_model_dir, seed_model, seed_rows, tmp_path):
    """The agreement `export --fast` reports on its calibration rows is what `predict --fast`
    then gives on them: the second pass is simulated exactly."""
    from typer.testing import CliRunner

    from actorstance import write_examples
    from actorstance.cli import app
    calibration = tmp_path / "calibration.jsonl"
    write_examples(seed_rows[:40], calibration)
    result = CliRunner().invoke(app, ["export", str(onnx_model_dir), "--fast", "--calibration", str(calibration)])
    assert result.exit_code == 0, result.output
    meta = json.loads((onnx_model_dir / "actorstance.json").read_text())
    assert meta["fast"]["keep_fp32"] == [] and (onnx_model_dir / "model.int8.onnx").is_file()
    onnx_fp32 = load_predictor(onnx_model_dir).predict_proba(seed_rows[:40]).argmax(1)
    torch_fp32 = seed_model.predict_proba(seed_rows[:40]).argmax(1)
    for backend, key, expected, reference in (("auto", "onnx", "onnx-int8", onnx_fp32), ("torch", "torch", "torch-int8", torch_fp32)):
        chosen = meta["fast"]["measured"][key]["chosen"]
        assert meta["fast"]["rescore_gap"][key] == chosen["gap"]
        predictor = load_predictor(onnx_model_dir, backend=backend, fast=True)
        assert predictor.backend == (expected + "+fp32" if chosen["gap"] > 0 else expected)
        labels = predictor.predict_proba(seed_rows[:40]).argmax(1)
        assert (labels == reference).mean() == pytest.approx(chosen["agreement"])


def test_fast_on_a_folder_exported_before_the_second_pass_asks_for_a_new_export(onnx_model_dir, tmp_path):
    from actorstance.errors import ConfigError
    old = tmp_path / "old"
    shutil.copytree(onnx_model_dir, old)
    meta = json.loads((old / "actorstance.json").read_text())
    meta["fast"] = {"keep_fp32": [], "file": "model.int8.onnx"}
    (old / "actorstance.json").write_text(json.dumps(meta))
    with pytest.raises(ConfigError, match="older actorstance.*export .* --fast"):
        load_predictor(old, fast=True)


def test_fast_without_a_plan_is_a_clear_error(seed_model_dir):
    from actorstance.errors import ConfigError
    with pytest.raises(ConfigError, match="export .* --fast"):
        load_predictor(seed_model_dir, fast=True)
