"""Differential tests: the fast engine against the real TextWorld env, step for step.

Every game is played with its expert walkthrough and three random walks of 50 admissible commands; all
steps must be identical (observation, sorted admissible commands, won, done, score).

The real env costs about 1 s per reset and 80 ms per step here (about 15 s per game), so CI plays a small
fixed live sample (one game of each task type from valid_seen and one from train: 12 games, about 3 minutes
on an idle core). The spec'd CI set (all 140 valid_seen games and the fixed 300-game train sample) is
checked in CI against recorded fingerprints of the real env (test_fingerprints.py, seconds); the same set
played live in both engines is marked slow: `make test-slow`, or `vera alfworld diff` for sweeps.
"""

from __future__ import annotations

import os
import random
import re
from pathlib import Path
from typing import Any

import pytest

from vera.env.alfworld.data import TASK_TYPES, GameRef, extract_archive, find_games, sample_games
from vera.env.alfworld.diff import diff_game, summarize
from vera.env.alfworld.engine import FastALFWorldEnv, load_game

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("VERA_SHARED") or REPO.parent / "shared")
DATA = Path(os.environ.get("VERA_CACHE") or Path.home() / ".cache" / "vera") / "alfworld"


def _names(split_dir: str, archive: str) -> list[str]:
    """Game names of a split; the archive is unpacked here (once) because parametrization needs them."""
    path = SHARED / "data" / "alfworld" / f"alfworld-{archive}.tar.xz"
    if path.exists():
        extract_archive(path, DATA)
    base = DATA / "json_2.1.1" / split_dir
    if not base.is_dir():
        return []
    return sorted(f"{p.parent.parent.name}/{p.parent.name}" for p in base.glob("*/*/game.tw-pddl")
                  if "movable" not in str(p) and "Sliced" not in str(p))


def _per_type(names: list[str], k: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    chosen: list[str] = []
    for task_type in TASK_TYPES:
        pool = [n for n in names if n.split("-", 1)[0] == task_type]
        chosen += sorted(rng.sample(pool, min(k, len(pool))))
    return chosen


def _sample(names: list[str], k: int, seed: int) -> list[str]:
    return sorted(random.Random(seed).sample(names, min(k, len(names))))


VALID_SEEN = _names("valid_seen", "valid_seen")
TRAIN = _names("train", "train")
CI_VALID_SEEN = _per_type(VALID_SEEN, 1, seed=0)
CI_TRAIN = _per_type(TRAIN, 1, seed=0)
FULL_TRAIN = _sample(TRAIN, 300, seed=0)  # = data.sample_games(train, 300, seed=0), asserted below


def _ref(root: Path, split: str, name: str) -> GameRef:
    found = {g.name: g for g in find_games(root, split)}
    return found[name]


def _check(path: Path) -> None:
    result = diff_game(path, walks=3, steps=50, seed=0)
    assert result.error is None, result.error
    assert result.episodes == 4
    assert result.identical_steps == result.steps, result.mismatches


@pytest.mark.timeout(600)
@pytest.mark.parametrize("name", CI_VALID_SEEN)
def test_valid_seen_sample_identical(name: str, alfworld_valid_seen: Path) -> None:
    _check(_ref(alfworld_valid_seen, "eval_in_distribution", name).path)


@pytest.mark.timeout(600)
@pytest.mark.parametrize("name", CI_TRAIN)
def test_train_sample_identical(name: str, alfworld_data: Path) -> None:
    _check(_ref(alfworld_data, "train", name).path)


@pytest.mark.slow
@pytest.mark.parametrize("name", VALID_SEEN)
def test_all_valid_seen_identical(name: str, alfworld_valid_seen: Path) -> None:
    _check(_ref(alfworld_valid_seen, "eval_in_distribution", name).path)


@pytest.mark.slow
@pytest.mark.parametrize("name", FULL_TRAIN)
def test_train_300_identical(name: str, alfworld_data: Path) -> None:
    _check(_ref(alfworld_data, "train", name).path)


def test_ci_sample_covers_every_task_type() -> None:
    if not VALID_SEEN:
        pytest.skip("ALFWorld data not unpacked yet")
    assert {n.split("-", 1)[0] for n in CI_VALID_SEEN} == set(TASK_TYPES)
    assert len(CI_VALID_SEEN) == 6


def test_full_train_is_the_cli_sample(alfworld_data: Path) -> None:
    """`vera alfworld diff --split train --games 300 --sample-seed 0` plays exactly FULL_TRAIN."""
    assert [g.name for g in sample_games(find_games(alfworld_data, "train"), 300, seed=0)] == FULL_TRAIN


class _AlteredEnv:
    """The fast engine with the feedback of the walkthrough's first command changed."""

    def __init__(self, path: str) -> None:
        self._env = FastALFWorldEnv(load_game(path))
        self._target = self._env.game.walkthrough[0]

    def reset(self) -> tuple[str, dict[str, Any]]:
        return self._env.reset()

    def step(self, command: str) -> tuple[str, float, bool, dict[str, Any]]:
        obs, score, done, infos = self._env.step(command)
        if command == self._target:
            obs = obs + "!"
        return obs, score, done, infos


def test_checker_detects_a_difference(alfworld_valid_seen: Path) -> None:
    path = find_games(alfworld_valid_seen, "eval_in_distribution")[0].path
    same = diff_game(path, walks=2, steps=50, seed=1, real_env=lambda p: FastALFWorldEnv(load_game(p)))
    assert same.steps == same.identical_steps > 50
    altered = diff_game(path, walks=2, steps=50, seed=1, real_env=_AlteredEnv)
    different = altered.steps - altered.identical_steps
    assert different > 0
    assert altered.mismatches[0]["episode"] == "walkthrough" and altered.mismatches[0]["step"] == 1
    assert all(set(m) == {"episode", "step", "command", "obs"} for m in altered.mismatches)
    summary = summarize([same, altered])
    assert summary["games"] == 2 and summary["mismatches"] == different


def _old_dialect(data: dict[str, Any]) -> dict[str, Any]:
    """A game in the original 2.1.1 dialect (`put X in/on Y`, `You arrive at loc N.`), as ALFWorld's
    scripts/patch_tw-pddl.py documents the change, undone."""
    grammar = data["grammar"]
    for new, old in (
        ('template :: "move {o} to {r}";\n    feedback :: "#PutObject.feedback#"',
         'template :: "put {o} in/on {r}";\n    feedback :: "#PutObject.feedback#"'),
        ('"rhs": "You move the {o.name} to the {r.name}."', '"rhs": "You put the {o.name} in/on the {r.name}."'),
        ('"rhs": "You arrive at {r.name}. #examineReceptacle.feedback#"',
         '"rhs": "You arrive at {lend.name}. #examineReceptacle.feedback#"'),
    ):
        assert new in grammar
        grammar = grammar.replace(new, old)
    walkthrough = [c.replace("move ", "put ", 1).replace(" to ", " in/on ") if c.startswith("move ") else c
                   for c in data["walkthrough"]]
    return {**data, "grammar": grammar, "walkthrough": walkthrough}


def test_old_dialect_games_are_identical(alfworld_valid_seen: Path, tmp_path: Path) -> None:
    import json

    ref = find_games(alfworld_valid_seen, "eval_in_distribution")[60]
    path = tmp_path / "game.tw-pddl"
    path.write_text(json.dumps(_old_dialect(json.loads(ref.path.read_text()))))
    result = diff_game(path, walks=1, steps=20, seed=0)
    assert result.error is None and result.identical_steps == result.steps > 20, result.mismatches
    env = FastALFWorldEnv(load_game(path))
    env.reset()
    feedback = [env.step(c)[0] for c in env.game.walkthrough]
    assert re.match(r"You arrive at loc \d+\. ", feedback[0])
    assert any(" in/on the " in f for f in feedback) and env.won
