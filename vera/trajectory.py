"""One trajectory record for every environment: JSON lines, fsynced as written, PNGs beside.

Layout of a record directory::

    trajectory.jsonl   {"type": "episode", ...} then one {"type": "step", ...} per step,
                       then {"type": "outcome", ...}; a resumed run adds {"type": "resume", ...}
                       where it continued, and its steps go on from the last recorded index
    step_000.png ...   the screen before each step, when the environment renders one

A directory holds one run. Recording into a directory that already holds a trajectory is refused
unless the recorder resumes that same run (``resume=RUN_ID``, as ``vera run --resume`` does) or is told
to move the old record aside (``replace=True``, as ``vera eval`` does when it re-runs an episode).
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

import vera
from vera.errors import ConfigError

TRAJECTORY_FILE = "trajectory.jsonl"


def append_jsonl(path: Path, record: dict[str, Any]) -> None:
    """Append one JSON line and fsync it, so a kill never loses a finished record."""
    line = json.dumps(record, ensure_ascii=False, default=_json_default) + "\n"
    with open(path, "a+b") as handle:
        if handle.tell() > 0:
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) != b"\n":  # a torn line from a kill: end it so this record stays whole
                line = "\n" + line
        handle.write(line.encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Read JSON lines, skipping a torn last line left by a kill."""
    if not path.exists():
        return []
    records = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line:
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return records


def _json_default(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, Path):
        return str(value)
    return repr(value)


def versions() -> dict[str, str]:
    return {"vera": vera.__version__, "python": platform.python_version()}


class TrajectoryRecorder:
    """Writes one episode's record into a directory.

    ``resume``: the run id of a run being resumed; an existing trajectory in the directory must be that
    run's, and `resume_at` continues it. ``replace``: an existing trajectory is renamed
    ``trajectory.attemptN.jsonl`` (its screenshots are deleted) and a new one started. Otherwise an
    existing trajectory is an error.
    """

    def __init__(self, directory: str | Path, *, screenshots: bool = True, resume: str | None = None,
                 replace: bool = False) -> None:
        self.directory = Path(directory)
        if self.directory.exists() and not self.directory.is_dir():
            raise ConfigError(f"--record {str(self.directory)!r} is a file; give a directory")
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / TRAJECTORY_FILE
        self.screenshots = screenshots
        self.resume = resume
        self._t0 = time.perf_counter()
        self.header: dict[str, Any] | None = None
        self.recorded_steps: list[dict[str, Any]] = []
        existing = read_jsonl(self.path)
        if not existing and not (self.path.exists() and self.path.stat().st_size):
            return
        if replace:
            self.path.rename(self._attempt_path())
            for stale in self.directory.glob("step_*.png"):  # the old run's screens (re-creatable)
                stale.unlink()
        elif resume is None:
            raise ConfigError(self._occupied(existing) + "; pass --resume RUN_ID to continue that run "
                              "(same task and seed), --overwrite to start a new one there, or record into "
                              "a fresh directory")
        else:
            self._adopt(existing, resume)

    @property
    def resuming(self) -> bool:
        """True when this directory already holds the start of the run being resumed."""
        return self.header is not None

    def _attempt_path(self) -> Path:
        n = 1
        while (self.directory / f"trajectory.attempt{n}.jsonl").exists():
            n += 1
        return self.directory / f"trajectory.attempt{n}.jsonl"

    def _occupied(self, existing: list[dict[str, Any]]) -> str:
        header = next((r for r in existing if r.get("type") == "episode"), None)
        if header is None:
            return f"{str(self.directory)!r} already holds a {TRAJECTORY_FILE} (with no episode record)"
        steps = sum(1 for r in existing if r.get("type") == "step")
        finished = any(r.get("type") == "outcome" for r in existing)
        what = (f"run {header.get('run_id')!r} " if header.get("run_id") else "") + (
            f"of {header.get('task')} seed {header.get('seed')} by agent {header.get('agent')}, "
            f"{steps} steps{', finished' if finished else ''}")
        return f"{str(self.directory)!r} already holds a trajectory ({what})"

    def _adopt(self, existing: list[dict[str, Any]], resume: str) -> None:
        header = next((r for r in existing if r.get("type") == "episode"), None)
        if header is None:
            raise ConfigError(f"{str(self.path)!r} has no episode record; it is not a vera trajectory. "
                              "Record into a fresh directory")
        if header.get("run_id") != resume:
            raise ConfigError(self._occupied(existing) + f", not run {resume!r}; resume with the run id "
                              "recorded there, or record into a fresh directory")
        if any(r.get("type") == "outcome" for r in existing):
            raise ConfigError(self._occupied(existing) + "; there is nothing left to resume")
        self.header = header
        self.recorded_steps = [r for r in existing if r.get("type") == "step"]

    def start(self, *, env: str, task: str, seed: int, goal: str, agent: str, **extra: Any) -> None:
        if self.resuming:
            raise ConfigError(f"{str(self.directory)!r} holds the start of run {self.resume!r}, but "
                              f"{env}/{agent} starts episodes from scratch; record into a fresh directory")
        self._t0 = time.perf_counter()
        append_jsonl(self.path, {
            "type": "episode", "env": env, "task": task, "seed": seed, "goal": goal, "agent": agent,
            "versions": versions(), "started_at": time.time(), **extra,
        })

    def resume_at(self, step: int, *, task: str, seed: int, run_id: str) -> None:
        """Continue the adopted trajectory: check it is this task and seed, and mark where it goes on."""
        assert self.header is not None, "resume_at needs a recorder that adopted an existing trajectory"
        if (self.header.get("task"), self.header.get("seed")) != (task, seed):
            raise ConfigError(f"{str(self.path)!r} records {self.header.get('task')} seed "
                              f"{self.header.get('seed')}, not {task} seed {seed}; resume with the same task "
                              "and seed")
        indices = [int(r["index"]) for r in self.recorded_steps]
        if indices and max(indices) >= step:
            raise ConfigError(f"run {run_id!r} continues at step {step}, but {str(self.path)!r} already "
                              f"records steps up to {max(indices)}; the checkpoints and the trajectory "
                              "disagree (was the run recorded with another -o checkpoint_db?)")
        last_t = float(self.recorded_steps[-1].get("t", 0.0)) if self.recorded_steps else 0.0
        self._t0 = time.perf_counter() - last_t  # `t` goes on from the last record (downtime left out)
        append_jsonl(self.path, {"type": "resume", "run_id": run_id, "step": step, "versions": versions(),
                                 "started_at": time.time()})

    def step(
        self,
        *,
        index: int,
        observation: dict[str, Any],
        action: Any,
        info: dict[str, Any] | None = None,
        candidates: list[dict[str, Any]] | None = None,
        screenshot: np.ndarray | None = None,
        duration_s: float | None = None,
    ) -> None:
        record: dict[str, Any] = {
            "type": "step", "index": index, "observation": observation, "action": action,
            "info": info or {}, "t": round(time.perf_counter() - self._t0, 6),
        }
        if candidates is not None:
            record["candidates"] = candidates
        if duration_s is not None:
            record["duration_s"] = duration_s
        if screenshot is not None and self.screenshots:
            from PIL import Image

            name = f"step_{index:03d}.png"
            Image.fromarray(screenshot).save(self.directory / name, optimize=False, compress_level=1)
            record["screenshot"] = name
        append_jsonl(self.path, record)

    def finish(self, outcome: dict[str, Any]) -> None:
        append_jsonl(self.path, {"type": "outcome", **outcome,
                                 "elapsed_s": round(time.perf_counter() - self._t0, 6)})
