"""How a row becomes the transformer's input pair. Stored in `actorstance.json`, so a saved model
always reads rows the way it was trained to."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from actorstance.data.schema import StanceExample
from actorstance.errors import ConfigError


def check_first_segment(first: str) -> None:
    """A first segment `pair` can fill: it names {actor} and {issue}, and no other field."""
    if "{actor}" not in first or "{issue}" not in first:
        raise ConfigError(f"the template '{first}' must contain {{actor}} and {{issue}}")
    try:
        first.format(actor="", issue="")
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(f"the template '{first}' has a field other than {{actor}} and {{issue}} ({exc})") from None


@dataclass(frozen=True)
class InputTemplate:
    """First segment: who and what ("Emmanuel Macron | regime change in Russia").
    Second segment: the sentence with the actor's mention bracketed, then its context.

    The sentence comes before the context so that truncation, which cuts the end of the second
    segment, drops context before it drops any of the sentence.
    """

    first: str = "{actor} | {issue}"
    mention_marker: str = "[{mention}]"
    context_separator: str = " | "
    version: int = 1

    def pair(self, row: StanceExample) -> tuple[str, str]:
        first = self.first.format(actor=row.actor, issue=row.issue)
        text, context = row.text, row.context or ""
        if row.mention:
            marked = self.mention_marker.format(mention=row.mention)
            if row.mention in text:
                text = text.replace(row.mention, marked, 1)
            elif row.mention in context:
                context = context.replace(row.mention, marked, 1)
        second = text + (self.context_separator + context if context.strip() else "")
        return first, second

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "InputTemplate":
        return cls(**data)
