"""Generated ALFWorld games: format, determinism, coverage, plausibility, and wins in real TextWorld."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
from alfworld.agents.utils.misc import Demangler
from alfworld.gen import goal_library
from alfworld.info import ALFRED_PDDL_PATH, ALFRED_TWL2_PATH
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from vera.env.alfworld import generate as gen
from vera.env.alfworld.gen_catalog import OPENABLE_TYPES, ROOMS, TASK_ROOMS, can_contain
from vera.env.alfworld.gen_plan import TASK_TYPES, PlanError, check_walkthrough
from vera.env.alfworld.gen_scene import _coordinate, demangled_names, mangle
from vera.errors import ConfigError, DataError

CI_SAMPLE = 12  # two games of each task type, seed 0


def _game(path: Path) -> dict:
    return json.loads(path.read_text())


def _templates(task_type: str, traj: dict) -> set[str]:
    params = traj["pddl_params"]
    return {t.format(obj=params["object_target"].lower(), recep=params["parent_target"].lower(),
                     toggle=params["toggle_target"].lower(), mrecep="")
            for t in goal_library.gdict[task_type]["templates"]}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return gen.generate_games(CI_SAMPLE, 0, tmp_path_factory.mktemp("games"))


# --- names -------------------------------------------------------------------------------------------

def test_mangle_and_coordinates_follow_alfred() -> None:
    assert mangle("Apple|+00.38|+00.84|-01.75") == "Apple_bar__plus_00_dot_38_bar__plus_00_dot_84_bar__minus_01_dot_75"
    assert mangle("loc|5|-2|2|60") == "loc_bar_5_bar__minus_2_bar_2_bar_60"
    assert [_coordinate(v) for v in (0.38, -1.75, 0.0, 12.5)] == ["+00.38", "-01.75", "00.00", "+12.50"]


_KINDS = ["Apple", "Cabinet", "Drawer", "CounterTop", "Mug", "DeskLamp", "Sink", "Bathtub"]


@st.composite
def _entity_ids(draw: st.DrawFn) -> list[str]:
    ids = set()
    for _ in range(draw(st.integers(1, 25))):
        kind = draw(st.sampled_from(_KINDS))
        coords = [draw(st.integers(-350, 350)) / 100 for _ in range(3)]
        raw = "|".join([kind, *(_coordinate(c) for c in coords)])
        if kind in ("Sink", "Bathtub") and draw(st.booleans()):
            raw += f"|{kind}Basin"
        ids.add(mangle(raw))
    return sorted(ids)


@settings(max_examples=150, deadline=None)
@given(_entity_ids())
def test_demangled_names_match_alfworlds_demangler(ids: list[str]) -> None:
    lowered = [i.lower() for i in ids]
    reference = Demangler(game_infos={i: SimpleNamespace(id=i) for i in lowered})
    ours = demangled_names(ids)
    assert [ours[i] for i in ids] == [reference.demangle_alfred_name(i.lower()) for i in ids]


# --- format ------------------------------------------------------------------------------------------

def test_games_use_the_packages_domain_grammar_and_goal_library(sample: list[Path]) -> None:
    domain, twl2 = Path(ALFRED_PDDL_PATH).read_text(), Path(ALFRED_TWL2_PATH).read_text()
    for path in sample:
        data, traj = _game(path), json.loads((path.parent / "traj_data.json").read_text())
        assert set(data) == {"pddl_domain", "grammar", "pddl_problem", "solvable", "walkthrough"}
        assert data["pddl_domain"] == domain and data["solvable"] is True and data["walkthrough"]
        task_type = traj["task_type"]
        goal = next(t for t in _templates(task_type, traj) if f"Your task is to: {t}." in data["grammar"])
        assert data["grammar"] == twl2.replace("UNKNOWN GOAL", goal)
        params = traj["pddl_params"]
        assert set(params) == {"object_target", "parent_target", "toggle_target", "mrecep_target", "object_sliced"}
        expected_goal = goal_library.gdict[task_type]["pddl"].replace("#", "-").format(
            obj=params["object_target"], recep=params["parent_target"], toggle=params["toggle_target"])
        assert data["pddl_problem"].endswith(expected_goal)
        assert data["pddl_problem"].lstrip().startswith("(define (problem plan_trial_G0_")
        task_dir = path.parent.parent.name
        parent = params["parent_target"] or params["toggle_target"]
        assert task_dir.startswith(f"{task_type}-{params['object_target']}-None-{parent}-")
        assert path.parent.name.startswith("trial_G0_")
        assert traj["turk_annotations"]["anns"][0]["task_desc"].lower() == goal + "."


def test_six_consecutive_games_cover_all_task_types(sample: list[Path]) -> None:
    types = [json.loads((p.parent / "traj_data.json").read_text())["task_type"] for p in sample]
    assert Counter(types) == {t: 2 for t in TASK_TYPES}
    assert types[:6] == list(TASK_TYPES)


def test_games_are_deterministic_and_prefix_stable(tmp_path: Path) -> None:
    first = gen.generate_games(8, 42, tmp_path / "a")
    second = gen.generate_games(5, 42, tmp_path / "b")
    other = gen.generate_games(5, 43, tmp_path / "c")
    assert [p.read_bytes() for p in first[:5]] == [p.read_bytes() for p in second]
    assert [p.relative_to(tmp_path / "a") for p in first[:5]] == [p.relative_to(tmp_path / "b") for p in second]
    assert [p.read_bytes() for p in other] != [p.read_bytes() for p in second]


def test_rooms_receptacles_and_objects_are_plausible() -> None:
    rooms: Counter[tuple[str, str]] = Counter()
    for index in range(120):
        task_type = TASK_TYPES[index % 6]
        game = gen.make_game(7, index, task_type)
        scene = game.scene
        rooms[(task_type, scene.room)] += 1
        assert scene.room in TASK_ROOMS[task_type]
        receptacle_types = {r.type for r in scene.receptacles}
        assert receptacle_types >= {"GarbageCan"}
        assert receptacle_types & OPENABLE_TYPES or scene.room != "kitchen"
        if scene.room == "kitchen":
            assert {"Fridge", "Microwave", "SinkBasin", "CounterTop", "Cabinet", "StoveBurner"} <= receptacle_types
        if scene.room == "bathroom":
            assert {"Toilet", "SinkBasin", "TowelHolder"} <= receptacle_types
        if scene.room == "bedroom":
            assert "Bed" in receptacle_types
        if scene.room == "livingroom":
            assert "Sofa" in receptacle_types
        for item in scene.items:
            if item.pickupable:
                assert can_contain(scene.receptacle(item.receptacle).type, item.type), (item.type, item.receptacle)
        locations = [r.location for r in scene.receptacles]
        assert scene.start not in locations
        ids = [r.id for r in scene.receptacles] + [i.id for i in scene.items]
        assert len(ids) == len(set(ids))
    assert {room for _, room in rooms} == set(ROOMS)
    assert rooms[("look_at_obj_in_light", "bedroom")] and rooms[("look_at_obj_in_light", "livingroom")]
    assert rooms[("pick_clean_then_place_in_recep", "bathroom")] and rooms[("pick_two_obj_and_place", "kitchen")]


def test_task_and_room_filters(tmp_path: Path) -> None:
    paths = gen.generate_games(4, 1, tmp_path, task_types=["pick_two_obj_and_place"], rooms=["bathroom"])
    for path in paths:
        traj = json.loads((path.parent / "traj_data.json").read_text())
        assert traj["task_type"] == "pick_two_obj_and_place" and traj["generator"]["room"] == "bathroom"
    with pytest.raises(ConfigError, match="unknown task type"):
        gen.generate_games(1, 0, tmp_path, task_types=["pick_and_place_with_movable_recep"])
    with pytest.raises(ConfigError, match="kitchen"):
        gen.generate_games(1, 0, tmp_path, task_types=["pick_cool_then_place_in_recep"], rooms=["bedroom"])
    with pytest.raises(ConfigError, match="unknown room"):
        gen.generate_games(1, 0, tmp_path, rooms=["garage"])
    with pytest.raises(ConfigError):
        gen.generate_games(-1, 0, tmp_path)


# --- walkthroughs ------------------------------------------------------------------------------------

def test_walkthrough_checker_rejects_broken_plans() -> None:
    for index, task_type in enumerate(TASK_TYPES):
        game = gen.make_game(3, index, task_type)
        check_walkthrough(game.scene, game.task, game.walkthrough)
        with pytest.raises(PlanError):
            check_walkthrough(game.scene, game.task, game.walkthrough[:-1])
        with pytest.raises(PlanError):
            check_walkthrough(game.scene, game.task, game.walkthrough[1:])
        with pytest.raises(PlanError):
            check_walkthrough(game.scene, game.task, [*game.walkthrough, "look"])


def test_walkthroughs_are_shortest_over_instances() -> None:
    rng = random.Random(0)
    for index in rng.sample(range(300), 30):
        game = gen.make_game(11, index, TASK_TYPES[index % 6])
        # fetch + (appliance) + place never needs more than: go, open, take, go, treat, go, open, move
        limit = {"pick_two_obj_and_place": 10, "look_at_obj_in_light": 5}.get(game.task.task_type, 8)
        assert len(game.walkthrough) <= limit, game.walkthrough


def test_walkthroughs_win_in_real_textworld(sample: list[Path]) -> None:
    """Every command is admissible when issued; the game is won at the last step and not before."""
    for path in sample:
        data = _game(path)
        transcript = gen.textworld_transcript(path, data["walkthrough"])
        assert len(transcript) == len(data["walkthrough"]) + 1
        assert transcript[0]["feedback"].startswith("-= Welcome to TextWorld, ALFRED! =-\n\nYou are in the middle")
        for before, after in zip(transcript, transcript[1:], strict=False):
            assert after["command"] in before["admissible_commands"], (path, after["command"])
            assert after["feedback"] != "Nothing happens."
        assert [r["won"] for r in transcript] == [False] * len(data["walkthrough"]) + [True], path


def test_stock_alfred_tw_env_collects_and_plays_generated_games(tmp_path: Path) -> None:
    from alfworld.agents.environment.alfred_tw_env import AlfredTWEnv

    gen.generate_games(2, 5, tmp_path / "valid_seen")
    config = {
        "env": {"goal_desc_human_anns_prob": 0.0, "task_types": [1, 2, 3, 4, 5, 6], "domain_randomization": False,
                "expert_type": "handcoded"},
        "dataset": {"data_path": str(tmp_path / "valid_seen"), "eval_id_data_path": str(tmp_path / "valid_seen"),
                    "eval_ood_data_path": str(tmp_path / "valid_seen"), "num_train_games": -1,
                    "num_eval_games": -1},
        "general": {"training_method": "dagger"},
        "dagger": {"training": {"max_nb_steps_per_episode": 50}},
    }
    alfred = AlfredTWEnv(config, train_eval="eval_in_distribution")
    assert alfred.num_games == 2
    env = alfred.init_env(batch_size=1)
    try:
        for _ in range(2):
            obs, infos = env.reset()
            game_file = infos["extra.gamefile"][0]
            assert "Your task is to:" in obs[0]
            won = False
            for command in _game(Path(game_file))["walkthrough"]:
                obs, scores, dones, infos = env.step([command])
                won = infos["won"][0]
            assert won and dones[0] and scores[0] == 1
    finally:
        env.close()


def test_verify_plays_in_textworld_and_reports_a_losing_walkthrough(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(gen.generate_games(1, 9, tmp_path / "ok", verify=True)) == 1
    monkeypatch.setattr(gen, "textworld_transcript", lambda path, commands: [{"won": False}])
    with pytest.raises(DataError, match="does not win in TextWorld"):
        gen.generate_games(1, 9, tmp_path / "bad", verify=True)


# --- default data and CLI ----------------------------------------------------------------------------

def test_default_games_dir_is_made_once_outside_the_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERA_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(gen, "DEFAULT_SPLITS", {"train": (1, 7), "valid_seen": (2, 3)})
    root = gen.default_games_dir()
    assert root.is_relative_to(tmp_path / "cache")
    assert (root / "logic" / "alfred.pddl").read_text() == Path(ALFRED_PDDL_PATH).read_text()
    train = gen.find_games(root / "json_2.1.1" / "train")
    assert len(train) == 7 and len(gen.find_games(root / "json_2.1.1" / "valid_seen")) == 3
    stamp = train[0].stat().st_mtime_ns
    assert gen.default_games_dir(["train"]) == root
    assert train[0].stat().st_mtime_ns == stamp
    assert not list((root / "json_2.1.1").glob(".*"))  # no staging leftovers
    with pytest.raises(ConfigError):
        gen.default_games_dir(["valid_unknown"])


def test_cli_generate(tmp_path: Path) -> None:
    from vera.cli import app

    result = CliRunner().invoke(app, ["alfworld", "generate", "--n", "6", "--seed", "2", "--out",
                                      str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["games"] == 6 and summary["task_types"] == {t: 1 for t in TASK_TYPES}
    assert len(gen.find_games(tmp_path)) == 6
