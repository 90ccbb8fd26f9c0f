"""Tasks (org.tasks) tasks: AndroidWorld's information-retrieval questions plus vera's state-changing ones.

Params are JSON-friendly: to-do items travel as dicts with ISO due dates.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from vera.env.android.sim.apps.calendar_model import DEVICE_NOW, spoken_date
from vera.env.android.sim.apps.todo_model import (
    PRIORITY_HIGH,
    PRIORITY_LOW,
    PRIORITY_MEDIUM,
    PRIORITY_NONE,
    TODO_TITLES,
    Todo,
)

APP_NAME = "tasks"
TODAY = DEVICE_NOW.date()


def todo_to_dict(todo: Todo) -> dict[str, Any]:
    return {"title": todo.title, "due": todo.due.isoformat() if todo.due else None,
            "priority": todo.priority, "completed": todo.completed, "notes": todo.notes}


def todo_from_dict(data: dict[str, Any]) -> Todo:
    due = date.fromisoformat(data["due"]) if data.get("due") else None
    return Todo(title=data["title"], due=due, priority=data.get("priority", PRIORITY_NONE),
                completed=data.get("completed", False), notes=data.get("notes", ""))


class _TitlePool:
    """Hands out distinct stock titles."""

    def __init__(self, rng: random.Random) -> None:
        self._titles = rng.sample(TODO_TITLES, len(TODO_TITLES))

    def take(self) -> str:
        return self._titles.pop()


def _other_day(rng: random.Random, avoid: date) -> date | None:
    choices = [TODAY + timedelta(days=k) for k in range(-3, 15) if TODAY + timedelta(days=k) != avoid]
    return rng.choice(choices + [None])  # type: ignore[list-item]


def _noise(rng: random.Random, pool: _TitlePool, count: int, avoid_day: date,
           priorities: tuple[int, ...] = (PRIORITY_MEDIUM, PRIORITY_LOW, PRIORITY_NONE),
           completed: bool | None = None) -> list[Todo]:
    out = []
    for _ in range(count):
        done = rng.random() < 0.3 if completed is None else completed
        out.append(Todo(pool.take(), _other_day(rng, avoid_day), rng.choice(priorities), done))
    return out


def on_date_params(rng: random.Random, n_open: int, n_done: int, n_noise: int = 5) -> dict[str, Any]:
    """Items due on one day (`n_open` incomplete, `n_done` completed) plus items due on other days."""
    day = TODAY + timedelta(days=rng.randint(1, 14))
    pool = _TitlePool(rng)
    prios = (PRIORITY_HIGH, PRIORITY_MEDIUM, PRIORITY_LOW, PRIORITY_NONE)
    open_items = [Todo(pool.take(), day, rng.choice(prios)) for _ in range(n_open)]
    done_items = [Todo(pool.take(), day, rng.choice(prios), True) for _ in range(n_done)]
    noise = _noise(rng, pool, n_noise, day, prios)
    return {"date": spoken_date(day), "day": day.isoformat(),
            "open": [todo_to_dict(t) for t in open_items], "done": [todo_to_dict(t) for t in done_items],
            "noise": [todo_to_dict(t) for t in noise]}


def high_priority_params(rng: random.Random) -> dict[str, Any]:
    """One to three incomplete high-priority items among items of other priorities."""
    pool = _TitlePool(rng)
    targets = [Todo(pool.take(), _other_day(rng, TODAY), PRIORITY_HIGH) for _ in range(rng.randint(1, 3))]
    noise = _noise(rng, pool, 5, TODAY, completed=False)
    return {"open": [todo_to_dict(t) for t in targets], "done": [],
            "noise": [todo_to_dict(t) for t in noise]}


def add_params(rng: random.Random) -> dict[str, Any]:
    """A new item's title, due date and priority, and existing items."""
    pool = _TitlePool(rng)
    day = TODAY + timedelta(days=rng.randint(1, 14))
    title = pool.take()
    noise = _noise(rng, pool, 4, day, completed=False)
    return {"title": title, "date": spoken_date(day), "day": day.isoformat(),
            "noise": [todo_to_dict(t) for t in noise]}


def existing_item_params(rng: random.Random) -> dict[str, Any]:
    """An existing incomplete item (the target) among other incomplete items."""
    pool = _TitlePool(rng)
    target = Todo(pool.take(), _other_day(rng, TODAY), rng.choice((PRIORITY_HIGH, PRIORITY_NONE)))
    noise = _noise(rng, pool, 5, TODAY, completed=False)
    return {"title": target.title, "open": [todo_to_dict(target)], "noise": [todo_to_dict(t) for t in noise]}
