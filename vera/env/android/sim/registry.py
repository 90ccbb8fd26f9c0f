"""Find apps and tasks by walking the `apps` and `tasks` packages (no shared list to edit).

Every module in ``vera.env.android.sim.apps`` is imported; each `App` subclass defined there with a
``package`` becomes an installed app. Every module in ``vera.env.android.sim.tasks`` is imported;
each `Task` subclass defined there with a ``template`` (and without ``abstract = True`` in its own
class body) becomes a task, named by its class name unless it sets ``name``.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from types import ModuleType

from vera.env.android.sim.app import App
from vera.env.android.sim.task import Task
from vera.errors import ConfigError


def _modules(package_name: str) -> list[ModuleType]:
    package = importlib.import_module(package_name)
    modules = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        modules.append(importlib.import_module(f"{package_name}.{info.name}"))
    return modules


def _defined_in(module: ModuleType, base: type) -> list[type]:
    found = []
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, base) and value is not base \
                and value.__module__ == module.__name__:
            found.append(value)
    return found


@functools.cache
def app_classes() -> tuple[type[App], ...]:
    """Every app class, sorted by name (names must be unique)."""
    classes: dict[str, type[App]] = {}
    for module in _modules("vera.env.android.sim.apps"):
        for cls in _defined_in(module, App):
            if not cls.package or not cls.name:
                continue
            if cls.name in classes and classes[cls.name] is not cls:
                raise ConfigError(f"two SimDroid apps are named {cls.name!r}: {classes[cls.name]} and {cls}")
            classes[cls.name] = cls
    return tuple(classes[n] for n in sorted(classes))


@functools.cache
def task_classes() -> dict[str, type[Task]]:
    """Every task class by task name, sorted by name."""
    classes: dict[str, type[Task]] = {}
    for module in _modules("vera.env.android.sim.tasks"):
        for cls in _defined_in(module, Task):
            if vars(cls).get("abstract", False) or not cls.template:
                continue
            name = cls.task_name()
            if name in classes and classes[name] is not cls:
                raise ConfigError(f"two SimDroid tasks are named {name!r}: {classes[name]} and {cls}")
            classes[name] = cls
    return {n: classes[n] for n in sorted(classes)}


def get_task_class(name: str) -> type[Task]:
    classes = task_classes()
    if name not in classes:
        raise ConfigError(f"unknown SimDroid task {name!r}; list them with `vera tasks --env simdroid`")
    return classes[name]
