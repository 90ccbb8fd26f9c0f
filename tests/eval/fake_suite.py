"""A scripted suite for runner tests (importable by spawned workers through sys.path)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from vera.env.suite import EpisodeResult, TaskInfo
from vera.errors import ConfigError

TASKS = {
    "Alpha": {"app": "contacts", "difficulty": "easy"},
    "Beta": {"app": "contacts", "difficulty": "hard"},
    "Gamma": {"app": "clock", "difficulty": "easy"},
}


class FakeSuite:
    """Succeeds on Alpha, fails on Beta, Gamma succeeds on even seeds; can crash, count calls or be misconfigured."""

    name = "fake"

    def __init__(self, crash_on: str | None = None, log: str | None = None,
                 device_serial: str | None = None, flaky: str | None = None, bad_option: bool = False) -> None:
        self.crash_on = crash_on
        self.log = Path(log) if log else None
        self.device_serial = device_serial
        self.flaky = flaky
        self.bad_option = bad_option

    def tasks(self, split: str | None = None) -> list[TaskInfo]:
        return [TaskInfo(n, "train", 10, dict(g)) for n, g in sorted(TASKS.items())]

    def agent_names(self) -> list[str]:
        return ["scripted"]

    def run_episode(self, task: str, seed: int, agent: str, *, recorder: Any = None,
                    agent_options: dict[str, Any] | None = None) -> EpisodeResult:
        if self.log is not None:
            with open(self.log, "a") as handle:
                handle.write(f"{task} {seed} {self.device_serial} {os.getpid()}\n")
        if self.bad_option:
            raise ConfigError("unknown agent option 'x'")
        if task == self.crash_on:
            raise RuntimeError("device went away")
        if task == self.flaky and self.log is not None:
            attempts = sum(1 for line in self.log.read_text().splitlines() if line.startswith(task))
            if attempts == 1:
                return EpisodeResult("fake", task, seed, agent, error="DeviceError: disconnected")
        success = {"Alpha": 1.0, "Beta": 0.0, "Gamma": float(seed % 2 == 0)}[task]
        return EpisodeResult("fake", task, seed, agent, success=success, done=True, steps=3,
                             max_steps=10, groups=dict(TASKS[task]))
