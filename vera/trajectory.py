"""One trajectory record for every environment: JSON lines, fsynced as written, PNGs beside.

Layout of a record directory::

    trajectory.jsonl   {"type": "episode", ...} then one {"type": "step", ...} per step,
                       then {"type": "outcome", ...}
    step_000.png ...   the screen before each step, when the environment renders one
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
    """Writes one episode's record into a directory."""

    def __init__(self, directory: str | Path, *, screenshots: bool = True) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / TRAJECTORY_FILE
        self.screenshots = screenshots
        self._t0 = time.perf_counter()

    def start(self, *, env: str, task: str, seed: int, goal: str, agent: str, **extra: Any) -> None:
        self._t0 = time.perf_counter()
        append_jsonl(self.path, {
            "type": "episode", "env": env, "task": task, "seed": seed, "goal": goal, "agent": agent,
            "versions": versions(), "started_at": time.time(), **extra,
        })

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
