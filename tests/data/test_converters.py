"""Converters read the shared public datasets when present and skip cleanly where absent."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from actorstance import InputError, load_examples
from actorstance.cli import app
from actorstance.data.converters import FORMATS, convert

from shared_data import shared_or_skip

FOLDERS = {"semeval2016": "semeval2016_task6", "emergent": "emergent", "vast": "vast_partial",
           "debatenet": "debatenet_mig15", "dna": "dna_sample"}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_convert_shared_dataset(fmt):
    folder = shared_or_skip("datasets", FOLDERS[fmt])
    rows = convert(fmt, folder)
    source_lines = sum(1 for line in (folder / FORMATS[fmt].file_name).open() if line.strip())
    assert len(rows) == source_lines
    assert all(r.actor and r.issue and r.text and r.stance in ("favor", "against", "none") for r in rows)


def test_semeval_official_splits():
    folder = shared_or_skip("datasets", "semeval2016_task6")
    assert len(convert("semeval2016", folder, split="train")) == 2914
    assert len(convert("semeval2016", folder, split="test")) == 1249
    with pytest.raises(InputError, match="no rows in split 'dev'"):
        convert("semeval2016", folder, split="dev")


def test_emergent_groups_by_claim():
    folder = shared_or_skip("datasets", "emergent")
    train, test = convert("emergent", folder, split="train"), convert("emergent", folder, split="test")
    assert {r.doc_id for r in train}.isdisjoint({r.doc_id for r in test})


def test_bad_source_lines_are_named(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"text": "t", "target": "c", "stance": "favor"}) + "\n" + json.dumps({"text": "t", "stance": "favor"}) + "\n")
    with pytest.raises(InputError, match="line 2, field 'target'"):
        convert("emergent", path)
    with pytest.raises(InputError, match="unknown format 'tweets'"):
        convert("tweets", path)


def test_cli_convert_and_stats(tmp_path):
    src = tmp_path / "dna.jsonl"
    src.write_text(json.dumps({"id": "1", "text": "Coal is cheap.", "target": "coal", "stance": "favor", "actor": "Ann", "split": "all"}) + "\n")
    out = tmp_path / "rows.csv"
    runner = CliRunner()
    result = runner.invoke(app, ["data", "convert", str(src), "--format", "dna", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert load_examples(out)[0].actor == "Ann"
    result = runner.invoke(app, ["data", "stats", str(out)])
    assert result.exit_code == 0 and "rows 1" in result.output and "favor" in result.output
