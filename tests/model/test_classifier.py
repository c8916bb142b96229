"""The classifier on a real MiniLM: order kept, save/load exact, pipeline-loadable, actor-sensitive."""
from __future__ import annotations

import json
from collections import defaultdict

import numpy as np
import pytest

from actorstance import ModelFolderError, StanceClassifier, StanceExample
from actorstance.model import InputTemplate


def test_template_marks_the_mention_and_puts_context_last():
    row = StanceExample(text="He said no.", actor="Tom Berg", issue="wind subsidies", context="Tom Berg spoke.", mention="He")
    assert InputTemplate().pair(row) == ("Tom Berg | wind subsidies", "[He] said no. | Tom Berg spoke.")
    pronoun_in_context = StanceExample(text="So did Ana.", actor="Tom Berg", issue="x", context="Tom Berg spoke.", mention="Tom Berg")
    assert InputTemplate().pair(pronoun_in_context)[1] == "So did Ana. | [Tom Berg] spoke."


def test_batched_prediction_keeps_input_order(seed_model, seed_rows):
    rows = seed_rows[:40]
    batched = seed_model.predict_proba(rows)
    one_by_one = np.vstack([seed_model.predict_proba([r]) for r in rows])
    np.testing.assert_allclose(batched, one_by_one, atol=1e-5)
    assert np.allclose(batched.sum(axis=1), 1.0, atol=1e-5)
    predictions = seed_model.predict(rows)
    assert [p.label for p in predictions] == [("favor", "against", "none")[i] for i in batched.argmax(1)]


def test_two_actors_with_opposite_stances_in_one_sentence(seed_model, seed_rows):
    """After training on the seed data, the model separates two actors' opposite positions."""
    by_sentence = defaultdict(list)
    for r in seed_rows:
        by_sentence[(r.text, r.issue)].append(r)
    pairs = [(f, a) for rows in by_sentence.values() for f in rows for a in rows
             if f.stance == "favor" and a.stance == "against"]
    assert pairs, "the seed data should hold a sentence with opposite stances of two actors"
    for favor_row, against_row in pairs:
        favor_pred, against_pred = seed_model.predict([favor_row, against_row])
        assert (favor_pred.label, against_pred.label) == ("favor", "against"), (favor_row.text, favor_row.actor, against_row.actor)


def test_actor_and_issue_change_the_prediction(seed_model, seed_rows):
    row = next(r for r in seed_rows if r.stance == "favor")
    swapped_actor = StanceExample(text=row.text, actor="Somebody Else", issue=row.issue, context=row.context)
    swapped_issue = StanceExample(text=row.text, actor=row.actor, issue="legalising cannabis", context=row.context, mention=row.mention)
    base, by_actor, by_issue = seed_model.predict_proba([row, swapped_actor, swapped_issue])
    assert np.abs(base - by_actor).max() > 1e-3
    assert np.abs(base - by_issue).max() > 1e-3


def test_save_and_load_give_identical_probabilities(seed_model, seed_model_dir, seed_rows, tmp_path):
    loaded = StanceClassifier.from_pretrained(seed_model_dir)
    np.testing.assert_array_equal(seed_model.predict_proba(seed_rows), loaded.predict_proba(seed_rows))
    meta = json.loads((seed_model_dir / "actorstance.json").read_text())
    assert meta["labels"] == ["favor", "against", "none"] and meta["template"]["first"] == "{actor} | {issue}"
    assert "## Training" in (seed_model_dir / "README.md").read_text()
    assert loaded.training_rows is None and not (seed_model_dir / "training_rows.jsonl").exists()  # only on request
    kept = StanceClassifier.from_pretrained(seed_model.save_pretrained(tmp_path / "kept", include_training_rows=True))
    assert kept.training_rows == seed_rows


def test_transformers_pipeline_loads_the_folder(seed_model, seed_model_dir, seed_rows):
    from transformers import pipeline
    classify = pipeline("text-classification", model=str(seed_model_dir), device="cpu")
    rows = seed_rows[:8]
    pairs = [dict(zip(("text", "text_pair"), seed_model.template.pair(r))) for r in rows]
    labels = [out["label"] for out in classify(pairs)]
    assert labels == [p.label for p in seed_model.predict(rows)]


def test_fresh_default_backbone_has_three_labels():
    model = StanceClassifier.from_pretrained(None, device="cpu")
    assert model.model.config.id2label == {0: "favor", 1: "against", 2: "none"}
    assert model.predict_proba([]).shape == (0, 3)


@pytest.mark.parametrize("setup, words", [
    (lambda p: p / "nope", "no such model folder"),
    (lambda p: p, "not an actorstance model"),
])
def test_bad_model_folders(tmp_path, setup, words):
    with pytest.raises(ModelFolderError, match=words):
        StanceClassifier.from_pretrained(setup(tmp_path))


def test_incomplete_or_foreign_version_folder(seed_model_dir, tmp_path):
    import shutil
    broken = tmp_path / "broken"
    shutil.copytree(seed_model_dir, broken)
    (broken / "model.safetensors").unlink()
    with pytest.raises(ModelFolderError, match="missing weights"):
        StanceClassifier.from_pretrained(broken)
    meta = json.loads((seed_model_dir / "actorstance.json").read_text())
    future = tmp_path / "future"
    shutil.copytree(seed_model_dir, future)
    (future / "actorstance.json").write_text(json.dumps({**meta, "format_version": 99}))
    with pytest.raises(ModelFolderError, match="format_version 99 is not supported"):
        StanceClassifier.from_pretrained(future)


def test_unknown_device_is_a_clear_error():
    from actorstance.errors import ConfigError
    with pytest.raises(ConfigError, match="unknown device 'tpu'"):
        StanceClassifier.from_pretrained(None, device="tpu")


@pytest.mark.parametrize("template, words", [
    ({"first": "{issue} only"}, r"must contain \{actor\} and \{issue\}"),
    ({"first": "{actor} | {issue} | {speaker}"}, "has a field other than"),
    ({"first": "{actor} | {issue}", "colour": "red"}, "template has unknown fields"),
])
def test_a_hand_edited_template_fails_at_load(seed_model_dir, tmp_path, template, words):
    """The template is checked when the folder is read, naming actorstance.json, not at predict."""
    from actorstance.model.folder import read_metadata
    import shutil
    edited = tmp_path / "edited"
    shutil.copytree(seed_model_dir, edited, ignore=shutil.ignore_patterns("*.safetensors"))
    meta = json.loads((edited / "actorstance.json").read_text())
    (edited / "actorstance.json").write_text(json.dumps({**meta, "template": {**meta["template"], **template}}))
    (edited / "model.safetensors").write_bytes(b"")  # read_metadata checks presence, not content
    with pytest.raises(ModelFolderError, match=f"actorstance.json: .*{words}"):
        read_metadata(edited)
