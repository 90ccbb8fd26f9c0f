"""`vera train`: training commands (mounted by `vera.cli` as ``vera train``).

``vera train verifier`` trains the V-Droid verifier with P3 on SimDroid (see `vera.train.p3`):

    vera train verifier --out vera/verifier/weights/default.safetensors --json     # the shipped default's recipe
    vera train verifier --scorer hf:/models/llama --out runs/lora --lora-r 16       # LoRA on an HF LM

Checkpoints go to ``--checkpoint-dir`` (default: beside ``--out``); running the same command again
after a kill resumes from the last checkpoint (``--fresh`` starts over). The defaults are the recipe
of the shipped verifier, read from `vera.train.recipe` (five `commits` heads, each on 10 oracle
trajectories per train task, listwise loss over 48 sampled candidates, 12 epochs, no annotation
rounds); the README's command adds ``--workers 2 --no-final-success --fresh``.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from vera.train import recipe

app = typer.Typer(help="Train vera's models (P3 verifier training on SimDroid).", no_args_is_help=True,
                  pretty_exceptions_enable=False)
console = Console(stderr=True)


@app.command("verifier")
def verifier(
    out: Annotated[Path, typer.Option(help="Where the trained weights go (.safetensors for the encoder, "
                                           "a folder for LoRA adapters).")] = Path("runs/verifier/encoder.safetensors"),
    scorer: Annotated[str, typer.Option(help="encoder (the embedded default) or hf:PATH (LoRA).")] = "encoder",
    seeds: Annotated[int, typer.Option(help="Oracle trajectories per train task (seeds 0..N-1).")] = recipe.SEEDS,
    eval_seeds: Annotated[int, typer.Option(help="Seeds for held-out pairs and success (from 1000).")] = 1,
    epochs: Annotated[int, typer.Option(help="Epochs over the oracle pairs.")] = recipe.EPOCHS,
    rounds: Annotated[int, typer.Option(help="Joint-annotation rounds after the first training.")] = recipe.ROUNDS,
    round_epochs: Annotated[int, typer.Option(help="Epochs after each annotation round.")] = recipe.ROUND_EPOCHS,
    round_seeds: Annotated[int, typer.Option(help="New instances per train task in each round.")] = 1,
    round_sample: Annotated[int, typer.Option(help="Rounds play every K-th train task (CPU budget).")] = 1,
    round_recover: Annotated[bool, typer.Option(help="Rounds also annotate the state each departure leads to "
                                                     "(back, or the oracle's action after a no-op).")] = False,
    round_success: Annotated[bool, typer.Option(help="Measure success before each round (CPU cost).")] = True,
    final_success: Annotated[bool, typer.Option(help="Measure train-task success after training.")] = True,
    negatives: Annotated[int, typer.Option(help="Negatives per positive.")] = recipe.NEGATIVES,
    lr: Annotated[float, typer.Option(help="AdamW learning rate.")] = recipe.LR,
    margin: Annotated[float, typer.Option(help="Bradley-Terry margin.")] = recipe.MARGIN,
    loss: Annotated[str, typer.Option(help="pairwise (Bradley-Terry) or listwise (softmax over the state's "
                                           "sampled candidates, plus Bradley-Terry).")] = recipe.LOSS,
    batch_size: Annotated[int, typer.Option(help="States per optimizer step.")] = recipe.BATCH_SIZE,
    seed: Annotated[int, typer.Option(help="Training seed (init, shuffles, negatives).")] = 0,
    lora_r: Annotated[int, typer.Option(help="LoRA rank for hf: scorers.")] = 16,
    context_dropout: Annotated[float, typer.Option(help="Encoder heads: share of training states scored "
                                                        "from the cue features alone.")] = 0.0,
    features: Annotated[str, typer.Option(help="Encoder heads: cue features, lexical, progress, toggles or commits.")]
    = recipe.FEATURES,
    heads: Annotated[int, typer.Option(help="Encoder heads to train (seeds SEED..SEED+N-1); more than one "
                                            "are saved as an ensemble whose scores are their mean.")] = recipe.HEADS,
    workers: Annotated[int, typer.Option(help="Heads trained in parallel processes (one core each).")] = 1,
    distinct_trajectories: Annotated[bool, typer.Option(help="With --heads: head i walks its own oracle instances "
                                                             "(seeds i*SEEDS onwards), not the same ones.")] = False,
    tasks: Annotated[str | None, typer.Option(help="Comma-separated train tasks (default: the train split).")] = None,
    checkpoint_dir: Annotated[Path | None, typer.Option(help="Resumable checkpoints (default beside --out).")] = None,
    fresh: Annotated[bool, typer.Option(help="Ignore existing checkpoints and start over.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object as the last line.")] = False,
) -> None:
    """Train the V-Droid verifier with P3 pairs from SimDroid oracle trajectories and annotation rounds."""
    from vera.train.p3 import P3Config, TrainRun

    if distinct_trajectories and heads < 2:
        raise typer.BadParameter("--distinct-trajectories gives each head of an ensemble its own oracle instances; "
                                 "with one head it changes nothing: add --heads N (N >= 2), or use --seeds to walk "
                                 "more instances")
    if loss not in ("pairwise", "listwise"):
        raise typer.BadParameter(f"--loss must be pairwise or listwise, got {loss!r}")
    ckpt = checkpoint_dir or out.parent / f"{out.stem}-p3-checkpoints"
    if fresh and ckpt.exists():  # only once the arguments are known to be usable
        shutil.rmtree(ckpt)
    config = P3Config(lr=lr, epochs=epochs, batch_size=batch_size, margin=margin, negatives=negatives, seed=seed,
                      loss=loss)
    run = TrainRun(scorer_spec=scorer, config=config, checkpoint_dir=ckpt, seeds=seeds, eval_seeds=eval_seeds,
                   rounds=rounds, round_epochs=round_epochs, round_seeds=round_seeds, round_sample=round_sample,
                   round_recover=round_recover,
                   round_success=round_success, final_success=final_success, lora_r=lora_r,
                   context_dropout=context_dropout, features=features,
                   tasks=[t.strip() for t in tasks.split(",") if t.strip()] if tasks else None,
                   log=_log(as_json))
    started = time.perf_counter()
    if heads > 1:
        from vera.train.ensemble import train_ensemble

        report: dict[str, Any] = train_ensemble(run, heads, out, workers=workers,
                                                distinct_trajectories=distinct_trajectories, log=_log(as_json))
    else:
        report = run.execute(out)
    report["elapsed_s"] = round(time.perf_counter() - started, 1)
    if as_json:
        sys.stdout.write(json.dumps(report) + "\n")
    else:
        console.print_json(json.dumps(report))


def _log(quiet: bool) -> Any:
    def log(message: str) -> None:
        console.print(f"[dim]{time.strftime('%H:%M:%S')}[/] {message}")
    return log
