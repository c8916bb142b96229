"""What the CLI, the demo and the benchmarks share for talking to a terminal: quiet loaders and
the summary table. Library modules import this, never `actorstance.cli`."""
from __future__ import annotations

import os


def quiet_libraries(import_transformers: bool = True) -> None:
    """Keep transformers' load reports and download bars out of the user's terminal."""
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if not import_transformers:
        return
    from transformers.utils import logging as hf_logging
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def summary_table(summary: dict[str, dict[str, float]]) -> str:
    """Macro-F1, F_avg and accuracy of each system (the model and its baselines), one line each."""
    lines = [f"{'system':<14} {'macro-F1':>9} {'F_avg':>7} {'accuracy':>9}"]
    for name, m in summary.items():
        lines.append(f"{name:<14} {m['macro_f1']:>9.3f} {m['f_avg']:>7.3f} {m['accuracy']:>9.3f}")
    return "\n".join(lines)
