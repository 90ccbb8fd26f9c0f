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


@app.command("diff")
def diff(
    data: Annotated[str | None, typer.Option("--data", help="ALFWorld data dir (default $ALFWORLD_DATA).")] = None,
    split: Annotated[str, typer.Option("--split", help="train, eval_in_distribution, ...")] = "eval_in_distribution",
    games: Annotated[int | None, typer.Option("--games", help="Only N games (all when omitted).")] = None,
    walks: Annotated[int, typer.Option("--walks", help="Random walks per game, besides the walkthrough.")] = 3,
    steps: Annotated[int, typer.Option("--steps", help="Commands per random walk.")] = 50,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random walks.")] = 0,
    sample_seed: Annotated[int | None, typer.Option(
        "--sample-seed", help="Pick the N games as a seeded random sample instead of the first N.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Append one JSON line per game here.")] = None,
    workers: Annotated[int, typer.Option("--workers", help="Games compared in parallel processes.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object as the last line.")] = False,
) -> None:
    """Play every game in the fast engine and the real TextWorld env and count identical steps."""
    import functools
    import multiprocessing
    import random
    from concurrent.futures import ProcessPoolExecutor

    from vera.env.alfworld.data import NO_DATA_HINT, find_games, resolve_data_dir
    from vera.env.alfworld.diff import diff_game, summarize
    from vera.errors import DataError

    root = resolve_data_dir(data)
    if root is None:
        raise DataError(f"no ALFWorld data to compare on; {NO_DATA_HINT}")
    refs = find_games(root, split)
    if sample_seed is not None:
        random.Random(sample_seed).shuffle(refs)
    if games is not None:
        refs = refs[:games]
    results = []
    compare = functools.partial(diff_game, walks=walks, steps=steps, seed=seed)
    paths = [ref.path for ref in refs]
    if workers > 1:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
        outcomes = pool.map(compare, paths)
    else:
        pool, outcomes = None, map(compare, paths)
    for index, (ref, result) in enumerate(zip(refs, outcomes, strict=True)):
        results.append(result)
        if out is not None:
            with open(out, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(result.to_dict()) + "\n")
        if not as_json:
            status = "ok" if result.steps == result.identical_steps and not result.error else "MISMATCH"
            typer.echo(f"[{index + 1}/{len(refs)}] {ref.name}: {result.identical_steps}/{result.steps} {status}")
    if pool is not None:
        pool.shutdown()
    summary = summarize(results) | {"split": split, "walks": walks, "seed": seed}
    if as_json:
        sys.stdout.write(json.dumps(summary) + "\n")
    else:
        typer.echo(f"{summary['games']} games, {summary['steps']} steps, {summary['identical_steps']} identical, "
                   f"{summary['mismatches']} mismatches")
