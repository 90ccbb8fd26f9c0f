"""vera/SimDroid-v0: env checker, text observations, malformed actions, Sync and Async vector envs."""

from __future__ import annotations

import json

import gymnasium as gym
import numpy as np
from gymnasium.utils.env_checker import check_env
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vera  # noqa: F401 - registers the env ids


def make(**kw: object) -> gym.Env:
    return gym.make("vera/SimDroid-v0", **kw)


def test_env_checker_passes() -> None:
    env = make(task="SystemWifiTurnOff", seed=0, render_mode="rgb_array")
    check_env(env.unwrapped, skip_render_check=False)


def test_observation_and_success_through_json_actions() -> None:
    env = make(task="SystemWifiTurnOff")
    obs, info = env.reset(seed=3)
    assert obs["goal"] == "Turn wifi off." and info["max_steps"] == 10
    assert env.observation_space.contains(obs)
    elements = json.loads(obs["elements"])
    assert len(elements) == obs["html"].count("\n") + 1
    obs, reward, terminated, truncated, info = env.step('{"action_type": "open_app", "app_name": "Settings"}')
    assert obs["foreground"] == "com.android.settings" and "error" not in info
    index = next(e["index"] for e in json.loads(obs["elements"]) if e.get("text") == "Network & internet")
    env.step({"action_type": "click", "index": index})
    switch = next(e["index"] for e in json.loads(env.unwrapped._observation()["elements"])
                  if e.get("text") == "Wi-Fi")
    env.step({"action_type": "click", "index": switch})
    _, reward, terminated, truncated, info = env.step({"action_type": "status", "goal_status": "complete"})
    assert terminated and not truncated and reward == 1.0


def test_screenshot_observation_and_render() -> None:
    env = make(task="ClockStopWatchRunning", render_mode="rgb_array", screenshot=True)
    obs, _ = env.reset(seed=0)
    assert obs["screenshot"].shape == (2400, 1080, 3)
    assert np.array_equal(env.render(), obs["screenshot"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.text(max_size=60),
    st.dictionaries(st.sampled_from(["action_type", "index", "x", "y", "text", "direction", "app_name",
                                     "goal_status", "foo"]),
                    st.one_of(st.integers(-5, 5000), st.text(max_size=8), st.none(), st.booleans(),
                              st.sampled_from(["click", "scroll", "input_text", "open_app", "status", "down"])),
                    max_size=4),
))
def test_any_action_never_crashes(action: object) -> None:
    env = make(task="SystemBluetoothTurnOn")
    env.reset(seed=1)
    obs, reward, terminated, truncated, info = env.step(action)
    assert env.observation_space.contains(obs)
    assert isinstance(info, dict)


def test_budget_truncates() -> None:
    env = make(task="SystemBluetoothTurnOn")
    env.reset(seed=0)
    truncated = False
    for _ in range(10):
        _, _, terminated, truncated, _ = env.step({"action_type": "wait"})
        assert not terminated
    assert truncated


def test_sync_and_async_vector_envs() -> None:
    fns = [lambda: make(task="ClockStopWatchRunning") for _ in range(2)]
    # gymnasium 1.4 reads Text spaces back from shared memory as index 0 in every slot (a plain
    # Text-only env shows it too), so AsyncVectorEnv runs with shared_memory=False.
    for vector in (gym.vector.SyncVectorEnv(fns), gym.vector.AsyncVectorEnv(fns, shared_memory=False)):
        try:
            obs, _ = vector.reset(seed=[0, 1])
            assert list(obs["goal"]) == ["Run the stopwatch."] * 2
            actions = ['{"action_type": "open_app", "app_name": "Clock"}'] * 2
            obs, rewards, terminated, truncated, _ = vector.step(actions)
            assert list(obs["foreground"]) == ["com.google.android.deskclock"] * 2
            obs, rewards, terminated, truncated, _ = vector.step(
                ['{"action_type": "status", "goal_status": "complete"}'] * 2)
            assert list(terminated) == [True, True] and list(rewards) == [0.0, 0.0]
        finally:
            vector.close()
