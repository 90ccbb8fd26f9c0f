"""`ALFWorldSuite`: ALFWorld as a `vera.env.suite.Suite` (games as tasks, expert and random agents).

Tasks are the games of a data dir (``--data`` or ``$ALFWORLD_DATA``; generated games when neither is
set), named ``<split dir>/<task dir>/<trial dir>``, grouped by ``task_type``. An episode follows
ALFWorld's protocol: reset (the welcome text), at most 50 commands, success = ``won``. Agents:
``expert`` replays the game's walkthrough, ``random`` picks uniformly among the admissible commands
(seeded by the episode seed). A game file that cannot be loaded gives an `EpisodeResult` with the error,
so an eval run records it and moves on.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from vera.env.alfworld.data import SPLITS, GameRef, find_games, resolve_data_dir, split_dir_name
from vera.env.alfworld.engine import MAX_STEPS, FastALFWorldEnv, load_game
from vera.env.suite import EpisodeResult, TaskInfo
from vera.errors import ConfigError, DataError

if TYPE_CHECKING:
    from vera.trajectory import TrajectoryRecorder

BACKENDS = ("fast", "textworld")


class ALFWorldPlayer(Protocol):
    """Chooses the next command from the observation and the admissible commands."""

    def act(self, observation: str, admissible: list[str]) -> str: ...


class ExpertPlayer:
    """Replays the game's walkthrough (ALFWorld's expert plan); 'look' once it is exhausted."""

    def __init__(self, walkthrough: list[str]) -> None:
        if not walkthrough:
            raise DataError("this game has no walkthrough, so the expert agent cannot play it; use a game "
                            "file with a 'walkthrough' (ALFWorld >= 0.4 data or generated games)")
        self._plan = list(walkthrough)
        self._index = 0

    def act(self, observation: str, admissible: list[str]) -> str:
        command = self._plan[self._index] if self._index < len(self._plan) else "look"
        self._index += 1
        return command


class RandomPlayer:
    """Uniform over the admissible commands."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def act(self, observation: str, admissible: list[str]) -> str:
        return self._rng.choice(admissible) if admissible else "look"


AGENTS: dict[str, Callable[[Any, random.Random, dict[str, Any]], ALFWorldPlayer]] = {
    "expert": lambda game, rng, options: ExpertPlayer(game.walkthrough),
    "random": lambda game, rng, options: RandomPlayer(rng),
}


def goal_of(intro: str) -> str:
    """'Your task is to: put a hot apple in diningtable.' from the welcome text."""
    for line in reversed(intro.splitlines()):
        if line.startswith("Your task is to: "):
            return line.removeprefix("Your task is to: ")
    return ""


def make_env(path: str | Path, backend: str = "fast", max_steps: int = MAX_STEPS) -> Any:
    """An env over one game file: the fast engine or the real TextWorld one (same API)."""
    if backend == "fast":
        return FastALFWorldEnv(load_game(path), max_steps=max_steps)
    if backend == "textworld":
        from vera.env.alfworld.textworld_env import TextWorldALFWorldEnv

        return TextWorldALFWorldEnv(path, max_steps=max_steps)
    raise ConfigError(f"unknown ALFWorld backend {backend!r}; choose one of: {', '.join(BACKENDS)}")


def generated_data_dir() -> Path:
    """The embedded default: generated games in ALFWorld's layout (made once in a cache)."""
    try:
        from vera.env.alfworld.generate import default_games_dir
    except ImportError as exc:  # pragma: no cover - the generator ships with vera
        raise DataError("no ALFWorld data and no game generator available; set ALFWORLD_DATA") from exc
    return Path(default_games_dir())


class ALFWorldSuite:
    """ALFWorld games as a benchmark suite over the fast engine (default) or real TextWorld."""

    name = "alfworld"

    def __init__(self, data: str | Path | None = None, backend: str = "fast", max_steps: int = MAX_STEPS,
                 **_: Any) -> None:
        if backend not in BACKENDS:
            raise ConfigError(f"unknown ALFWorld backend {backend!r}; choose one of: {', '.join(BACKENDS)}")
        self.backend = backend
        self.max_steps = max_steps
        found = None if data is not None and str(data) == "generated" else resolve_data_dir(data)
        self.generated = found is None
        self.data_dir = found if found is not None else generated_data_dir()
        self._games: dict[str, GameRef] = {}
        self._by_split: dict[str, list[GameRef]] = {}

    # -- tasks ----------------------------------------------------------------------------------
    def _split_games(self, split: str) -> list[GameRef]:
        if split not in self._by_split:
            refs = find_games(self.data_dir, split)
            self._by_split[split] = refs
            for ref in refs:
                self._games[self.task_name(ref)] = ref
        return self._by_split[split]

    @staticmethod
    def task_name(ref: GameRef) -> str:
        return f"{split_dir_name(ref.split)}/{ref.name}"

    def _info(self, ref: GameRef) -> TaskInfo:
        return TaskInfo(name=self.task_name(ref), split=ref.split, max_steps=self.max_steps,
                        groups={"task_type": ref.task_type})

    def tasks(self, split: str | None = None) -> list[TaskInfo]:
        if split is not None:
            if split not in SPLITS:
                raise ConfigError(f"unknown split {split!r}; use one of: {', '.join(SPLITS)}")
            return [self._info(r) for r in self._split_games(split)]
        infos: list[TaskInfo] = []
        for name in SPLITS:
            try:
                infos.extend(self._info(r) for r in self._split_games(name))
            except DataError:
                continue  # a split this data dir does not have
        return sorted(infos, key=lambda t: t.name)

    def agent_names(self) -> list[str]:
        return sorted(AGENTS)

    def game_path(self, task: str) -> Path:
        """The game file of a task name (``<split dir>/<task dir>/<trial dir>``)."""
        if task not in self._games:
            split_dir = task.split("/", 1)[0]
            vera_split = next((k for k, v in SPLITS.items() if v == split_dir), None)
            if vera_split is not None:
                try:
                    self._split_games(vera_split)
                except DataError:
                    pass
        ref = self._games.get(task)
        if ref is None:
            raise ConfigError(f"unknown alfworld task {task!r}; see `vera tasks --env alfworld`")
        return ref.path

    # -- episodes -------------------------------------------------------------------------------
    def run_episode(self, task: str, seed: int, agent: str, *, recorder: TrajectoryRecorder | None = None,
                    agent_options: dict[str, Any] | None = None) -> EpisodeResult:
        started = time.perf_counter()
        result = EpisodeResult(env=self.name, task=task, seed=seed, agent=agent, max_steps=self.max_steps)
        try:
            path = self.game_path(task)
            result.groups = {"task_type": task.split("/")[1].split("-", 1)[0]}
            factory = AGENTS.get(agent)
            if factory is None:
                raise ConfigError(f"unknown alfworld agent {agent!r}; choose one of: {', '.join(AGENTS)}")
            game = load_game(path)
            rng = random.Random(int(hashlib.sha256(f"{task}:{seed}".encode()).hexdigest()[:16], 16))
            player = factory(game, rng, dict(agent_options or {}))
            env = make_env(path, self.backend, self.max_steps)
            obs, infos = env.reset()
        except Exception as exc:  # corrupt game, unknown agent, ...: recorded, never raised
            result.error = f"{type(exc).__name__}: {exc}"
            result.duration_s = round(time.perf_counter() - started, 6)
            return result
        result.goal = goal_of(obs)
        if recorder is not None:
            recorder.start(env=self.name, task=task, seed=seed, goal=result.goal, agent=agent,
                           max_steps=self.max_steps, groups=result.groups, backend=self.backend,
                           game_file=str(path))
        done = False
        won = bool(infos["won"])
        while not done and result.steps < self.max_steps:
            t0 = time.perf_counter()
            admissible = list(infos["admissible_commands"])
            command = player.act(obs, admissible)
            observation = {"text": obs, "admissible_commands": admissible}
            obs, _, done, infos = env.step(command)
            won = bool(infos["won"])
            result.steps += 1
            if recorder is not None:
                recorder.step(index=result.steps - 1, observation=observation, action=command,
                              info={"feedback": obs, "won": won, "done": bool(done)},
                              duration_s=round(time.perf_counter() - t0, 6))
        result.done = bool(done)
        result.success = 1.0 if won else 0.0
        result.duration_s = round(time.perf_counter() - started, 6)
        result.extra = {"backend": self.backend, "game_file": str(path)}
        if recorder is not None:
            recorder.finish({"success": result.success, "done": result.done, "steps": result.steps})
        return result
