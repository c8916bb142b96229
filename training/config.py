"""TrainConfig: every knob of a fine-tuning run, as one typed dataclass (the CLI builds the same)."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from actorstance.errors import ConfigError
from actorstance.model.template import check_first_segment

PRECISIONS = ("auto", "fp32", "bf16", "fp16")


@dataclass
class TrainConfig:
    """Defaults suit a few hundred to a few thousand rows on a laptop CPU.

    base_model: a named backbone, `minilm` (all-MiniLM-L6-v2, the default; None means it) or
        `mpnet` (all-mpnet-base-v2, the `mpnet` extra), or a Hugging Face encoder (local folder, or
        hub name where a hub is reachable); `actorstance backbones` lists the names. An
        actorstance model folder (it has actorstance.json) is continued: its head, labels and
        template are kept and fine-tuned on the new rows (its head then learns at the body's rate).
    precision: "auto" uses bf16 (or fp16) autocast on a CUDA GPU and fp32 elsewhere.
    early_stopping_patience: epochs without a dev gain before stopping (with dev rows).
    selection_metric: the dev score that picks the best epoch: "macro_f1" (three labels) or
        "f_avg" (mean F1 of favor and against, SemEval-2016's metric).
    checkpoint_dir: where the Trainer keeps checkpoints (the newest one); None uses a temporary
        folder, gone when training ends.
    save_steps: checkpoint every N optimiser steps; None checkpoints once per epoch.
    resume: continue from the newest checkpoint in `checkpoint_dir`, if there is one.
    negative_share: share of rows that spawn a swapped-issue or swapped-actor `none` copy
        (training/augment.py); 0 turns it off.
    mention_dropout: share of rows trained without their mention brackets.
    head_lr_scale: the classification head and pooler learn this many times faster than the
        encoder (they start untrained; the encoder only needs adjusting).
    first_segment: how actor and issue are written as the input's first segment ({actor} and
        {issue} are filled in); saved with the model, so prediction reads rows the same way. None:
        "{actor} | {issue}", or the continued model's own template.
    replay_share: mix in this share of shipped training rows (the packaged datasets), relative to
        the new rows' count (0.5: half as many), sampled with the seed, so that fine-tuning on a
        new domain does not forget the old ones. 0 mixes in none.
    max_steps: stop after this many optimiser steps (overrides epochs; for benchmarks and smoke runs).
    flip_share: share of the rows whose issue has an opposite that also train as the flipped copy
        (opposite issue, favor <-> against; training/opposites.py); 0 turns it off.
    opposites: a JSON file {issue: opposite} for the user's own issues, added to the shipped pairs.
    teacher_probs: a teacher's probabilities file (training/distill.py) to distill from: rows it
        scored learn its softened distribution beside their gold label, and the unlabelled
        transfer rows of the training stories join the training rows. None: gold labels only.
    temperature, distill_alpha: the softening T and the share of the loss on the teacher's
        distribution (the rest on the gold label) for rows that have both.
    """

    base_model: str | None = None
    epochs: float = 5.0
    batch_size: int = 16
    learning_rate: float = 1e-4
    head_lr_scale: float = 20.0
    max_length: int = 128
    seed: int = 42
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    class_weighted_loss: bool = False
    early_stopping_patience: int = 2
    selection_metric: str = "macro_f1"
    group_by_length: bool = True
    negative_share: float = 0.5
    mention_dropout: float = 0.15
    device: str = "auto"
    precision: str = "auto"
    checkpoint_dir: str | None = None
    save_steps: int | None = None
    resume: bool = False
    first_segment: str | None = None
    max_steps: int | None = None
    flip_share: float = 0.0
    opposites: str | None = None
    show_progress: bool = True
    replay_share: float = 0.0
    teacher_probs: str | None = None
    temperature: float = 2.0
    distill_alpha: float = 0.5

    def __post_init__(self) -> None:
        if self.epochs <= 0:
            raise ConfigError(f"epochs must be positive, got {self.epochs}")
        if self.batch_size < 1:
            raise ConfigError(f"batch size must be at least 1, got {self.batch_size}")
        if not 0 < self.learning_rate < 1:
            raise ConfigError(f"learning rate must be between 0 and 1, got {self.learning_rate}")
        if not 8 <= self.max_length <= 8192:
            raise ConfigError(f"max length must be between 8 and 8192 tokens, got {self.max_length}")
        if not (0 <= self.negative_share <= 1 and 0 <= self.mention_dropout <= 1 and 0 <= self.flip_share <= 1):
            raise ConfigError("negative_share, mention_dropout and flip_share must be between 0 and 1")
        if self.opposites and self.flip_share == 0:
            raise ConfigError("an opposites file is used only with a flip share above 0 (--flip-share 0.5, say)")
        if self.head_lr_scale <= 0:
            raise ConfigError(f"head_lr_scale must be positive, got {self.head_lr_scale}")
        if self.resume and not self.checkpoint_dir:
            raise ConfigError("resume needs a checkpoint_dir to resume from")
        if self.selection_metric not in ("macro_f1", "f_avg"):
            raise ConfigError(f"selection_metric must be macro_f1 or f_avg, got {self.selection_metric}")
        if self.first_segment is not None:
            check_first_segment(self.first_segment)
        if self.base_model is not None and not str(self.base_model).strip():
            raise ConfigError("base_model is empty; give minilm, mpnet, a model folder or a hub name (None: minilm)")
        if not 0 <= self.replay_share <= 100:
            raise ConfigError(f"replay share must be between 0 and 100 (times the new rows), got {self.replay_share}")
        if self.temperature <= 0:
            raise ConfigError(f"temperature must be positive, got {self.temperature}")
        if not 0 <= self.distill_alpha <= 1:
            raise ConfigError(f"distill alpha must be between 0 and 1, got {self.distill_alpha}")
        if self.precision not in PRECISIONS:
            raise ConfigError(f"precision must be one of {', '.join(PRECISIONS)}, got {self.precision}")

    def to_dict(self) -> dict:
        return asdict(self)
