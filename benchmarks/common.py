"""Helpers shared by the benchmark scripts: timing, shared-data lookup, JSON output."""
from __future__ import annotations

import json
import os
from pathlib import Path

from actorstance.data.shared import shared_path


def shared_dataset(folder: str) -> Path | None:
    """The folder of a shared public dataset, or None (the benchmark then says so and skips)."""
    return shared_path("datasets", folder)


def write_bench_json(figures: dict) -> None:
    target = os.environ.get("BENCH_JSON")
    if target:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {target}")


def table(rows: list[tuple], header: tuple) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    fmt = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    return "\n".join([fmt.format(*header), fmt.format(*("-" * w for w in widths))] + [fmt.format(*r) for r in rows])
