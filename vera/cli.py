"""The `vera` command.

Generic commands (tasks, run, eval, bench) work over any `Suite`; environment- and method-specific
groups (alfworld, sim, train, serve, ...) live beside their code and are mounted here.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from vera.errors import ConfigError, VeraError

app = typer.Typer(help="vera: agents that judge before they act.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
console = Console(stderr=True)

EnvOpt = Annotated[str, typer.Option("--env", help="Environment: simdroid or alfworld.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object as the last line.")]


def _suite_options(**kwargs: Any) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if v is not None}


def _emit_json(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, default=str) + "\n")
    sys.stdout.flush()


def _parse_options(pairs: list[str] | None) -> dict[str, Any]:
    """``key=value`` pairs; values parsed as JSON when they can be."""
    options: dict[str, Any] = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise ConfigError(f"option {pair!r} is not of the form key=value")
        key, raw = pair.split("=", 1)
        try:
            options[key] = json.loads(raw)
        except json.JSONDecodeError:
            options[key] = raw
    return options


@app.command()
def tasks(
    env: EnvOpt = "simdroid",
    split: Annotated[str | None, typer.Option(help="Only tasks of this split.")] = None,
    data: Annotated[str | None, typer.Option(help="ALFWorld data dir (default $ALFWORLD_DATA).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the tasks of an environment."""
    from vera.env.suite import get_suite

    suite = get_suite(env, **_suite_options(data=data))
    listed = suite.tasks(split)
    if as_json:
        _emit_json({"env": env, "split": split, "count": len(listed),
                    "tasks": [t.to_dict() for t in listed]})
        return
    table = Table(title=f"{env} tasks" + (f" ({split})" if split else ""))
    group_keys = sorted({k for t in listed for k in t.groups})
    for column in ["task", "split", "steps", *group_keys]:
        table.add_column(column)
    for t in listed:
        table.add_row(t.name, t.split, str(t.max_steps), *[t.groups.get(k, "") for k in group_keys])
    Console().print(table)
    Console().print(f"{len(listed)} tasks")


@app.command()
def run(
    task: Annotated[str, typer.Option(help="Task name (see `vera tasks`).")],
    env: EnvOpt = "simdroid",
    agent: Annotated[str, typer.Option(help="Agent name (oracle, random, vdroid, expert, ...).")] = "oracle",
    seed: Annotated[int, typer.Option(help="Seed for the task's params.")] = 0,
    record: Annotated[Path | None, typer.Option(
        help="Directory for the trajectory and PNGs (refused if it holds another run's trajectory).")] = None,
    resume: Annotated[str | None, typer.Option(
        help="Continue a killed run by its RUN_ID (with --record: the directory it was recorded in).")] = None,
    overwrite: Annotated[bool, typer.Option(
        help="Start a new trajectory in --record DIR; the old one is kept as trajectory.attemptN.jsonl.")] = False,
    data: Annotated[str | None, typer.Option(help="ALFWorld data dir.")] = None,
    backend: Annotated[str | None, typer.Option(help="ALFWorld engine: fast or textworld.")] = None,
    device: Annotated[str | None, typer.Option(help="Android device backend: sim, adb or appium.")] = None,
    adb_port: Annotated[int | None, typer.Option(help="adb server port.")] = None,
    serial: Annotated[str | None, typer.Option(help="Device serial.")] = None,
    option: Annotated[list[str] | None, typer.Option("--option", "-o", help="Agent option key=value.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run one episode and print its outcome."""
    from vera.env.suite import get_suite
    from vera.trajectory import TrajectoryRecorder

    if overwrite and resume is not None:
        raise ConfigError("--overwrite starts a new trajectory and --resume continues one; pass one of them")
    recorder = TrajectoryRecorder(record, resume=resume, replace=overwrite) if record is not None else None
    suite = get_suite(env, **_suite_options(data=data, backend=backend, device=device,
                                            adb_port=adb_port, device_serial=serial))
    agent_options = _parse_options(option)
    if resume is not None:
        agent_options["resume"] = resume
    result = suite.run_episode(task, seed, agent, recorder=recorder, agent_options=agent_options)
    payload = result.to_dict()
    if record is not None:
        payload["record"] = str(record)
    if as_json:
        _emit_json(payload)
    else:
        status = "[green]success[/]" if result.success >= 1.0 else "[red]failure[/]"
        console.print(f"{result.task} seed={result.seed} agent={agent}: {status} in {result.steps} steps"
                      + (f" (error: {result.error})" if result.error else ""))
        if record is not None:
            console.print(f"trajectory: {record}")


@app.command("eval")
def eval_(
    env: EnvOpt = "simdroid",
    agent: Annotated[str, typer.Option(help="Agent name.")] = "oracle",
    split: Annotated[str | None, typer.Option(help="Split to evaluate (all tasks when omitted).")] = None,
    tasks_: Annotated[str | None, typer.Option("--tasks", help="Comma-separated task names.")] = None,
    seeds: Annotated[int, typer.Option(help="Instances per task (AndroidWorld's n_task_combinations).")] = 1,
    suite_seed: Annotated[int, typer.Option(help="Suite seed (AndroidWorld's task_random_seed).")] = 30,
    workers: Annotated[int, typer.Option(help="Parallel worker processes.")] = 1,
    out: Annotated[Path | None, typer.Option(help="Run directory; re-use it to resume.")] = None,
    data: Annotated[str | None, typer.Option(help="ALFWorld data dir.")] = None,
    backend: Annotated[str | None, typer.Option(help="ALFWorld engine: fast or textworld.")] = None,
    device: Annotated[str | None, typer.Option(help="Android device backend: sim, adb or appium.")] = None,
    adb_port: Annotated[int | None, typer.Option(help="adb server port.")] = None,
    devices: Annotated[str | None, typer.Option(help="Comma-separated serials: one worker each.")] = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N tasks.")] = None,
    record: Annotated[bool, typer.Option(help="Keep every episode's trajectory.")] = False,
    retries: Annotated[int, typer.Option(help="Re-run an episode that ended in an error.")] = 1,
    option: Annotated[list[str] | None, typer.Option("--option", "-o", help="Agent option key=value.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Evaluate an agent on a split: results saved as they finish, then success by group."""
    from vera.env.suite import get_suite
    from vera.eval.runner import run_eval

    suite_options = _suite_options(data=data, backend=backend, device=device, adb_port=adb_port)
    suite = get_suite(env, **suite_options)
    selected = suite.tasks(split)
    if tasks_:
        names = [n.strip() for n in tasks_.split(",") if n.strip()]
        known = {t.name: t for t in suite.tasks(None)}
        missing = [n for n in names if n not in known]
        if missing:
            raise ConfigError(f"unknown task(s) {missing}; see `vera tasks --env {env}`")
        selected = [known[n] for n in names]
    if limit is not None:
        selected = selected[:limit]
    if not selected:
        raise ConfigError(f"no tasks selected for env {env!r} split {split!r}; see `vera tasks --env {env}`")
    out_dir = out or Path("runs") / f"{env}-{agent}-{split or 'all'}-{time.strftime('%Y%m%d-%H%M%S')}"
    serials = [s.strip() for s in devices.split(",")] if devices else None
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("ok {task.fields[ok]}"), TimeElapsedColumn(), console=console,
                        disable=not console.is_terminal)
    ok = 0
    with progress:
        bar = progress.add_task(f"{env}/{agent}", total=len(selected) * seeds, ok=0)

        def on_result(data: dict[str, Any], done: int, total: int) -> None:
            nonlocal ok
            ok += int(data.get("success", 0) >= 1.0)
            progress.update(bar, completed=done, total=total, ok=ok)

        summary = run_eval(suite_name=env, agent=agent, tasks=selected, n_instances=seeds,
                           out_dir=out_dir, suite_seed=suite_seed, workers=workers,
                           suite_options=suite_options, agent_options=_parse_options(option),
                           devices=serials, record=record, on_result=on_result, retry_errors=retries)
    summary["split"] = split
    if as_json:
        _emit_json(summary)
        return
    console.print(f"[bold]{env}/{agent}[/] success_rate={summary['success_rate']:.3f} over "
                  f"{summary['tasks']} tasks ({summary['episodes']} episodes, {summary['errors']} errors)")
    for key, values in summary["by"].items():
        table = Table(title=f"by {key}")
        table.add_column(key)
        table.add_column("success")
        table.add_column("tasks")
        for value, row in values.items():
            table.add_row(value, f"{row['success_rate']:.3f}", str(row["tasks"]))
        Console().print(table)
    console.print(f"results: {summary['results_file']}")


def _benchmarks_dir() -> Path:
    env_dir = os.environ.get("VERA_BENCHMARKS")
    candidates = [Path(env_dir)] if env_dir else []
    candidates.append(Path(__file__).resolve().parent.parent / "benchmarks")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise ConfigError("benchmarks/ not found: run `vera bench` from a source checkout of vera "
                      "(pip install -e .) or set VERA_BENCHMARKS to the benchmarks folder")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def bench(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Benchmark name, e.g. simdroid.")]) -> None:
    """Run benchmarks/NAME.py (extra arguments pass through; --json prints one JSON object)."""
    folder = _benchmarks_dir()
    script = folder / f"{name}.py"
    if not script.exists():
        available = sorted(p.stem for p in folder.glob("*.py") if not p.stem.startswith("_"))
        raise ConfigError(f"no benchmark {name!r}; available: {', '.join(available)}")
    sys.argv = [str(script), *ctx.args]
    runpy.run_path(str(script), run_name="__main__")


def _mount_groups() -> None:
    """Mount the command groups that live beside their code (each module exposes `app`)."""
    import importlib

    groups = {
        "alfworld": "vera.env.alfworld.cli",
        "sim": "vera.env.android.sim.cli",
        "devices": "vera.env.android.cli",
        "train": "vera.train.cli",
        "serve": "vera.llm.cli",
        "runs": "vera.agents.cli",
    }
    for name, module_name in groups.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # group not built yet
            raise
        group = getattr(module, "app", None)
        if group is None:
            continue
        if getattr(module, "MOUNT_AS_COMMANDS", False):
            for command in group.registered_commands:
                app.registered_commands.append(command)
            app.registered_groups.extend(group.registered_groups)  # e.g. `vera emulator start`
        else:
            app.add_typer(group, name=name)


_mount_groups()


def main() -> None:
    try:
        app()
    except VeraError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
