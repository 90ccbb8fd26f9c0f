"""The AndroidWorld bridge, driven end to end on SimDroid through a stand-in `android_world` package.

`aw_standin/android_world` follows AndroidWorld's documented interface (registry, suite_utils.create_suite,
env.interface State/AsyncEnv, representation_utils, json_action, task_evals.task_eval, env_launcher) and
wraps SimDroid tasks as TaskEvals. It is put in sys.modules as `android_world` for these tests only.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from vera.env.android import androidworld as bridge
from vera.env.android.env import AndroidEnv
from vera.env.android.sim.agents import OracleAgent
from vera.env.android.sim.device import SimDroid
from vera.env.android.sim.registry import get_task_class
from vera.env.android.types import BoundingBox, JSONAction, UIElement
from vera.errors import ConfigError
from vera.eval.seeds import instance_seed
from vera.trajectory import read_jsonl

STANDIN = Path(__file__).parent / "aw_standin"
NAMES = ["ExpenseAddSingle", "SystemBluetoothTurnOn", "SystemWifiTurnOff", "TasksDueOnDate"]


@pytest.fixture()
def android_world(monkeypatch):
    monkeypatch.syspath_prepend(str(STANDIN))
    for name in [m for m in sys.modules if m == "android_world" or m.startswith("android_world.")]:
        monkeypatch.delitem(sys.modules, name)
    import android_world
    from android_world.task_evals import task_eval

    task_eval.CALLS.clear()
    yield android_world
    for name in [m for m in sys.modules if m == "android_world" or m.startswith("android_world.")]:
        del sys.modules[name]


def oracle(env, task):
    return OracleAgent(task.vera_task, env)


def test_not_installed_says_how_to_install(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "android_world", None)
    with pytest.raises(ConfigError, match="git clone https://github.com/google-research/android_world"):
        bridge.run_androidworld(oracle, out_dir=tmp_path)
    env = bridge.SimDroidAsyncEnv(SimDroid())  # the reverse direction works without android_world
    assert isinstance(env, bridge.SimDroidAsyncEnvBase)
    assert type(env.get_state().ui_elements[0]) is UIElement


def test_oracle_under_androidworld_rules(android_world, tmp_path: Path) -> None:
    from android_world.task_evals import task_eval

    env = bridge.SimDroidAsyncEnv(SimDroid())
    summary = bridge.run_androidworld(oracle, out_dir=tmp_path, env=env, n_task_combinations=2, seed=30,
                                      agent_name="oracle")
    rows = read_jsonl(tmp_path / "results.jsonl")
    assert [(r["task"], r["extra"]["instance"]) for r in rows] == [(n, i) for n in NAMES for i in range(2)]
    for r in rows:
        assert r["seed"] == instance_seed(30, r["task"], r["extra"]["instance"])  # AndroidWorld's rule
        assert r["max_steps"] == int(10 * get_task_class(r["task"]).complexity)
        assert r["success"] == 1.0 and r["done"] and r["error"] is None
        assert r["extra"]["actions"][-1] == {"action_type": "status", "goal_status": "complete"}
    assert summary["success_rate"] == 1.0 and summary["tasks"] == len(NAMES) and summary["episodes"] == 8
    # AndroidWorld's call order for every instance: initialize_task, (agent), is_successful, tear_down.
    calls = [c[0] for c in task_eval.CALLS]
    assert calls == ["initialize_task", "is_successful", "tear_down"] * 8
    # The information-retrieval task is scored from env.interaction_cache, set by the agent's answer.
    ir = next(r for r in rows if r["task"] == "TasksDueOnDate")
    assert any(a["action_type"] == "answer" for a in ir["extra"]["actions"])


def test_success_needs_status_and_budget_is_int_10x_complexity(android_world, tmp_path: Path) -> None:
    class NoStatus:
        """Plays the oracle but never reports status: the device ends right, the episode scores 0."""

        def __init__(self, env, task):
            self.inner = OracleAgent(task.vera_task, env)

        def act(self, goal, state):
            action = self.inner.act(goal, state)
            return {"action_type": "wait"} if action.action_type == "status" else action

    env = bridge.SimDroidAsyncEnv(SimDroid())
    summary = bridge.run_androidworld(NoStatus, out_dir=tmp_path, env=env, tasks=["SystemWifiTurnOff"],
                                      agent_name="no-status")
    row = read_jsonl(tmp_path / "results.jsonl")[0]
    assert row["extra"]["task_successful"] == 1.0 and row["success"] == 0.0 and not row["done"]
    assert row["steps"] == row["max_steps"] == 10
    assert summary["success_rate"] == 0.0


def test_agents_are_told_how_each_action_went(android_world, tmp_path: Path) -> None:
    """An agent with ``action_result`` (the vdroid agent) hears None after an executed action and the
    reason after one that could not be carried out; the run goes on either way."""
    heard: list[str | None] = []

    class Reporting:
        def __init__(self, env, task):
            self.calls = 0

        def act(self, goal, state):
            self.calls += 1
            if self.calls == 2:
                return {"action_type": "click", "index": 999}  # no such element
            if self.calls == 3:
                return {"action_type": "status", "goal_status": "complete"}
            return {"action_type": "wait"}

        def action_result(self, error):
            heard.append(error)

    env = bridge.SimDroidAsyncEnv(SimDroid())
    bridge.run_androidworld(Reporting, out_dir=tmp_path, env=env, tasks=["SystemWifiTurnOff"],
                            agent_name="reporting")
    row = read_jsonl(tmp_path / "results.jsonl")[0]
    assert len(row["extra"]["action_errors"]) == 1
    assert heard[0] is None and heard[2] is None
    assert heard[1] is not None and "999" in heard[1]


def test_aggregation_is_the_mean_of_per_task_means_and_runs_resume(android_world, tmp_path: Path) -> None:
    attempts: dict[tuple[str, int], int] = {}

    def flaky(env, task):
        key = (task.name, task.params["seed"])
        attempts[key] = attempts.get(key, 0) + 1
        if task.name == "SystemWifiTurnOff" and task.params["seed"] == instance_seed(30, task.name, 1) \
                and attempts[key] == 1:
            raise RuntimeError("agent crashed")  # an error: recorded, left out of the tally
        if task.name == "ExpenseAddSingle" and task.params["seed"] == instance_seed(30, task.name, 0):
            return NeverDone()
        return OracleAgent(task.vera_task, env)

    class NeverDone:
        def act(self, goal, state):
            return JSONAction(action_type="navigate_home")

    env = bridge.SimDroidAsyncEnv(SimDroid())
    first = bridge.run_androidworld(flaky, out_dir=tmp_path, env=env, n_task_combinations=2,
                                    tasks=["ExpenseAddSingle", "SystemWifiTurnOff"], agent_name="mix")
    assert first["errors"] == 1 and first["error_examples"][0]["error"] == "RuntimeError: agent crashed"
    # ExpenseAddSingle: (0 + 1) / 2; SystemWifiTurnOff: 1 scored instance of 1 -> 1; mean of the two means.
    assert first["per_task"] == {"ExpenseAddSingle": 0.5, "SystemWifiTurnOff": 1.0}
    assert first["success_rate"] == pytest.approx(0.75)
    written = read_jsonl(tmp_path / "results.jsonl")
    second = bridge.run_androidworld(flaky, out_dir=tmp_path, env=env, n_task_combinations=2,
                                     tasks=["ExpenseAddSingle", "SystemWifiTurnOff"], agent_name="mix")
    rows = read_jsonl(tmp_path / "results.jsonl")
    assert rows[: len(written)] == written and len(rows) == len(written) + 1  # only the errored one re-ran
    assert rows[-1]["task"] == "SystemWifiTurnOff" and rows[-1]["success"] == 1.0
    assert second["errors"] == 0 and second["success_rate"] == pytest.approx(0.75)


def test_vera_agents_by_name_run_under_the_budget(android_world, tmp_path: Path) -> None:
    env = bridge.SimDroidAsyncEnv(SimDroid())
    summary = bridge.run_androidworld(bridge.vera_agent("random"), out_dir=tmp_path, env=env,
                                      tasks=["SystemWifiTurnOff", "ExpenseAddSingle"], agent_name="random")
    rows = read_jsonl(tmp_path / "results.jsonl")
    assert summary["errors"] == 0 and len(rows) == 2
    for row in rows:
        assert 1 <= row["steps"] <= row["max_steps"]
        assert row["done"] == (row["extra"]["actions"][-1]["action_type"] == "status")
    with pytest.raises(ConfigError, match="unknown SimDroid agent"):
        bridge.vera_agent("no-such-agent")


def test_env_launcher_is_used_when_no_env_is_given(android_world, tmp_path: Path) -> None:
    from android_world.env import env_launcher

    env_launcher.CALLS.clear()
    summary = bridge.run_androidworld(oracle, out_dir=tmp_path, tasks=["SystemBluetoothTurnOn"],
                                      env_options={"console_port": 5556, "adb_path": "/opt/adb"})
    assert env_launcher.CALLS == [{"console_port": 5556, "emulator_setup": False, "adb_path": "/opt/adb"}]
    assert summary["success_rate"] == 1.0


def test_conversions_round_trip(android_world) -> None:
    from android_world.env import json_action, representation_utils

    element = UIElement(text="Wi-Fi", class_name="android.widget.Switch", is_checked=True,
                        bbox_pixels=BoundingBox(0, 100, 10, 50), bbox=BoundingBox(0, 0.1, 0.0, 0.02),
                        resource_id="android:id/switch", metadata={"inherited_click": True})
    theirs = bridge.element_to_androidworld(element, representation_utils)
    assert type(theirs) is representation_utils.UIElement
    assert type(theirs.bbox_pixels) is representation_utils.BoundingBox
    assert bridge.element_to_vera(theirs) == element
    for data in ({"action_type": "click", "index": 3}, {"action_type": "input_text", "text": "é'$(x)", "x": 1,
                                                        "y": 2}, {"action_type": "status", "goal_status": "infeasible"},
                 {"action_type": "open_app", "app_name": "Markor"}, {"action_type": "scroll", "direction": "up"}):
        ours = JSONAction.from_dict(data)
        aw_action = bridge.action_to_androidworld(ours, json_action)
        assert type(aw_action) is json_action.JSONAction
        assert bridge.action_to_vera(aw_action) == ours
        assert bridge.action_to_vera(aw_action.json_str()) == ours


def test_androidworld_style_agent_runs_on_simdroid_through_async_env(android_world) -> None:
    """The reverse direction: an AndroidWorld-style agent sees AndroidWorld types and acts with them."""
    from android_world.env import interface, json_action, representation_utils

    task = get_task_class("TasksDueOnDate").from_seed(11)
    # The actions to replay come from vera's oracle on an identical phone.
    reference = SimDroid()
    task.initialize(reference)
    reference.go_home_and_reset()
    ref_env = AndroidEnv(reference)
    player = OracleAgent(task, ref_env)
    script = []
    while True:
        action = player.act(task.goal, ref_env.get_state())
        script.append(action)
        if action.action_type == "status":
            break
        ref_env.execute_action(action)

    device = SimDroid()
    task.initialize(device)
    device.go_home_and_reset()
    env = bridge.SimDroidAsyncEnv(device)
    assert isinstance(env, interface.AsyncEnv)
    state = env.reset(go_home=True)
    assert isinstance(state, interface.State) and state.pixels.shape == (2400, 1080, 3)
    assert all(type(e) is representation_utils.UIElement for e in state.ui_elements)
    assert env.logical_screen_size == env.device_screen_size == (1080, 2400)
    assert env.physical_frame_boundary == (0, 0, 1080, 2400) and env.orientation == 0
    assert env.foreground_activity_name.startswith("com.google.android.apps.nexuslauncher/")
    for action in script[:-1]:  # an AndroidWorld agent: read the state, send json_action.JSONAction
        env.get_state(wait_to_stabilize=True)
        env.execute_action(json_action.JSONAction(**action.to_dict()))
    assert env.interaction_cache  # the answer action filled it
    assert task.is_successful(device, env.interaction_cache) == 1.0
    assert env.foreground_activity_name.startswith("org.tasks/")
    env.reset(go_home=True)
    assert env.interaction_cache == "" and device.foreground() == device.launcher.package
    with pytest.raises(NotImplementedError):
        env.ask_question("?")
    env.close()
    with pytest.raises(Exception, match="closed"):
        env.get_state()
