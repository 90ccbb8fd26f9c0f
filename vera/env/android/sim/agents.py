"""Agents the SimDroid suite can build by name, and the registry other packages add theirs to.

An agent factory takes ``(task, env, rng, options)`` and returns an object with
``act(goal: str, state: State) -> JSONAction | dict | str``. Register with `register_agent` (for
example ``register_agent("vdroid", make_vdroid)`` in the vdroid package) or lazily with an import
string in `LAZY_AGENTS`, so `suite.py` never needs editing.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from vera.env.android import types as T
from vera.env.android.env import AndroidEnv
from vera.env.android.sim.oracle import UI
from vera.env.android.sim.task import Task
from vera.env.android.types import JSONAction, State
from vera.errors import ConfigError


class SimAgent(Protocol):
    def act(self, goal: str, state: State) -> JSONAction | dict[str, Any] | str: ...


AgentFactory = Callable[[Task, AndroidEnv, random.Random, dict[str, Any]], SimAgent]
AGENTS: dict[str, AgentFactory] = {}
# name -> "module:attribute" of a factory, imported on first use.
LAZY_AGENTS: dict[str, str] = {"vdroid": "vera.agents.droid:make_simdroid_agent"}


def register_agent(name: str, factory: AgentFactory) -> None:
    AGENTS[name] = factory


def agent_names() -> list[str]:
    return sorted(set(AGENTS) | set(LAZY_AGENTS))


def get_agent_factory(name: str) -> AgentFactory:
    if name in AGENTS:
        return AGENTS[name]
    target = LAZY_AGENTS.get(name)
    if target is None:
        raise ConfigError(f"unknown SimDroid agent {name!r}; choose one of: {', '.join(agent_names())}")
    module_name, attribute = target.split(":")
    try:
        module = importlib.import_module(module_name)
        factory = getattr(module, attribute)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"agent {name!r} is not available ({exc}); is its package built?") from exc
    AGENTS[name] = factory
    return factory


class OracleAgent:
    """Plays the task's UI-only oracle, then reports ``status complete``.

    A system "isn't responding" dialog (the fault plan's ANR) is answered with "Wait" before the
    oracle resumes, as a person would.
    """

    def __init__(self, task: Task, env: AndroidEnv) -> None:
        self._ui = UI(env)
        self._actions: Iterator[JSONAction] = iter(task.solve(self._ui))
        self._done = False

    def act(self, goal: str, state: State) -> JSONAction:
        if any((e.text or "").endswith("isn't responding") for e in self._ui.elements) and self._ui.has("Wait"):
            return self._ui.click("Wait")
        if not self._done:
            try:
                return next(self._actions)
            except StopIteration:
                self._done = True
        return JSONAction(action_type=T.STATUS, goal_status="complete")


class RandomAgent:
    """AndroidWorld's RandomAgent: click with weight 0.5, every other action type 0.05."""

    WEIGHTS: dict[str, float] = {
        T.CLICK: 0.5, T.DOUBLE_TAP: 0.05, T.SCROLL: 0.05, T.SWIPE: 0.05, T.INPUT_TEXT: 0.05,
        T.NAVIGATE_HOME: 0.05, T.NAVIGATE_BACK: 0.05, T.KEYBOARD_ENTER: 0.05, T.OPEN_APP: 0.05,
        T.STATUS: 0.05, T.WAIT: 0.05, T.LONG_PRESS: 0.05, T.ANSWER: 0.05,
    }
    APP_NAMES = ("Settings", "Clock", "Contacts", "Markor", "Files", "Simple SMS Messenger",
                 "Pro Expense", "Simple Calendar Pro", "Tasks", "Broccoli", "Audio Recorder")
    TEXTS = ("hello", "test", "1", "Meeting", "2023-10-15")

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def act(self, goal: str, state: State) -> JSONAction:
        rng = self.rng
        kinds = list(self.WEIGHTS)
        kind = rng.choices(kinds, weights=[self.WEIGHTS[k] for k in kinds])[0]
        n = len(state.ui_elements)
        if kind in (T.CLICK, T.DOUBLE_TAP, T.LONG_PRESS):
            if n:
                return JSONAction(action_type=kind, index=rng.randrange(n))
            return JSONAction(action_type=kind, x=rng.randrange(1080), y=rng.randrange(2400))
        if kind == T.SCROLL:
            return JSONAction(action_type=kind, direction=rng.choice(T.SCROLL_DIRECTIONS))
        if kind == T.SWIPE:
            return JSONAction(action_type=kind, direction=rng.choice(T.SCROLL_DIRECTIONS))
        if kind == T.INPUT_TEXT:
            index = rng.randrange(n) if n else None
            return JSONAction(action_type=kind, index=index, text=rng.choice(self.TEXTS))
        if kind == T.OPEN_APP:
            return JSONAction(action_type=kind, app_name=rng.choice(self.APP_NAMES))
        if kind == T.STATUS:
            return JSONAction(action_type=kind, goal_status=rng.choice(T.GOAL_STATUSES))
        if kind == T.ANSWER:
            return JSONAction(action_type=kind, text=rng.choice(self.TEXTS))
        return JSONAction(action_type=kind)


register_agent("oracle", lambda task, env, rng, options: OracleAgent(task, env))
register_agent("random", lambda task, env, rng, options: RandomAgent(rng))
