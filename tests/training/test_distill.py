"""Distillation: the transfer set, the teacher's probabilities file, the loss, a real student, the CLI."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from actorstance import TrainConfig, fine_tune, load_examples
from actorstance.cli import app
from actorstance.data.writers import write_examples
from actorstance.errors import InputError
from actorstance.training.distill import TeacherProbs, row_key, soften
from actorstance.training.trainer import distillation_loss
from actorstance.training.transfer import transfer_rows

QUIET = dict(batch_size=4, negative_share=0.0, mention_dropout=0.0, show_progress=False)


@pytest.fixture(scope="module")
def two_stories():
    return [r for r in load_examples("news_corpus", require_stance=True) if r.doc_id in ("nc-mig-001", "nc-mig-002")]


def test_transfer_rows_are_new_questions_from_the_same_stories(two_stories):
    rows = transfer_rows(two_stories)
    labelled = {row_key(r) for r in two_stories}
    assert rows, "the article path yields unlabelled rows from these stories"
    assert all(r.stance is None and row_key(r) not in labelled for r in rows)
    assert {r.doc_id for r in rows} <= {r.doc_id for r in two_stories}
    for row in rows:  # each row's sentence is one of its story's, and its issue one of its story's
        story = [r for r in two_stories if r.doc_id == row.doc_id]
        assert row.issue in {r.issue for r in story}
        assert any(row.text in r.text or r.text in row.text for r in story)


def test_probabilities_file_round_trip_and_held_out_stories_stay_out(two_stories, tmp_path):
    transfer = transfer_rows(two_stories)
    rng = np.random.default_rng(0)
    teacher = TeacherProbs({row_key(r): tuple(rng.dirichlet([1, 1, 1])) for r in two_stories + transfer}, transfer)
    path = teacher.save(tmp_path / "probs.jsonl", two_stories)
    loaded = TeacherProbs.load(path)
    assert len(loaded) == len(teacher) and len(loaded.transfer) == len(transfer)
    for row in two_stories + transfer:
        np.testing.assert_allclose(loaded.get(row), teacher.get(row), atol=1e-5)
    assert {r.doc_id for r in loaded.transfer_for(["nc-mig-001"])} == {"nc-mig-001"}
    assert loaded.transfer_for(["a-story-not-there"]) == []
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("line, where", [
    ('{"text": "a", "actor": "b", "issue": "c", "p_favor": 0.5, "p_against": 0.5}', "line 2, field 'p_none'"),
    ('{"actor": "b", "issue": "c", "p_favor": 0.2, "p_against": 0.3, "p_none": 0.5}', "line 2, field 'text'"),
    ('{"text": "a", "actor": "b", "issue": "c", "p_favor": 0.9, "p_against": 0.9, "p_none": 0.1}', "line 2, field 'p_favor'"),
    ('not json', "line 2: not valid JSON"),
])
def test_a_bad_probabilities_file_names_line_and_field(tmp_path, line, where):
    good = '{"text": "a", "actor": "b", "issue": "c", "p_favor": 0.2, "p_against": 0.3, "p_none": 0.5}'
    path = tmp_path / "probs.jsonl"
    path.write_text(good + "\n" + line + "\n")
    with pytest.raises(InputError, match=f"probs.jsonl, {where}"):
        TeacherProbs.load(path)


def test_soften_flattens_with_temperature_and_keeps_the_order():
    p = np.array([0.8, 0.15, 0.05])
    np.testing.assert_allclose(soften(p, 1.0), p)
    soft = soften(p, 2.0)
    np.testing.assert_allclose(soft, np.sqrt(p) / np.sqrt(p).sum())
    assert soft.sum() == pytest.approx(1) and soft[0] < p[0] and soft[2] > p[2]


def test_distillation_loss_matches_a_hand_computation():
    logits = torch.tensor([[2.0, 0.0, -1.0], [0.5, 0.5, 0.0], [1.0, -1.0, 0.0]])
    teacher = [0.7, 0.2, 0.1]
    labels = torch.tensor([teacher + [1.0],          # both: teacher and gold `against`
                           teacher + [-1.0],         # a transfer row: the teacher only
                           [0.0, 0.0, 0.0, 2.0]])    # never scored: gold `none` only
    T, alpha = 2.0, 0.25
    loss = distillation_loss(T, alpha)({"logits": logits}, labels)

    def log_softmax(z):
        return [v - math.log(sum(math.exp(u) for u in z)) for v in z]

    def kl(z):
        student = log_softmax([v / T for v in z])
        return T * T * sum(t * (math.log(t) - s) for t, s in zip(teacher, student))

    rows = [alpha * kl(logits[0].tolist()) + (1 - alpha) * -log_softmax(logits[0].tolist())[1],
            kl(logits[1].tolist()),
            -log_softmax(logits[2].tolist())[2]]
    assert loss.item() == pytest.approx(sum(rows) / 3, rel=1e-5)
    plain = distillation_loss(T, alpha)({"logits": logits}, torch.tensor([1, 0, 2]))
    assert plain.item() == pytest.approx(torch.nn.functional.cross_entropy(logits, torch.tensor([1, 0, 2])).item())


def test_a_student_learns_what_its_teacher_says(small_rows, tmp_path):
    """A teacher that calls every row `none` (alpha 1: its word only) pulls the student's `none`
    probability above the same training without the teacher."""
    teacher = TeacherProbs({row_key(r): (0.0, 0.0, 1.0) for r in small_rows})
    path = teacher.save(tmp_path / "probs.jsonl", small_rows)
    config = dict(max_steps=12, learning_rate=1e-4, seed=3, **QUIET)
    plain = fine_tune(small_rows, TrainConfig(**config))
    taught = fine_tune(small_rows, TrainConfig(teacher_probs=str(path), distill_alpha=1.0, temperature=1.0, **config))
    none = 2
    assert taught.predict_proba(small_rows)[:, none].mean() > plain.predict_proba(small_rows)[:, none].mean() + 0.05
    assert taught.info["training"]["teacher_scored_rows"] == len(small_rows)
    assert taught.info["training"]["config"]["teacher_probs"] == str(path)


def test_distill_command_scores_labelled_and_transfer_rows_then_trains_a_student(seed_model_dir, two_stories, tmp_path):
    data = tmp_path / "stories.jsonl"
    write_examples(two_stories, data)
    runner = CliRunner()
    result = runner.invoke(app, ["distill", str(seed_model_dir), str(data), "--output", str(tmp_path / "student"),
                                 "--probs-only", "--quiet"])
    assert result.exit_code == 0, result.output
    probs = TeacherProbs.load(tmp_path / "student" / "teacher_probs.jsonl")
    assert len(probs) == len({row_key(r) for r in two_stories}) + len(transfer_rows(two_stories))
    assert not (tmp_path / "student" / "model.safetensors").exists()
    result = runner.invoke(app, ["distill", str(seed_model_dir), str(data), "--output", str(tmp_path / "student"),
                                 "--epochs", "0.5", "--batch-size", "8", "--quiet"])
    assert result.exit_code == 0, result.output
    info = json.loads((tmp_path / "student" / "actorstance.json").read_text())
    assert info["training"]["transfer_rows"] == len(probs.transfer) > 0
    assert info["training"]["config"]["teacher_probs"].endswith("teacher_probs.jsonl")


def test_train_with_a_bad_teacher_file_is_one_line_naming_its_line(small_rows, tmp_path):
    from test_cli import assert_one_line_error
    data = tmp_path / "rows.jsonl"
    write_examples(small_rows, data)
    probs = tmp_path / "probs.jsonl"
    probs.write_text('{"text": "a", "actor": "b", "issue": "c", "p_favor": 0.2, "p_against": 0.3}\n')
    result = CliRunner().invoke(app, ["train", str(data), "--output", str(tmp_path / "m"), "--teacher-probs", str(probs),
                                      "--epochs", "0.1", "--quiet"])
    assert_one_line_error(result, "probs.jsonl, line 1, field 'p_none': missing")
    assert not (tmp_path / "m" / "model.safetensors").exists()


def test_the_shipped_teacher_probabilities_serve_training_by_name(two_stories):
    from actorstance.training.distill import shipped_teacher_probs
    probs = TeacherProbs.load(shipped_teacher_probs())
    assert all(probs.get(r) is not None for r in two_stories)
    transfer = probs.transfer_for({r.doc_id for r in two_stories})
    assert transfer and all(r.doc_id in ("nc-mig-001", "nc-mig-002") for r in transfer)
    model = fine_tune(two_stories, TrainConfig(teacher_probs="shipped", max_steps=2, **QUIET))
    assert model.info["training"]["transfer_rows"] == len(transfer)
    assert model.info["training"]["teacher_scored_rows"] == len(two_stories)


def test_the_default_minilm_on_the_shipped_data_is_distilled_and_nothing_else_is():
    from actorstance.training.distill import default_teacher
    assert default_teacher(data_given=False, base_model=None) == "shipped"
    assert default_teacher(data_given=False, base_model="minilm") == "shipped"
    assert default_teacher(data_given=True, base_model=None) is None  # the teacher never read your rows
    assert default_teacher(data_given=False, base_model="mpnet") is None  # no teaching a model as large as the teacher


def test_train_teacher_probs_none_trains_on_the_labels_alone(two_stories, tmp_path):
    data = tmp_path / "stories.jsonl"
    write_examples(two_stories, data)
    result = CliRunner().invoke(app, ["train", str(data), "--output", str(tmp_path / "m"), "--teacher-probs", "none",
                                      "--epochs", "0.1", "--batch-size", "8", "--quiet"])
    assert result.exit_code == 0, result.output
    info = json.loads((tmp_path / "m" / "actorstance.json").read_text())["training"]
    assert info["config"]["teacher_probs"] is None and info["transfer_rows"] == 0
