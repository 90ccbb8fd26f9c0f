"""Tasks (org.tasks) tasks: AndroidWorld's information-retrieval questions plus vera's state-changing ones.

Params are JSON-friendly: to-do items travel as dicts with ISO due dates.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from vera.env.android.sim.apps.calendar_model import DEVICE_NOW, spoken_date
from vera.env.android.sim.apps.expense_model import added_correctly, fuzzy_equal, removed_exactly
from vera.env.android.sim.apps.todo_model import (
    PRIORITY_HIGH,
    PRIORITY_LOW,
    PRIORITY_MEDIUM,
    PRIORITY_NONE,
    TODO_TITLES,
    Todo,
    due_label,
)
from vera.env.android.sim.oracle import UI
from vera.env.android.sim.task import Task
from vera.env.android.sim.tasks.calendar import pick_date, titles_answer_ok
from vera.env.android.sim.tasks.rows import field_text, rows_on_screen
from vera.env.android.types import JSONAction

if TYPE_CHECKING:
    from vera.env.android.sim.device import SimDroid

APP_NAME = "tasks"
TODAY = DEVICE_NOW.date()


def todo_to_dict(todo: Todo) -> dict[str, Any]:
    return {
        "title": todo.title,
        "due": todo.due.isoformat() if todo.due else None,
        "priority": todo.priority,
        "completed": todo.completed,
        "notes": todo.notes,
    }


def todo_from_dict(data: dict[str, Any]) -> Todo:
    due = date.fromisoformat(data["due"]) if data.get("due") else None
    return Todo(
        title=data["title"],
        due=due,
        priority=data.get("priority", PRIORITY_NONE),
        completed=data.get("completed", False),
        notes=data.get("notes", ""),
    )


class _TitlePool:
    """Hands out distinct stock titles."""

    def __init__(self, rng: random.Random) -> None:
        self._titles = rng.sample(TODO_TITLES, len(TODO_TITLES))

    def take(self) -> str:
        return self._titles.pop()


def _other_day(rng: random.Random, avoid: date) -> date | None:
    choices = [TODAY + timedelta(days=k) for k in range(-3, 15) if TODAY + timedelta(days=k) != avoid]
    return rng.choice(choices + [None])  # type: ignore[list-item]


def _noise(
    rng: random.Random,
    pool: _TitlePool,
    count: int,
    avoid_day: date,
    priorities: tuple[int, ...] = (PRIORITY_MEDIUM, PRIORITY_LOW, PRIORITY_NONE),
    completed: bool | None = None,
) -> list[Todo]:
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
    return {
        "date": spoken_date(day),
        "day": day.isoformat(),
        "open": [todo_to_dict(t) for t in open_items],
        "done": [todo_to_dict(t) for t in done_items],
        "noise": [todo_to_dict(t) for t in noise],
    }


def high_priority_params(rng: random.Random) -> dict[str, Any]:
    """One to three incomplete high-priority items among items of other priorities."""
    pool = _TitlePool(rng)
    targets = [Todo(pool.take(), _other_day(rng, TODAY), PRIORITY_HIGH) for _ in range(rng.randint(1, 3))]
    noise = _noise(rng, pool, 5, TODAY, completed=False)
    return {"open": [todo_to_dict(t) for t in targets], "done": [], "noise": [todo_to_dict(t) for t in noise]}


def add_params(rng: random.Random) -> dict[str, Any]:
    """A new item's title, due date and priority, and existing items."""
    pool = _TitlePool(rng)
    day = TODAY + timedelta(days=rng.randint(1, 14))
    title = pool.take()
    noise = _noise(rng, pool, 4, day, completed=False)
    return {
        "title": title,
        "date": spoken_date(day),
        "day": day.isoformat(),
        "noise": [todo_to_dict(t) for t in noise],
    }


def existing_item_params(rng: random.Random) -> dict[str, Any]:
    """An existing incomplete item (the target) among other incomplete items."""
    pool = _TitlePool(rng)
    target = Todo(pool.take(), _other_day(rng, TODAY), rng.choice((PRIORITY_HIGH, PRIORITY_NONE)))
    noise = _noise(rng, pool, 5, TODAY, completed=False)
    return {"title": target.title, "open": [todo_to_dict(target)], "noise": [todo_to_dict(t) for t in noise]}


# --- tasks -----------------------------------------------------------------------------------------
class _TodoTask(Task):
    """Shared setup: a fresh task list holding the task's items, in shuffled entry order."""

    abstract = True
    app_names = (APP_NAME,)
    before: dict[int, Todo]

    def initialize(self, device: SimDroid) -> None:
        app = device.app(APP_NAME)
        app.reset()
        items = [todo_from_dict(d) for key in ("open", "done", "noise") for d in self.params.get(key, [])]
        random.Random(self.params.get("seed", 0)).shuffle(items)
        for item in items:
            app.state.add(item)
        self.before = app.state.snapshot()

    def _after(self, device: SimDroid) -> dict[int, Todo]:
        return device.app(APP_NAME).state.snapshot()

    def _target_id(self) -> int:
        ids = [i for i, t in self.before.items() if t.title == self.params["title"]]
        return ids[0] if len(ids) == 1 else -1


def _list_rows(ui: UI) -> list[dict[str, Any]]:
    return rows_on_screen(ui, "task_title", ("due_date", "completeBox"))


def _is_checked(row: dict[str, Any]) -> bool:
    box = row.get("completeBox")
    return bool(box is not None and box.is_checked)


def _priority(row: dict[str, Any]) -> str:
    box = row.get("completeBox")
    return (box.content_description or "") if box is not None else ""


def _due_chip(params: dict[str, Any]) -> str:
    return due_label(date.fromisoformat(params["day"]), TODAY)


class _TitlesAnswer(_TodoTask):
    abstract = True
    complexity = 1.0
    family = "tasks_due_on_date"
    answer_key = "open"

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(titles_answer_ok(answer, [d["title"] for d in self.params[self.answer_key]]))


class TasksDueOnDate(_TitlesAnswer):
    """IR: the incomplete items due on a date."""

    template = (
        "What tasks do I have due {date} in Tasks app? Answer with the titles only. If there are "
        "multiples titles, format your answer in a comma separated list."
    )
    difficulty = "easy"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return on_date_params(rng, n_open=rng.randint(1, 3), n_done=0)

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Tasks")
        chip = _due_chip(self.params)
        yield ui.answer(", ".join(r["text"] for r in _list_rows(ui) if field_text(r, "due_date") == chip))


class TasksIncompleteTasksOnDate(_TitlesAnswer):
    """IR: the incomplete items due on a date, while completed ones for that date exist (hidden)."""

    template = (
        "What incomplete tasks do I have still have to do by {date} in Tasks app? Answer with the titles "
        "only. If there are multiples titles, format your answer in a comma separated list."
    )
    difficulty = "easy"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return on_date_params(rng, n_open=rng.randint(1, 2), n_done=rng.randint(1, 2))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Tasks")
        chip = _due_chip(self.params)
        rows = [r for r in _list_rows(ui) if field_text(r, "due_date") == chip and not _is_checked(r)]
        yield ui.answer(", ".join(r["text"] for r in rows))


class TasksCompletedTasksForDate(_TitlesAnswer):
    """IR: the completed items due on a date (the list hides them until "Show completed")."""

    template = (
        "Which tasks have I completed for {date} in Tasks app? Answer with the titles only. If there are "
        "multiples titles, format your answer in a comma separated list."
    )
    difficulty = "medium"
    answer_key = "done"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return on_date_params(rng, n_open=1, n_done=rng.randint(1, 2))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Tasks")
        yield ui.click(desc="More options")
        yield ui.click("Show completed")
        chip = _due_chip(self.params)
        rows = [r for r in _list_rows(ui) if field_text(r, "due_date") == chip and _is_checked(r)]
        yield ui.answer(", ".join(r["text"] for r in rows))


class TasksHighPriorityTasks(_TitlesAnswer):
    """IR: the incomplete high-priority items."""

    template = (
        "What are my high priority tasks in Tasks app? Answer with the titles only. If there are "
        "multiples titles, format your answer in a comma separated list."
    )
    difficulty = "medium"
    family = "tasks_high_priority"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return high_priority_params(rng)

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Tasks")
        yield ui.answer(", ".join(r["text"] for r in _list_rows(ui) if _priority(r) == "High priority"))


class TasksAddTaskWithDueDate(_TodoTask):
    """vera: create an item with a title and a due date (date picker)."""

    template = "In the Tasks app, create a new task titled '{title}' that is due {date}."
    complexity = 1.6
    difficulty = "medium"
    family = "tasks_add"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return add_params(rng)

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        wanted = Todo(self.params["title"], date.fromisoformat(self.params["day"]))

        def matches(actual: Todo, target: Todo) -> bool:
            return (
                fuzzy_equal(actual.title, target.title) and actual.due == target.due and not actual.completed
            )

        return float(added_correctly(self.before, self._after(device), [wanted], matches))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        day = date.fromisoformat(self.params["day"])
        yield ui.open_app("Tasks")
        yield ui.click(desc="Create task")
        yield ui.type(self.params["title"], id="task_name")
        yield ui.click(desc="Due date")
        yield from pick_date(ui, day)
        yield ui.click(desc="Save")


class TasksMarkTaskComplete(_TodoTask):
    """vera: tick one item's check box."""

    template = "Mark the task '{title}' as completed in the Tasks app."
    complexity = 1.0
    difficulty = "easy"
    family = "tasks_complete"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return existing_item_params(rng)

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        target = self._target_id()
        after = self._after(device)
        expected = {i: (replace(t, completed=True) if i == target else t) for i, t in self.before.items()}
        return float(target in after and after == expected)

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Tasks")
        row = next(r for r in _list_rows(ui) if r["text"] == self.params["title"])
        box = ui.elements.index(row["completeBox"])
        yield JSONAction(action_type="click", index=box)


class TasksDeleteTask(_TodoTask):
    """vera: delete one item from its editor."""

    template = "Delete the task '{title}' from the Tasks app."
    complexity = 1.0
    difficulty = "easy"
    family = "tasks_delete"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return existing_item_params(rng)

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(removed_exactly(self.before, self._after(device), {self._target_id()}))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Tasks")
        yield ui.click(self.params["title"], id="task_title")
        yield ui.click(desc="Delete")
        yield ui.click("Delete")


class TasksSetHighPriority(_TodoTask):
    """vera: raise one item's priority to High in its editor."""

    template = "In the Tasks app, set the priority of the task '{title}' to high."
    complexity = 1.2
    difficulty = "easy"
    family = "tasks_edit_priority"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        params = existing_item_params(rng)
        params["open"][0]["priority"] = rng.choice((PRIORITY_MEDIUM, PRIORITY_LOW, PRIORITY_NONE))
        return params

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        target = self._target_id()
        expected = {
            i: (replace(t, priority=PRIORITY_HIGH) if i == target else t) for i, t in self.before.items()
        }
        return float(target != -1 and self._after(device) == expected)

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Tasks")
        yield ui.click(self.params["title"], id="task_title")
        yield ui.click("High", cls="RadioButton")
        yield ui.click(desc="Save")


class TasksHighPriorityTasksDueOnDate(_TitlesAnswer):
    """IR: the incomplete high-priority items due on a date (others of lower priority share the date)."""

    template = (
        "Which tasks with high priority are due {date} in the Tasks app? Answer with the title only. If "
        "there are multiples titles, format your answer in a comma separated list."
    )
    difficulty = "medium"
    family = "tasks_high_priority"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        params = on_date_params(rng, n_open=rng.randint(2, 3), n_done=0)
        for k, item in enumerate(params["open"]):
            item["priority"] = (
                PRIORITY_HIGH
                if k == 0 or rng.random() < 0.4
                else rng.choice((PRIORITY_MEDIUM, PRIORITY_LOW, PRIORITY_NONE))
            )
        params["high"] = [d for d in params["open"] if d["priority"] == PRIORITY_HIGH]
        return params

    answer_key = "high"

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Tasks")
        chip = _due_chip(self.params)
        rows = [
            r for r in _list_rows(ui) if field_text(r, "due_date") == chip and _priority(r) == "High priority"
        ]
        yield ui.answer(", ".join(r["text"] for r in rows))


NEXT_WEEK = tuple(TODAY + timedelta(days=k) for k in range(1, 8))  # Monday 16 to Sunday 22 October 2023


class TasksDueNextWeek(_TodoTask):
    """IR: how many incomplete items are due next week (Monday to Sunday)."""

    template = (
        "How many tasks do I have due next week in Tasks app? Assume the week starts from Monday. Express "
        "your answer as a single integer."
    )
    complexity = 1.0
    difficulty = "medium"
    family = "tasks_due_next_week"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        pool = _TitlePool(rng)
        prios = (PRIORITY_HIGH, PRIORITY_MEDIUM, PRIORITY_LOW, PRIORITY_NONE)
        inside = [
            Todo(pool.take(), rng.choice(NEXT_WEEK), rng.choice(prios)) for _ in range(rng.randint(1, 4))
        ]
        outside_days = [TODAY + timedelta(days=k) for k in (-2, -1, 0, 8, 9, 11, 13)]
        outside = [Todo(pool.take(), rng.choice(outside_days), rng.choice(prios)) for _ in range(3)]
        done = [Todo(pool.take(), rng.choice(NEXT_WEEK), rng.choice(prios), True)]
        return {
            "open": [todo_to_dict(t) for t in inside],
            "noise": [todo_to_dict(t) for t in outside + done],
            "count": len(inside),
        }

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        numbers = re.findall(r"-?\d+(?:\.\d+)?", answer or "")
        return float(len(numbers) == 1 and float(numbers[0]) == self.params["count"])

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Tasks")
        chips = {due_label(day, TODAY) for day in NEXT_WEEK}
        count = sum(1 for r in _list_rows(ui) if field_text(r, "due_date") in chips and not _is_checked(r))
        yield ui.answer(str(count))
