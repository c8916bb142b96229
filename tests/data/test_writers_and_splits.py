"""Writers round-trip and never leave half-written files; splits keep each group on one side."""
from __future__ import annotations

import pytest

from actorstance import load_examples, write_examples
from actorstance.data import group_kfold, train_test_split, write_records


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_round_trip(tmp_path, small_rows, suffix):
    path = tmp_path / f"rows{suffix}"
    assert write_examples(small_rows, path) == len(small_rows)
    assert load_examples(path) == small_rows


def test_a_written_file_gets_the_usual_mode_not_the_temporary_files(tmp_path):
    """The temporary file is made private (0600); the finished file follows the umask like any other."""
    import os
    mask = os.umask(0o022)
    try:
        write_examples(load_examples("seed_articles")[:2], tmp_path / "rows.jsonl")
    finally:
        os.umask(mask)
    assert (tmp_path / "rows.jsonl").stat().st_mode & 0o777 == 0o644


def test_failed_write_leaves_nothing(tmp_path):
    path = tmp_path / "out.jsonl"

    def records():
        yield {"a": 1}
        raise RuntimeError("stopped midway")

    with pytest.raises(RuntimeError):
        write_records(records(), path)
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_the_previous_file(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_text("old\n")

    def records():
        yield {"a": 1}
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_records(records(), path)
    assert path.read_text() == "old\n" and len(list(tmp_path.iterdir())) == 1


@pytest.mark.parametrize("by", ["doc_id", "issue", "actor"])
def test_group_kfold_keeps_groups_apart(small_rows, by):
    folds = group_kfold(small_rows, 2, by=by)
    key = {"doc_id": lambda r: r.doc_id, "issue": lambda r: r.issue, "actor": lambda r: r.actor}[by]
    tested = []
    for train, test in folds:
        assert not {key(r) for r in train} & {key(r) for r in test}
        assert len(train) + len(test) == len(small_rows)
        tested += test
    assert sorted(r.id for r in tested) == sorted(r.id for r in small_rows)


def test_split_is_reproducible_and_grouped(small_rows):
    train, test = train_test_split(small_rows, test_share=0.25, seed=3)
    assert (train, test) == train_test_split(small_rows, test_share=0.25, seed=3)
    assert {r.doc_id for r in test}.isdisjoint({r.doc_id for r in train})


def test_too_few_groups_is_a_clear_error(small_rows):
    from actorstance.errors import ConfigError
    with pytest.raises(ConfigError, match="4 distinct doc_id values cannot fill 5 folds"):
        group_kfold(small_rows, 5)
