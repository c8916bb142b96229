"""The `actorstance` command line: thin typer commands over the library functions.

Errors the user can fix print one line (`error: FILE, line N, field 'F': ...`) and exit 1.
Heavy imports (torch, transformers) happen inside commands so `--help` answers at once.
"""
from __future__ import annotations

import contextlib
import functools
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated, Callable, Optional

import typer

from actorstance.console import quiet_libraries, summary_table
from actorstance.errors import ActorstanceError
from actorstance.training.config import TrainConfig

DEFAULTS = TrainConfig()

app = typer.Typer(help="Who takes which side on which issue: train, evaluate and run stance models on news.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)


def user_errors(command: Callable | None = None, *, interrupted: str = "interrupted: nothing was written") -> Callable:
    """Turn an ActorstanceError into one line on stderr and exit code 1; Ctrl-C or SIGTERM into
    the `interrupted` line and exit code 130."""
    def decorate(command: Callable) -> Callable:
        @functools.wraps(command)
        def wrapper(*args, **kwargs):
            try:
                return command(*args, **kwargs)
            except ActorstanceError as exc:
                typer.echo(f"error: {exc}", err=True)
                raise typer.Exit(1) from None
            except KeyboardInterrupt:
                typer.echo(interrupted, err=True)
                raise typer.Exit(130) from None
        return wrapper
    return decorate(command) if command is not None else decorate


@app.callback()
def _terminate_as_interrupt() -> None:
    """SIGTERM (a scheduler stopping the job, `kill`) ends a command as Ctrl-C does: cleanly."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)


# Options shared by `train` and `cross-validate`; defaults come from TrainConfig.
Base = Annotated[Optional[str], typer.Option("--base", help="Backbone: minilm (all-MiniLM-L6-v2, shipped; the default), mpnet (all-mpnet-base-v2, the mpnet extra), a local Hugging Face folder or a hub name (`actorstance backbones` lists them), or an actorstance model folder to continue training (its head, labels and template are kept).")]
Epochs = Annotated[float, typer.Option("--epochs", min=0.01, help="Training epochs.")]
BatchSize = Annotated[int, typer.Option("--batch-size", min=1, help="Training batch size.")]
LearningRate = Annotated[float, typer.Option("--lr", help="Peak learning rate (linear warm-up and decay).")]
Seed = Annotated[int, typer.Option("--seed", help="Random seed; the same seed and data on CPU give the same model.")]
MaxLength = Annotated[int, typer.Option("--max-length", help="Tokens per input pair; longer inputs lose the end of their context.")]
ClassWeights = Annotated[bool, typer.Option("--class-weights/--no-class-weights", help="Weight the loss by inverse label frequency.")]
Template = Annotated[Optional[str], typer.Option("--template", help="The input's first segment; {actor} and {issue} are filled in (saved with the model). Default: \"{actor} | {issue}\", or the --base model's own.")]
Device = Annotated[str, typer.Option("--device", help="auto (CUDA, then MPS, then CPU), cpu, cuda or mps.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")]
FlipShare = Annotated[float, typer.Option("--flip-share", min=0.0, max=1.0, help="Share of rows whose issue has an opposite that also train flipped (opposite issue, favor <-> against). The shipped issues have opposites; yours need --opposites.")]
Opposites = Annotated[Optional[Path], typer.Option("--opposites", help="JSON {issue: opposite} for your own issues (with --flip-share).")]
TeacherFile = Annotated[Optional[str], typer.Option("--teacher-probs", help="A teacher's probabilities (written by `actorstance distill`), `shipped` for the MPNet teacher's on the shipped stories, or `none`: rows it scored also learn its distribution, and the unlabelled rows of the training stories join in. Default: `shipped` when the default MiniLM trains on the shipped data (no DATA), else none.")]
Temperature = Annotated[float, typer.Option("--temperature", min=0.01, help="Softening of the teacher's probabilities (p^(1/T), renormalised).")]
DistillAlpha = Annotated[float, typer.Option("--alpha", min=0.0, max=1.0, help="Share of the loss on the teacher's distribution for rows that also have a gold label.")]


def train_config(base, epochs, batch_size, lr, seed, max_length, class_weights, template, device, quiet,
                 flip_share=0.0, opposites=None, **extra):
    return TrainConfig(base_model=base, epochs=epochs, batch_size=batch_size, learning_rate=lr, seed=seed,
                       max_length=max_length, class_weighted_loss=class_weights, first_segment=template, device=device,
                       show_progress=not quiet, flip_share=flip_share, opposites=str(opposites) if opposites else None,
                       **extra)


SkipInvalid = Annotated[bool, typer.Option("--skip-invalid", help="Skip invalid rows instead of stopping; they are written with their reasons to a rejects file.")]
LabelMap = Annotated[Optional[str], typer.Option("--label-map", help="Rename labels, e.g. pro=favor,con=against,neutral=none.")]


def load_training_data(data: list[str] | None, label_map: str | None = None, rejects=None):
    """Rows from the given files, or every labelled dataset shipped with the package."""
    from actorstance.data.readers import load_many, packaged_datasets, parse_label_map
    sources = data or packaged_datasets()
    return sources, load_many(sources, require_stance=True, label_map=parse_label_map(label_map), rejects=rejects)


def reject_log(skip_invalid: bool, path: Path):
    from actorstance.data.rejects import RejectLog
    return RejectLog(path) if skip_invalid else None


@contextlib.contextmanager
def rejects_kept_on_error(rejects):
    """If reading fails (say, no valid row at all), the error names the rejects file: write it,
    so the file it points to exists and no temporary file is left behind."""
    try:
        yield
    except BaseException:
        if rejects is not None:
            rejects.close()
        raise


def report_rejects(rejects) -> None:
    if rejects is not None:
        rejects.close()
        typer.echo(rejects.summary(), err=True)


@app.command()
@user_errors
def train(
    data: Annotated[Optional[list[str]], typer.Argument(help="Labelled JSONL/CSV files or packaged dataset names. Default: all shipped labelled data.")] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the trained model.")] = ...,
    eval_data: Annotated[Optional[str], typer.Option("--eval", help="Labelled dev data: early stopping on its macro-F1 and a report in OUTPUT/evaluation.")] = None,
    base: Base = None, epochs: Epochs = DEFAULTS.epochs, batch_size: BatchSize = DEFAULTS.batch_size,
    lr: LearningRate = DEFAULTS.learning_rate, seed: Seed = DEFAULTS.seed, max_length: MaxLength = DEFAULTS.max_length,
    class_weights: ClassWeights = DEFAULTS.class_weighted_loss, template: Template = DEFAULTS.first_segment,
    device: Device = "auto", quiet: Quiet = False, skip_invalid: SkipInvalid = False, label_map: LabelMap = None,
    flip_share: FlipShare = DEFAULTS.flip_share, opposites: Opposites = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted run from its last checkpoint in OUTPUT/checkpoints.")] = False,
    save_steps: Annotated[Optional[int], typer.Option("--save-steps", min=1, help="Checkpoint every N optimiser steps (default: every epoch).")] = None,
    keep_training_rows: Annotated[bool, typer.Option("--keep-training-rows", help="Save the training rows in the model folder (then `evaluate` fits its baselines on them without --train). Off by default: a shared model shares no labelled data.")] = False,
    replay: Annotated[float, typer.Option("--replay", min=0.0, help="Mix in shipped labelled rows, this many times the count of DATA's rows (0.5: half as many), sampled with --seed, so that continuing a model (--base) on a new domain does not forget the old ones.")] = DEFAULTS.replay_share,
    teacher_probs: TeacherFile = None, temperature: Temperature = DEFAULTS.temperature,
    alpha: DistillAlpha = DEFAULTS.distill_alpha,
) -> None:
    """Fine-tune a stance model on labelled rows and save it as a Hugging Face folder.

    Runs on several processes or machines when started by `torchrun` or `accelerate launch`
    (the Trainer's distributed data parallel); only the first process writes the model."""
    from actorstance.training.distill import default_teacher
    teacher_probs = default_teacher(bool(data), base) if teacher_probs is None else \
        None if teacher_probs.lower() == "none" else teacher_probs
    config = train_config(base, epochs, batch_size, lr, seed, max_length, class_weights, template, device, quiet,
                          flip_share, opposites, checkpoint_dir=str(output / "checkpoints"), resume=resume,
                          save_steps=save_steps, replay_share=replay,
                          teacher_probs=teacher_probs, temperature=temperature,
                          distill_alpha=alpha)
    rejects = reject_log(skip_invalid, output / "rejected_rows.jsonl")
    with rejects_kept_on_error(rejects):
        sources, rows = load_training_data(data, label_map, rejects)
        eval_rows = None
        if eval_data:
            from actorstance.data.readers import load_examples, parse_label_map
            eval_rows = load_examples(eval_data, require_stance=True, label_map=parse_label_map(label_map), rejects=rejects)
    report_rejects(rejects)
    if teacher_probs:
        from actorstance.training.distill import TeacherProbs, teacher_file
        TeacherProbs.load(teacher_file(teacher_probs))  # a bad file fails here, before any training
    quiet_libraries()
    from actorstance.training.pipeline import train_and_save
    from actorstance.training.trainer import is_main_process
    if is_main_process():
        typer.echo(f"training on {len(rows)} rows from {', '.join(map(str, sources))}", err=True)
        if teacher_probs:
            typer.echo(f"with the teacher's probabilities ({teacher_probs}; --teacher-probs none trains on the labels alone)",
                       err=True)
    try:
        trained = train_and_save(rows, config, output, eval_rows=eval_rows, sources=sources,
                                 keep_training_rows=keep_training_rows, eval_title=f"Evaluation on {eval_data}")
    except KeyboardInterrupt:
        typer.echo(interrupted_training_message(output), err=True)
        raise typer.Exit(130) from None
    if trained.folder is None:
        return
    info = trained.model.info
    speed = info["training"]["train_examples_per_s"]
    typer.echo(f"saved model to {output} ({speed} training examples/s)")
    if info.get("continued_from"):
        typer.echo(f"continued from {info['continued_from']}", err=True)
    if info["training"].get("replay_rows"):
        typer.echo(f"mixed in {info['training']['replay_rows']} shipped rows (replay) with the "
                   f"{info['training']['new_rows']} new ones", err=True)
    if trained.report is not None:
        typer.echo(summary_table(trained.report.summary()))
    if info["training"].get("transfer_rows"):
        typer.echo(f"distilled: {info['training']['teacher_scored_rows']} rows with the teacher's probabilities "
                   f"and {info['training']['transfer_rows']} unlabelled transfer rows", err=True)


@app.command()
@user_errors
def distill(
    teacher: Annotated[Path, typer.Argument(help="The teacher: a model folder made by `actorstance train --base mpnet` (or any larger model).")],
    data: Annotated[Optional[list[str]], typer.Argument(help="Labelled JSONL/CSV files or packaged dataset names (the teacher must not have trained on rows you will evaluate on). Default: all shipped labelled data.")] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the student model.")] = ...,
    probs: Annotated[Optional[Path], typer.Option("--probs", help="Where to write the teacher's probabilities (JSONL). Default: OUTPUT/teacher_probs.jsonl.")] = None,
    probs_only: Annotated[bool, typer.Option("--probs-only", help="Write the teacher's probabilities and stop (train later with `train --teacher-probs`).")] = False,
    base: Base = None, epochs: Epochs = DEFAULTS.epochs, batch_size: BatchSize = DEFAULTS.batch_size,
    lr: LearningRate = DEFAULTS.learning_rate, seed: Seed = DEFAULTS.seed, max_length: MaxLength = DEFAULTS.max_length,
    temperature: Temperature = DEFAULTS.temperature, alpha: DistillAlpha = DEFAULTS.distill_alpha,
    device: Device = "auto", quiet: Quiet = False, label_map: LabelMap = None,
) -> None:
    """Teach the small default model what a larger teacher reads: the teacher scores the labelled
    rows and the unlabelled rows their stories yield (the article path), and a student (MiniLM
    unless --base) learns from its softened probabilities beside the gold labels."""
    probs = probs or output / "teacher_probs.jsonl"
    sources, rows = load_training_data(data, label_map)
    quiet_libraries()
    from actorstance.training.distill import teacher_probabilities
    from actorstance.training.pipeline import train_and_save
    teacher_view = teacher_probabilities(teacher, rows, device=device, show_progress=not quiet)
    teacher_view.save(probs, rows)
    typer.echo(f"teacher scored {len(teacher_view)} rows ({len(teacher_view.transfer)} unlabelled transfer rows "
               f"from {len({r.doc_id for r in rows})} stories) -> {probs}", err=True)
    if probs_only:
        return
    config = train_config(base, epochs, batch_size, lr, seed, max_length, DEFAULTS.class_weighted_loss, None, device,
                          quiet, teacher_probs=str(probs), temperature=temperature, distill_alpha=alpha)
    trained = train_and_save(rows, config, output, sources=[*map(str, sources), f"teacher {teacher}"])
    if trained.folder is not None:
        typer.echo(f"saved the student to {output} ({trained.model.info['training']['train_examples_per_s']} "
                   "training examples/s)")


def interrupted_training_message(output: Path) -> str:
    """What an interrupted `train` kept: the last finished checkpoint, if any, and how to go on."""
    from actorstance.training.trainer import last_complete_checkpoint
    checkpoint = last_complete_checkpoint(str(output / "checkpoints"))
    if checkpoint is None:
        return "interrupted before the first checkpoint: no model was written; run the same command again to start over"
    return (f"interrupted: no model was written, but the checkpoint {checkpoint} was kept; "
            "run the same command with --resume to continue from it")


@app.command()
@user_errors(interrupted="interrupted: the output was not written; run the same command with --resume to continue")
def predict(
    model: Annotated[Path, typer.Argument(help="A model folder made by `actorstance train`.")],
    input: Annotated[Path, typer.Argument(help="Rows to score: JSONL or CSV with text, actor, issue (context and mention optional).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output file (.jsonl or .csv): every input field, plus stance, p_favor, p_against, p_none.")] = ...,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Rows per forward pass.")] = 32,
    device: Device = "auto",
    backend: Annotated[str, typer.Option("--backend", help="auto (ONNX Runtime where the model was exported, else torch), torch or onnx.")] = "auto",
    skip_invalid: SkipInvalid = False,
    rejects: Annotated[Optional[Path], typer.Option("--rejects", help="Where --skip-invalid lists the skipped rows. Default: OUTPUT.rejects.jsonl.")] = None,
    label_map: LabelMap = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted run of the same job from its last checkpoint.")] = False,
    shard: Annotated[Optional[str], typer.Option("--shard", help="I/N: score only the I-th of N parts, contiguous runs of whole --chunk-rows chunks (1-based); the N outputs, concatenated in order, equal one run's output row for row.")] = None,
    chunk_rows: Annotated[int, typer.Option("--chunk-rows", min=1, help="Rows per checkpoint (what --resume can skip) and per shard unit.")] = 1024,
    fast: Annotated[bool, typer.Option("--fast", help="int8 weights, with the close calls scored again in fp32 under the gap `actorstance export --fast` measured (faster; a few labels may differ).")] = False,
    quiet: Quiet = False,
) -> None:
    """Predict the stance of every row; row count and order are kept. An input `stance` column
    (gold labels) is kept as `gold_stance`. The output appears only when complete."""
    from actorstance.model.batch import predict_file
    quiet_libraries(import_transformers=False)
    run = predict_file(model, input, output, batch_size=batch_size, device=device, backend=backend,
                       show_progress=not quiet, skip_invalid=skip_invalid, rejects_path=rejects,
                       label_map=label_map, resume=resume, shard=shard, chunk_rows=chunk_rows, fast=fast)
    for warning in run.warnings:
        typer.echo(f"warning: {warning}", err=True)
    notes = [f"{run.backend} backend", f"{run.rows_per_s:.0f} rows/s"]
    if run.resumed_from:
        notes.append(f"resumed after {run.resumed_from} rows")
    if run.shard != (1, 1):
        notes.append(f"shard {run.shard[0]}/{run.shard[1]} of {run.total_valid} valid rows")
    typer.echo(f"wrote {run.rows} rows to {output} ({', '.join(notes)})")
    if run.rejected:
        typer.echo(f"{run.rejected} invalid rows skipped, listed with their reasons in {rejects or str(output) + '.rejects.jsonl'}", err=True)
    if run.truncated:
        typer.echo(f"warning: {run.truncated} rows were longer than the model's input limit and were truncated "
                   "(context first, then the end of the sentence)", err=True)


@app.command()
@user_errors
def export(
    model: Annotated[Path, typer.Argument(help="A model folder made by `actorstance train`.")],
    fast: Annotated[bool, typer.Option("--fast", help="Also write the int8 model that `predict --fast` uses and measure under which top-two gap its rows are re-scored in fp32.")] = False,
    calibration: Annotated[Optional[str], typer.Option("--calibration", help="Rows to measure on (default: the model's training rows).")] = None,
    target: Annotated[float, typer.Option("--target", min=0.5, max=1.0, help="Share of labels --fast must keep identical to fp32 on the calibration rows.")] = 0.995,
) -> None:
    """Export a model to ONNX (MODEL/model.onnx); `predict` then runs it with ONNX Runtime, without torch."""
    quiet_libraries()
    from actorstance.model.export import export_model
    result = export_model(model, fast=fast, calibration=calibration, target=target)
    typer.echo(f"wrote {result.onnx}; `actorstance predict {model} ...` now uses ONNX Runtime (--backend torch to opt out)")
    if result.fast:
        typer.echo(f"wrote {result.fast}: int8 weights; rows with an int8 top-two gap under {result.rescore_gap:g} "
                   f"({result.rescored:.1%} of {result.calibration_rows} calibration rows) are re-scored in fp32, "
                   f"{result.agreement:.2%} labels identical to fp32 on them; use predict --fast")
        if result.rescore_gap > 1:
            typer.echo(f"warning: only re-scoring every row kept {target:.1%} of the labels, so --fast is slower than "
                       "the default here; a lower --target trades labels for speed", err=True)


@app.command("evaluate")
@user_errors
def evaluate_command(
    model: Annotated[Path, typer.Argument(help="A model folder made by `actorstance train`.")],
    data: Annotated[str, typer.Argument(help="Labelled JSONL/CSV file or packaged dataset name.")],
    report_dir: Annotated[Path, typer.Option("--report", help="Folder for metrics.json, report.md and confusion.png.")] = ...,
    train_data: Annotated[Optional[list[str]], typer.Option("--train", help="Rows to fit the baselines on. Default: the training rows saved with the model (train --keep-training-rows); without either, no baselines.")] = None,
    device: Device = "auto", quiet: Quiet = False, skip_invalid: SkipInvalid = False, label_map: LabelMap = None,
) -> None:
    """Score a model on labelled rows beside majority and TF-IDF baselines."""
    from actorstance.data.readers import load_examples, parse_label_map
    rejects = reject_log(skip_invalid, report_dir / "rejected_rows.jsonl")
    with rejects_kept_on_error(rejects):
        rows = load_examples(data, require_stance=True, label_map=parse_label_map(label_map), rejects=rejects)
        train_rows = load_training_data(train_data, label_map, rejects)[1] if train_data else None
    report_rejects(rejects)
    quiet_libraries()
    from actorstance.eval.report import evaluate
    from actorstance.model.classifier import StanceClassifier
    classifier = StanceClassifier.from_pretrained(model, device=device)
    if train_rows is None and not classifier.training_rows:
        typer.echo("note: no baselines: the model folder keeps no training rows; pass --train DATA (the rows it "
                   "was trained on) to score the majority and TF-IDF baselines beside it", err=True)
    report = evaluate(classifier, rows, train_rows=train_rows, show_progress=not quiet, title=f"Evaluation on {data}")
    report.save(report_dir)
    typer.echo(summary_table(report.summary()))
    typer.echo(f"report written to {report_dir}")


@app.command("cross-validate")
@user_errors
def cross_validate_command(
    data: Annotated[Optional[list[str]], typer.Argument(help="Labelled files or packaged dataset names. Default: all shipped labelled data.")] = None,
    folds: Annotated[int, typer.Option("--folds", min=2, help="Number of folds.")] = 5,
    by: Annotated[str, typer.Option("--by", help="Group rows by doc_id (articles), issue or actor: a group never sits on both sides.")] = "doc_id",
    report_dir: Annotated[Optional[Path], typer.Option("--report", help="Folder for the pooled report and folds.json (the groups each fold held out).")] = None,
    base: Base = None, epochs: Epochs = DEFAULTS.epochs, batch_size: BatchSize = DEFAULTS.batch_size,
    lr: LearningRate = DEFAULTS.learning_rate, seed: Seed = DEFAULTS.seed, max_length: MaxLength = DEFAULTS.max_length,
    class_weights: ClassWeights = DEFAULTS.class_weighted_loss, template: Template = DEFAULTS.first_segment,
    device: Device = "auto", quiet: Quiet = False, flip_share: FlipShare = DEFAULTS.flip_share, opposites: Opposites = None,
) -> None:
    """Grouped K-fold cross-validation of the model and both baselines, pooled out of fold."""
    config = train_config(base, epochs, batch_size, lr, seed, max_length, class_weights, template, device, quiet,
                          flip_share, opposites)
    _, rows = load_training_data(data)
    quiet_libraries()
    from actorstance.training.crossval import cross_validate
    result = cross_validate(rows, config, folds=folds, by=by)
    if report_dir:
        result.save(report_dir)
    typer.echo(f"{folds}-fold cross-validation grouped by {by}, {len(rows)} rows")
    typer.echo(summary_table(result.pooled.summary()))


# Inputs shared by `analyze` and `suggest`: raw articles, the issues to score them on, aliases.
Articles = Annotated[list[Path], typer.Argument(help="Articles: .txt files (one article each), or JSONL/CSV with a text field per article.")]
Issues = Annotated[str, typer.Option("--issues", help="Issues: a .txt file (one per line) or a labelled dataset whose issues to use.")]
Aliases = Annotated[Optional[Path], typer.Option("--aliases", help="JSON alias table extending the shipped one.")]


def read_article_inputs(articles: list[Path], issues: str, aliases: Path | None):
    """The articles, issues and alias table, read (and checked) before any model is loaded."""
    from actorstance.analysis.analyze import read_issues
    from actorstance.analysis.articles import read_articles
    from actorstance.analysis.mentions import AliasTable
    return read_articles(articles), read_issues(issues), AliasTable.load(aliases)


@app.command()
@user_errors
def analyze(
    model: Annotated[Path, typer.Argument(help="A model folder made by `actorstance train`.")],
    articles: Articles, issues: Issues = ...,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for rows.jsonl, stances.csv/json, heatmap.png, network.graphml.")] = ...,
    aliases: Aliases = None,
    min_evidence: Annotated[int, typer.Option("--min-evidence", min=1, help="Positioned rows a cell needs before it is labelled favor or against.")] = 1,
    device: Device = "auto", quiet: Quiet = False,
) -> None:
    """Map who stands where: segment articles, find actors, score them on every issue, aggregate."""
    from actorstance.analysis.aggregate import format_matrix
    from actorstance.analysis.analyze import analyze_articles
    article_list, issue_list, table = read_article_inputs(articles, issues, aliases)
    quiet_libraries()
    from actorstance.model.classifier import StanceClassifier
    classifier = StanceClassifier.from_pretrained(model, device=device)
    result = analyze_articles(classifier, article_list, issue_list, table, min_evidence, show_progress=not quiet)
    result.save(output)
    typer.echo(f"{result.articles} articles, {result.sentences} sentences, {len(result.rows)} scored rows, "
               f"{len(result.cells)} actor-issue pairs")
    if result.cells:
        typer.echo(format_matrix(result.cells))
    typer.echo(f"outputs in {output}")


@app.command()
@user_errors
def backbones() -> None:
    """List the named backbones for --base: size, whether each is installed here, the default."""
    from actorstance.model.backbone import format_backbones, list_backbones
    typer.echo(format_backbones(list_backbones()))


@app.command()
@user_errors
def suggest(
    model: Annotated[Path, typer.Argument(help="A model folder made by `actorstance train`.")],
    articles: Articles, issues: Issues = ...,
    output: Annotated[Path, typer.Option("--output", "-o", help="The rows to label (.csv or .jsonl): id, doc_id, actor, issue, mention, context, text, an empty stance, and the model's guess and p_favor, p_against, p_none as hints.")] = ...,
    n: Annotated[int, typer.Option("--n", min=1, help="How many rows to propose.")] = 200,
    strategy: Annotated[str, typer.Option("--strategy", help="uncertainty (closest calls first), diverse (close calls, spread over sentences, articles, actors and issues, near-duplicate sentences skipped) or random.")] = "uncertainty",
    seed: Annotated[int, typer.Option("--seed", help="Seed of --strategy random.")] = 0,
    exclude: Annotated[Optional[list[Path]], typer.Option("--exclude", help="Rows already labelled (JSONL/CSV; repeatable): a row with the same text, actor and issue is never proposed.")] = None,
    aliases: Aliases = None,
    device: Device = "auto", quiet: Quiet = False,
) -> None:
    """Propose the rows of your own articles most worth labelling next, to fill in and train on."""
    article_list, issue_list, table = read_article_inputs(articles, issues, aliases)
    quiet_libraries()
    from actorstance.analysis.suggest import suggest_rows
    result = suggest_rows(model, article_list, issue_list, output, n=n, strategy=strategy, seed=seed,
                          exclude=exclude or [], aliases=table, device=device, show_progress=not quiet)
    excluded = f", {result.excluded} already labelled left out" if result.excluded else ""
    typer.echo(f"{result.articles} articles, {result.sentences} sentences: scored {result.rows_scored} rows{excluded}")
    relaxed = f" (caps doubled {result.relaxed_rounds}x to find them)" if result.relaxed_rounds else ""
    typer.echo(f"wrote {result.rows_written} rows to label ({result.strategy}){relaxed} to {output}; fill in the "
               f"stance column, then `actorstance data import-labels {output} --output labelled.jsonl`")


@app.command("learning-curve")
@user_errors
def learning_curve_command(
    data: Annotated[list[str], typer.Argument(help="Labelled JSONL/CSV files or packaged dataset names.")],
    sizes: Annotated[str, typer.Option("--sizes", help="Training sizes in rows, comma-separated.")] = "25,50,100,200",
    by: Annotated[str, typer.Option("--by", help="Group rows by doc_id (articles), issue or actor: the test part shares no group with the training rows.")] = "doc_id",
    repeats: Annotated[int, typer.Option("--repeats", min=1, help="Splits (seeds 0, 1, ...); the spread over them shows what is noise.")] = 3,
    test_share: Annotated[float, typer.Option("--test-share", min=0.01, max=0.99, help="Share of the rows held out for scoring.")] = 0.2,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for learning_curve.json and learning_curve.png.")] = Path("learning-curve"),
    base: Base = None, epochs: Epochs = DEFAULTS.epochs, batch_size: BatchSize = DEFAULTS.batch_size,
    lr: LearningRate = DEFAULTS.learning_rate, seed: Seed = DEFAULTS.seed, max_length: MaxLength = DEFAULTS.max_length,
    device: Device = "auto", quiet: Quiet = False, label_map: LabelMap = None,
) -> None:
    """Macro-F1 against the number of labels (model and TF-IDF): would more labels still help?"""
    try:
        size_list = [int(s) for s in sizes.split(",") if s.strip()]
    except ValueError:
        raise typer.BadParameter(f"expected comma-separated row counts, got {sizes!r}", param_hint="--sizes") from None
    config = train_config(base, epochs, batch_size, lr, seed, max_length, DEFAULTS.class_weighted_loss, None, device, quiet)
    _, rows = load_training_data(data, label_map)
    quiet_libraries()
    from actorstance.training.learning_curve import measure_learning_curve
    curve = measure_learning_curve(rows, size_list, config, by=by, repeats=repeats, test_share=test_share, show_progress=not quiet)
    curve.save(output)
    typer.echo(f"{'rows':>6} {'model':>13} {'tfidf':>13}   (macro-F1, mean ± sd over {repeats} repeats)")
    for point in curve.summary():
        typer.echo(f"{point['size']:>6} {point['model']['mean']:>7.3f} ± {point['model']['sd']:.3f} "
                   f"{point['tfidf']['mean']:>7.3f} ± {point['tfidf']['sd']:.3f}")
    if curve.skipped_sizes:
        typer.echo(f"skipped sizes larger than the train part: {', '.join(map(str, curve.skipped_sizes))}", err=True)
    step = curve.last_step()
    if step:
        typer.echo(f"last step {step['from']} -> {step['to']} rows: model gain {step['mean']:+.3f} "
                   f"(sd {step['sd']:.3f}): {step['verdict']}")
    typer.echo(f"learning_curve.json and learning_curve.png in {output}")


data_app = typer.Typer(help="Inspect and convert labelled data; rows out to labelling tools and labels back in.", no_args_is_help=True)
app.add_typer(data_app, name="data")


@data_app.command("convert")
@user_errors
def data_convert(
    src: Annotated[Path, typer.Argument(help="The dataset's uniform JSONL file, or its folder (as in shared/datasets).")],
    format: Annotated[str, typer.Option("--format", "-f", help="semeval2016, emergent, vast, debatenet or dna.")] = ...,
    output: Annotated[Path, typer.Option("--output", "-o", help="Output .jsonl or .csv of actorstance rows.")] = ...,
    split: Annotated[Optional[str], typer.Option("--split", help="Keep one split only (train, dev, test...).")] = None,
) -> None:
    """Convert a public stance dataset into actorstance rows."""
    from actorstance.data.converters import convert
    from actorstance.data.writers import write_examples
    rows = convert(format, src, split=split)
    write_examples(rows, output)
    typer.echo(f"wrote {len(rows)} rows to {output}")


LabelFormat = Annotated[Optional[str], typer.Option("--format", "-f", help="csv (a spreadsheet), label-studio or doccano. Default: by suffix (.csv, .json: Label Studio, .jsonl: doccano).")]


@data_app.command("export-tasks")
@user_errors
def data_export_tasks(
    src: Annotated[Path, typer.Argument(help="Rows to label: the `suggest` output, or any JSONL/CSV rows file.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Tasks file: .json for Label Studio, .jsonl for doccano, .csv for a spreadsheet.")] = ...,
    format: LabelFormat = None,
) -> None:
    """Write rows to label as a labelling tool's tasks (Label Studio also gets its labelling config)."""
    from actorstance.data.label_tools import export_tasks
    result = export_tasks(src, output, format)
    typer.echo(f"wrote {result.tasks} {result.format} tasks to {output}")
    if result.config:
        typer.echo(f"labelling config: {result.config} (Label Studio: Settings > Labeling Interface > Code; then "
                   f"import {output}; export as JSON and run `actorstance data import-labels EXPORT.json --output labelled.jsonl`)")


@data_app.command("import-labels")
@user_errors
def data_import_labels(
    src: Annotated[Path, typer.Argument(help="Labels: the filled-in CSV, a Label Studio JSON export or a doccano JSONL export.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Labelled rows (.jsonl or .csv), ready for `train`.")] = ...,
    format: LabelFormat = None,
    skip_unlabelled: Annotated[bool, typer.Option("--skip-unlabelled", help="Leave out rows (tasks) without a label yet, and count them, instead of stopping at the first.")] = False,
    label_map: LabelMap = None,
) -> None:
    """Read labels back from a labelling tool as training rows."""
    from actorstance.data.label_tools import import_labels
    from actorstance.data.readers import parse_label_map
    from actorstance.data.writers import write_examples
    result = import_labels(src, format, skip_unlabelled=skip_unlabelled, label_map=parse_label_map(label_map))
    write_examples(result.rows, output)
    typer.echo(f"wrote {len(result.rows)} labelled rows ({result.format}) to {output}")
    if result.unlabelled:
        count = len(result.unlabelled)
        typer.echo(f"{count} {'row' if count == 1 else 'rows'} without a label yet left out (first: {result.unlabelled[0]})", err=True)


@data_app.command("stats")
@user_errors
def data_stats(
    files: Annotated[list[str], typer.Argument(help="JSONL/CSV files or packaged dataset names.")],
    top: Annotated[int, typer.Option("--top", help="How many issues, actors and docs to list.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print every count as JSON.")] = False,
) -> None:
    """Counts per label, issue, actor and document."""
    import json as json_module

    from actorstance.data.readers import load_examples
    from actorstance.data.stats import dataset_stats, format_stats
    rows = [r for f in files for r in load_examples(f)]
    stats = dataset_stats(rows)
    typer.echo(json_module.dumps(stats, indent=2, ensure_ascii=False) if as_json else format_stats(stats, top))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
