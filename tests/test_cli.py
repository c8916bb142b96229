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

    # the folder keeps no training rows unless asked: evaluate fits its baselines from --train
    assert not (model / "training_rows.jsonl").exists()
    assert "not saved with the model" in (model / "README.md").read_text()
    result = run("evaluate", model, data, "--report", tmp_path / "alone", "--quiet")
    assert result.exit_code == 0 and "tfidf_logreg" not in result.output and "pass --train DATA" in result.output
    report = tmp_path / "report"
    result = run("evaluate", model, data, "--report", report, "--train", data, "--quiet")
    assert result.exit_code == 0, result.output
    assert "tfidf_logreg" in result.output
    assert {p.name for p in report.iterdir()} == {"metrics.json", "report.md", "confusion.png"}


def test_keep_training_rows_saves_them_for_evaluate(tmp_path, small_rows):
    data = tmp_path / "train.jsonl"
    write_examples(small_rows, data)
    model = tmp_path / "model"
    result = run("train", data, "--output", model, "--epochs", 0.5, "--batch-size", 8, "--keep-training-rows", "--quiet")
    assert result.exit_code == 0, result.output
    assert (model / "training_rows.jsonl").is_file() and "saved beside the weights" in (model / "README.md").read_text()
    assert not (model / "checkpoints").exists()
    result = run("evaluate", model, data, "--report", tmp_path / "r", "--quiet")
    assert result.exit_code == 0 and "tfidf_logreg" in result.output


def test_cross_validate_command_folds_follow_the_seed(tmp_path, small_rows):
    data = tmp_path / "rows.jsonl"
    write_examples(small_rows, data)
    folds = {}
    for seed in (1, 2):
        report = tmp_path / f"cv{seed}"
        result = run("cross-validate", data, "--folds", 2, "--epochs", 0.01, "--batch-size", 8, "--seed", seed,
                     "--report", report, "--quiet")
        assert result.exit_code == 0, result.output
        assert "2-fold cross-validation grouped by doc_id, 12 rows" in result.output and "tfidf_logreg" in result.output
        folds[seed] = json.loads((report / "folds.json").read_text())
        assert sorted(g for fold in folds[seed] for g in fold) == ["doc0", "doc1", "doc2", "doc3"]
    assert folds[1] != folds[2]  # --seed reaches the fold assignment (it was fixed at 0)


@pytest.mark.parametrize("make_args, words", [
    (lambda p: ["predict", p / "no_model", p / "in.jsonl", "--output", p / "o.jsonl"], "no such model folder"),
    (lambda p: ["train", p / "bad.jsonl", "--output", p / "m"], "bad.jsonl, line 2, field 'stance': unknown stance 'pro'"),
    (lambda p: ["train", p / "missing.jsonl", "--output", p / "m"], "missing.jsonl: no such file"),
    (lambda p: ["train", p / "bad.jsonl", "--output", p / "m", "--lr", "5"], "learning rate must be between 0 and 1"),
    (lambda p: ["train", p / "bad.jsonl", "--output", p / "m", "--template", "{actor} alone"], "must contain {actor} and {issue}"),
    (lambda p: ["evaluate", p, "seed_articles", "--report", p / "r"], "not an actorstance model"),
    (lambda p: ["analyze", p / "no_model", p / "article.txt", "--issues", p / "latin1.txt", "--output", p / "out"],
     "latin1.txt, line 2: not valid UTF-8 (byte 0xe9"),
])
def test_user_errors_are_one_line_without_traceback(tmp_path, make_args, words):
    (tmp_path / "in.jsonl").write_text('{"text": "a", "actor": "b", "issue": "c"}\n')
    (tmp_path / "bad.jsonl").write_text('{"text": "a", "actor": "b", "issue": "c", "stance": "none"}\n'
                                        '{"text": "a", "actor": "b", "issue": "c", "stance": "pro"}\n')
    (tmp_path / "article.txt").write_text("Macron met Xi in Paris.\n")
    (tmp_path / "latin1.txt").write_bytes("sanctions on Russia\nr\u00e9gime change\n".encode("latin-1"))
    result = run(*make_args(tmp_path))
    assert_one_line_error(result, words)


def assert_one_line_error(result, words: str) -> None:
    """Exit 1, the expected words, one line of output, and no exception but the clean exit."""
    assert result.exit_code == 1, result.output
    assert words in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert len(result.output.strip().splitlines()) == 1, result.output


def test_damaged_weights_are_one_line_naming_the_file(tmp_path, seed_model_dir, seed_rows):
    import shutil
    model = tmp_path / "model"
    shutil.copytree(seed_model_dir, model)
    weights = model / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:5000])  # a copy cut short
    data = tmp_path / "rows.jsonl"
    write_examples(seed_rows[:3], data)
    (tmp_path / "article.txt").write_text("Macron met Xi in Paris.\n")
    for args in (["predict", model, data, "--output", tmp_path / "o.jsonl", "--backend", "torch"],
                 ["evaluate", model, data, "--report", tmp_path / "r"],
                 ["analyze", model, tmp_path / "article.txt", "--issues", "seed_articles", "--output", tmp_path / "a"]):
        assert_one_line_error(run(*args), "model.safetensors: the weights file is damaged")


def test_fast_refuses_a_gpu_device_instead_of_ignoring_it(tmp_path, seed_model_dir, seed_rows):
    data = tmp_path / "rows.jsonl"
    write_examples(seed_rows[:3], data)
    result = run("predict", seed_model_dir, data, "--output", tmp_path / "o.jsonl", "--fast", "--device", "cuda")
    assert_one_line_error(result, "--fast runs int8 weights on the CPU and cannot use --device cuda")


def test_all_invalid_training_file_with_skip_invalid_leaves_its_rejects_and_no_temp_file(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "a", "actor": "b", "issue": "c", "stance": "pro"}\n{"text": "", "actor": "b", "issue": "c", "stance": "none"}\n')
    out = tmp_path / "m"
    result = run("train", bad, "--output", out, "--skip-invalid")
    assert_one_line_error(result, "the file has no valid rows (2 rejected, see")
    rejects = out / "rejected_rows.jsonl"
    assert rejects.is_file() and str(rejects) in result.output
    assert len(rejects.read_text().splitlines()) == 2
    assert [p.name for p in out.iterdir()] == ["rejected_rows.jsonl"]  # no .tmp left behind


def test_predict_keeps_unknown_gold_labels_and_repeated_ids_with_one_warning_each(tmp_path, seed_model_dir):
    source = tmp_path / "in.jsonl"
    rows = [{"id": "r1", "text": "Macron backed sanctions.", "actor": "Emmanuel Macron", "issue": "sanctions on Russia", "stance": "pro"},
            {"id": "r1", "text": "Xi met Putin.", "actor": "Xi Jinping", "issue": "sanctions on Russia", "stance": "unclear"},
            {"id": "r2", "text": "Scholz spoke.", "actor": "Olaf Scholz", "issue": "sanctions on Russia", "stance": "none"}]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out.jsonl"
    result = run("predict", seed_model_dir, source, "--output", out, "--quiet")
    assert result.exit_code == 0, result.output
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert [w["gold_stance"] for w in written] == ["pro", "unclear", "none"] and [w["id"] for w in written] == ["r1", "r1", "r2"]
    assert result.output.count("2 row(s) with a stance other than") == 1
    assert result.output.count("1 row(s) repeating an earlier id (first on line 2)") == 1


def test_an_interrupted_train_says_what_was_kept(tmp_path):
    from actorstance.cli import interrupted_training_message
    assert "no model was written; run the same command again" in interrupted_training_message(tmp_path)
    checkpoint = tmp_path / "checkpoints" / "checkpoint-12"
    checkpoint.mkdir(parents=True)
    (checkpoint / "trainer_state.json").write_text("{}")
    message = interrupted_training_message(tmp_path)
    assert str(checkpoint) in message and "--resume" in message


def test_predict_bad_input_writes_nothing(tmp_path, seed_model_dir):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "a", "actor": "b", "issue": "c"}\n{"text": "", "actor": "b", "issue": "c"}\n')
    out = tmp_path / "out.jsonl"
    result = run("predict", seed_model_dir, source, "--output", out)
    assert result.exit_code == 1 and "line 2, field 'text': is empty" in result.output
    assert not out.exists()
