"""Parallel, resumable benchmark runner shared by every suite.

Each finished episode is appended (fsynced) to ``results.jsonl`` in the run directory as soon as it
ends; re-running with the same directory skips what is already there. The summary follows AndroidWorld:
the success rate is the mean over tasks of each task's mean success, and episodes that ended in an
error are reported but left out of the tally. A `ConfigError` (a wrong option, a missing model) would
fail every episode alike, so it stops the run at once and leaves no result behind.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vera.env.suite import EpisodeResult, Suite, TaskInfo, get_suite
from vera.errors import ConfigError
from vera.eval.seeds import instance_seed
from vera.trajectory import append_jsonl, read_jsonl

RESULTS_FILE = "results.jsonl"
MANIFEST_FILE = "manifest.json"


@dataclass(frozen=True)
class EpisodeJob:
    task: str
    instance: int
    seed: int


def plan_jobs(tasks: Iterable[TaskInfo], n_instances: int, suite_seed: int) -> list[EpisodeJob]:
    """One job per task and instance, seeds by AndroidWorld's rule, sorted by task name."""
    jobs = []
    for info in sorted(tasks, key=lambda t: t.name):
        for i in range(n_instances):
            jobs.append(EpisodeJob(info.name, i, instance_seed(suite_seed, info.name, i)))
    return jobs


def _job_key(task: str, seed: int, agent: str) -> tuple[str, int, str]:
    return task, int(seed), agent


# --- worker side -------------------------------------------------------------------------------------
_WORKER_SUITE: Suite | None = None


def _init_worker(suite_name: str, suite_options: dict[str, Any], worker_devices: Any) -> None:
    global _WORKER_SUITE
    options = dict(suite_options)
    if worker_devices is not None:
        # One device per worker: take the next serial from a shared queue.
        options["device_serial"] = worker_devices.get()
    _WORKER_SUITE = get_suite(suite_name, **options)


def _run_job(job: EpisodeJob, agent: str, agent_options: dict[str, Any],
             record_dir: str | None) -> dict[str, Any]:
    assert _WORKER_SUITE is not None
    return _run_on_suite(_WORKER_SUITE, job, agent, agent_options, record_dir)


def _run_on_suite(suite: Suite, job: EpisodeJob, agent: str, agent_options: dict[str, Any],
                  record_dir: str | None) -> dict[str, Any]:
    recorder = None
    if record_dir is not None:
        from vera.trajectory import TrajectoryRecorder

        # An episode re-run (after a kill or an error) starts from scratch: the earlier attempt's
        # trajectory is kept beside as trajectory.attemptN.jsonl.
        recorder = TrajectoryRecorder(Path(record_dir) / f"{job.task}-{job.seed}", screenshots=False,
                                      replace=True)
    started = time.perf_counter()
    try:
        result = suite.run_episode(job.task, job.seed, agent, recorder=recorder,
                                   agent_options=agent_options)
    except ConfigError:  # a wrong setting fails every episode alike: stop the run, record nothing
        raise
    except Exception as exc:  # an episode must never take the run down
        result = EpisodeResult(env=suite.name, task=job.task, seed=job.seed, agent=agent,
                               error=f"{type(exc).__name__}: {exc}",
                               duration_s=time.perf_counter() - started)
    data = result.to_dict()
    data["instance"] = job.instance
    return data


# --- summary -----------------------------------------------------------------------------------------
def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Success rate as AndroidWorld computes it, with breakdowns by each group key."""
    scored = [r for r in results if r.get("error") is None]
    per_task: dict[str, list[float]] = defaultdict(list)
    task_groups: dict[str, dict[str, str]] = {}
    for r in scored:
        per_task[r["task"]].append(float(r["success"]))
        task_groups[r["task"]] = r.get("groups", {})
    task_means = {name: sum(v) / len(v) for name, v in per_task.items()}
    overall = sum(task_means.values()) / len(task_means) if task_means else 0.0
    breakdown: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    by_key: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for name, mean in task_means.items():
        for key, value in task_groups.get(name, {}).items():
            by_key[key][value].append(mean)
    for key, values in by_key.items():
        for value, means in sorted(values.items()):
            breakdown[key][value] = {"success_rate": sum(means) / len(means), "tasks": len(means)}
    steps = [r["steps"] for r in scored]
    return {
        "success_rate": overall,
        "episodes": len(results),
        "scored_episodes": len(scored),
        "errors": len(results) - len(scored),
        "tasks": len(task_means),
        "mean_steps": sum(steps) / len(steps) if steps else 0.0,
        "by": {k: dict(v) for k, v in breakdown.items()},
        "per_task": dict(sorted(task_means.items())),
        "error_examples": [
            {"task": r["task"], "seed": r["seed"], "error": r["error"]}
            for r in results if r.get("error") is not None
        ][:10],
    }


# --- driver ------------------------------------------------------------------------------------------
def run_eval(
    *,
    suite_name: str,
    agent: str,
    tasks: list[TaskInfo],
    n_instances: int,
    out_dir: str | Path,
    suite_seed: int = 30,
    workers: int = 1,
    suite_options: dict[str, Any] | None = None,
    agent_options: dict[str, Any] | None = None,
    devices: list[str] | None = None,
    record: bool = False,
    on_result: Callable[[dict[str, Any], int, int], None] | None = None,
    retry_errors: int = 0,
) -> dict[str, Any]:
    """Run every (task, instance) not yet in ``out_dir/results.jsonl`` and return the summary.

    With ``devices``, one worker runs per device serial. ``retry_errors`` re-runs an episode that ended
    in an error (e.g. a device that disconnected) that many times; every attempt is recorded.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    results_path = out / RESULTS_FILE
    suite_options = dict(suite_options or {})
    agent_options = dict(agent_options or {})
    manifest = {
        "env": suite_name, "agent": agent, "suite_seed": suite_seed, "instances": n_instances,
        "tasks": [t.name for t in tasks], "suite_options": suite_options, "agent_options": agent_options,
    }
    (out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, default=str))

    existing = read_jsonl(results_path)
    finished = {
        _job_key(r["task"], r["seed"], r["agent"]) for r in existing if r.get("error") is None
    }
    attempts: dict[tuple[str, int, str], int] = defaultdict(int)
    for r in existing:
        if r.get("error") is not None:
            attempts[_job_key(r["task"], r["seed"], r["agent"])] += 1
    jobs = [j for j in plan_jobs(tasks, n_instances, suite_seed)
            if _job_key(j.task, j.seed, agent) not in finished
            and attempts[_job_key(j.task, j.seed, agent)] <= retry_errors]
    total = len(jobs)
    record_dir = str(out / "trajectories") if record else None
    done = 0

    def finish(data: dict[str, Any]) -> bool:
        """Record one attempt; True when the job should be retried."""
        nonlocal done
        append_jsonl(results_path, data)
        key = _job_key(data["task"], data["seed"], agent)
        if data.get("error") is not None:
            attempts[key] += 1
            if attempts[key] <= retry_errors:
                return True
        done += 1
        if on_result is not None:
            on_result(data, done, total)
        return False

    n_workers = len(devices) if devices else max(1, workers)
    if n_workers == 1:
        options = dict(suite_options)
        if devices:
            options["device_serial"] = devices[0]
        suite = get_suite(suite_name, **options)
        for job in jobs:
            while finish(_run_on_suite(suite, job, agent, agent_options, record_dir)):
                pass
    else:
        ctx = multiprocessing.get_context("spawn")
        device_queue = None
        if devices:
            device_queue = ctx.Manager().Queue()
            for serial in devices:
                device_queue.put(serial)
        with ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx, initializer=_init_worker,
                                 initargs=(suite_name, suite_options, device_queue)) as pool:
            pending: dict[Future[dict[str, Any]], EpisodeJob] = {
                pool.submit(_run_job, job, agent, agent_options, record_dir): job for job in jobs
            }
            while pending:
                completed, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in completed:
                    job = pending.pop(future)
                    try:
                        data = future.result()
                    except ConfigError:
                        pool.shutdown(wait=False, cancel_futures=True)
                        raise
                    except Exception as exc:  # a worker died: record it, keep going
                        data = EpisodeResult(env=suite_name, task=job.task, seed=job.seed, agent=agent,
                                             error=f"worker failed: {type(exc).__name__}: {exc}").to_dict()
                        data["instance"] = job.instance
                    if finish(data):
                        pending[pool.submit(_run_job, job, agent, agent_options, record_dir)] = job

    all_results = read_jsonl(results_path)
    wanted = {t.name for t in tasks}
    latest: dict[tuple[str, int, str], dict[str, Any]] = {}
    for r in all_results:
        if r["task"] in wanted and r["agent"] == agent:
            key = _job_key(r["task"], r["seed"], r["agent"])
            if key not in latest or latest[key].get("error") is not None:
                latest[key] = r
    summary = summarize(list(latest.values()))
    summary.update({"env": suite_name, "agent": agent, "results_file": str(results_path)})
    return summary
