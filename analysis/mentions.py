"""Find actors in sentences: an alias table (names, metonyms, titles) mapped to canonical actors
per GUIDELINE.md, plus subject pronouns resolved to the last person named in the sentence before.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Sequence

from actorstance.errors import InputError

from .articles import Sentence

PRONOUN = re.compile(r"(?:^|(?<=[\s\"“]))(He|She|he|she)(?=\s)")


@dataclass(frozen=True)
class Mention:
    actor: str
    text: str
    start: int
    kind: str  # "name", "title" or "pronoun"


@dataclass
class AliasTable:
    """canonical actor -> {"type", "names", "titles"}. Titles ("the French President") count only
    in an article that also names the actor."""

    actors: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def default(cls) -> "AliasTable":
        path = resources.files("actorstance.data") / "resources" / "actors.json"
        return cls(json.loads(path.read_text(encoding="utf-8"))["actors"])

    @classmethod
    def load(cls, extra: str | Path | None = None) -> "AliasTable":
        """The shipped table, extended (entries replaced by name) with a user's JSON file."""
        table = cls.default()
        if extra is not None:
            table.actors.update(read_alias_file(Path(extra)))
        return table

    def type_of(self, actor: str) -> str:
        return self.actors.get(actor, {}).get("type", "unknown")

    def patterns(self, kind: str) -> list[tuple[re.Pattern, str]]:
        """Longest aliases first so "European Commission President" beats "European Commission"."""
        pairs = [(alias, actor) for actor, entry in self.actors.items() for alias in entry.get(kind, [])]
        pairs.sort(key=lambda p: -len(p[0]))
        compiled = []
        for alias, actor in pairs:
            flags = 0 if (kind == "names" and " " not in alias) else re.IGNORECASE
            compiled.append((re.compile(rf"(?<!\w){re.escape(alias)}(?!\w)", flags), actor))
        return compiled


def read_alias_file(path: Path) -> dict[str, dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(path, "no such alias file") from None
    except json.JSONDecodeError as exc:
        raise InputError(path, f"broken JSON ({exc.msg})", line=exc.lineno) from None
    actors = data.get("actors", data) if isinstance(data, dict) else None
    if not isinstance(actors, dict):
        raise InputError(path, 'expected {"actors": {"Canonical Name": {"type": ..., "names": [...]}}}')
    for name, entry in actors.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("names", []), list) or not entry.get("names"):
            raise InputError(path, f"actor '{name}' needs a non-empty list of names", field="names")
    return actors


def _scan(text: str, patterns: list[tuple[re.Pattern, str, str]]) -> list[Mention]:
    """Non-overlapping matches, longest alias first, in text order."""
    taken: list[tuple[int, int]] = []
    found = []
    for pattern, actor, kind in patterns:
        for match in pattern.finditer(text):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            taken.append(span)
            found.append(Mention(actor, match.group(0), span[0], kind))
    return sorted(found, key=lambda m: m.start)


def find_mentions(sentences: Sequence[Sentence], table: AliasTable) -> list[list[Mention]]:
    """Per sentence, the actors it mentions (first mention of each actor, in text order).

    Titles count only for actors the article names somewhere. A subject pronoun ("He said")
    that comes before any named person resolves to the last person of the previous sentence.
    """
    names = [(p, a, "name") for p, a in table.patterns("names")]
    named_in_article = {m.actor for s in sentences for m in _scan(s.text, names)}
    titles = [(p, a, "title") for p, a in table.patterns("titles") if a in named_in_article]
    patterns = sorted(names + titles, key=lambda t: -len(t[0].pattern))
    result: list[list[Mention]] = []
    last_person: str | None = None
    for sentence in sentences:
        found = _scan(sentence.text, patterns)
        people = [m for m in found if table.type_of(m.actor) == "person"]
        pronoun = PRONOUN.search(sentence.text)
        if pronoun and last_person and (not people or pronoun.start(1) < people[0].start):
            resolved = Mention(last_person, pronoun.group(1), pronoun.start(1), "pronoun")
            found = sorted(found + [resolved], key=lambda m: m.start)
            people = [resolved] + people
        unique: dict[str, Mention] = {}
        for m in found:
            unique.setdefault(m.actor, m)
        result.append(list(unique.values()))
        last_person = people[-1].actor if people else (last_person if pronoun else None)
    return result


def positional_id(sentence: Sentence, k: int, actor: str, j: int, issue: str) -> str:
    """`<doc_id>-s<sentence>-a<actor's place in it>-i<issue's place in the list>`: `analyze`'s row id."""
    return f"{sentence.doc_id}-s{sentence.index}-a{k}-i{j}"


def mention_rows(sentences: Sequence[Sentence], mentions: Sequence[Sequence[Mention]], issues: Iterable[str],
                 source: str | None = None, row_id: Callable[[Sentence, int, str, int, str], str] = positional_id):
    """Every (sentence, actor) crossed with every issue, as unlabelled `StanceExample` rows.
    `row_id(sentence, k, actor, j, issue)` names each row (k: the actor's place among the
    sentence's mentions, j: the issue's place in `issues`)."""
    from actorstance.data.schema import StanceExample
    issues = list(issues)
    rows = []
    for sentence, found in zip(sentences, mentions):
        for k, mention in enumerate(found):
            for j, issue in enumerate(issues):
                rows.append(StanceExample(
                    text=sentence.text, actor=mention.actor, issue=issue, context=sentence.context,
                    mention=mention.text, doc_id=sentence.doc_id, id=row_id(sentence, k, mention.actor, j, issue),
                    source=source))
    return rows
