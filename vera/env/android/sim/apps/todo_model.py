"""Tasks (org.tasks) state model: to-do items with due dates, priorities and completion, no UI.

Priorities follow Tasks.org: 0 high (red), 1 medium (orange), 2 low (blue), 3 none. The app hides
completed items until "Show completed" is switched on in the overflow menu.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date

PRIORITY_HIGH, PRIORITY_MEDIUM, PRIORITY_LOW, PRIORITY_NONE = 0, 1, 2, 3
PRIORITY_NAMES: dict[int, str] = {
    PRIORITY_HIGH: "High",
    PRIORITY_MEDIUM: "Medium",
    PRIORITY_LOW: "Low",
    PRIORITY_NONE: "None",
}

TODO_TITLES: tuple[str, ...] = (
    "Buy groceries",
    "Call the plumber",
    "Pay electricity bill",
    "Submit expense report",
    "Renew passport",
    "Book dentist appointment",
    "Water the plants",
    "Prepare presentation",
    "Email landlord",
    "Pick up dry cleaning",
    "Schedule car service",
    "Write blog post",
    "Review pull request",
    "Plan birthday party",
    "Clean the garage",
    "Update resume",
    "Order printer ink",
    "Return library books",
    "Cancel gym trial",
    "Fix leaking tap",
    "Send thank-you cards",
    "Back up laptop",
    "Research flights",
    "Organize closet",
)


@dataclass(frozen=True)
class Todo:
    """One to-do item."""

    title: str
    due: date | None = None
    priority: int = PRIORITY_NONE
    completed: bool = False
    notes: str = ""


@dataclass
class TodoRow:
    task_id: int
    todo: Todo


@dataclass
class TodoStore:
    """The app's task table plus the list's "show completed" view setting."""

    rows: list[TodoRow] = field(default_factory=list)
    next_id: int = 1
    show_completed: bool = False

    def add(self, todo: Todo) -> int:
        row_id = self.next_id
        self.rows.append(TodoRow(row_id, todo))
        self.next_id += 1
        return row_id

    def delete(self, task_id: int) -> bool:
        for i, row in enumerate(self.rows):
            if row.task_id == task_id:
                del self.rows[i]
                return True
        return False

    def get(self, task_id: int) -> Todo | None:
        return next((r.todo for r in self.rows if r.task_id == task_id), None)

    def update(self, task_id: int, **changes: object) -> bool:
        for row in self.rows:
            if row.task_id == task_id:
                row.todo = replace(row.todo, **changes)  # type: ignore[arg-type]
                return True
        return False

    def visible(self) -> list[TodoRow]:
        """The list as the app sorts it: incomplete first, by due date (undated last), priority, id."""
        rows = [r for r in self.rows if self.show_completed or not r.todo.completed]
        return sorted(
            rows,
            key=lambda r: (
                r.todo.completed,
                r.todo.due is None,
                r.todo.due or date.max,
                r.todo.priority,
                r.task_id,
            ),
        )

    def snapshot(self) -> dict[int, Todo]:
        return {r.task_id: r.todo for r in self.rows}


def distinct_titles(rng: random.Random, count: int) -> list[str]:
    return rng.sample(TODO_TITLES, count)


def due_label(due: date | None, today: date) -> str:
    """The due chip the list shows: Today, Tomorrow, Yesterday or ``Oct 24``."""
    if due is None:
        return ""
    delta = (due - today).days
    if delta == 0:
        return "Today"
    if delta == 1:
        return "Tomorrow"
    if delta == -1:
        return "Yesterday"
    return f"{due.strftime('%b')} {due.day}"
