"""Every registered task's UI-only oracle solves it on seeds 0..2, within budget and without errors."""

from __future__ import annotations

import pytest

from vera.env.android.sim.registry import task_classes
from vera.env.android.sim.suite import SimDroidSuite

SUITE = SimDroidSuite()


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("task", sorted(task_classes()))
def test_oracle_solves_task(task: str, seed: int) -> None:
    result = SUITE.run_episode(task, seed, "oracle")
    assert result.error is None
    assert result.extra["action_errors"] == 0, result
    assert result.done and result.steps <= result.max_steps
    assert result.success == 1.0, f"{task} seed {seed}: {result.goal!r} -> {result.success}"


@pytest.mark.parametrize("task", sorted(task_classes()))
def test_doing_nothing_does_not_succeed_unless_verify(task: str) -> None:
    """A task already solved at the start must be a verification task (its goal holds initially)."""
    cls = task_classes()[task]
    instance = cls.from_seed(0)
    device = SUITE.make_device(0)
    instance.initialize(device)
    device.go_home_and_reset()
    solved = instance.is_successful(device, "") >= 1.0
    is_verify = "verif" in " ".join(cls.tags).lower() or task.endswith("Verify")
    assert not solved or is_verify, f"{task} is solved before the agent acts"
