"""Rows out to a labelling tool and labels back in: a spreadsheet (CSV), Label Studio, doccano.

`export_tasks` writes rows to label (the `suggest` output, or any rows file) in the tool's import
shape; `import_labels` reads what the tool exports and returns labelled `StanceExample` rows.
A row still without a label is never dropped silently: it is an error naming the file and the
line (or task) unless `skip_unlabelled`, and then it is counted.

Shapes, as each tool documents them (checked 2025):
- Label Studio, import: a JSON list of tasks `{"data": {...}}`; the labelling config refers to
  data keys as `$key` (labelstud.io/guide/tasks, api.labelstud.io "Import tasks"). Export
  ("JSON"): the same list, each task with `"annotations": [{"result": [{"from_name": ...,
  "to_name": ..., "type": "choices", "value": {"choices": ["favor"]}}], "was_cancelled": false,
  "created_at": ..., "updated_at": ...}]` (labelstud.io/guide/task_format, /guide/export). The
  config shipped in `data/resources/label_studio_config.xml` names its choices "stance".
- doccano (text classification), import: JSONL with a `text` field; every other field is kept as
  the example's metadata. Export ("JSONL"): `{"id": <doccano's id>, "text": ..., **metadata,
  "label": ["favor"]}`, `"label": []` when unlabelled; with collaborative annotation the labels of
  every annotator are merged into the one list (doccano's backend/data_export: models.py
  `ExportedExample.to_dict`, tests/test_task.py `TestExportCategory`). doccano shows `text`, so
  export writes a readable question there and keeps the sentence itself in `sentence`, our row id
  in `row_id` (doccano's own `id` is its database key).
- CSV: the `suggest` output, its `stance` column filled in (any spreadsheet; UTF-8).
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Mapping

from actorstance.errors import ConfigError, InputError

from .readers import Record, RowChecker, iter_records, normalise_stance, read_records, resolve_path
from .schema import LABELS, StanceExample
from .writers import atomic_open, write_records

FORMATS = ("csv", "label-studio", "doccano")
TASK_COLUMNS = ["id", "doc_id", "actor", "issue", "mention", "context", "text", "stance",
                "guess", "p_favor", "p_against", "p_none", "source"]
"""A row to label as a spreadsheet shows it (`suggest` writes these): what a labeller reads, the
empty `stance` to fill in, the model's guess and probabilities as hints."""
HINT_FIELDS = ("guess", "p_favor", "p_against", "p_none")
LABEL_STUDIO_CONFIG = "label_studio_config.xml"
CHOICE_NAME = "stance"  # the <Choices name=...> of the shipped Label Studio config


def detect_format(path: str | Path, fmt: str | None = None) -> str:
    """The tool a file belongs to: `fmt` when given, else by suffix (.csv/.tsv: csv,
    .json: label-studio, .jsonl: doccano)."""
    if fmt:
        if fmt not in FORMATS:
            raise ConfigError(f"unknown labelling format '{fmt}': use one of {', '.join(FORMATS)}")
        return fmt
    suffix = Path(path).suffix.lower()
    by_suffix = {".csv": "csv", ".tsv": "csv", ".json": "label-studio", ".jsonl": "doccano", ".ndjson": "doccano"}
    if suffix not in by_suffix:
        raise ConfigError(f"cannot tell the labelling tool of '{path}' from its suffix: pass --format "
                          f"{'|'.join(FORMATS)}")
    return by_suffix[suffix]


# ---- out: rows to tasks -------------------------------------------------------------------

@dataclass
class TaskExport:
    output: Path
    format: str
    tasks: int
    config: Path | None = None  # Label Studio: the labelling config written beside the tasks


def marked(row: StanceExample) -> tuple[str, str]:
    """The sentence and its context with the actor's mention in [brackets] (where it is found),
    as the model reads them (model/template.py)."""
    text, context = row.text, row.context or ""
    if row.mention:
        if row.mention in text:
            text = text.replace(row.mention, f"[{row.mention}]", 1)
        elif row.mention in context:
            context = context.replace(row.mention, f"[{row.mention}]", 1)
    return text, context


def hints_of(fields: Mapping) -> dict:
    return {k: fields[k] for k in HINT_FIELDS if fields.get(k) not in (None, "")}


def label_studio_task(row: StanceExample, hints: dict) -> dict:
    text, context = marked(row)
    data = {"id": row.id or "", "question": f"{row.actor} on {row.issue}", "context": context, "marked": text,
            "text": row.text, "actor": row.actor, "issue": row.issue, "mention": row.mention or "",
            "doc_id": row.doc_id or "", "source": row.source or "", **hints}
    return {"data": data}


def doccano_task(row: StanceExample, hints: dict) -> dict:
    text, context = marked(row)
    shown = f"{row.actor} on {row.issue}: favor, against or none?\n\n{text}"
    if context.strip():
        shown += f"\n\n(previous sentence) {context}"
    task = {"text": shown, "sentence": row.text, "actor": row.actor, "issue": row.issue, "context": row.context or "",
            "mention": row.mention or "", "doc_id": row.doc_id or "", "row_id": row.id or "", "source": row.source or ""}
    return {**task, **hints}


def csv_task(row: StanceExample, hints: dict) -> dict:
    record = {**row.to_dict(), **hints}
    return {name: record.get(name) for name in TASK_COLUMNS}


def export_tasks(source: str | Path, output: str | Path, fmt: str | None = None) -> TaskExport:
    """Rows of a JSONL/CSV file (the `suggest` output or any rows file) as tasks for a labelling
    tool, written atomically. Label Studio also gets its labelling config beside the tasks
    (`<output stem>.label_config.xml`)."""
    output = Path(output)
    fmt = detect_format(output, fmt)
    path = resolve_path(source)
    checker = RowChecker(path)
    pairs = [(checker.check(record), hints_of(record.fields)) for record in read_records(path)]
    config = None
    if fmt == "label-studio":
        tasks = [label_studio_task(row, hints) for row, hints in pairs]
        with atomic_open(output) as handle:
            json.dump(tasks, handle, ensure_ascii=False, indent=1)
            handle.write("\n")
        config = output.with_name(f"{output.stem}.label_config.xml")
        with resources.as_file(resources.files("actorstance.data") / "resources" / LABEL_STUDIO_CONFIG) as shipped:
            shutil.copyfile(shipped, config)
    elif fmt == "doccano":
        write_records((doccano_task(row, hints) for row, hints in pairs), output)
    else:
        write_records((csv_task(row, hints) for row, hints in pairs), output, columns=TASK_COLUMNS)
    return TaskExport(output, fmt, len(pairs), config)


# ---- in: a tool's export to labelled rows ---------------------------------------------------

@dataclass
class ImportedLabels:
    rows: list[StanceExample]
    format: str
    unlabelled: list[str] = field(default_factory=list)  # where each row still without a label is


def check_label(value: object, label_map: Mapping[str, str], where: str | Path, line: int | None, name: str) -> str:
    stance = normalise_stance(value, label_map)
    if stance not in LABELS:
        hint = "; --label-map pro=favor,con=against renames labels" if not label_map else ""
        raise InputError(where, f"unknown label {value!r} (expected one of: {', '.join(LABELS)}{hint})", line=line,
                         field=name)
    return stance


def unlabelled_error(where: str | Path, count: int, line: int | None, name: str, what: str) -> InputError:
    more = f" ({count - 1} more {what}{'s' if count > 2 else ''} like it)" if count > 1 else ""
    return InputError(where, f"no label yet{more}; label it, or pass --skip-unlabelled to leave such {what}s out "
                             "(they are counted)", line=line, field=name)


def import_csv(path: Path, label_map: Mapping[str, str]) -> tuple[list[StanceExample], list[tuple[str, int]]]:
    checker = RowChecker(path, label_map=label_map)
    rows, missing = [], []
    for record in iter_records(path):
        row = checker.check(record)
        if row.stance is None:
            missing.append((f"line {record.line}", record.line))
        else:
            rows.append(row)
    return rows, missing


def import_doccano(path: Path, label_map: Mapping[str, str]) -> tuple[list[StanceExample], list[tuple[str, int]]]:
    checker = RowChecker(path, label_map=label_map)
    rows, missing = [], []
    for record in iter_records(path):
        if record.error:
            raise record.error
        fields, line = record.fields, record.line
        labels = fields.get("label", fields.get("labels"))
        if labels is None:
            raise InputError(path, "missing field (a doccano text classification export has a label list)",
                             line=line, field="label")
        if isinstance(labels, str):
            labels = [labels] if labels.strip() else []
        if not isinstance(labels, list):
            raise InputError(path, f"expected a list of labels, got {type(labels).__name__}", line=line, field="label")
        stances = sorted({check_label(value, label_map, path, line, "label") for value in labels})
        if len(stances) > 1:
            raise InputError(path, f"several labels {stances}: annotators disagree or more than one was chosen; "
                                   "keep one", line=line, field="label")
        mapped = {"text": fields.get("sentence", fields.get("text")), "actor": fields.get("actor"),
                  "issue": fields.get("issue"), "stance": stances[0] if stances else None,
                  **{k: fields.get(k) for k in ("context", "mention", "doc_id", "source")},
                  "id": fields.get("row_id") or None}
        row = checker.check(Record(line, {k: v for k, v in mapped.items() if v is not None}))
        if row.stance is None:
            missing.append((f"line {line}", line))
        else:
            rows.append(row)
    return rows, missing


def latest_choice(task: dict, where: str) -> object | None:
    """The choice of the latest annotation that was not cancelled and has one; None if none has.
    Choices named "stance" (the shipped config) win over other choices in the same annotation."""
    annotations = task.get("annotations") or []
    if not isinstance(annotations, list):
        raise InputError(where, "expected a list", field="annotations")
    usable = [(a.get("updated_at") or a.get("created_at") or "", k, a) for k, a in enumerate(annotations)
              if isinstance(a, dict) and not a.get("was_cancelled")]
    for _, _, annotation in sorted(usable, key=lambda t: (t[0], t[1]), reverse=True):
        results = [r for r in annotation.get("result") or [] if isinstance(r, dict) and r.get("type") == "choices"]
        named = [r for r in results if r.get("from_name") == CHOICE_NAME]
        results = named or results
        if not results:
            continue
        if len({r.get("from_name") for r in results}) > 1:
            raise InputError(where, f"choices from several controls ({', '.join(sorted({str(r.get('from_name')) for r in results}))}) "
                                    f"and none named '{CHOICE_NAME}'", field="annotations")
        choices = (results[0].get("value") or {}).get("choices") or []
        if len(choices) != 1:
            raise InputError(where, f"expected one choice, got {choices}", field="annotations")
        return choices[0]
    return None


def import_label_studio(path: Path, label_map: Mapping[str, str]) -> tuple[list[StanceExample], list[tuple[str, int]]]:
    from .readers import read_text
    try:
        tasks = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(path, f"broken JSON ({exc.msg} at column {exc.colno})", line=exc.lineno) from None
    if not isinstance(tasks, list):
        raise InputError(path, "expected a JSON list of tasks (Label Studio's JSON export)")
    checker = RowChecker(path, label_map=label_map)
    rows, missing = [], []
    for number, task in enumerate(tasks, 1):
        where = f"{path}, task {number}" + (f" (id {task.get('id')})" if isinstance(task, dict) and "id" in task else "")
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise InputError(where, "expected a task object with a data object", field="data")
        choice = latest_choice(task, where)
        stance = check_label(choice, label_map, where, None, "annotations") if choice is not None else None
        data = task["data"]
        fields = {k: data.get(k) for k in ("text", "actor", "issue", "context", "mention", "doc_id", "source", "id")}
        fields = {k: v for k, v in fields.items() if v not in (None, "") or k in ("text", "actor", "issue")}
        fields["stance"] = stance
        try:
            row = checker.check(Record(number, fields))
        except InputError as exc:
            raise InputError(where, exc.reason, field=f"data.{exc.field}" if exc.field else None) from None
        if row.stance is None:
            missing.append((where, number))
        else:
            rows.append(row)
    return rows, missing


def import_labels(source: str | Path, fmt: str | None = None, skip_unlabelled: bool = False,
                  label_map: Mapping[str, str] | None = None) -> ImportedLabels:
    """Labelled rows from a filled-in CSV, a Label Studio JSON export or a doccano JSONL export.

    A row or task without a label is an `InputError` naming the first one (and how many more),
    unless `skip_unlabelled`: then it is left out and listed in `unlabelled`."""
    path = resolve_path(source)
    fmt = detect_format(path, fmt)
    label_map = dict(label_map or {})
    reader = {"csv": import_csv, "doccano": import_doccano, "label-studio": import_label_studio}[fmt]
    rows, missing = reader(path, label_map)
    if missing and not skip_unlabelled:
        where, line = missing[0]
        if fmt == "label-studio":
            raise unlabelled_error(where, len(missing), None, "annotations", "task")
        raise unlabelled_error(path, len(missing), line, "stance" if fmt == "csv" else "label", "row")
    if not rows:
        raise InputError(path, f"no labelled rows ({len(missing)} without a label)" if missing else "the file has no rows")
    return ImportedLabels(rows, fmt, [where for where, _ in missing])
