"""The `Task` base class, in AndroidWorld's TaskEval shape (see APPS.md for how to write one).

A task class has a ``template`` (``str.format`` with its params), a ``complexity`` (the step budget is
``int(10 * complexity)``), the ``app_names`` it uses, a ``difficulty`` and a ``family`` (tasks of one
family share their skill; splits are made by family). An instance holds ``params`` drawn from a seed
by `generate_random_params(rng)` with ``rng = random.Random(seed)`` (AndroidWorld seeds each
instance with ``sha256(f"{suite_seed}_{name}_{i}")``, see `vera.eval.seeds`). `initialize` writes
app state on a fresh device; `is_successful` reads it (or the agent's answer) and returns 0.0-1.0;
`solve` is the oracle: a generator of JSONActions computed from the screen only.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from vera.env.android.types import JSONAction

if TYPE_CHECKING:
    from vera.env.android.sim.device import SimDroid
    from vera.env.android.sim.oracle import UI


def difficulty_for(complexity: float) -> str:
    """Default difficulty when a task does not set one: AndroidWorld's metadata roughly follows this."""
    if complexity < 2.0:
        return "easy"
    if complexity < 4.0:
        return "medium"
    return "hard"


class Task:
    """One parameterized task. Subclasses set the class attributes and the four methods."""

    name: ClassVar[str] = ""
    template: ClassVar[str] = ""
    complexity: ClassVar[float] = 1.0
    app_names: ClassVar[tuple[str, ...]] = ()
    difficulty: ClassVar[str] = ""
    family: ClassVar[str] = ""
    tags: ClassVar[tuple[str, ...]] = ()
    start_on_home_screen: ClassVar[bool] = True

    def __init__(self, params: dict[str, Any]) -> None:
        self.params = dict(params)

    # --- class-level metadata ------------------------------------------------------------------------------
    @classmethod
    def task_name(cls) -> str:
        return cls.name or cls.__name__

    @classmethod
    def task_difficulty(cls) -> str:
        return cls.difficulty or difficulty_for(cls.complexity)

    @classmethod
    def task_family(cls) -> str:
        return cls.family or cls.task_name()

    @classmethod
    def max_steps(cls) -> int:
        return int(10 * cls.complexity)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        """Params for one instance, drawn only from `rng`."""
        return {}

    @classmethod
    def from_seed(cls, seed: int) -> Task:
        """An instance with params from ``random.Random(seed)``; ``params["seed"]`` is the seed."""
        params = cls.generate_random_params(random.Random(seed))
        params["seed"] = seed
        return cls(params)

    # --- instance --------------------------------------------------------------------------------------------
    @property
    def goal(self) -> str:
        return self.template.format(**self.params)

    def initialize(self, device: SimDroid) -> None:
        """Set the apps' state for this instance (the device is fresh)."""

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        """1.0 when the goal holds in the apps' state (or `answer` is right), else 0.0 (fractions allowed)."""
        raise NotImplementedError

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        """The oracle: yield actions chosen from what `ui` shows; the suite adds ``status complete``."""
        raise NotImplementedError
        yield  # pragma: no cover
