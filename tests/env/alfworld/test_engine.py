"""Unit and integration tests of the fast ALFWorld engine (parsing, naming, episode rules, errors)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vera.env.alfworld.data import find_games
from vera.env.alfworld.engine import (
    NOTHING_HAPPENS,
    FastALFWorldEnv,
    _sexpr,
    demangle_names,
    load_game,
    parse_problem,
)
from vera.errors import DataError

PROBLEM = """
(define (problem p1)
(:domain alfred)
(:objects
agent1 - agent
Apple_bar__plus_01_dot_00 Apple_bar__minus_02_dot_00 - object
Fridge_bar__plus_00_dot_10 - receptacle
loc_bar_1_bar_2 loc_bar_3_bar_4 - location
AppleType - otype FridgeType - rtype
)
(:init
 ; a comment (with parentheses)
 (atLocation agent1 loc_bar_1_bar_2)
 (receptacleAtLocation Fridge_bar__plus_00_dot_10 loc_bar_3_bar_4)
 (inReceptacle Apple_bar__plus_01_dot_00 Fridge_bar__plus_00_dot_10)
 (= (distance loc_bar_1_bar_2 loc_bar_3_bar_4) 5)
)
(:goal (and (exists (?o - object) (and (isCool ?o) (objectType ?o AppleType)))))
)
"""


def test_parse_problem_reads_types_facts_and_goal() -> None:
    problem = parse_problem(PROBLEM)
    assert problem.types["apple_bar__plus_01_dot_00"] == "object"
    assert problem.types["apple_bar__minus_02_dot_00"] == "object"
    assert problem.types["appletype"] == "otype"
    assert ("atlocation", "agent1", "loc_bar_1_bar_2") in problem.init
    assert all(fact[0] != "=" for fact in problem.init)  # numeric fluents are not facts
    assert problem.goal[0] == "and"


@pytest.mark.parametrize("text", ["(define (problem p) (:objects a - agent)", "(:init)", "(define (problem p)))"])
def test_parse_problem_rejects_malformed_text(text: str) -> None:
    with pytest.raises(ValueError):
        parse_problem(text)


def test_demangle_numbers_like_alfworld() -> None:
    ids = ["mug_bar__plus_01", "mug_bar__minus_02", "mug_bar__plus_00", "sink_bar__plus_01_bar_sinkbasin",
           "agent1", "loc_bar_1_bar_2"]
    names = demangle_names(ids)
    # sorted ids: mug_bar__minus_02 < mug_bar__plus_00 < mug_bar__plus_01; the first gets the highest number
    assert names["mug_bar__minus_02"] == "mug 3"
    assert names["mug_bar__plus_00"] == "mug 2"
    assert names["mug_bar__plus_01"] == "mug 1"
    assert names["sink_bar__plus_01_bar_sinkbasin"] == "sinkbasin 1"
    assert names["agent1"] == "agent1 "
    assert names["loc_bar_1_bar_2"] == "loc 1"


@given(st.lists(st.tuples(st.sampled_from(["apple", "mug", "cabinet", "sinkbasin"]),
                          st.integers(min_value=-999, max_value=999)), min_size=1, max_size=30, unique=True))
@settings(max_examples=60, deadline=None)
def test_demangled_names_are_unique_and_numbered_from_one(items: list[tuple[str, int]]) -> None:
    ids = [f"{kind}_bar_{'_minus_' if n < 0 else '_plus_'}{abs(n):03d}" for kind, n in items]
    names = demangle_names(ids)
    assert len(set(names.values())) == len(ids)
    for kind in {k for k, _ in items}:
        numbers = sorted(int(v.split()[1]) for i, v in names.items() if i.startswith(kind + "_bar_"))
        assert numbers == list(range(1, len(numbers) + 1))


def _render(tree: object) -> str:
    if isinstance(tree, list):
        return "(" + " ".join(_render(t) for t in tree) + ")"
    return str(tree)


atoms = st.from_regex(r"[a-z?][a-z0-9_\-]{0,8}", fullmatch=True)
trees = st.recursive(atoms, lambda children: st.lists(children, max_size=4), max_leaves=30)


@given(st.lists(trees, max_size=5))
@settings(max_examples=100, deadline=None)
def test_sexpr_round_trips(forest: list[object]) -> None:
    text = " ".join(_render(t) for t in forest)
    assert _sexpr(text) == forest


@given(st.text(alphabet="() ab;\n", max_size=40))
@settings(max_examples=200, deadline=None)
def test_sexpr_either_parses_or_reports_unbalanced(text: str) -> None:
    stripped = re.sub(r";[^\n]*", "", text)
    try:
        _sexpr(text)
    except ValueError as exc:
        assert "unbalanced" in str(exc)
    else:
        assert stripped.count("(") == stripped.count(")")


# ---------------------------------------------------------------------------------------------------
# Bad input: clear errors naming the file


def _valid_game(alfworld_valid_seen: Path) -> Path:
    return find_games(alfworld_valid_seen, "eval_in_distribution")[0].path


def test_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="nope.tw-pddl"):
        load_game(tmp_path / "nope.tw-pddl")


def test_not_json_names_file(tmp_path: Path) -> None:
    bad = tmp_path / "game.tw-pddl"
    bad.write_text("{ not json")
    with pytest.raises(DataError, match=r"game.tw-pddl is not valid JSON"):
        load_game(bad)


def test_incomplete_game_says_what_is_missing(tmp_path: Path, alfworld_valid_seen: Path) -> None:
    data = json.loads(_valid_game(alfworld_valid_seen).read_text())
    del data["pddl_problem"]
    bad = tmp_path / "game.tw-pddl"
    bad.write_text(json.dumps(data))
    with pytest.raises(DataError, match="lacks pddl_problem"):
        load_game(bad)


def test_truncated_problem_is_reported(tmp_path: Path, alfworld_valid_seen: Path) -> None:
    data = json.loads(_valid_game(alfworld_valid_seen).read_text())
    data["pddl_problem"] = data["pddl_problem"][: len(data["pddl_problem"]) // 2]
    bad = tmp_path / "game.tw-pddl"
    bad.write_text(json.dumps(data))
    with pytest.raises(DataError, match=r"pddl_problem is malformed \(unbalanced"):
        load_game(bad)


# ---------------------------------------------------------------------------------------------------
# Episode rules on a real game


@pytest.fixture
def env(alfworld_valid_seen: Path) -> FastALFWorldEnv:
    return FastALFWorldEnv(load_game(_valid_game(alfworld_valid_seen)))


def test_reset_shows_welcome_and_task(env: FastALFWorldEnv) -> None:
    obs, info = env.reset()
    assert obs.startswith("-= Welcome to TextWorld, ALFRED! =-\n\nYou are in the middle of a room.")
    assert obs.endswith("Your task is to: look at alarmclock under the desklamp.")
    assert info["admissible_commands"] == sorted(set(info["admissible_commands"]))
    assert {"look", "inventory", "help"} <= set(info["admissible_commands"])
    assert info["won"] is False


def test_unknown_command_uses_a_step_and_changes_nothing(env: FastALFWorldEnv) -> None:
    _, info = env.reset()
    obs, score, done, after = env.step("dance wildly")
    assert (obs, score, done) == (NOTHING_HAPPENS, 0.0, False)
    assert after["admissible_commands"] == info["admissible_commands"]
    assert env.steps == 1
    obs, *_ = env.step("  inventory  ")  # surrounding spaces are stripped, as in TextWorld
    assert obs == "You are not carrying anything."


def test_walkthrough_wins_and_episode_freezes(env: FastALFWorldEnv) -> None:
    env.reset()
    results = [env.step(c) for c in env.game.walkthrough]
    assert results[-1][2] is True and results[-1][3]["won"] is True and results[-1][1] == 1.0
    assert all(not r[2] for r in results[:-1])
    assert env.step("look") == results[-1]  # after done, the last result repeats


def test_fifty_step_limit(env: FastALFWorldEnv) -> None:
    env.reset()
    outcomes = [env.step("look") for _ in range(50)]
    assert [o[2] for o in outcomes] == [False] * 49 + [True]
    assert outcomes[-1][3]["won"] is False
    assert env.step("inventory") == outcomes[-1]


def test_reset_restores_the_initial_state(env: FastALFWorldEnv) -> None:
    first = env.reset()
    for command in env.game.walkthrough:
        env.step(command)
    assert env.reset() == first


def test_flattened_goals_agree_with_the_pddl_goal(alfworld_data: Path) -> None:
    """The engine's merged `exists` goal has the truth value of the file's goal in every visited state."""
    import random

    from vera.env.alfworld import engine

    rng = random.Random(3)
    refs = [r for split in ("train", "eval_in_distribution") for r in find_games(alfworld_data, split)]
    checked = won = 0
    for ref in rng.sample(refs, 24):
        game = load_game(ref.path)
        original = parse_problem(game.data["pddl_problem"]).goal
        env = FastALFWorldEnv(game)
        for plan in (list(game.walkthrough), None):
            _, info = env.reset()
            for index in range(50):
                truth = engine._holds(env._state, original, {})
                assert truth == engine._holds(env._state, game.goal, {}), (ref.name, index)
                checked += 1
                won += truth
                if plan is not None and index == len(plan):
                    break
                command = plan[index] if plan is not None else rng.choice(info["admissible_commands"])
                _, _, done, info = env.step(command)
                if done:
                    assert engine._holds(env._state, original, {}) == info["won"]
                    won += info["won"]
                    break
    assert checked > 1000 and won >= 24  # every walkthrough reaches a winning state
