"""fine_tune: labelled rows in, a trained StanceClassifier out, on the transformers Trainer."""
from __future__ import annotations

import dataclasses
import json
import os
import random
import tempfile
from collections import Counter
from typing import Sequence

import torch
from datasets import Dataset
from transformers import EarlyStoppingCallback, PrinterCallback, Trainer, TrainingArguments, set_seed

from actorstance.data.schema import LABELS, StanceExample, labels_of
from actorstance.errors import ConfigError, InputError
from actorstance.eval.metrics import f_avg, macro_f1
from actorstance.model.classifier import StanceClassifier
from actorstance.model.folder import is_model_folder, read_metadata
from actorstance.model.template import InputTemplate

from .augment import augment
from .config import TrainConfig
from .distill import TeacherProbs, soften, teacher_file
from .opposites import load_opposites

LABEL_ID = {label: i for i, label in enumerate(LABELS)}


def to_dataset(model: StanceClassifier, rows: Sequence[StanceExample], teacher: TeacherProbs | None = None,
               temperature: float = 1.0) -> Dataset:
    """Tokenised rows with integer labels, in `LABELS` order (never alphabetical). With a teacher,
    each label is (the teacher's softened probabilities or zeros, the gold label's index or -1)."""
    encoded = model.encode(rows)
    if teacher is None:
        encoded["labels"] = [LABEL_ID[r.stance] for r in rows]
    else:
        encoded["labels"] = [soft_label(r, teacher, temperature) for r in rows]
    return Dataset.from_dict(encoded)


def soft_label(row: StanceExample, teacher: TeacherProbs, temperature: float) -> list[float]:
    probs = teacher.get(row)
    soft = soften(probs, temperature).tolist() if probs is not None else [0.0] * len(LABELS)
    return soft + [float(LABEL_ID[row.stance]) if row.stance else -1.0]


def distillation_loss(temperature: float, alpha: float):
    """Per row: alpha x T^2 x KL(teacher_T || student_T) + (1 - alpha) x cross-entropy where the
    row has both, the KL alone on a transfer row (no gold), the cross-entropy alone where the
    teacher never scored the row; the batch mean. Integer labels (dev rows): cross-entropy."""
    def compute_loss(outputs, labels, num_items_in_batch=None):
        logits = (outputs["logits"] if isinstance(outputs, dict) else outputs[0]).float()
        if labels.dim() == 1:
            return torch.nn.functional.cross_entropy(logits, labels.long())
        teacher, gold = labels[:, :-1].float(), labels[:, -1].long()
        has_teacher, has_gold = teacher.sum(dim=1) > 0, gold >= 0
        cross_entropy = torch.nn.functional.cross_entropy(logits, gold.clamp(min=0), reduction="none")
        student = torch.nn.functional.log_softmax(logits / temperature, dim=-1)
        kl = (teacher * (teacher.clamp_min(1e-8).log() - student)).sum(dim=-1) * temperature ** 2
        both = alpha * kl + (1 - alpha) * cross_entropy
        per_row = torch.where(has_teacher, torch.where(has_gold, both, kl), cross_entropy)
        return per_row.mean()
    return compute_loss


def class_weights(rows: Sequence[StanceExample]) -> torch.Tensor:
    """Inverse-frequency weights over the labels present, scaled to mean exactly 1 (so the loss
    keeps its scale); a label absent from training gets weight 1."""
    counts = Counter(r.stance for r in rows)
    present = [label for label in LABELS if counts[label]]
    inverse = {label: 1.0 / counts[label] for label in present}
    scale = len(present) / sum(inverse.values())
    return torch.tensor([inverse[label] * scale if label in inverse else 1.0 for label in LABELS], dtype=torch.float32)


def weighted_loss(weights: torch.Tensor):
    def compute_loss(outputs, labels, num_items_in_batch=None):
        logits = outputs["logits"] if isinstance(outputs, dict) else outputs[0]
        loss = torch.nn.functional.cross_entropy(logits.float(), labels, weight=weights.to(logits.device), reduction="sum")
        denominator = weights.to(logits.device)[labels].sum()
        return loss / denominator
    return compute_loss


def loss_function(config: TrainConfig, augmented: Sequence[StanceExample], teacher: TeacherProbs | None):
    """The Trainer's own cross-entropy (None), class-weighted, or with a teacher the distillation loss."""
    if teacher is not None:
        if config.class_weighted_loss:
            raise ConfigError("class-weighted loss and a teacher cannot be combined yet; leave out one of them")
        return distillation_loss(config.temperature, config.distill_alpha)
    return weighted_loss(class_weights(augmented)) if config.class_weighted_loss else None


def is_head_parameter(name: str, base_prefix: str) -> bool:
    """The layers a fresh classifier starts from scratch or from unused weights: the classification
    head and the backbone's pooler (all-MiniLM-L6-v2 was trained through mean pooling, so its
    [CLS] pooler was never tuned)."""
    return not name.startswith(f"{base_prefix}.") or ".pooler." in name


class StanceTrainer(Trainer):
    """The Trainer with one change: the head learns `head_lr_scale` times faster than the body."""

    def __init__(self, *args, head_lr_scale: float = 1.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.head_lr_scale = head_lr_scale

    def create_optimizer(self, model=None):
        if self.optimizer is not None or self.head_lr_scale == 1.0:
            return super().create_optimizer(model)  # already built (and split), or nothing to split
        optimizer = super().create_optimizer(model)
        model = self.model if model is None else model
        head = {id(p) for n, p in model.named_parameters() if is_head_parameter(n, model.base_model_prefix)}
        groups = [{**group, "params": params, "lr": group["lr"] * (self.head_lr_scale if in_head else 1.0)}
                  for group in optimizer.param_groups for in_head in (False, True)
                  if (params := [p for p in group["params"] if (id(p) in head) == in_head])]
        optimizer.param_groups.clear()
        for group in groups:
            optimizer.add_param_group(group)
        return optimizer


def compute_metrics(eval_prediction) -> dict[str, float]:
    logits, labels = eval_prediction.predictions, eval_prediction.label_ids
    predicted = labels_of(logits)
    gold = [LABELS[i] for i in labels]
    return {"macro_f1": macro_f1(gold, predicted), "f_avg": f_avg(gold, predicted)}


def precision_flags(config: TrainConfig, device: torch.device) -> dict[str, bool]:
    """bf16 where the GPU supports it, else fp16 on CUDA; fp32 on CPU and MPS unless asked."""
    if config.precision == "fp32" or device.type != "cuda":
        return {}
    if config.precision == "bf16" or (config.precision == "auto" and torch.cuda.is_bf16_supported()):
        return {"bf16": True}
    return {"fp16": True}


def is_main_process() -> bool:
    """True outside distributed runs, and on rank 0 of a `torchrun` / `accelerate launch` job."""
    return int(os.environ.get("RANK", "0")) == 0


def schedule(config: TrainConfig, evaluating: bool) -> dict:
    """When to checkpoint and evaluate: every epoch, or every `save_steps` steps (both, so the
    best checkpoint can be kept)."""
    if config.save_steps:
        steps = {"save_strategy": "steps", "save_steps": config.save_steps}
        return {**steps, "eval_strategy": "steps", "eval_steps": config.save_steps} if evaluating else {**steps, "eval_strategy": "no"}
    return {"save_strategy": "epoch", "eval_strategy": "epoch" if evaluating else "no"}


def last_complete_checkpoint(folder: str | None) -> str | None:
    """The newest checkpoint whose save finished. The Trainer writes `trainer_state.json` last,
    so a run killed in the middle of a save leaves a folder without a readable one; skip it."""
    if not folder or not os.path.isdir(folder):
        return None
    steps = sorted((int(name.rsplit("-", 1)[1]), name) for name in os.listdir(folder)
                   if name.startswith("checkpoint-") and name.rsplit("-", 1)[1].isdigit())
    for _, name in reversed(steps):
        state = os.path.join(folder, name, "trainer_state.json")
        try:
            with open(state, encoding="utf-8") as handle:
                json.load(handle)
        except (OSError, ValueError):
            continue
        return os.path.join(folder, name)
    return None


def check_rows(rows: Sequence[StanceExample], what: str) -> None:
    if not rows:
        raise InputError(what, "no rows")
    for i, row in enumerate(rows, 1):
        if row.stance not in LABELS:
            raise InputError(what, f"row {i} ({row.id or row.text[:40]!r}) has stance {row.stance!r}; "
                             f"training needs one of {', '.join(LABELS)}", field="stance")


def is_continued(config: TrainConfig) -> bool:
    """True when training starts from a saved actorstance model rather than a bare backbone."""
    return config.base_model is not None and is_model_folder(config.base_model)


def check_template_of_base(config: TrainConfig) -> None:
    """A continued model reads rows with its saved template; another one given explicitly is an error."""
    if not is_continued(config) or config.first_segment is None:
        return
    saved = read_metadata(config.base_model)["template"]["first"]
    if config.first_segment != saved:
        raise ConfigError(f"the template '{config.first_segment}' differs from '{saved}', which {config.base_model} "
                          "was trained with; leave the template out to keep the model's own")


def starting_model(config: TrainConfig) -> StanceClassifier:
    """What training starts from: a backbone with a fresh head, or, when `base_model` is an
    actorstance model folder, that model itself (head, labels and template kept). A template given
    explicitly that differs from the saved one is an error: the head learned to read the saved one."""
    if not is_continued(config):
        classifier = StanceClassifier.from_backbone(config.base_model, max_length=config.max_length, device=config.device)
        classifier.template = dataclasses.replace(classifier.template, first=config.first_segment or InputTemplate.first)
        return classifier
    check_template_of_base(config)
    classifier = StanceClassifier.from_pretrained(config.base_model, device=config.device)
    classifier.max_length = config.max_length
    classifier.training_rows = None
    # the saved scores, export details and training record describe the old model, not this one
    classifier.info = {"base_model": classifier.info.get("base_model", "unknown"), "continued_from": str(config.base_model)}
    return classifier


def replay_rows(new_rows: Sequence[StanceExample], share: float, seed: int) -> list[StanceExample]:
    """round(share x len(new_rows)) rows of the shipped labelled datasets, sampled with `seed`;
    a row that repeats a new one (same text, actor and issue) is never drawn."""
    if share <= 0:
        return []
    from actorstance.data.readers import load_many, packaged_datasets
    new = {(r.text, r.actor, r.issue) for r in new_rows}
    pool = [r for r in load_many(packaged_datasets(), require_stance=True) if (r.text, r.actor, r.issue) not in new]
    return random.Random(seed).sample(pool, min(len(pool), round(share * len(new_rows))))


def fine_tune(train_rows: Sequence[StanceExample], config: TrainConfig | None = None,
              eval_rows: Sequence[StanceExample] | None = None) -> StanceClassifier:
    """Fine-tune the backbone, or continue a saved model (`config.base_model` an actorstance
    folder), on labelled rows, mixed with `config.replay_share` of the shipped rows. With
    `eval_rows`, keep the best epoch by dev macro-F1 and stop early. The same seed and data on CPU
    give the same model."""
    config = config or TrainConfig()
    check_rows(train_rows, "training data")
    if eval_rows:
        check_rows(eval_rows, "evaluation data")
    check_template_of_base(config)
    new_rows = list(train_rows)
    replay = replay_rows(new_rows, config.replay_share, config.seed)
    train_rows = new_rows + replay
    opposites = load_opposites(config.opposites) if config.flip_share > 0 else None
    augmented = augment(train_rows, config.negative_share, config.mention_dropout, config.seed, opposites, config.flip_share)
    teacher = TeacherProbs.load(teacher_file(config.teacher_probs)) if config.teacher_probs else None
    transfer = teacher.transfer_for({r.doc_id for r in new_rows if r.doc_id}) if teacher else []
    set_seed(config.seed)
    classifier = starting_model(config)
    head_lr_scale = 1.0 if is_continued(config) else config.head_lr_scale  # a trained head needs no head start
    device = classifier.device
    with tempfile.TemporaryDirectory(prefix="actorstance-ckpt-") as tmp:
        args = TrainingArguments(
            output_dir=config.checkpoint_dir or tmp,
            num_train_epochs=config.epochs,
            max_steps=config.max_steps or -1,
            per_device_train_batch_size=config.batch_size,
            per_device_eval_batch_size=max(32, config.batch_size),
            learning_rate=config.learning_rate,
            weight_decay=config.weight_decay,
            warmup_steps=config.warmup_ratio,
            lr_scheduler_type="linear",
            seed=config.seed,
            data_seed=config.seed,
            save_total_limit=1,
            load_best_model_at_end=bool(eval_rows),
            metric_for_best_model=config.selection_metric if eval_rows else None,
            greater_is_better=True,
            logging_strategy="epoch" if config.show_progress else "no",
            report_to="none",
            use_cpu=device.type == "cpu",
            train_sampling_strategy="group_by_length" if config.group_by_length else "random",
            disable_tqdm=not config.show_progress,
            dataloader_num_workers=0,
            ddp_find_unused_parameters=False,
            optim="adamw_torch_fused" if device.type in ("cpu", "cuda") else "adamw_torch",
            **precision_flags(config, device),
            **schedule(config, bool(eval_rows)),
        )
        trainer = StanceTrainer(
            model=classifier.model,
            head_lr_scale=head_lr_scale,
            args=args,
            train_dataset=to_dataset(classifier, augmented + transfer, teacher, config.temperature),
            eval_dataset=to_dataset(classifier, eval_rows) if eval_rows else None,
            processing_class=classifier.tokenizer,
            compute_metrics=compute_metrics if eval_rows else None,
            compute_loss_func=loss_function(config, augmented, teacher),
            callbacks=[EarlyStoppingCallback(config.early_stopping_patience)] if eval_rows else [],
        )
        if not config.show_progress:
            trainer.remove_callback(PrinterCallback)
        checkpoint = last_complete_checkpoint(args.output_dir) if config.resume else None
        result = trainer.train(resume_from_checkpoint=checkpoint)
        best = trainer.state.best_metric
    classifier.model = trainer.model
    classifier.model.to(device)
    classifier.model.eval()
    classifier.training_rows = list(train_rows)
    classifier.info["training"] = {
        "rows": len(train_rows),
        "new_rows": len(new_rows),
        "replay_rows": len(replay),
        "head_lr_scale": head_lr_scale,
        "rows_with_augmentation": len(augmented),
        "transfer_rows": len(transfer),
        "teacher_scored_rows": sum(teacher.get(r) is not None for r in augmented) if teacher else 0,
        "label_counts": {label: sum(r.stance == label for r in train_rows) for label in LABELS},
        "config": config.to_dict(),
        "train_runtime_s": round(result.metrics.get("train_runtime", 0.0), 2),
        "train_examples_per_s": round(result.metrics.get("train_samples_per_second", 0.0), 2),
        f"best_dev_{config.selection_metric}": best,
        "epochs_run": round(trainer.state.epoch or 0.0, 2),
        "best_checkpoint": os.path.basename(trainer.state.best_model_checkpoint) if trainer.state.best_model_checkpoint else None,
        "resumed_from": os.path.basename(checkpoint) if checkpoint else None,
        "world_size": args.world_size,
    }
    return classifier
