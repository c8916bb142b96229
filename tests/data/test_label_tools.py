"""Rows out to labelling tools and labels back in, on files shaped as each tool writes them:
a spreadsheet CSV, Label Studio's JSON export, doccano's JSONL export."""
from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from actorstance.cli import app
from actorstance.data.label_tools import TASK_COLUMNS, export_tasks, import_labels
from actorstance.data.readers import load_examples
from actorstance.data.writers import write_records
from actorstance.errors import ConfigError, InputError

GOLD = ["favor", "against", "none", "against"]


@pytest.fixture
def to_label(tmp_path):
    """A `suggest` output: four rows, empty stance, the model's hints."""
    records = [
        {"id": "a1-s1-emmanuel_macron-0123456789", "doc_id": "a1", "actor": "Emmanuel Macron", "issue": "regime change in Russia",
         "mention": "He", "context": "French President Emmanuel Macron met Xi Jinping.",
         "text": "He said the West does not seek regime change in Moscow.", "stance": None, "guess": "against",
         "p_favor": 0.2, "p_against": 0.5, "p_none": 0.3, "source": "a1.txt"},
        {"id": "a1-s2-xi_jinping-abcdef0123", "doc_id": "a1", "actor": "Xi Jinping", "issue": "peace negotiations",
         "mention": "Xi", "context": "He said the West does not seek regime change in Moscow.",
         "text": "Xi, in turn, called for peace talks.", "stance": None, "guess": "favor",
         "p_favor": 0.4, "p_against": 0.3, "p_none": 0.3, "source": "a1.txt"},
        {"id": "a2-s0-russia-1111111111", "doc_id": "a2", "actor": "Russia", "issue": "sanctions on Russia",
         "mention": "The Kremlin", "context": "", "text": "The Kremlin met the envoy on Friday.", "stance": None,
         "guess": "none", "p_favor": 0.3, "p_against": 0.3, "p_none": 0.4, "source": "a2.txt"},
        {"id": "a2-s1-france-2222222222", "doc_id": "a2", "actor": "France", "issue": "sanctions on Russia",
         "mention": "Paris", "context": "The Kremlin met the envoy on Friday.",
         "text": "Paris, which wants the sanctions lifted, said nothing.", "stance": None, "guess": "favor",
         "p_favor": 0.35, "p_against": 0.34, "p_none": 0.31, "source": "a2.txt"},
    ]
    path = tmp_path / "to_label.csv"
    write_records(records, path, columns=TASK_COLUMNS)
    return path


def fill_in_csv(source, target, labels):
    """What a person does in a spreadsheet: type a label in each stance cell and save (Excel's
    "CSV UTF-8" adds a byte-order mark and Windows line ends)."""
    with open(source, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row, label in zip(rows, labels):
        row["stance"] = label
    with open(target, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def test_csv_round_trip(to_label, tmp_path):
    filled = tmp_path / "filled.csv"
    fill_in_csv(to_label, filled, ["Favor ", "against", "none", "against"])
    result = import_labels(filled)
    assert result.format == "csv" and result.unlabelled == []
    assert [r.stance for r in result.rows] == GOLD
    originals = load_examples(to_label)
    assert [(r.id, r.text, r.actor, r.issue, r.context, r.mention, r.doc_id) for r in result.rows] == \
           [(r.id, r.text, r.actor, r.issue, r.context, r.mention, r.doc_id) for r in originals]


def test_csv_empty_stance_is_reported_not_dropped(to_label, tmp_path):
    filled = tmp_path / "filled.csv"
    fill_in_csv(to_label, filled, ["favor", "", "none", ""])
    with pytest.raises(InputError) as error:
        import_labels(filled)
    assert str(error.value).startswith(f"{filled}, line 3, field 'stance': no label yet (1 more row like it)")
    result = import_labels(filled, skip_unlabelled=True)
    assert [r.stance for r in result.rows] == ["favor", "none"] and result.unlabelled == ["line 3", "line 5"]


def test_csv_unknown_label_names_file_line_and_field(to_label, tmp_path):
    filled = tmp_path / "filled.csv"
    fill_in_csv(to_label, filled, ["favor", "pro", "none", "none"])
    with pytest.raises(InputError, match=r"filled\.csv, line 3, field 'stance': unknown stance 'pro'"):
        import_labels(filled)
    assert [r.stance for r in import_labels(filled, label_map={"pro": "favor"}).rows] == ["favor", "favor", "none", "none"]


# ---- Label Studio ---------------------------------------------------------------------------

def label_studio_export(tasks, choices):
    """Tasks as Label Studio's JSON export writes them (labelstud.io/guide/task_format): the
    imported data, the task's own id, and per task its annotations. `choices[i]` is a list of
    (choice, updated_at, was_cancelled) annotations for task i."""
    exported = []
    for number, (task, annotations) in enumerate(zip(tasks, choices), 1):
        exported.append({
            "id": 100 + number,
            "annotations": [{
                "id": 1000 + 10 * number + k, "completed_by": 1,
                "result": [] if choice is None else [{
                    "value": {"choices": [choice]}, "id": f"r{number}{k}", "from_name": "stance",
                    "to_name": "sentence", "type": "choices", "origin": "manual"}],
                "was_cancelled": cancelled, "ground_truth": False, "created_at": updated, "updated_at": updated,
                "draft_created_at": None, "lead_time": 4.2, "prediction": {}, "result_count": 0,
                "unique_id": f"u{number}{k}", "import_id": None, "last_action": None, "bulk_created": False,
                "task": 100 + number, "project": 7, "updated_by": 1, "parent_prediction": None,
                "parent_annotation": None, "last_created_by": None}
                for k, (choice, updated, cancelled) in enumerate(annotations)],
            "file_upload": "tasks.json", "drafts": [], "predictions": [], "data": task["data"], "meta": {},
            "created_at": "2025-05-01T10:00:00.000000Z", "updated_at": "2025-05-02T10:00:00.000000Z",
            "inner_id": number, "total_annotations": len(annotations), "cancelled_annotations": 0,
            "total_predictions": 0, "comment_count": 0, "unresolved_comment_count": 0,
            "last_comment_updated_at": None, "project": 7, "updated_by": 1, "comment_authors": []})
    return exported


def test_label_studio_tasks_and_config(to_label, tmp_path):
    out = tmp_path / "tasks.json"
    result = export_tasks(to_label, out)
    assert result.format == "label-studio" and result.tasks == 4
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(tasks, list) and all(set(t) == {"data"} for t in tasks)
    first = tasks[0]["data"]
    assert first["question"] == "Emmanuel Macron on regime change in Russia"
    assert first["marked"] == "[He] said the West does not seek regime change in Moscow."
    assert first["text"] == "He said the West does not seek regime change in Moscow." and first["guess"] == "against"
    # the config: Choices favor/against/none on a Text view; every $field it shows is in each task
    config = ET.parse(result.config).getroot()
    choices = config.find(".//Choices")
    assert choices.get("name") == "stance"
    assert [c.get("value") for c in choices.findall("Choice")] == ["favor", "against", "none"]
    assert choices.get("toName") in {t.get("name") for t in config.iter("Text")}
    shown = {v[1:] for e in config.iter() for v in [e.get("value") or ""] if v.startswith("$")}
    assert shown == {"question", "context", "marked"} and all(shown <= set(t["data"]) for t in tasks)


def test_label_studio_round_trip_takes_the_latest_annotation_not_cancelled(to_label, tmp_path):
    tasks = json.loads((export_tasks(to_label, tmp_path / "tasks.json").output).read_text(encoding="utf-8"))
    export = label_studio_export(tasks, [
        [("against", "2025-05-01T10:00:00Z", False), ("favor", "2025-05-03T10:00:00Z", False),
         ("none", "2025-05-04T10:00:00Z", True)],                      # latest is cancelled: favor
        [("against", "2025-05-01T10:00:00Z", False)],
        [("none", "2025-05-02T10:00:00Z", False), ("favor", "2025-05-01T10:00:00Z", False)],  # order in the list is not time
        [("against", "2025-05-01T10:00:00Z", False)],
    ])
    path = tmp_path / "project-7-at-2025-05-05.json"
    path.write_text(json.dumps(export, indent=2), encoding="utf-8")
    result = import_labels(path)
    assert result.format == "label-studio" and [r.stance for r in result.rows] == GOLD
    assert [r.id for r in result.rows] == [t["data"]["id"] for t in tasks]
    assert result.rows[0].mention == "He" and result.rows[2].context == ""


def test_label_studio_missing_and_unknown_labels(to_label, tmp_path):
    tasks = json.loads((export_tasks(to_label, tmp_path / "tasks.json").output).read_text(encoding="utf-8"))
    path = tmp_path / "export.json"
    path.write_text(json.dumps(label_studio_export(tasks, [
        [("favor", "2025-05-01T10:00:00Z", False)], [], [("none", "2025-05-01T10:00:00Z", True)],
        [(None, "2025-05-01T10:00:00Z", False)]])), encoding="utf-8")
    with pytest.raises(InputError) as error:
        import_labels(path)
    assert str(error.value).startswith(f"{path}, task 2 (id 102), field 'annotations': no label yet (2 more tasks like it)")
    result = import_labels(path, skip_unlabelled=True)
    assert [r.stance for r in result.rows] == ["favor"] and len(result.unlabelled) == 3
    path.write_text(json.dumps(label_studio_export(tasks, [[("Pro", "2025-05-01T10:00:00Z", False)]] * 4)), encoding="utf-8")
    with pytest.raises(InputError, match=r"export\.json, task 1 \(id 101\), field 'annotations': unknown label 'Pro'"):
        import_labels(path)
    broken = label_studio_export(tasks, [[("favor", "2025-05-01T10:00:00Z", False)]] * 4)
    del broken[3]["data"]["actor"]
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(InputError, match=r"task 4 \(id 104\), field 'data.actor': missing required field"):
        import_labels(path)


# ---- doccano ----------------------------------------------------------------------------------

def doccano_export(tasks, labels):
    """doccano's JSONL export of a text classification project: {"id": <doccano's id>, "text":
    ..., **every other imported field (metadata), "label": [...]} (backend/data_export)."""
    lines = []
    for number, (task, label) in enumerate(zip(tasks, labels), 1):
        meta = {k: v for k, v in task.items() if k != "text"}
        lines.append(json.dumps({"id": 500 + number, "text": task["text"], **meta, "label": label}, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def test_doccano_round_trip(to_label, tmp_path):
    out = tmp_path / "tasks.jsonl"
    assert export_tasks(to_label, out).format == "doccano"
    tasks = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert all({"text", "sentence", "actor", "issue", "row_id"} <= set(t) and "label" not in t for t in tasks)
    assert tasks[0]["text"].startswith("Emmanuel Macron on regime change in Russia: favor, against or none?")
    assert "[He] said the West" in tasks[0]["text"] and "(previous sentence) French President" in tasks[0]["text"]
    export = tmp_path / "admin.jsonl"
    export.write_text(doccano_export(tasks, [["favor"], ["against"], ["none"], ["against", "against"]]), encoding="utf-8")
    result = import_labels(export)
    assert result.format == "doccano" and [r.stance for r in result.rows] == GOLD
    originals = load_examples(to_label)
    assert [(r.id, r.text, r.context, r.mention) for r in result.rows] == [(r.id, r.text, r.context, r.mention) for r in originals]


def test_doccano_unlabelled_disagreeing_and_unknown_labels(to_label, tmp_path):
    tasks = [json.loads(line) for line in export_tasks(to_label, tmp_path / "t.jsonl").output.read_text().splitlines()]
    export = tmp_path / "all.jsonl"
    export.write_text(doccano_export(tasks, [["favor"], [], ["none"], ["against"]]), encoding="utf-8")
    with pytest.raises(InputError, match=r"all\.jsonl, line 2, field 'label': no label yet"):
        import_labels(export)
    assert import_labels(export, skip_unlabelled=True).unlabelled == ["line 2"]
    export.write_text(doccano_export(tasks, [["favor"], ["favor", "against"], ["none"], ["against"]]), encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2, field 'label': several labels \['against', 'favor'\]"):
        import_labels(export)
    export.write_text(doccano_export(tasks, [["favor"], ["neutral"], ["none"], ["against"]]), encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2, field 'label': unknown label 'neutral'"):
        import_labels(export)


def test_formats_by_suffix_or_named(to_label, tmp_path):
    with pytest.raises(ConfigError, match="pass --format"):
        export_tasks(to_label, tmp_path / "tasks.txt")
    with pytest.raises(ConfigError, match="unknown labelling format"):
        export_tasks(to_label, tmp_path / "tasks.json", fmt="prodigy")
    assert export_tasks(to_label, tmp_path / "tasks.json", fmt="doccano").format == "doccano"


def test_cli_export_and_import(to_label, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["data", "export-tasks", str(to_label), "--output", str(tmp_path / "ls.json")])
    assert result.exit_code == 0 and "wrote 4 label-studio tasks" in result.output
    assert (tmp_path / "ls.label_config.xml").is_file() and "labelling config" in result.output
    filled = tmp_path / "filled.csv"
    fill_in_csv(to_label, filled, ["favor", "", "none", "against"])
    result = runner.invoke(app, ["data", "import-labels", str(filled), "--output", str(tmp_path / "labelled.jsonl")])
    assert result.exit_code == 1 and not (tmp_path / "labelled.jsonl").exists()
    assert re.fullmatch(r"error: .*filled\.csv, line 3, field 'stance': no label yet.*\n", result.output)
    result = runner.invoke(app, ["data", "import-labels", str(filled), "--output", str(tmp_path / "labelled.jsonl"),
                                 "--skip-unlabelled"])
    assert result.exit_code == 0, result.output
    assert "wrote 3 labelled rows (csv)" in result.output and "1 row without a label yet left out (first: line 3)" in result.output
    assert [r.stance for r in load_examples(tmp_path / "labelled.jsonl", require_stance=True)] == ["favor", "none", "against"]
