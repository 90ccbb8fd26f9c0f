"""`TaskEval` with AndroidWorld's surface; `simdroid_task_eval` wraps a SimDroid task as one.

The device behind the env is reached through ``env.controller`` (AndroidWorld reaches the emulator
the same way, through adb); app state is restored before each task as AndroidWorld restores app
snapshots. Every call is logged in `CALLS` so tests can check the runner's call order.
"""

from __future__ import annotations

import random
from typing import Any

CALLS: list[tuple[str, str, int]] = []


class TaskEval:
    template = ""
    complexity = 1.0
    app_names: tuple[str, ...] = ()
    schema: dict = {}
    start_on_home_screen = True

    def __init__(self, params: dict[str, Any]) -> None:
        self._params = params

    @property
    def params(self) -> dict[str, Any]:
        return self._params

    @property
    def name(self) -> str:
        return self.__class__.__name__

    @property
    def goal(self) -> str:
        return self.template.format(**self._params)

    @classmethod
    def generate_random_params(cls) -> dict[str, Any]:
        return {}

    def initialize_task(self, env: Any) -> None:
        env.interaction_cache = ""
        random.seed(self._params.get("seed"))

    def is_successful(self, env: Any) -> float:
        return 0.0

    def tear_down(self, env: Any) -> None:
        pass


def simdroid_task_eval(name: str) -> type[TaskEval]:
    from vera.env.android.sim.registry import get_task_class

    vera_cls = get_task_class(name)

    class Wrapped(TaskEval):
        complexity = vera_cls.complexity
        app_names = tuple(vera_cls.app_names)

        @classmethod
        def generate_random_params(cls) -> dict[str, Any]:
            # AndroidWorld draws from the global `random`, seeded by create_suite.
            return {"vera_seed": random.getrandbits(31)}

        def __init__(self, params: dict[str, Any]) -> None:
            super().__init__(params)
            self.vera_task = vera_cls.from_seed(params["vera_seed"])

        @property
        def goal(self) -> str:
            return self.vera_task.goal

        def initialize_task(self, env: Any) -> None:
            super().initialize_task(env)
            CALLS.append(("initialize_task", name, self._params["seed"]))
            device = env.controller
            for app in device.apps.values():
                app.reset()
            self.vera_task.initialize(device)
            device.go_home_and_reset()

        def is_successful(self, env: Any) -> float:
            CALLS.append(("is_successful", name, self._params["seed"]))
            return float(self.vera_task.is_successful(env.controller, env.interaction_cache))

        def tear_down(self, env: Any) -> None:
            CALLS.append(("tear_down", name, self._params["seed"]))

    Wrapped.__name__ = Wrapped.__qualname__ = name
    return Wrapped
