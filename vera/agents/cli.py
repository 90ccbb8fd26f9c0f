"""`vera runs list|prune`: the V-Droid runs in a checkpoint database (which can be resumed, and cleaning up)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from vera.agents.droid import DEFAULT_CHECKPOINTS

app = typer.Typer(help="V-Droid runs in a checkpoint database: list them, prune them.", no_args_is_help=True)
console = Console()

DbOpt = Annotated[Path, typer.Option("--checkpoint-db", help="The database (what -o checkpoint_db= named).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object as the last line.")]


@app.command("list")
def list_command(checkpoint_db: DbOpt = DEFAULT_CHECKPOINTS, as_json: JsonOpt = False) -> None:
    """The runs in the database: killed ones (continue them with `vera run ... --resume RUN_ID`) and ended
    ones kept with -o keep_checkpoints=true."""
    from vera.agents.droid import list_runs

    runs = list_runs(checkpoint_db)
    if as_json:
        print(json.dumps({"checkpoint_db": str(checkpoint_db), "runs": [r.to_dict() for r in runs]}))
        return
    if not runs:
        console.print(f"no runs in {checkpoint_db}")
    for run in runs:
        state = "ended" if run.ended else f"killed after step {run.step}: --resume {run.run_id}"
        console.print(f"{run.run_id}  {state}  [dim]{run.goal[:80]}[/]", highlight=False)


@app.command("prune")
def prune_command(checkpoint_db: DbOpt = DEFAULT_CHECKPOINTS,
                  all_runs: Annotated[bool, typer.Option("--all", help="Killed runs too (they can no longer "
                                                                       "be resumed).")] = False,
                  as_json: JsonOpt = False) -> None:
    """Delete the checkpoints of ended runs (vera versions before runs cleaned up after themselves left
    them behind) and compact the file; killed runs stay resumable unless --all."""
    from vera.agents.droid import prune_runs

    report = prune_runs(checkpoint_db, keep_killed=not all_runs)
    if as_json:
        print(json.dumps(report))
        return
    mib = 1024 * 1024
    console.print(f"deleted {report['deleted']} runs, kept {len(report['kept'])} (killed, resumable); "
                  f"{report['bytes_before'] / mib:.1f} MiB -> {report['bytes_after'] / mib:.1f} MiB", highlight=False)
