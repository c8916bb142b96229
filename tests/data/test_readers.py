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


def test_an_unreadable_csv_row_is_one_reject_and_the_rows_after_it_are_read(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"text,actor,issue\na,b,c\nd,e,f\rg\nh,i,j\n")  # a bare carriage return in an unquoted cell
    with pytest.raises(InputError, match=r"x.csv, line 3: unreadable CSV row"):
        load_examples(path)
    with RejectLog(tmp_path / "rejects.jsonl") as rejects:
        rows = load_examples(path, rejects=rejects)
    assert [r.text for r in rows] == ["a", "h"] and rejects.count == 1


def test_an_unclosed_csv_quote_names_the_lines_it_swallowed(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('text,actor,issue\na,b,c\n"d,e,f\ng,h,i\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"line 3: row has 1 columns, the header has 3 \(lines 3-4: a quote opened on line 3"):
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


# ---- the bad-input catalogue of issue 6: each case stops with file, line and field, or is skipped

from actorstance.data.readers import iter_examples, parse_label_map  # noqa: E402
from actorstance.data.rejects import RejectLog  # noqa: E402


def test_csv_with_bom_and_extra_column_count(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbftext,actor,issue\nHe said yes.,Bo Park,the plan\n")
    assert load_examples(path)[0].text == "He said yes."
    short = tmp_path / "short.csv"
    short.write_text("text,actor,issue\na,b\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"short.csv, line 2: row has 2 columns, the header has 3"):
        load_examples(short)


def test_non_utf8_csv_names_the_line(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"text,actor,issue\nok,b,c\n" + "Café,b,c\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1.csv, line 3: not valid UTF-8"):
        load_examples(path)


def test_a_100000_character_line_is_read_not_refused(tmp_path):
    long_text = "word " * 20_000
    rows = load_examples(write_jsonl(tmp_path / "long.jsonl", [{**GOOD, "text": long_text}]))
    assert len(rows[0].text) == 100_000
    csv_path = tmp_path / "long.csv"
    csv_path.write_text(f"text,actor,issue\n{long_text},b,c\n", encoding="utf-8")
    assert len(load_examples(csv_path)[0].text) == 100_000


def test_whitespace_only_text_and_empty_file(tmp_path):
    with pytest.raises(InputError, match="line 1, field 'text': is empty"):
        load_examples(write_jsonl(tmp_path / "ws.jsonl", [{**GOOD, "text": " \t "}]))
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="empty.csv: the file has no rows"):
        load_examples(empty)


def test_label_map_option_parsing():
    assert parse_label_map("pro=favor, con=against,Neutral=none") == {"pro": "favor", "con": "against", "neutral": "none"}
    with pytest.raises(InputError, match="'pro' maps to 'yes'"):
        parse_label_map("pro=yes")
    with pytest.raises(InputError, match="NAME=LABEL"):
        parse_label_map("pro")


def test_unknown_label_hints_at_label_map(tmp_path):
    with pytest.raises(InputError, match="--label-map"):
        load_examples(write_jsonl(tmp_path / "x.jsonl", [{**GOOD, "stance": "con"}]))


def test_skip_invalid_keeps_every_valid_row_and_logs_the_rest(tmp_path):
    path = tmp_path / "mixed.jsonl"
    lines = [json.dumps({**GOOD, "id": "1"}), '{"broken', json.dumps({**GOOD, "id": "2", "stance": "maybe"}),
             json.dumps({**GOOD, "id": "3", "text": ""}), json.dumps({**GOOD, "id": "1", "text": "again"}),
             json.dumps({**GOOD, "id": "4"})]
    path.write_bytes(("\n".join(lines) + "\n").encode() + b'{"text": "caf\xe9", "actor": "b", "issue": "c"}\n')
    with RejectLog(tmp_path / "rejects.jsonl") as rejects:
        rows = load_examples(path, rejects=rejects)
    assert [r.id for r in rows] == ["1", "4"]
    logged = [json.loads(line) for line in (tmp_path / "rejects.jsonl").read_text().splitlines()]
    assert [(e["line"], e["field"]) for e in logged] == [(2, None), (3, "stance"), (4, "text"), (5, "id"), (7, None)]
    assert "broken JSON" in logged[0]["reason"] and logged[0]["raw"] == '{"broken'
    assert logged[3]["row"]["text"] == "again"


def test_reading_is_a_stream(tmp_path):
    path = write_jsonl(tmp_path / "x.jsonl", [{**GOOD, "id": str(i)} for i in range(5)] + [{"text": ""}])
    stream = iter_examples(path)
    assert next(stream)[1].id == "0"  # the bad last line is not read yet
