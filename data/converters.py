"""Convert the public stance datasets (their uniform JSONL releases, as in shared/datasets) into
`StanceExample` rows, so they can be trained on, evaluated against and benchmarked.

Each format says who the actor is where the data has none (the anonymous tweeter, the outlet, the
commenter) and which field groups rows into documents, so grouped splits stay honest.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from actorstance.errors import InputError

from .readers import read_records, resolve_path
from .schema import LABELS, StanceExample


URL = re.compile(r"https?://\S+|www\.\S+")
HANDLE = re.compile(r"(?<!\w)@\w+")
HASHTAG = re.compile(r"#(\w+)")
CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])")


def normalise_tweet(text: str) -> str:
    """Tweets as the rest of the project reads text: user handles as "@user", links as "http"
    (TweetEval's convention), hashtags as words ("#StopHillary" -> "Stop Hillary")."""
    text = URL.sub("http", text)
    text = HANDLE.sub("@user", text)
    text = HASHTAG.sub(lambda m: CAMEL.sub(" ", m.group(1)), text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class DatasetFormat:
    name: str
    file_name: str
    default_actor: str | None
    doc_field: str | None
    source: str
    clean_text: Callable[[str], str] = str.strip


FORMATS: dict[str, DatasetFormat] = {f.name: f for f in (
    DatasetFormat("semeval2016", "semeval2016_task6.jsonl", "the author", None, "SemEval-2016 Task 6", normalise_tweet),
    DatasetFormat("emergent", "emergent.jsonl", "the article", "claim_id", "Emergent (Ferreira and Vlachos 2016)"),
    DatasetFormat("vast", "vast_partial.jsonl", "the commenter", None, "VAST (Allaway and McKeown 2020)"),
    DatasetFormat("debatenet", "debatenet_mig15.jsonl", None, "doc_id", "DEbateNet-mig15 (Lapesa et al. 2020)"),
    DatasetFormat("dna", "dna_sample.jsonl", None, "document_id", "Discourse Network Analyzer sample"),
)}


def source_file(fmt: DatasetFormat, src: str | Path) -> Path:
    """The dataset's JSONL: `src` itself, or `src/<file_name>` when `src` is its folder."""
    path = Path(src)
    if path.is_dir():
        path = path / fmt.file_name
    return resolve_path(path)


def convert(format_name: str, src: str | Path, split: str | None = None) -> list[StanceExample]:
    """Rows of one public dataset, optionally only one split (e.g. "train", "test")."""
    try:
        fmt = FORMATS[format_name]
    except KeyError:
        raise InputError(src, f"unknown format '{format_name}' (choose one of: {', '.join(FORMATS)})") from None
    path = source_file(fmt, src)
    rows: list[StanceExample] = []
    splits_seen: set[str] = set()
    for record in read_records(path):
        fields, number = record.fields, record.line
        for name in ("text", "target", "stance"):
            if not str(fields.get(name) or "").strip():
                raise InputError(path, f"missing required field for the {fmt.name} format", line=number, field=name)
        if fields["stance"] not in LABELS:
            raise InputError(path, f"unknown stance '{fields['stance']}'", line=number, field="stance")
        splits_seen.add(str(fields.get("split")))
        if split is not None and fields.get("split") != split:
            continue
        actor = fields.get("actor") or fmt.default_actor
        if not actor:
            raise InputError(path, f"the {fmt.name} format needs an actor on every row", line=number, field="actor")
        doc = fields.get(fmt.doc_field) if fmt.doc_field else None
        rows.append(StanceExample(
            text=fmt.clean_text(fields["text"]), actor=actor, issue=fields["target"], stance=fields["stance"],
            doc_id=str(doc) if doc is not None else None, id=str(fields.get("id") or f"{fmt.name}-{number}"),
            source=fmt.source))
    if split is not None and not rows:
        raise InputError(path, f"no rows in split '{split}' (splits here: {', '.join(sorted(splits_seen))})")
    return rows
