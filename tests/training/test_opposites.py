"""Issues read in both directions: flipped copies, the shipped opposites, a user's own file."""
from __future__ import annotations

import json

import pytest

from actorstance import InputError, TrainConfig, fine_tune, load_examples
from actorstance.data import packaged_datasets
from actorstance.errors import ConfigError
from actorstance.training.opposites import flipped_copies, load_opposites


def test_flipped_copies_swap_the_issue_and_the_side(small_rows):
    opposites = {"carbon tax": "scrapping the carbon tax", "scrapping the carbon tax": "carbon tax"}
    copies = flipped_copies(small_rows, opposites, share=1.0, seed=0)
    sources = [r for r in small_rows if r.issue == "carbon tax"]
    assert [c.id for c in copies] == [f"{r.id}~flip" for r in sources]
    for copy, source in zip(copies, sources):
        assert copy.issue == "scrapping the carbon tax" and copy.text == source.text and copy.actor == source.actor
        assert copy.stance == {"favor": "against", "against": "favor", "none": "none"}[source.stance]
    assert flipped_copies(small_rows, opposites, share=0.5, seed=3) == flipped_copies(small_rows, opposites, share=0.5, seed=3)
    assert flipped_copies(small_rows, {}, share=1.0, seed=0) == []


def test_every_shipped_issue_has_a_hand_written_opposite():
    opposites = load_opposites()
    issues = {r.issue for name in packaged_datasets() for r in load_examples(name)}
    missing = sorted(issues - set(opposites))
    assert not missing, f"{len(missing)} shipped issues without an opposite, e.g. {missing[:5]}"
    assert opposites["sanctions on Russia"] != "sanctions on Russia"
    assert all(opposites[opposites[i]] == i for i in issues if opposites[i] in issues)  # pairs read both ways


def test_a_users_file_extends_the_pairs_and_bad_files_are_one_clear_error(tmp_path):
    good = tmp_path / "opposites.json"
    good.write_text(json.dumps({"a four-day week": "keeping the five-day week"}))
    pairs = load_opposites(good, include_shipped=False)
    assert pairs == {"a four-day week": "keeping the five-day week", "keeping the five-day week": "a four-day week"}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"a four-day week": "a four-day week"}))
    with pytest.raises(InputError, match="bad.json.*its opposite must be another"):
        load_opposites(bad, include_shipped=False)
    with pytest.raises(InputError, match="no such opposites file"):
        load_opposites(tmp_path / "absent.json")
    with pytest.raises(ConfigError, match="flip share above 0"):
        TrainConfig(opposites=str(good))


def test_training_adds_the_flipped_rows(small_rows, tmp_path):
    pairs = {r.issue: f"no {r.issue}" for r in small_rows}
    file = tmp_path / "opposites.json"
    file.write_text(json.dumps(pairs))
    config = dict(max_steps=1, batch_size=4, negative_share=0.0, mention_dropout=0.0, show_progress=False)
    plain = fine_tune(small_rows, TrainConfig(**config))
    flipped = fine_tune(small_rows, TrainConfig(flip_share=1.0, opposites=str(file), **config))
    assert plain.info["training"]["rows_with_augmentation"] == len(small_rows)
    assert flipped.info["training"]["rows_with_augmentation"] == 2 * len(small_rows)
