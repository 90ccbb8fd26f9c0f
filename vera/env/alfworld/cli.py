"""`vera alfworld ...` commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

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


def _select(data: str | None, split: str, games: int | None, sample_seed: int | None) -> list[Any]:
    """The games a sweep plays: all of a split, its first N, or a fixed seeded sample of N."""
    from vera.env.alfworld.data import NO_DATA_HINT, find_games, resolve_data_dir, sample_games
    from vera.errors import DataError

    root = resolve_data_dir(data)
    if root is None:
        raise DataError(f"no ALFWorld data to compare on; {NO_DATA_HINT}")
    refs = find_games(root, split)
    if sample_seed is not None:
        return sample_games(refs, games if games is not None else len(refs), sample_seed)
    return refs[:games] if games is not None else refs


def _diff_one(job: tuple[str, str, int, int, int, bool]) -> Any:
    from vera.env.alfworld.diff import diff_game

    path, name, walks, steps, seed, record = job
    return diff_game(path, walks=walks, steps=steps, seed=seed, record=record, name=name)


@app.command("diff")
def diff(
    data: Annotated[str | None, typer.Option("--data", help="ALFWorld data dir (default $ALFWORLD_DATA).")] = None,
    split: Annotated[str, typer.Option("--split", help="train, eval_in_distribution, ...")] = "eval_in_distribution",
    games: Annotated[int | None, typer.Option("--games", help="Only N games (all when omitted).")] = None,
    walks: Annotated[int, typer.Option("--walks", help="Random walks per game, besides the walkthrough.")] = 3,
    steps: Annotated[int, typer.Option("--steps", help="Commands per random walk.")] = 50,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random walks.")] = 0,
    sample_seed: Annotated[int | None, typer.Option(
        "--sample-seed", help="Pick the N games as a fixed seeded sample (sorted) instead of the first N.")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Append one JSON line per game here; games already in it are skipped (resume).")] = None,
    record: Annotated[Path | None, typer.Option(
        "--record", help="Also record the real env's fingerprints here (.jsonl or .jsonl.gz); games already "
                         "in it are skipped (resume). `vera alfworld fingerprint check` replays them.")] = None,
    workers: Annotated[int, typer.Option("--workers", help="Games compared in parallel processes.")] = 1,
    order_seed: Annotated[int | None, typer.Option(
        "--order-seed", help="Play the games in this seeded random order (a sweep stopped early has then "
                             "covered a uniform sample of them).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object as the last line.")] = False,
) -> None:
    """Play every game in the fast engine and the real TextWorld env and count identical steps."""
    import multiprocessing
    import time
    from concurrent.futures import ProcessPoolExecutor

    from vera.env.alfworld.diff import GameDiff, summarize
    from vera.env.alfworld.fingerprint import append_record, compact, make_meta, start_recording

    started = time.perf_counter()
    refs = _select(data, split, games, sample_seed)
    done_out: dict[str, GameDiff] = {}
    if out is not None and out.exists():
        with open(out, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    item = GameDiff.from_dict(json.loads(line))
                    done_out[item.game] = item
    recorded: dict[str, Any] = {}
    if record is not None:
        meta = make_meta(refs[0].split if refs else split, walks, steps, seed, [r.name for r in refs])
        recorded = start_recording(record, meta)

    def finished(ref: Any) -> bool:
        """Already in every output file given (a resumed sweep skips it)."""
        if out is None and record is None:
            return False
        return ((out is None or str(ref.path) in done_out)
                and (record is None or ref.name in recorded))

    todo = [r for r in refs if not finished(r)]
    if order_seed is not None:
        import random

        random.Random(order_seed).shuffle(todo)
    results = [done_out[str(r.path)] for r in refs if finished(r) and str(r.path) in done_out]
    jobs = [(str(r.path), r.name, walks, steps, seed, record is not None) for r in todo]
    if workers > 1:
        # fast_downward maps a fresh 33 MB copy of libdownward.so for every TextWorld game it loads and
        # keeps it until the process ends (its temp file is deleted but still takes disk space), so
        # workers are replaced every 50 games; a 16-worker train sweep filled a 64 GB disk without this.
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                   max_tasks_per_child=50)
        outcomes = pool.map(_diff_one, jobs)
    else:
        pool, outcomes = None, map(_diff_one, jobs)
    for index, (ref, result) in enumerate(zip(todo, outcomes, strict=True)):
        results.append(result)
        if out is not None:
            with open(out, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(result.to_dict()) + "\n")
        if record is not None and result.fingerprint is not None:
            append_record(record, result.fingerprint)
        if not as_json:
            status = "ok" if result.steps == result.identical_steps and not result.error else "MISMATCH"
            typer.echo(f"[{index + 1}/{len(todo)}] {ref.name}: {result.identical_steps}/{result.steps} {status}")
    if pool is not None:
        pool.shutdown()
    if record is not None:
        compact(record)
    summary = summarize(results) | {"split": split, "walks": walks, "steps_per_walk": steps, "seed": seed,
                                    "resumed_games": len(refs) - len(todo), "workers": workers,
                                    "seconds": round(time.perf_counter() - started, 1)}
    if as_json:
        sys.stdout.write(json.dumps(summary) + "\n")
    else:
        typer.echo(f"{summary['games']} games, {summary['steps']} steps, {summary['identical_steps']} identical, "
                   f"{summary['mismatches']} mismatches")


fingerprint_app = typer.Typer(help="Recorded fingerprints of the real env, replayed in the fast engine.")
app.add_typer(fingerprint_app, name="fingerprint")


@fingerprint_app.command("check")
def fingerprint_check(
    fingerprints: Annotated[Path, typer.Option("--fingerprints", help="A file written by `diff --record`.")],
    data: Annotated[str | None, typer.Option("--data", help="ALFWorld data dir (default $ALFWORLD_DATA).")] = None,
    games: Annotated[int | None, typer.Option("--games", help="Only the first N recorded games.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object as the last line.")] = False,
) -> None:
    """Replay every recorded game in the fast engine and compare each step with the real env's hash."""
    import time

    from vera.env.alfworld.data import NO_DATA_HINT, resolve_data_dir
    from vera.env.alfworld.diff import check_fingerprints, summarize
    from vera.errors import DataError

    root = resolve_data_dir(data)
    if root is None:
        raise DataError(f"no ALFWorld data to replay the fingerprints on; {NO_DATA_HINT}")
    started = time.perf_counter()
    meta, results = check_fingerprints(fingerprints, root, limit=games)
    summary = summarize(results) | {"split": meta["split"], "walks": meta["walks"],
                                          "recorded_with": meta["versions"],
                                          "seconds": round(time.perf_counter() - started, 1)}
    if as_json:
        sys.stdout.write(json.dumps(summary) + "\n")
    else:
        for result in results:
            if result.error or result.steps != result.identical_steps:
                typer.echo(f"{result.game}: {result.identical_steps}/{result.steps} "
                           f"{result.error or result.mismatches[:1]}")
        typer.echo(f"{summary['games']} games, {summary['steps']} steps, {summary['identical_steps']} identical, "
                   f"{summary['mismatches']} mismatches, {len(summary['errors'])} errors")


if __name__ == "__main__":  # `python -m vera.env.alfworld.cli ...` without vera's top-level CLI
    app()
