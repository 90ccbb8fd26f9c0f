"""`vera alfworld ...` commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="ALFWorld tools")


@app.command("generate")
def generate(
    out: Annotated[Path, typer.Option("--out", help="Directory to write the games into.")],
    n: Annotated[int, typer.Option("--n", help="Number of games.")] = 10,
    seed: Annotated[int, typer.Option("--seed", help="Seed; game i of a seed never changes.")] = 0,
    task: Annotated[list[str] | None, typer.Option("--task", help="Only these task types (repeatable).")] = None,
    room: Annotated[list[str] | None, typer.Option(
        "--room", help="Only these rooms: kitchen, livingroom, bedroom, bathroom (repeatable).")] = None,
    verify: Annotated[bool, typer.Option("--verify", help="Also play each walkthrough in TextWorld.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object as the last line.")] = False,
) -> None:
    """Write solvable ALFWorld games (game.tw-pddl + traj_data.json) with expert walkthroughs."""
    from vera.env.alfworld.generate import generate_games

    paths = generate_games(n, seed, out, task_types=task, rooms=room, verify=verify)
    counts: dict[str, int] = {}
    for path in paths:
        task_type = path.parent.parent.name.split("-", 1)[0]
        counts[task_type] = counts.get(task_type, 0) + 1
    if as_json:
        sys.stdout.write(json.dumps({"out": str(out), "games": len(paths), "seed": seed, "task_types": counts,
                                     "verified": verify}) + "\n")
    else:
        typer.echo(f"wrote {len(paths)} games to {out}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
