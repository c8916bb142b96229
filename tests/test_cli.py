"""The CLI through typer's CliRunner: real training, prediction and evaluation; clean user errors."""
from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from actorstance import write_examples
from actorstance.cli import app

runner = CliRunner()


def run(*args):
    result = runner.invoke(app, [str(a) for a in args])
    return result


def test_help_lists_commands():
    result = run("--help")
    assert result.exit_code == 0
    for command in ("train", "predict", "evaluate", "cross-validate"):
        assert command in result.output


def test_train_predict_evaluate(tmp_path, small_rows):
    data = tmp_path / "train.jsonl"
    write_examples(small_rows, data)
    model = tmp_path / "model"
    result = run("train", data, "--output", model, "--eval", data, "--epochs", 1, "--batch-size", 8, "--seed", 1, "--quiet")
    assert result.exit_code == 0, result.output
    assert (model / "actorstance.json").is_file() and (model / "evaluation" / "metrics.json").is_file()

    # CSV in, CSV out: every column kept, gold stance kept aside, rows in order
    source = tmp_path / "in.csv"
    with source.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text", "actor", "issue", "stance", "note"])
        for i, r in enumerate(small_rows):
            writer.writerow([r.id, r.text, r.actor, r.issue, r.stance, f"n{i}"])
    out = tmp_path / "out.csv"
    result = run("predict", model, source, "--output", out, "--quiet")
    assert result.exit_code == 0, result.output
    with out.open() as fh:
        written = list(csv.DictReader(fh))
    assert [w["note"] for w in written] == [f"n{i}" for i in range(len(small_rows))]
    assert list(written[0]) == ["id", "text", "actor", "issue", "gold_stance", "note", "stance", "p_favor", "p_against", "p_none"]
    assert all(w["stance"] in ("favor", "against", "none") for w in written)
    assert all(abs(sum(float(w[f"p_{k}"]) for k in ("favor", "against", "none")) - 1) < 1e-4 for w in written)

    # JSONL in, JSONL out
    out_jsonl = tmp_path / "out.jsonl"
    assert run("predict", model, data, "--output", out_jsonl, "--quiet").exit_code == 0
    lines = [json.loads(line) for line in out_jsonl.read_text().splitlines()]
    assert [x["id"] for x in lines] == [r.id for r in small_rows]

    report = tmp_path / "report"
    result = run("evaluate", model, data, "--report", report, "--quiet")
    assert result.exit_code == 0, result.output
    assert "tfidf_logreg" in result.output
    assert {p.name for p in report.iterdir()} == {"metrics.json", "report.md", "confusion.png"}


@pytest.mark.parametrize("make_args, words", [
    (lambda p: ["predict", p / "no_model", p / "in.jsonl", "--output", p / "o.jsonl"], "no such model folder"),
    (lambda p: ["train", p / "bad.jsonl", "--output", p / "m"], "bad.jsonl, line 2, field 'stance': unknown stance 'pro'"),
    (lambda p: ["train", p / "missing.jsonl", "--output", p / "m"], "missing.jsonl: no such file"),
    (lambda p: ["train", p / "bad.jsonl", "--output", p / "m", "--lr", "5"], "learning rate must be between 0 and 1"),
    (lambda p: ["train", p / "bad.jsonl", "--output", p / "m", "--template", "{actor} alone"], "must contain {actor} and {issue}"),
    (lambda p: ["evaluate", p, "seed_articles", "--report", p / "r"], "not an actorstance model"),
])
def test_user_errors_are_one_line_without_traceback(tmp_path, make_args, words):
    (tmp_path / "in.jsonl").write_text('{"text": "a", "actor": "b", "issue": "c"}\n')
    (tmp_path / "bad.jsonl").write_text('{"text": "a", "actor": "b", "issue": "c", "stance": "none"}\n'
                                        '{"text": "a", "actor": "b", "issue": "c", "stance": "pro"}\n')
    result = run(*make_args(tmp_path))
    assert result.exit_code == 1
    assert words in result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


def test_predict_bad_input_writes_nothing(tmp_path, seed_model_dir):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "a", "actor": "b", "issue": "c"}\n{"text": "", "actor": "b", "issue": "c"}\n')
    out = tmp_path / "out.jsonl"
    result = run("predict", seed_model_dir, source, "--output", out)
    assert result.exit_code == 1 and "line 2, field 'text': is empty" in result.output
    assert not out.exists()
