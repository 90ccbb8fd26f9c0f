"""`ALFWorldGymEnv`: ALFWorld as a Gymnasium env (``gymnasium.make("vera/ALFWorld-v0", ...)``).

Observation: the text ALFWorld returns (the welcome text on reset). Action: a command string (anything;
a command that is not admissible gives "Nothing happens." and uses a step). ``info`` holds
``admissible_commands`` (sorted), ``won``, ``gamefile`` and ``task_type``. Reward 1.0 on the step that
wins; ``terminated`` when won, ``truncated`` after ``max_steps`` (50) steps without winning.

Each reset plays one game of the split: ``options={"game": <path or task name>}`` picks it, otherwise it
is drawn with the env's seeded RNG. ``backend`` is "fast" (vera's engine) or "textworld" (the real env);
``data`` an ALFWorld data dir, "generated", or None ($ALFWORLD_DATA, else generated games).
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import gymnasium as gym
from gymnasium import spaces

from vera.env.alfworld.data import find_games
from vera.env.alfworld.engine import MAX_STEPS
from vera.env.alfworld.suite import ALFWorldSuite, make_env
from vera.errors import DataError

CHARSET = string.printable
MAX_OBSERVATION_CHARS = 8192
MAX_COMMAND_CHARS = 256


class ALFWorldGymEnv(gym.Env[str, str]):
    """One ALFWorld game per episode, over the fast engine or real TextWorld."""

    metadata = {"render_modes": ["ansi"], "render_fps": 4}

    def __init__(self, backend: str = "fast", split: str = "train", data: str | Path | None = None,
                 max_steps: int = MAX_STEPS, games: list[str | Path] | None = None,
                 render_mode: str | None = None) -> None:
        self.backend = backend
        self.max_steps = max_steps
        self.render_mode = render_mode
        if games:
            self._games = [Path(g) for g in games]
        else:
            suite = ALFWorldSuite(data=data, backend=backend, max_steps=max_steps)
            self._games = [ref.path for ref in find_games(suite.data_dir, split)]
        if not self._games:
            raise DataError(f"split {split!r} has no games; pass data= or games=")
        self._by_name = {f"{p.parent.parent.parent.name}/{p.parent.parent.name}/{p.parent.name}": p
                         for p in self._games}
        self.observation_space = spaces.Text(max_length=MAX_OBSERVATION_CHARS, charset=CHARSET)
        self.action_space = spaces.Text(max_length=MAX_COMMAND_CHARS, charset=CHARSET)
        self._env: Any = None
        self._last_obs = ""
        self._game: Path | None = None

    def _info(self, infos: dict[str, Any]) -> dict[str, Any]:
        assert self._game is not None
        return {"admissible_commands": list(infos["admissible_commands"]), "won": bool(infos["won"]),
                "gamefile": str(self._game), "task_type": self._game.parent.parent.name.split("-", 1)[0]}

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None
              ) -> tuple[str, dict[str, Any]]:
        super().reset(seed=seed)
        choice = (options or {}).get("game")
        if choice is not None:
            game = self._by_name.get(str(choice), Path(choice))
        else:
            game = self._games[int(self.np_random.integers(len(self._games)))]
        self._game = game
        self._env = make_env(game, self.backend, self.max_steps)
        obs, infos = self._env.reset()
        self._last_obs = obs
        return obs, self._info(infos)

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        if self._env is None:
            raise RuntimeError("call reset() before step()")
        obs, score, done, infos = self._env.step(str(action))
        self._last_obs = obs
        won = bool(infos["won"])
        terminated = won
        truncated = bool(done) and not won
        return obs, float(score), terminated, truncated, self._info(infos)

    def render(self) -> str | None:
        return self._last_obs if self.render_mode == "ansi" else None
