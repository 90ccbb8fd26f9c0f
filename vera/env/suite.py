"""The `Suite` protocol: one benchmark environment as the CLI and the eval runner see it.

A suite lists its tasks, knows which agents it can build, and runs one episode end to end, returning an
`EpisodeResult`. SimDroid (`vera.env.android.sim.suite`) and ALFWorld (`vera.env.alfworld.suite`)
implement it; `get_suite` finds them by name without importing the others.
"""

from __future__ import annotations

import importlib
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from vera.errors import ConfigError

if TYPE_CHECKING:
    from vera.trajectory import TrajectoryRecorder


@dataclass(frozen=True)
class TaskInfo:
    """A task as listed by `vera tasks`: name, split, step budget and the groups results break down by."""

    name: str
    split: str
    max_steps: int
    groups: dict[str, str] = field(default_factory=dict)
    template: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class EpisodeResult:
    """The outcome of one episode; one JSON line in an eval's results file."""

    env: str
    task: str
    seed: int
    agent: str
    goal: str = ""
    success: float = 0.0
    done: bool = False
    steps: int = 0
    max_steps: int = 0
    duration_s: float = 0.0
    error: str | None = None
    groups: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EpisodeResult:
        return cls(**data)


class Suite(Protocol):
    """One environment family (simdroid, alfworld) seen as a benchmark."""

    name: str

    def tasks(self, split: str | None = None) -> list[TaskInfo]:
        """Tasks of a split (all tasks when None), sorted by name."""
        ...

    def agent_names(self) -> list[str]:
        """Agents this suite can build by name (oracle, random, vdroid, expert, ...)."""
        ...

    def run_episode(
        self,
        task: str,
        seed: int,
        agent: str,
        *,
        recorder: TrajectoryRecorder | None = None,
        agent_options: dict[str, Any] | None = None,
    ) -> EpisodeResult:
        """Run one episode of `task` with params from `seed`; never raises for agent or env errors."""
        ...


# name -> "module:attribute" of a callable that takes keyword options and returns a Suite.
SUITES: dict[str, str] = {
    "simdroid": "vera.env.android.sim.suite:SimDroidSuite",
    "alfworld": "vera.env.alfworld.suite:ALFWorldSuite",
}


def get_suite(name: str, **options: Any) -> Suite:
    """Build the suite called `name` with its options (e.g. ``data=`` for alfworld).

    `name` is a registered name or, for a suite of your own, ``"package.module:Factory"``.
    """
    target = SUITES.get(name) or (name if ":" in name else None)
    if target is None:
        raise ConfigError(f"unknown environment {name!r}; choose one of: {', '.join(sorted(SUITES))} "
                          "(or give 'package.module:SuiteFactory')")
    module_name, attribute = target.split(":", 1)
    try:
        module = importlib.import_module(module_name)
        factory = getattr(module, attribute)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"cannot load suite {name!r} from {target!r}: {exc}") from exc
    return factory(**options)
