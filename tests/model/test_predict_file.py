"""Batch prediction of files: streamed, resumable, shardable, nothing lost, nothing half-written.
Real processes and signals where the behaviour is about processes."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from actorstance import InputError
from actorstance.cli import app
from actorstance.model.batch import predict_file, shard_range

runner = CliRunner()
PROBABILITY = re.compile(r'"(p_favor|p_against|p_none)": ([0-9.e+-]+)')


def assert_same_predictions(actual: bytes, expected: bytes) -> None:
    """Every line equal byte for byte once its probabilities are blanked, and the probabilities
    equal to 1e-5: the math library's kernels differ by CPU and can round the 6th decimal apart."""
    got, want = actual.decode().splitlines(), expected.decode().splitlines()
    assert len(got) == len(want), f"{len(got)} rows, expected {len(want)}"
    for number, (line, reference) in enumerate(zip(got, want), start=1):
        assert PROBABILITY.sub(r'"\1": _', line) == PROBABILITY.sub(r'"\1": _', reference), f"row {number} differs"
        values, reference_values = PROBABILITY.findall(line), PROBABILITY.findall(reference)
        assert len(values) == 3, f"row {number} lacks probabilities"
        for (field, value), (_, reference_value) in zip(values, reference_values):
            assert abs(float(value) - float(reference_value)) <= 1e-5, f"row {number}, field {field!r}"


@pytest.fixture(scope="module")
def many_rows(tmp_path_factory, seed_rows):
    """640 rows (the seed rows, repeated with unique ids), with extra fields that must survive."""
    path = tmp_path_factory.mktemp("input") / "rows.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(640):
            r = seed_rows[i % len(seed_rows)]
            fh.write(json.dumps({"id": f"r{i}", "text": r.text, "actor": r.actor, "issue": r.issue, "context": r.context,
                                 "mention": r.mention, "stance": r.stance, "extra": {"n": i}}, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="module")
def reference(seed_model_dir, many_rows, tmp_path_factory):
    """One uninterrupted run with checkpoints every 64 rows."""
    out = tmp_path_factory.mktemp("reference") / "out.jsonl"
    run = predict_file(seed_model_dir, many_rows, out, chunk_rows=64, show_progress=False, backend="torch")
    assert run.rows == 640 and run.resumed_from == 0
    return out.read_bytes()


def test_every_row_comes_out_in_order_with_every_field(reference):
    lines = [json.loads(line) for line in reference.decode().splitlines()]
    assert [x["id"] for x in lines] == [f"r{i}" for i in range(640)]
    assert lines[5]["extra"] == {"n": 5} and "gold_stance" in lines[5]
    assert all(x["stance"] in ("favor", "against", "none") for x in lines)


def test_shards_concatenate_to_the_single_run(seed_model_dir, many_rows, reference, tmp_path):
    parts = []
    for i in (1, 2, 3):
        out = tmp_path / f"part{i}.jsonl"
        predict_file(seed_model_dir, many_rows, out, chunk_rows=64, shard=f"{i}/3", show_progress=False, backend="torch")
        parts.append(out.read_bytes())
    assert_same_predictions(b"".join(parts), reference)
    assert shard_range(640, (1, 3), 64) == (0, 192) and shard_range(640, (3, 3), 64) == (384, 640)


def test_killed_run_leaves_no_output_and_resume_equals_an_uninterrupted_run(seed_model_dir, many_rows, reference, tmp_path):
    out = tmp_path / "out.jsonl"
    progress = tmp_path / ".out.jsonl.progress.json"
    command = [sys.executable, "-m", "actorstance.cli", "predict", str(seed_model_dir), str(many_rows), "--output", str(out),
               "--chunk-rows", "64", "--backend", "torch", "--quiet"]
    process = subprocess.Popen(command, env={**os.environ}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 300
    while time.time() < deadline:
        if progress.is_file() and json.loads(progress.read_text() or "{}").get("rows", 0) >= 128:
            break
        assert process.poll() is None, process.stderr.read().decode()
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not out.exists(), "a killed run must not leave an output in place"

    resumed = subprocess.run(command + ["--resume"], env={**os.environ}, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed after" in resumed.stdout
    assert_same_predictions(out.read_bytes(), reference)
    assert not progress.exists()


def test_sigterm_stops_cleanly_with_a_resume_hint(seed_model_dir, many_rows, tmp_path):
    out = tmp_path / "out.csv"
    progress = tmp_path / ".out.csv.progress.json"
    command = [sys.executable, "-m", "actorstance.cli", "predict", str(seed_model_dir), str(many_rows), "--output", str(out),
               "--chunk-rows", "64", "--backend", "torch", "--quiet"]
    process = subprocess.Popen(command, env={**os.environ}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 300
    while time.time() < deadline and not (progress.is_file() and json.loads(progress.read_text() or "{}").get("rows", 0) >= 64):
        time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130
    assert "--resume" in stderr and "Traceback" not in stderr
    assert not out.exists()


def test_skip_invalid_writes_rejects_and_keeps_valid_rows(seed_model, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "Macron backed talks.", "actor": "Emmanuel Macron", "issue": "peace negotiations"}\n'
                      '{"id": "b", "text": "", "actor": "x", "issue": "y"}\n'
                      '{"id": "c", "text": "Putin', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with pytest.raises(InputError, match="line 2, field 'text'"):
        predict_file(seed_model, source, out, show_progress=False)
    assert not out.exists() and not list(tmp_path.glob(".out*"))
    run = predict_file(seed_model, source, out, show_progress=False, skip_invalid=True)
    assert (run.rows, run.rejected) == (1, 2)
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == ["a"]
    rejects = [json.loads(x) for x in (tmp_path / "out.jsonl.rejects.jsonl").read_text().splitlines()]
    assert [r["line"] for r in rejects] == [2, 3]


def test_long_rows_are_truncated_and_counted(seed_model, tmp_path):
    source = tmp_path / "long.csv"
    source.write_text("text,actor,issue\n" + "Macron spoke. " * 7200 + ",Emmanuel Macron,peace negotiations\n"
                      "Xi spoke.,Xi Jinping,peace negotiations\n", encoding="utf-8")
    run = predict_file(seed_model, source, tmp_path / "out.csv", show_progress=False)
    assert (run.rows, run.truncated) == (2, 1)


def test_cli_reports_rejects_and_refuses_an_unknown_shard(seed_model_dir, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("text,actor,issue,stance\nXi spoke.,Xi Jinping,peace negotiations,pro\nok,b,c,con\nbad,b\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["predict", str(seed_model_dir), str(source), "--output", str(out), "--skip-invalid",
                                 "--label-map", "pro=favor,con=against", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "1 invalid rows skipped" in result.output
    assert out.read_text().splitlines()[0] == "text,actor,issue,gold_stance,stance,p_favor,p_against,p_none"
    result = runner.invoke(app, ["predict", str(seed_model_dir), str(source), "--output", str(out), "--shard", "4/3"])
    assert result.exit_code == 1 and "--shard 4/3" in result.output
