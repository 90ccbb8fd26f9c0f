"""Generate ALFWorld games: rooms, tasks and expert walkthroughs, in ALFWorld's own file format.

Each game is a directory ``<out>/<task_type>-<Object>-None-<Receptacle>-<scene>/trial_G<seed>_<index>/``
holding

* ``game.tw-pddl``: JSON with ``pddl_domain`` and ``grammar`` (the installed alfworld package's
  ``alfred.pddl`` and ``alfred.twl2``, the goal sentence written into the grammar exactly as
  ``alfworld.agents.utils.misc.add_task_to_grammar`` does), ``pddl_problem`` (the generated room, with
  ALFRED-mangled names and the goal from alfworld's goal library), ``solvable: true`` and
  ``walkthrough`` (the expert plan);
* ``traj_data.json``: ``task_type``, ``pddl_params``, ``scene`` and ``turk_annotations``, so the stock
  ``AlfredTWEnv`` collects the game.

Games are deterministic: game ``i`` of seed ``s`` depends on ``(s, i)`` only, so ``generate_games(10, s)``
is a prefix of ``generate_games(200, s)``. Task types cycle through ALFWorld's six in order, so any six
consecutive games cover all of them.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from vera.env.alfworld.gen_catalog import ROOMS, TASK_ROOMS
from vera.env.alfworld.gen_plan import (
    TASK_TYPES,
    PlanError,
    TaskSpec,
    build_walkthrough,
    check_walkthrough,
    sample_task,
)
from vera.env.alfworld.gen_scene import Scene, render_problem, sample_scene
from vera.errors import ConfigError, DataError

GENERATOR_VERSION = 1
"""Bump when the same (seed, index) would produce a different game; it names the default cache."""

GAME_FILE = "game.tw-pddl"
TRAJ_FILE = "traj_data.json"
DATA_VERSION_DIR = "json_2.1.1"
DEFAULT_SPLITS: dict[str, tuple[int, int]] = {
    "train": (1, 360),
    "valid_seen": (2, 140),
    "valid_unseen": (3, 134),
    "valid_train": (4, 120),
}
"""Embedded default data: split -> (seed, number of games), in ALFWorld's data layout."""

_MAX_ATTEMPTS = 200


@dataclass(frozen=True)
class GeneratedGame:
    """One generated game before it is written: the room, the task, the goal sentence and the plan."""

    seed: int
    index: int
    scene: Scene
    task: TaskSpec
    goal: str
    walkthrough: list[str]

    @property
    def scene_number(self) -> int:
        return ROOMS[self.scene.room].scene_code * 10000 + self.index % 10000

    @property
    def trial_name(self) -> str:
        return f"trial_G{self.seed}_{self.index:05d}"

    @property
    def task_dir_name(self) -> str:
        obj, movable, parent = self.task.dir_name_parts
        return f"{self.task.task_type}-{obj}-{movable}-{parent}-{self.scene_number}"


@cache
def alfred_logic() -> tuple[str, str]:
    """(domain, grammar) text of the installed alfworld package."""
    from alfworld.info import ALFRED_PDDL_PATH, ALFRED_TWL2_PATH

    return Path(ALFRED_PDDL_PATH).read_text(), Path(ALFRED_TWL2_PATH).read_text()


def goal_sentence(task: TaskSpec, rng: random.Random) -> str:
    """One of alfworld's two goal templates for the task type, filled with lower-cased type names."""
    from alfworld.gen import goal_library

    template = rng.choice(goal_library.gdict[task.task_type]["templates"])
    return template.format(obj=task.object_type.lower(), recep=task.receptacle_type.lower(),
                           toggle=task.toggle_type.lower(), mrecep="")


def goal_pddl(task: TaskSpec) -> str:
    """The ``(:goal ...)`` block (plus the problem's closing parenthesis) from alfworld's goal library."""
    from alfworld.gen import goal_library

    text = goal_library.gdict[task.task_type]["pddl"].replace("#", "-")
    return text.format(obj=task.object_type, recep=task.receptacle_type, toggle=task.toggle_type, mrecep="")


def _check_task_types(task_types: Sequence[str] | None, rooms: Sequence[str] | None) -> tuple[str, ...]:
    chosen = tuple(task_types) if task_types else TASK_TYPES
    unknown = [t for t in chosen if t not in TASK_TYPES]
    if unknown:
        raise ConfigError(f"unknown task type(s) {unknown}; choose from {list(TASK_TYPES)}")
    unknown_rooms = [r for r in rooms or () if r not in ROOMS]
    if unknown_rooms:
        raise ConfigError(f"unknown room(s) {unknown_rooms}; choose from {sorted(ROOMS)}")
    for task_type in chosen:
        if rooms and not set(TASK_ROOMS[task_type]) & set(rooms):
            raise ConfigError(f"{task_type} is set in {list(TASK_ROOMS[task_type])}, none of the rooms "
                              f"{list(rooms)}; add one of them or drop the task type")
    return chosen


def make_game(seed: int, index: int, task_type: str, rooms: Sequence[str] | None = None) -> GeneratedGame:
    """Game ``index`` of ``seed``: sample rooms until one supports a task of this type, then plan it."""
    rng = random.Random(f"vera-alfworld-gen:{GENERATOR_VERSION}:{seed}:{index}")
    allowed = [r for r in TASK_ROOMS[task_type] if not rooms or r in rooms]
    for _ in range(_MAX_ATTEMPTS):
        scene = sample_scene(ROOMS[rng.choice(allowed)], rng)
        task = sample_task(scene, task_type, rng)
        if task is None:
            continue
        walkthrough = build_walkthrough(scene, task)
        check_walkthrough(scene, task, walkthrough)
        return GeneratedGame(seed, index, scene, task, goal_sentence(task, rng), walkthrough)
    raise PlanError(f"no {task_type} task found in {_MAX_ATTEMPTS} sampled rooms (seed {seed}, index {index})")


def game_files(game: GeneratedGame) -> tuple[dict[str, Any], dict[str, Any]]:
    """(game.tw-pddl content, traj_data.json content) for a generated game."""
    domain, grammar = alfred_logic()
    problem = render_problem(game.scene, f"plan_{game.trial_name}", goal_pddl(game.task))
    game_json = {
        "pddl_domain": domain,
        "grammar": grammar.replace("UNKNOWN GOAL", game.goal),
        "pddl_problem": problem,
        "solvable": True,
        "walkthrough": list(game.walkthrough),
    }
    traj_data = {
        "task_id": f"gen_{game.seed}_{game.index:05d}",
        "task_type": game.task.task_type,
        "pddl_params": game.task.pddl_params,
        "scene": {"floor_plan": f"Generated_{game.scene.room}", "scene_num": game.scene_number,
                  "random_seed": game.index},
        "turk_annotations": {"anns": [{"task_desc": game.goal[0].upper() + game.goal[1:] + ".",
                                       "high_descs": [], "votes": []}]},
        "generator": {"name": "vera", "version": GENERATOR_VERSION, "seed": game.seed, "index": game.index,
                      "room": game.scene.room},
    }
    return game_json, traj_data


def write_game(game: GeneratedGame, out_dir: Path) -> Path:
    """Write the game's two files under ``out_dir``; return the game.tw-pddl path."""
    game_json, traj_data = game_files(game)
    trial = Path(out_dir) / game.task_dir_name / game.trial_name
    trial.mkdir(parents=True, exist_ok=True)
    (trial / TRAJ_FILE).write_text(json.dumps(traj_data, indent=2))
    path = trial / GAME_FILE
    path.write_text(json.dumps(game_json))
    return path


def generate_games(n: int, seed: int, out_dir: str | os.PathLike[str], *,
                   task_types: Sequence[str] | None = None, rooms: Sequence[str] | None = None,
                   verify: bool = False) -> list[Path]:
    """Write ``n`` solvable ALFWorld games into ``out_dir``; return their game.tw-pddl paths.

    ``task_types`` (default: all six) cycle in order; ``rooms`` restricts where games are set. Every
    walkthrough is checked against the generated state; ``verify=True`` also plays it in the real
    TextWorld engine (about a second per game) and raises DataError if it does not win there.
    """
    if n < 0:
        raise ConfigError(f"--n must be >= 0, got {n}")
    chosen = _check_task_types(task_types, rooms)
    paths = []
    for index in range(n):
        game = make_game(seed, index, chosen[index % len(chosen)], rooms)
        path = write_game(game, Path(out_dir))
        if verify:
            transcript = textworld_transcript(path, game.walkthrough)
            if not transcript or not transcript[-1]["won"]:
                raise DataError(f"{path}: the walkthrough does not win in TextWorld; please report this "
                                f"generator bug with seed {seed} and index {index}")
        paths.append(path)
    return paths


def find_games(root: str | os.PathLike[str]) -> list[Path]:
    """All game.tw-pddl files under ``root``, sorted."""
    return sorted(Path(root).rglob(GAME_FILE))


def textworld_transcript(game_file: str | os.PathLike[str], commands: Sequence[str]) -> list[dict[str, Any]]:
    """Play commands in the real TextWorld PDDL engine with ALFWorld's wrappers.

    Returns one record per step, the reset first: ``command`` (None at reset), ``feedback``,
    ``admissible_commands`` and ``won``. Stops after the step that wins.
    """
    import textworld
    from alfworld.agents.environment.alfred_tw_env import AlfredDemangler, AlfredInfos
    from textworld.envs.pddl import PddlEnv

    env = AlfredInfos(AlfredDemangler(PddlEnv(textworld.EnvInfos(won=True, admissible_commands=True,
                                                                  extras=["gamefile"]))))
    env.load(str(game_file))
    state = env.reset()
    records = [{"command": None, "feedback": state.feedback,
                "admissible_commands": list(state["admissible_commands"]), "won": bool(state["won"])}]
    for command in commands:
        state, _, done = env.step(command)
        records.append({"command": command, "feedback": state.feedback,
                        "admissible_commands": list(state["admissible_commands"]), "won": bool(state["won"])})
        if done:
            break
    env.close()
    return records


def _cache_root() -> Path:
    base = os.environ.get("VERA_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "vera")
    return Path(base) / "alfworld" / f"generated-v{GENERATOR_VERSION}"


def default_games_dir(splits: Sequence[str] | None = None) -> Path:
    """An ALFWorld data dir of generated games, made once in a cache outside the repository.

    Layout as ``$ALFWORLD_DATA``: ``json_2.1.1/{train,valid_seen,valid_unseen,valid_train}/...`` (sizes and
    seeds in ``DEFAULT_SPLITS``) and ``logic/alfred.{pddl,twl2}``. The cache lives under ``$VERA_CACHE``
    (default ``~/.cache/vera``); each split is written to a temporary directory and renamed into place,
    so concurrent callers never see a half-written split.
    """
    root = _cache_root()
    wanted = list(splits) if splits else list(DEFAULT_SPLITS)
    unknown = [s for s in wanted if s not in DEFAULT_SPLITS]
    if unknown:
        raise ConfigError(f"unknown split(s) {unknown}; choose from {list(DEFAULT_SPLITS)}")
    logic = root / "logic"
    if not (logic / "alfred.twl2").exists():
        logic.mkdir(parents=True, exist_ok=True)
        domain, grammar = alfred_logic()
        for name, text in (("alfred.pddl", domain), ("alfred.twl2", grammar)):
            tmp = logic / f".{name}.{os.getpid()}"
            tmp.write_text(text)
            os.replace(tmp, logic / name)
    for split in wanted:
        final = root / DATA_VERSION_DIR / split
        if final.exists():
            continue
        final.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{split}-", dir=final.parent))
        seed, count = DEFAULT_SPLITS[split]
        try:
            generate_games(count, seed, staging)
            os.rename(staging, final)
        except OSError:
            if not final.exists():
                raise
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    return root
