"""Generated games play identically in the fast engine and the real TextWorld env, and both win them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vera.env.alfworld import generate as gen
from vera.env.alfworld.diff import diff_game, summarize
from vera.env.alfworld.engine import FastALFWorldEnv

CI_SAMPLE = 6  # one game of each task type
FULL_CHECK = 200


def _engine_transcript(path: Path, commands: list[str]) -> list[dict]:
    env = FastALFWorldEnv(path)
    obs, infos = env.reset()
    records = [{"command": None, "feedback": obs, "admissible_commands": infos["admissible_commands"],
                "won": infos["won"]}]
    for command in commands:
        obs, _, done, infos = env.step(command)
        records.append({"command": command, "feedback": obs, "admissible_commands": infos["admissible_commands"],
                        "won": infos["won"]})
        if done:
            break
    return records


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return gen.generate_games(CI_SAMPLE, 0, tmp_path_factory.mktemp("games"))


def test_walkthrough_transcripts_are_identical_in_both_engines(sample: list[Path]) -> None:
    for path in sample:
        walkthrough = json.loads(path.read_text())["walkthrough"]
        real = gen.textworld_transcript(path, walkthrough)
        fast = _engine_transcript(path, walkthrough)
        assert fast == real, path
        assert [r["won"] for r in fast] == [False] * len(walkthrough) + [True]


def test_random_walks_are_identical_in_both_engines(sample: list[Path]) -> None:
    results = [diff_game(path, walks=1, steps=20, seed=7) for path in sample[::2]]
    summary = summarize(results)
    assert summary["errors"] == [] and summary["mismatches"] == 0, summary["examples"]
    assert summary["steps"] > 3 * 20


@pytest.mark.slow
def test_full_check_200_games(tmp_path: Path) -> None:
    """200 generated games: walkthrough plus one 25-step random walk each, both engines, all identical."""
    paths = gen.generate_games(FULL_CHECK, 2026, tmp_path)
    results = []
    for path in paths:
        result = diff_game(path, walks=1, steps=25, seed=1)
        results.append(result)
        walkthrough = json.loads(path.read_text())["walkthrough"]
        fast = _engine_transcript(path, walkthrough)
        assert fast[-1]["won"] and len(fast) == len(walkthrough) + 1, path
    summary = summarize(results)
    print(json.dumps({k: summary[k] for k in ("games", "episodes", "steps", "identical_steps", "mismatches",
                                              "games_with_mismatch")}))
    assert summary["errors"] == [] and summary["mismatches"] == 0, summary["examples"]
