"""The real ALFWorld environment: TextWorld's PddlEnv with ALFWorld's wrappers, one game at a time.

This is what `AlfredTWEnv(config, split).init_env(batch_size=1)` builds (PddlEnv + AlfredDemangler +
AlfredInfos, a 50-step Limit, a batch env that freezes a finished game), without needing ALFWorld's
base_config.yaml or traj_data.json. `TextWorldALFWorldEnv` has the same API as
`vera.env.alfworld.engine.FastALFWorldEnv`.
"""

from __future__ import annotations

import os
from typing import Any

from vera.env.alfworld.engine import MAX_STEPS
from vera.errors import DataError


class TextWorldALFWorldEnv:
    """One ALFWorld game played by the real TextWorld engine (fast_downward underneath)."""

    def __init__(self, game_file: str | os.PathLike[str], max_steps: int = MAX_STEPS) -> None:
        import textworld
        from alfworld.agents.environment.alfred_tw_env import AlfredDemangler, AlfredInfos
        from textworld.envs.wrappers import Limit

        self.path = os.fspath(game_file)
        self.max_steps = max_steps
        infos = textworld.EnvInfos(won=True, admissible_commands=True, extras=["gamefile"])
        try:
            env = textworld.start(self.path, infos, wrappers=[AlfredDemangler(shuffle=False), AlfredInfos])
        except Exception as exc:
            raise DataError(f"TextWorld cannot load game file {self.path}: {exc}") from None
        self._env = Limit(env, max_episode_steps=max_steps)
        self._last: tuple[str, float, bool, dict[str, Any]] | None = None
        self.steps = 0

    @staticmethod
    def _infos(state: Any) -> dict[str, Any]:
        return {"admissible_commands": list(state["admissible_commands"]), "won": bool(state["won"]),
                "extra.gamefile": state.get("extra.gamefile")}

    def reset(self) -> tuple[str, dict[str, Any]]:
        state = self._env.reset()
        self.steps = 0
        infos = self._infos(state)
        self._last = (state.feedback, 0.0, False, infos)
        return state.feedback, infos

    def step(self, command: str) -> tuple[str, float, bool, dict[str, Any]]:
        if self._last is None:
            raise RuntimeError("call reset() before step()")
        if self._last[2]:
            return self._last
        state, score, done = self._env.step(command)
        self.steps += 1
        self._last = (state.feedback, float(score), bool(done), self._infos(state))
        return self._last

    @property
    def admissible_commands(self) -> list[str]:
        return list(self._last[3]["admissible_commands"]) if self._last else []

    def close(self) -> None:
        self._env.close()
