"""Property-based: random rows with random corruptions never crash the readers with anything but
an InputError, and with skip-invalid every valid row comes out, in order, unchanged."""
from __future__ import annotations

import csv
import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actorstance import InputError, load_examples
from actorstance.data.rejects import RejectLog

text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(str.strip)
row = st.fixed_dictionaries({"text": text, "actor": text, "issue": text},
                            optional={"stance": st.sampled_from(["favor", "against", "none", "Favor "]), "context": st.text(max_size=20)})
CORRUPTIONS = ("truncate", "drop_field", "bad_label", "blank_text", "bad_bytes", "not_object", "wrong_type", "bare_cr")


def corrupt(record: dict, how: str, fmt: str) -> bytes:
    if how == "drop_field":
        record = {k: v for k, v in record.items() if k != "actor"}
    elif how == "bad_label":
        record = {**record, "stance": "maybe"}
    elif how == "blank_text":
        record = {**record, "text": "   "}
    elif how == "wrong_type" and fmt == "jsonl":
        record = {**record, "issue": [1, 2]}
    if how == "bare_cr" and fmt == "csv":  # a carriage return in an unquoted cell: unreadable CSV
        return encode({**record, "text": "BARECR"}, fmt).replace(b"BARECR", b"bare\rcr", 1)
    line = encode(record, fmt)
    if how == "truncate" and fmt == "jsonl":
        return line[: max(1, len(line) // 2)].rstrip(b"\n") + b"\n"
    if how == "bad_bytes":
        return line.rstrip(b"\r\n") + b"\xff\xfe\n"
    if how == "not_object" and fmt == "jsonl":
        return b"[1, 2, 3]\n"
    return line


HEADER = ["text", "actor", "issue", "stance", "context"]


def encode(record: dict, fmt: str) -> bytes:
    if fmt == "jsonl":
        return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    buffer = io.StringIO()
    # Windows line ends: the writer then quotes a cell holding a bare carriage return, which it
    # leaves unquoted (unreadable CSV) with "\n" line ends
    csv.writer(buffer, lineterminator="\r\n").writerow([record.get(k, "") for k in HEADER])
    return buffer.getvalue().encode("utf-8")


def is_valid_after(how: str | None, fmt: str, record: dict) -> bool:
    if how is None:
        return True
    if fmt == "csv" and how in ("truncate", "not_object", "wrong_type"):
        return True  # these corruptions do not apply to CSV
    if fmt == "jsonl" and how == "bare_cr":
        return True  # nor this one to JSONL
    if fmt == "csv" and how == "drop_field":
        return False  # an empty actor cell
    return False


# The same 1,500 cases every run, so CI repeats itself. A random run of 60 once found that an
# unreadable CSV row ended the file (every later row lost); `bare_cr` now makes such rows on purpose.
@settings(max_examples=1500, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(row, st.one_of(st.none(), st.sampled_from(CORRUPTIONS))), min_size=1, max_size=12),
       fmt=st.sampled_from(["jsonl", "csv"]))
def test_random_corruptions_never_crash_and_never_lose_a_valid_row(tmp_path_factory, rows, fmt):
    folder = tmp_path_factory.mktemp("prop")
    path = folder / f"data.{fmt}"
    body = b"".join(corrupt(r, how, fmt) if how else encode(r, fmt) for r, how in rows)
    path.write_bytes((",".join(HEADER) + "\n").encode() + body if fmt == "csv" else body)
    expected = [r for r, how in rows if is_valid_after(how, fmt, r)]

    try:
        strict = load_examples(path)
    except InputError as exc:
        assert str(path) in str(exc)
        assert expected != [r for r, _ in rows] or not expected
    else:
        assert len(strict) == len(rows) == len(expected)

    with RejectLog(folder / "rejects.jsonl") as rejects:
        try:
            kept = load_examples(path, rejects=rejects)
        except InputError as exc:
            assert "no valid rows" in str(exc) or "no rows" in str(exc)
            kept = []
    assert [(k.text, k.actor, k.issue) for k in kept] == [(r["text"], r["actor"], r["issue"]) for r in expected]
    assert len(kept) + rejects.count == len(rows)
