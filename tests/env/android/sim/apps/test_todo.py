"""UI flow tests for the Tasks (org.tasks) app."""

from datetime import date

import pytest

from vera.env.android.env import AndroidEnv
from vera.env.android.sim.apps.todo import TasksApp
from vera.env.android.sim.apps.todo_model import PRIORITY_HIGH, PRIORITY_NONE, Todo
from vera.env.android.sim.device import SimDroid
from vera.env.android.sim.oracle import UI


@pytest.fixture
def phone():
    device = SimDroid([TasksApp])
    store = device.app("tasks").state
    store.add(Todo("Pay rent", date(2023, 10, 20), PRIORITY_HIGH))
    store.add(Todo("Old chore", date(2023, 10, 14), completed=True))
    env = AndroidEnv(device)
    device.start_app("Tasks")
    return device, env, UI(env), store


def test_list_hides_completed_until_menu_shows_them(phone):
    device, env, ui, store = phone
    assert ui.has("Pay rent", id="task_title") and not ui.has("Old chore")
    assert ui.has(desc="High priority", id="completeBox") and ui.has("Oct 20", id="due_date")
    env.execute_action(ui.click(desc="More options"))
    env.execute_action(ui.back())  # BACK closes the menu, not the app
    assert not ui.has("Show completed") and ui.has("My Tasks")
    env.execute_action(ui.click(desc="More options"))
    env.execute_action(ui.click("Show completed"))
    assert ui.has("Old chore", id="task_title") and store.show_completed


def test_ticking_the_box_completes_the_item(phone):
    device, env, ui, store = phone
    env.execute_action(ui.click(desc="High priority", id="completeBox"))
    assert store.get(1).completed and not ui.has("Pay rent")


def test_create_with_due_date_and_priority(phone):
    device, env, ui, store = phone
    env.execute_action(ui.click(desc="Create task"))
    env.execute_action(ui.type("Call mom", id="task_name"))
    env.execute_action(ui.click(desc="Due date"))
    env.execute_action(ui.click(desc="22 October 2023"))
    env.execute_action(ui.click("OK"))
    env.execute_action(ui.click("High", cls="RadioButton"))
    env.execute_action(ui.click(desc="Save"))
    assert store.get(3) == Todo("Call mom", date(2023, 10, 22), PRIORITY_HIGH)


def test_empty_new_item_is_discarded_on_back(phone):
    device, env, ui, store = phone
    env.execute_action(ui.click(desc="Create task"))
    env.execute_action(ui.back())
    assert len(store.rows) == 2 and ui.has("My Tasks")


def test_clear_due_date_and_delete(phone):
    device, env, ui, store = phone
    env.execute_action(ui.click("Pay rent", id="task_title"))
    env.execute_action(ui.click(desc="Clear due date"))
    env.execute_action(ui.click("None", cls="RadioButton"))
    env.execute_action(ui.click(desc="Save"))
    assert store.get(1) == Todo("Pay rent", None, PRIORITY_NONE)
    env.execute_action(ui.click("Pay rent", id="task_title"))
    env.execute_action(ui.click(desc="Delete"))
    env.execute_action(ui.click("Delete"))
    assert store.get(1) is None
