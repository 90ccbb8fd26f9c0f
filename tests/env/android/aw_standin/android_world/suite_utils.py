"""`create_suite` with AndroidWorld's seeding rule and `Suite` (a dict of task name -> instances)."""

from __future__ import annotations

import hashlib
import random
from typing import Any


class Suite(dict):
    suite_family: str | None = None


def create_suite(task_registry: dict[str, type], n_task_combinations: int = 1, seed: int | None = None,
                 tasks: list[str] | None = None, use_identical_params: bool = False, env: Any = None) -> Suite:
    def instance_seed(name: str, i: int) -> int:
        return int(hashlib.sha256(f"{seed}_{name}_{i}".encode()).hexdigest(), 16) % (2**32)

    for name in tasks or []:
        if name not in task_registry:
            raise ValueError(f"Task {name} not found in the task registry.")
    suite = {}
    for name, task_type in task_registry.items():
        if tasks is not None and name not in tasks:
            continue
        instances = []
        for i in range(n_task_combinations):
            value = instance_seed(name, 0 if use_identical_params else i)
            random.seed(value)
            params = task_type.generate_random_params()
            params["seed"] = value
            instances.append(task_type(params))
        suite[name] = instances
    return Suite(sorted(suite.items()))
