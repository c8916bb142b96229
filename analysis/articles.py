"""Articles in, sentences out: read plain-text, JSONL or CSV articles and split them with pysbd,
keeping each sentence's previous sentence as its context."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from actorstance.errors import InputError

from actorstance.data.readers import file_format, read_records, read_text

TEXT_SUFFIXES = {".txt", ".text", ".md"}


@dataclass(frozen=True)
class Article:
    doc_id: str
    text: str
    source: str | None = None


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    index: int
    text: str
    context: str


def read_articles(paths: Iterable[str | Path]) -> list[Article]:
    """A .txt file is one article (its name is the doc_id); a JSONL/CSV file holds one article
    per row in a `text` field, with `doc_id` or `id` and optionally `title` or `source`."""
    articles: list[Article] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            raise InputError(path, "is a directory; pass the article files (e.g. articles/*.txt)")
        if not path.is_file():
            raise InputError(path, "no such file")
        if path.suffix.lower() in TEXT_SUFFIXES:
            text = read_text(path)
            if not text.strip():
                raise InputError(path, "the article is empty")
            articles.append(Article(path.stem, text, path.name))
            continue
        file_format(path)
        for record in read_records(path):
            fields = record.fields
            text = fields.get("text")
            if not isinstance(text, str) or not text.strip():
                raise InputError(path, "missing or empty article text", line=record.line, field="text")
            doc_id = fields.get("doc_id") or fields.get("id") or f"{path.stem}-{record.line}"
            articles.append(Article(str(doc_id), text, fields.get("title") or fields.get("source")))
    seen: set[str] = set()
    for article in articles:
        if article.doc_id in seen:
            raise InputError(article.source or article.doc_id, f"two articles share the doc_id '{article.doc_id}'")
        seen.add(article.doc_id)
    return articles


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def segment(article: Article, language: str = "en") -> list[Sentence]:
    """Sentences of an article: paragraphs (blank-line separated) split by pysbd, whitespace
    normalised, each with the sentence before it (within the article) as context."""
    import pysbd

    segmenter = pysbd.Segmenter(language=language, clean=False, char_span=False)
    texts: list[str] = []
    for paragraph in re.split(r"\n\s*\n", article.text):
        paragraph = normalise_space(paragraph)
        if paragraph:
            texts += [s.strip() for s in segmenter.segment(paragraph) if s.strip()]
    return [Sentence(article.doc_id, i, text, texts[i - 1] if i else "") for i, text in enumerate(texts)]


def articles_from_rows(rows) -> list[Article]:
    """Articles rebuilt from labelled rows (each doc's distinct sentences, in id order), for when
    the raw articles are not at hand."""
    def position(row) -> int:
        tail = (row.id or "").rsplit("-", 1)[-1]
        return int(tail) if tail.isdigit() else 0
    docs: dict[str, list[str]] = {}
    for row in sorted(rows, key=position):
        docs.setdefault(row.doc_id or "doc", []).append(row.text)
    return [Article(doc, " ".join(dict.fromkeys(texts)), doc) for doc, texts in sorted(docs.items())]


def seed_articles(rows) -> list[Article]:
    """The project's two seed articles: raw from shared/seeds where present, else rebuilt."""
    from actorstance.data.shared import shared_path
    folder = shared_path("seeds")
    return read_articles(sorted(folder.glob("*.txt"))) if folder else articles_from_rows(rows)
