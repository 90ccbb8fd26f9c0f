"""Tasks (org.tasks): a to-do list with due dates, priorities and completion.

Flow as in the real app: the "My Tasks" list shows incomplete items (a round check box coloured by
priority, the title, a due-date chip); ticking the box completes the item; "More options" opens a
menu with "Show completed"/"Hide completed" and "Delete completed"; the "+" button opens the editor
(title, due date via the date picker, priority High/Medium/Low/None, description, Save); tapping an
item opens it in the editor with a Delete action; long press selects items for a bulk delete.
"""

from __future__ import annotations

from datetime import date

from vera.env.android.sim import layout as L
from vera.env.android.sim.app import AlertDialog, App, Screen
from vera.env.android.sim.apps.calendar_icons import IconButton, IconView
from vera.env.android.sim.apps.calendar_pickers import DatePicker
from vera.env.android.sim.apps.multi_select import MultiSelection
from vera.env.android.sim.apps.popup_menu import with_popup_menu
from vera.env.android.sim.apps.todo_model import (
    PRIORITY_HIGH,
    PRIORITY_LOW,
    PRIORITY_MEDIUM,
    PRIORITY_NAMES,
    PRIORITY_NONE,
    Todo,
    TodoStore,
    due_label,
)
from vera.env.android.sim.toolkit.views import (
    CheckBox,
    Column,
    EditText,
    FrameLayout,
    ImageButton,
    RadioButton,
    RecyclerView,
    Row,
    ScrollView,
    Spacer,
    TextView,
    Toolbar,
    View,
)

_ACCENT = (33, 150, 243)
_MUTED = (96, 96, 104)
PRIORITY_COLORS = {
    PRIORITY_HIGH: (244, 67, 54),
    PRIORITY_MEDIUM: (255, 152, 0),
    PRIORITY_LOW: (33, 150, 243),
    PRIORITY_NONE: (158, 158, 158),
}


def priority_desc(priority: int) -> str:
    """What the check box tells screen readers: ``High priority`` ... ``No priority``."""
    return "No priority" if priority == PRIORITY_NONE else f"{PRIORITY_NAMES[priority]} priority"


class TasksApp(App):
    """The app: its state is a `TodoStore`."""

    name = "tasks"
    label = "Tasks"
    package = "org.tasks"
    pattern = r"tasks|tasks\.org|org\.tasks"
    glyph = "✓"
    color = _ACCENT

    def create_state(self) -> TodoStore:
        return TodoStore()

    @property
    def store(self) -> TodoStore:
        return self.state

    def main_screen(self) -> Screen:
        return TaskListScreen(self)


class TaskListScreen(MultiSelection, Screen):
    """The "My Tasks" list."""

    app: TasksApp

    def __init__(self, app: TasksApp) -> None:
        super().__init__(app)
        self.menu_open = False
        self.selected: list[int] = []

    # --- handlers ----------------------------------------------------------------------------------
    def set_completed(self, task_id: int, completed: bool) -> None:
        self.app.store.update(task_id, completed=completed)
        if completed:
            self.branch("completed")
            self.toast("Task completed")

    def open_task(self, task_id: int) -> None:
        if self.tap_selects(task_id):
            return
        self.push(TaskEditScreen(self.app, task_id))

    def ask_delete_selected(self) -> None:
        count = len(self.selected)
        self.confirm_delete_selected("Delete", f"Delete {count} task{'s' if count != 1 else ''}?")

    def delete_item(self, task_id: int) -> None:
        self.app.store.delete(task_id)

    def new_task(self) -> None:
        self.push(TaskEditScreen(self.app, None))

    def open_menu(self) -> None:
        self.menu_open = True

    def close_menu(self) -> None:
        self.menu_open = False

    def toggle_completed(self) -> None:
        self.menu_open = False
        self.app.store.show_completed = not self.app.store.show_completed

    def ask_delete_completed(self) -> None:
        self.menu_open = False
        count = sum(1 for r in self.app.store.rows if r.todo.completed)
        self.show_dialog(
            AlertDialog(
                "Delete completed",
                f"Delete {count} completed tasks?",
                buttons=(("Cancel", None), ("Delete", self.delete_completed)),
            )
        )

    def delete_completed(self) -> None:
        for row in list(self.app.store.rows):
            if row.todo.completed:
                self.app.store.delete(row.task_id)

    def on_back(self) -> bool:
        if self.menu_open:
            self.menu_open = False
            return True
        return self.drop_selection()

    # --- view --------------------------------------------------------------------------------------
    def build(self) -> View:
        store = self.app.store
        today = self.device.now.date()
        if self.selected:
            toolbar = Toolbar(
                f"{len(self.selected)} selected",
                on_back=self.clear_selection,
                actions=[IconButton("trash", id="delete", desc="Delete", on_click=self.ask_delete_selected)],
            )
        else:
            toolbar = Toolbar(
                "My Tasks",
                actions=[ImageButton("⋮", id="menu_more", desc="More options", on_click=self.open_menu)],
            )
        rows: list[View] = [self._row(r.task_id, r.todo, today) for r in store.visible()]
        if not rows:
            rows.append(TextView("No tasks", id="empty", align="center", color=_MUTED, padding=60))
        fab = (
            None
            if self.selected
            else ImageButton(
                "+",
                id="fab",
                desc="Create task",
                on_click=self.new_task,
                width=170,
                height=170,
                gravity="bottom|end",
            )
        )
        screen = FrameLayout(children=[Column(toolbar, RecyclerView(*rows, id="recycler_view")), fab])
        if not self.menu_open:
            return screen
        label = "Hide completed" if store.show_completed else "Show completed"
        return with_popup_menu(
            screen,
            [(label, self.toggle_completed), ("Delete completed", self.ask_delete_completed)],
            self.close_menu,
        )

    def _row(self, task_id: int, todo: Todo, today: date) -> View:
        box = CheckBox(
            "",
            id="completeBox",
            desc=priority_desc(todo.priority),
            checked=todo.completed,
            width=130,
            on_change=lambda checked: self.set_completed(task_id, checked),
        )
        texts: list[View] = [
            TextView(todo.title, id="task_title", max_lines=2, color=_MUTED if todo.completed else None)
        ]
        if todo.due is not None:
            overdue = not todo.completed and todo.due < today
            texts.append(
                TextView(
                    due_label(todo.due, today),
                    id="due_date",
                    size=L.SMALL_TEXT_SIZE,
                    color=(211, 47, 47) if overdue else _MUTED,
                    max_lines=1,
                )
            )
        strip = Spacer(width=12, background=PRIORITY_COLORS[todo.priority])
        return Row(
            strip,
            box,
            Column(*texts, padding=8),
            id="row",
            height=L.ROW_HEIGHT,
            selected=task_id in self.selected,
            on_click=lambda: self.open_task(task_id),
            on_long_click=lambda: self.select(task_id),
        )


class TaskEditScreen(Screen):
    """Create or edit one item. Save (or Navigate up) keeps it; an empty title discards a new item."""

    app: TasksApp

    def __init__(self, app: TasksApp, task_id: int | None) -> None:
        super().__init__(app)
        self.task_id = task_id
        existing = app.store.get(task_id) if task_id is not None else None
        self.due = existing.due if existing else None
        self.priority = existing.priority if existing else PRIORITY_NONE
        self.completed = existing.completed if existing else False
        if existing is not None:
            self.form.update({"task_name": existing.title, "notes": existing.notes})

    def pick_due(self) -> None:
        start = self.due or self.device.now.date()
        DatePicker(self, start, self._set_due).open()

    def _set_due(self, day: date) -> None:
        self.due = day

    def clear_due(self) -> None:
        self.due = None

    def set_priority(self, priority: int) -> None:
        self.priority = priority

    def save(self) -> None:
        title = self.form.get("task_name", "").strip()
        if not title:
            self.branch("discard-empty")
            self.finish()
            return
        todo = Todo(title, self.due, self.priority, self.completed, self.form.get("notes", "").strip())
        if self.task_id is None:
            self.branch("insert")
            self.app.store.add(todo)
        else:
            self.branch("update")
            self.app.store.update(
                self.task_id, title=todo.title, due=todo.due, priority=todo.priority, notes=todo.notes
            )
        self.finish()

    def ask_delete(self) -> None:
        self.show_dialog(AlertDialog("Delete task?", buttons=(("Cancel", None), ("Delete", self.delete))))

    def delete(self) -> None:
        if self.task_id is not None:
            self.app.store.delete(self.task_id)
        self.finish()

    def on_back(self) -> bool:
        self.save()
        return True

    def build(self) -> View:
        actions: list[View] = []
        if self.task_id is not None:
            actions.append(IconButton("trash", id="delete_task", desc="Delete", on_click=self.ask_delete))
        actions.append(ImageButton("✓", id="save", desc="Save", on_click=self.save))
        toolbar = Toolbar(
            "New task" if self.task_id is None else "Edit task", on_back=self.save, actions=actions
        )
        today = self.device.now.date()
        due_text = (
            f"{self.due:%a}, {self.due:%b} {self.due.day}, {self.due.year}" if self.due else "No due date"
        )
        overdue = self.due is not None and self.due < today and not self.completed
        due_row = Row(
            IconView("calendar", width=110),
            TextView(
                due_text,
                id="due_date",
                desc="Due date",
                weight=1.0,
                padding=L.PADDING // 2,
                on_click=self.pick_due,
                height=L.ROW_HEIGHT,
                color=(211, 47, 47) if overdue else None,
            ),
            ImageButton("✕", id="clear_due", desc="Clear due date", on_click=self.clear_due)
            if self.due
            else None,
            height=L.ROW_HEIGHT,
        )
        priorities = Row(
            *[
                RadioButton(
                    PRIORITY_NAMES[p],
                    id=f"priority_{PRIORITY_NAMES[p].lower()}",
                    checked=self.priority == p,
                    weight=1.0,
                    on_change=lambda _checked, p=p: self.set_priority(p),
                )
                for p in (PRIORITY_HIGH, PRIORITY_MEDIUM, PRIORITY_LOW, PRIORITY_NONE)
            ],
            id="priority_row",
            height=L.ROW_HEIGHT,
        )
        form = Column(
            EditText(id="task_name", hint="Task name", size=L.TITLE_SIZE - 8),
            due_row,
            TextView("Priority", size=L.SMALL_TEXT_SIZE, color=_MUTED, padding=8),
            priorities,
            EditText(id="notes", hint="Description", multiline=True),
            Spacer(height=40),
            padding=L.PADDING,
            spacing=16,
        )
        return Column(toolbar, ScrollView(form, id="edit_scroll"))
