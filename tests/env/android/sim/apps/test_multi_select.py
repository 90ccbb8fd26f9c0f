"""Multi-selection (long press, tap toggles, back clears, confirmed bulk delete) on the Tasks and Broccoli
list screens, which share `MultiSelection` with the expense and calendar day screens (tested there)."""

from datetime import date

from vera.env.android.env import AndroidEnv
from vera.env.android.sim.apps.recipes import BroccoliApp
from vera.env.android.sim.apps.recipes_model import Recipe
from vera.env.android.sim.apps.todo import TasksApp
from vera.env.android.sim.apps.todo_model import Todo
from vera.env.android.sim.device import SimDroid
from vera.env.android.sim.oracle import UI


def test_tasks_select_toggle_back_and_delete() -> None:
    device = SimDroid([TasksApp])
    store = device.app("tasks").state
    for title in ("Pay rent", "Call mom", "Buy milk"):
        store.add(Todo(title, date(2023, 10, 20)))
    env = AndroidEnv(device)
    ui = UI(env)
    device.start_app("Tasks")
    env.execute_action(ui.long_press("Pay rent", id="task_title"))
    env.execute_action(ui.click("Call mom", id="task_title"))
    assert ui.has("2 selected")
    toggles = [key for key in device.coverage() if key.endswith("#toggle-selection")]
    assert toggles and all(key.startswith("tasks:TaskListScreen.") for key in toggles)
    env.execute_action(ui.click("Call mom", id="task_title"))  # toggles off again, does not open it
    assert ui.has("1 selected")
    env.execute_action(ui.back())
    assert not ui.has("1 selected") and ui.has("Pay rent", id="task_title")
    env.execute_action(ui.long_press("Pay rent", id="task_title"))
    env.execute_action(ui.click("Buy milk", id="task_title"))
    env.execute_action(ui.click(desc="Delete"))
    assert ui.has("Delete 2 tasks?")
    env.execute_action(ui.click("Cancel"))
    assert len(store.rows) == 3 and ui.has("2 selected")
    env.execute_action(ui.click(desc="Delete"))
    env.execute_action(ui.click("Delete", cls="Button"))
    assert [row.todo.title for row in store.rows] == ["Call mom"]
    assert not ui.has("2 selected")
    assert {"tasks:TaskListScreen.delete_selected", "tasks:dialog:TaskListScreen.delete_selected"} <= set(
        device.coverage()
    )


def test_recipes_select_and_delete_one() -> None:
    device = SimDroid([BroccoliApp])
    book = device.app("broccoli app").state
    book.add(Recipe("Shakshuka", "Eggs in tomato sauce", "2 servings", "30 mins", "", "eggs", "Simmer."))
    book.add(Recipe("Greek Salad", "Fresh", "4 servings", "10 mins", "", "feta", "Chop."))
    env = AndroidEnv(device)
    ui = UI(env)
    device.start_app("recipe app")
    env.execute_action(ui.long_press("Shakshuka", id="card_text_view_title"))
    assert ui.has("1 selected")
    env.execute_action(ui.click(desc="Delete"))
    assert ui.has("Delete recipe") and ui.has("Do you really want to delete this recipe?")
    env.execute_action(ui.click("Delete", cls="Button"))
    assert [row.recipe.title for row in book.rows] == ["Greek Salad"]
    assert "broccoli app:RecipeListScreen.delete_selected" in device.coverage()
