"""Readers: valid files load in order; each bad input gives one error naming file, line and field."""
from __future__ import annotations

import json

import pytest

from actorstance import InputError, StanceExample, load_examples
from actorstance.data import packaged_datasets, read_records


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


GOOD = {"id": "a-1", "text": "She backed the plan.", "actor": "Ana Silva", "issue": "the plan", "stance": "favor",
        "context": "Ana Silva spoke on Monday.", "mention": "She", "doc_id": "a"}


def test_jsonl_loads_every_field_in_order(tmp_path):
    second = {**GOOD, "id": "a-2", "stance": "none", "text": "Nobody objected."}
    rows = load_examples(write_jsonl(tmp_path / "x.jsonl", [GOOD, second]))
    assert rows == [StanceExample(**GOOD), StanceExample(**second)]


def test_csv_loads_and_labels_are_normalised(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("text,actor,issue,stance\nHe said yes.,Bo Park,the plan, Favor \n", encoding="utf-8")
    assert load_examples(path) == [StanceExample(text="He said yes.", actor="Bo Park", issue="the plan", stance="favor")]


def test_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode() + b"\n")
    assert load_examples(path)[0].id == "a-1"


def test_label_map_renames_labels(tmp_path):
    path = write_jsonl(tmp_path / "x.jsonl", [{**GOOD, "stance": "pro"}])
    assert load_examples(path, label_map={"pro": "favor"})[0].stance == "favor"


def test_packaged_dataset_by_name():
    assert "seed_articles" in packaged_datasets()
    assert len(load_examples("seed_articles")) >= 80


@pytest.mark.parametrize("content, line, field, words", [
    ('{"text": "a", "actor": "b", "issue": "c"}\n{"text": "a", "actor": "b"\n', 2, None, "broken JSON"),
    ('{"text": "a", "issue": "c"}\n', 1, "actor", "missing required field"),
    ('{"text": "a", "actor": "b", "issue": "c", "stance": "maybe"}\n', 1, "stance", "unknown stance 'maybe'"),
    ('{"text": "a", "actor": "b", "issue": "c"}\n{"text": "   ", "actor": "b", "issue": "c"}\n', 2, "text", "is empty"),
    ('[1, 2]\n', 1, None, "expected a JSON object"),
    ('{"text": 5, "actor": "b", "issue": "c"}\n', 1, "text", "expected text"),
    ('{"id": "1", "text": "a", "actor": "b", "issue": "c"}\n{"id": "1", "text": "d", "actor": "b", "issue": "c"}\n', 2, "id", "duplicate id"),
])
def test_bad_jsonl_names_line_and_field(tmp_path, content, line, field, words):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_examples(path)
    assert (info.value.line, info.value.field) == (line, field)
    assert words in str(info.value) and str(path) in str(info.value)


def test_missing_stance_is_an_error_only_for_training(tmp_path):
    path = write_jsonl(tmp_path / "x.jsonl", [{k: v for k, v in GOOD.items() if k != "stance"}])
    assert load_examples(path)[0].stance is None
    with pytest.raises(InputError, match="line 1, field 'stance'"):
        load_examples(path, require_stance=True)


def test_wrong_encoding_names_the_line(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(json.dumps(GOOD).encode() + b"\n" + '{"text": "Café", "actor": "b", "issue": "c"}\n'.encode("latin-1"))
    with pytest.raises(InputError, match=r"line 2: not valid UTF-8"):
        load_examples(path)


def test_csv_with_wrong_column_count(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("text,actor,issue\na,b,c\na,b,c,d\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 3: row has 4 columns, the header has 3"):
        load_examples(path)


def test_csv_missing_required_column(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("text,issue\na,c\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2, field 'actor': missing required field"):
        load_examples(path)


@pytest.mark.parametrize("make, words", [
    (lambda p: p / "missing.jsonl", "no such file"),
    (lambda p: p, "is a directory"),
    (lambda p: (p / "empty.jsonl").write_text("\n\n") and p / "empty.jsonl", "has no rows"),
    (lambda p: (p / "x.txt").write_text("hi") and p / "x.txt", "unknown file type"),
])
def test_unusable_paths(tmp_path, make, words):
    with pytest.raises(InputError, match=words):
        read_records(make(tmp_path))
