"""vera/ALFWorld-v0: Gymnasium's env checker, vector envs, and episodes with both backends."""

from __future__ import annotations

from pathlib import Path

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env

import vera  # noqa: F401  (registers the env ids)
from vera.env.alfworld.data import find_games
from vera.env.alfworld.engine import load_game


def test_passes_the_env_checker(alfworld_valid_seen: Path) -> None:
    env = gym.make("vera/ALFWorld-v0", split="eval_in_distribution", data=str(alfworld_valid_seen))
    check_env(env.unwrapped, skip_render_check=True)


@pytest.mark.parametrize("backend", ["fast", "textworld"])
def test_walkthrough_terminates_with_reward(alfworld_valid_seen: Path, backend: str) -> None:
    ref = find_games(alfworld_valid_seen, "eval_in_distribution")[100]
    env = gym.make("vera/ALFWorld-v0", backend=backend, split="eval_in_distribution",
                   data=str(alfworld_valid_seen))
    obs, info = env.reset(seed=0, options={"game": str(ref.path)})
    assert obs.startswith("-= Welcome to TextWorld, ALFRED! =-")
    assert info["gamefile"] == str(ref.path) and info["task_type"] == ref.task_type
    walkthrough = load_game(ref.path).walkthrough
    for index, command in enumerate(walkthrough):
        assert command in info["admissible_commands"]
        obs, reward, terminated, truncated, info = env.step(command)
        last = index == len(walkthrough) - 1
        assert (reward, terminated, truncated) == ((1.0, True, False) if last else (0.0, False, False))
    assert info["won"] is True


def test_truncates_after_fifty_steps(alfworld_valid_seen: Path) -> None:
    env = gym.make("vera/ALFWorld-v0", split="eval_in_distribution", data=str(alfworld_valid_seen))
    env.reset(seed=3)
    flags = [env.step("jump")[2:4] for _ in range(50)]
    assert flags[:-1] == [(False, False)] * 49 and flags[-1] == (False, True)


def test_reset_seed_picks_the_same_game(alfworld_valid_seen: Path) -> None:
    env = gym.make("vera/ALFWorld-v0", split="eval_in_distribution", data=str(alfworld_valid_seen))
    first = env.reset(seed=11)[1]["gamefile"]
    assert env.reset(seed=11)[1]["gamefile"] == first


def test_runs_in_a_vector_env(alfworld_valid_seen: Path) -> None:
    envs = gym.make_vec("vera/ALFWorld-v0", num_envs=2, vectorization_mode="sync", split="eval_in_distribution",
                        data=str(alfworld_valid_seen))
    obs, infos = envs.reset(seed=5)
    assert len(obs) == 2 and all(o.startswith("-= Welcome") for o in obs)
    for _ in range(3):
        actions = [commands[0] for commands in infos["admissible_commands"]]
        obs, rewards, terminated, truncated, infos = envs.step(actions)
        assert len(obs) == 2 and all(isinstance(o, str) and o for o in obs)
    envs.close()


def test_generated_data_works_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERA_CACHE", str(tmp_path))
    env = gym.make("vera/ALFWorld-v0", split="eval_in_distribution", data="generated")
    obs, info = env.reset(seed=0)
    walkthrough = load_game(info["gamefile"]).walkthrough
    for command in walkthrough:
        obs, reward, terminated, truncated, info = env.step(command)
    assert terminated and reward == 1.0 and info["won"]
    assert info["gamefile"].startswith(str(tmp_path))
