"""Training that survives a kill (resume from the last checkpoint, same final model) and runs on
several processes (the Trainer's DDP under torchrun, gloo on CPU). Real processes and signals."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from actorstance import StanceClassifier, write_examples

TRAIN = ["--epochs", "3", "--batch-size", "4", "--seed", "11", "--save-steps", "2", "--quiet"]


def train_command(data, output, *extra):
    return [sys.executable, "-m", "actorstance.cli", "train", str(data), "--output", str(output), *TRAIN, *extra]


def test_killed_training_resumes_to_the_same_model(tmp_path, small_rows):
    data = tmp_path / "train.jsonl"
    write_examples(small_rows, data)
    reference = tmp_path / "reference"
    subprocess.run(train_command(data, reference), check=True, capture_output=True, env={**os.environ})

    output = tmp_path / "resumed"
    process = subprocess.Popen(train_command(data, output), env={**os.environ}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 300
    while time.time() < deadline and not list((output / "checkpoints").glob("checkpoint-4")):
        assert process.poll() is None, process.stderr.read().decode()
        time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not (output / "actorstance.json").exists()

    result = subprocess.run(train_command(data, output, "--resume"), capture_output=True, text=True, env={**os.environ})
    assert result.returncode == 0, result.stderr
    meta = json.loads((output / "actorstance.json").read_text())
    assert meta["training"]["resumed_from"].startswith("checkpoint-")
    assert not (output / "checkpoints").exists()
    expected = StanceClassifier.from_pretrained(reference).predict_proba(small_rows)
    got = StanceClassifier.from_pretrained(output).predict_proba(small_rows)
    assert (expected.argmax(1) == got.argmax(1)).all()
    np.testing.assert_allclose(got, expected, atol=1e-5)


@pytest.mark.skipif(shutil.which("torchrun", path=os.path.dirname(sys.executable)) is None, reason="torchrun not installed")
def test_training_runs_on_two_processes(tmp_path, small_rows):
    data = tmp_path / "train.jsonl"
    write_examples(small_rows, data)
    output = tmp_path / "ddp"
    torchrun = os.path.join(os.path.dirname(sys.executable), "torchrun")
    result = subprocess.run([torchrun, "--standalone", "--nproc-per-node", "2", "-m", "actorstance.cli", "train", str(data),
                             "--output", str(output), "--epochs", "1", "--batch-size", "4", "--quiet"],
                            capture_output=True, text=True, env={**os.environ}, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    meta = json.loads((output / "actorstance.json").read_text())
    assert meta["training"]["world_size"] == 2
    assert StanceClassifier.from_pretrained(output).predict_proba(small_rows).shape == (len(small_rows), 3)
