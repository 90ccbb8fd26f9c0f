"""The SimDroid suite: task listing and splits, recorded episodes, the random agent, malformed actions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PIL import Image

from vera.env.android.sim import agents
from vera.env.android.sim.registry import task_classes
from vera.env.android.sim.splits import HELDOUT, HELDOUT_FAMILIES, TRAIN, split_of
from vera.env.android.sim.suite import SimDroidSuite
from vera.env.suite import get_suite
from vera.trajectory import read_jsonl


def test_tasks_listing_groups_and_budget() -> None:
    suite = get_suite("simdroid")
    listed = suite.tasks()
    assert len(listed) == len(task_classes()) >= 28
    names = {t.name for t in listed}
    assert {"SystemWifiTurnOff", "ClockTimerEntry", "ClockStopWatchRunning"} <= names
    for info in listed:
        cls = task_classes()[info.name]
        assert info.max_steps == int(10 * cls.complexity)
        assert info.groups["difficulty"] in ("easy", "medium", "hard")
        assert info.groups["app"] == cls.app_names[0]
        assert info.split in (TRAIN, HELDOUT)
    assert sorted(t.name for t in suite.tasks(TRAIN)) + sorted(t.name for t in suite.tasks(HELDOUT)) != []
    assert {t.name for t in suite.tasks(TRAIN)} | {t.name for t in suite.tasks(HELDOUT)} == names


def test_split_rule() -> None:
    assert split_of("anything", ("broccoli app",)) == HELDOUT
    assert split_of("anything", ("audio recorder",)) == HELDOUT
    assert split_of("settings_dark_theme", ("settings",)) == HELDOUT
    assert split_of("settings_wifi", ("settings",)) == TRAIN
    assert split_of("a_new_family", ("clock",)) == TRAIN
    other = {cls.task_family() for cls in task_classes().values()
             if not any(a in ("broccoli app", "audio recorder") for a in cls.app_names)}
    share = len(other & HELDOUT_FAMILIES) / len(other)
    assert 0.12 <= share <= 0.3, share
    assert HELDOUT_FAMILIES <= other  # every listed family exists
    # a family is never split across train and heldout
    by_family: dict[str, set[str]] = {}
    for info in SimDroidSuite().tasks():
        by_family.setdefault(info.groups["family"], set()).add(info.split)
    assert all(len(splits) == 1 for splits in by_family.values())


def test_recorded_episode_writes_jsonl_and_pngs(tmp_path: Path) -> None:
    from vera.trajectory import TrajectoryRecorder

    recorder = TrajectoryRecorder(tmp_path)
    result = SimDroidSuite().run_episode("SystemBluetoothTurnOn", 1, "oracle", recorder=recorder)
    assert result.success == 1.0
    records = read_jsonl(tmp_path / "trajectory.jsonl")
    assert records[0]["type"] == "episode" and records[0]["goal"] == "Turn bluetooth on."
    steps = [r for r in records if r["type"] == "step"]
    assert len(steps) == result.steps and records[-1]["type"] == "outcome"
    for step in steps:
        image = Image.open(tmp_path / step["screenshot"])
        assert image.size == (1080, 2400)
        assert step["observation"]["n_elements"] == len(step["observation"]["elements"])
    assert steps[-1]["action"] == {"action_type": "status", "goal_status": "complete"}


class ScriptedAgent:
    def __init__(self, actions: list[Any]) -> None:
        self.actions = list(actions)

    def act(self, goal: str, state: Any) -> Any:
        return self.actions.pop(0) if self.actions else {"action_type": "wait"}


MALFORMED: list[Any] = [
    {"action_type": "fly"},
    {"action_type": "click"},
    {"action_type": "click", "index": 10_000},
    {"action_type": "click", "index": -1},
    {"action_type": "click", "x": 5000, "y": 10},
    {"action_type": "input_text", "text": 42},
    {"action_type": "open_app", "app_name": "No Such App"},
    "not json at all",
    ["a", "list"],
    {"action_type": "scroll"},
    {"action_type": "click", "index": "3"},
    {"action_type": "status", "goal_status": "complete"},
]


def test_malformed_actions_are_reported_counted_and_never_fatal(tmp_path: Path) -> None:
    from vera.trajectory import TrajectoryRecorder

    agents.register_agent("scripted-malformed", lambda task, env, rng, options: ScriptedAgent(MALFORMED))
    recorder = TrajectoryRecorder(tmp_path, screenshots=False)
    result = SimDroidSuite().run_episode("TurnOffWifiAndTurnOnBluetooth", 0, "scripted-malformed",
                                         recorder=recorder)
    assert result.steps == len(MALFORMED) and result.done
    assert result.extra["action_errors"] == len(MALFORMED) - 1
    steps = [r for r in read_jsonl(tmp_path / "trajectory.jsonl") if r["type"] == "step"]
    reasons = [s["info"].get("error", "") for s in steps]
    assert "unknown action_type" in reasons[0]
    assert "needs an element index" in reasons[1]
    assert "out of range" in reasons[2]
    assert "off the 1080x2400 screen" in reasons[4]
    assert "text must be a string" in reasons[5]
    assert "No Such App" in reasons[6]
    assert "not valid JSON" in reasons[7]
    assert all(reasons[:-1]) and not reasons[-1]
    assert result.success == 0.0  # wifi still on


def test_random_agent_runs_and_budget_ends_unfinished_episodes() -> None:
    suite = SimDroidSuite()
    outcomes = [suite.run_episode("ClockAlarmCreateWithLabel", seed, "random") for seed in range(5)]
    for result in outcomes:
        assert result.steps <= result.max_steps
        assert result.success in (0.0, 1.0) or 0 < result.success < 1
        assert result.done or result.success == 0.0


def test_status_is_required_for_success() -> None:
    agents.register_agent("scripted-no-status", lambda task, env, rng, options: ScriptedAgent(
        [{"action_type": "open_app", "app_name": "Settings"}, {"action_type": "click", "index": 2}]))
    suite = SimDroidSuite()
    # the oracle-free agent never says complete: budget exhausted, success 0 whatever the state
    result = suite.run_episode("SystemWifiTurnOffVerify", 0, "scripted-no-status")
    assert not result.done and result.success == 0.0 and result.steps == result.max_steps


def test_suite_agent_registry_lists_lazy_agents() -> None:
    names = SimDroidSuite().agent_names()
    assert {"oracle", "random", "vdroid"} <= set(names)
    json.dumps(names)


def test_oracle_rides_out_injected_faults() -> None:
    """ANR dialogs (answered with Wait) and flaky dumps (retried) cost steps, not success."""
    calm, flaky = SimDroidSuite(), SimDroidSuite(faults={"anr_p": 0.2, "timeout_p": 0.2, "latency_p": 0.3})
    extra_steps = 0
    for task in ("TurnOffWifiAndTurnOnBluetooth", "ClockAlarmCreateWithLabel"):
        for seed in range(4):
            baseline = calm.run_episode(task, seed, "oracle")
            result = flaky.run_episode(task, seed, "oracle")
            assert result.success == 1.0, (task, seed, result)
            extra_steps += result.steps - baseline.steps
    assert extra_steps > 0
