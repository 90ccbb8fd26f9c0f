"""Tasks of the expense, calendar, to-do and recipe apps: params, goals, success rules.

(Their oracles run on seeds 0..2 in tests/env/android/sim/test_oracles.py, over every registered task.)
"""

import json
import random
import re
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vera.env.android.sim.apps.calendar_model import Event
from vera.env.android.sim.apps.expense_model import Expense
from vera.env.android.sim.apps.recipes_model import Recipe
from vera.env.android.sim.apps.todo_model import Todo
from vera.env.android.sim.device import SimDroid
from vera.env.android.sim.registry import task_classes
from vera.env.android.sim.tasks import calendar as calendar_tasks
from vera.env.android.sim.tasks.calendar import titles_answer_ok

MODULES = ("expense", "calendar", "todo", "recipes")
TASKS = {name: cls for name, cls in task_classes().items() if cls.__module__.rsplit(".", 1)[-1] in MODULES}
TSV_COMPLEXITY = {  # AndroidWorld's task_metadata (shared/reference/androidworld_tasks.tsv)
    "ExpenseAddSingle": 1.2,
    "ExpenseAddMultiple": 6,
    "ExpenseDeleteSingle": 1,
    "ExpenseDeleteMultiple": 2,
    "ExpenseDeleteDuplicates": 1.2,
    "SimpleCalendarAddOneEvent": 3.4,
    "SimpleCalendarAddOneEventTomorrow": 3.4,
    "SimpleCalendarDeleteOneEvent": 1.2,
    "SimpleCalendarDeleteEvents": 1.4,
    "SimpleCalendarEventsOnDate": 1,
    "SimpleCalendarNextEvent": 1,
    "SimpleCalendarLocationOfEvent": 1,
    "SimpleCalendarAnyEventsOnDate": 1,
    "TasksDueOnDate": 1,
    "TasksHighPriorityTasks": 1,
    "TasksIncompleteTasksOnDate": 1,
    "TasksCompletedTasksForDate": 1,
    "RecipeAddSingleRecipe": 2.4,
    "RecipeDeleteSingleRecipe": 1,
    "RecipeDeleteMultipleRecipes": 2.4,
    "RecipeDeleteDuplicateRecipes": 1,
    "RecipeAddMultipleRecipes": 6,
    "ExpenseDeleteMultiple2": 3.4,
    "ExpenseDeleteDuplicates2": 1.8,
    "RecipeDeleteSingleWithRecipeWithNoise": 2,
    "RecipeDeleteMultipleRecipesWithNoise": 3.4,
    "SimpleCalendarAddOneEventInTwoWeeks": 3.4,
    "SimpleCalendarAddOneEventRelativeDay": 3.4,
    "SimpleCalendarDeleteEventsOnRelativeDay": 1.2,
    "SimpleCalendarEventOnDateAtTime": 1,
    "SimpleCalendarFirstEventAfterStartTime": 1,
    "SimpleCalendarNextMeetingWithPerson": 1,
    "TasksHighPriorityTasksDueOnDate": 1,
    "TasksDueNextWeek": 1,
    "SimpleCalendarAddRepeatingEvent": 3.4,
    "RecipeDeleteMultipleRecipesWithConstraint": 4,
    "RecipeDeleteDuplicateRecipes2": 2.4,
    "RecipeDeleteDuplicateRecipes3": 3.4,
    "RecipeAddMultipleRecipesFromMarkor2": 6,
    "SimpleCalendarEventsInNextWeek": 1,
    "SimpleCalendarEventsInTimeRange": 1,
    "ExpenseAddMultipleFromMarkor": 6,
    "RecipeAddMultipleRecipesFromMarkor": 6,
}


def test_at_least_24_tasks_with_androidworld_names_and_budgets():
    assert len(TASKS) >= 24
    for name, complexity in TSV_COMPLEXITY.items():
        assert TASKS[name].complexity == complexity, name
    assert {TASKS[n].task_difficulty() for n in TASKS} == {"easy", "medium", "hard"}
    assert all(TASKS[n].family for n in TASKS)


@pytest.mark.parametrize("name", sorted(TASKS))
def test_params_are_seeded_json_and_fill_the_template(name):
    cls = TASKS[name]
    a, b, c = cls.from_seed(7), cls.from_seed(7), cls.from_seed(8)
    assert a.params == b.params and a.goal == b.goal
    json.dumps(a.params)
    assert not re.search(r"\{\w+\}", a.goal)

    def content(params):
        return {k: v for k, v in params.items() if k != "seed"}

    assert content(a.params) != content(c.params)


@pytest.mark.parametrize("name", sorted(TASKS))
def test_fresh_state_is_not_success(name):
    task = TASKS[name].from_seed(3)
    device = SimDroid()
    task.initialize(device)
    assert task.is_successful(device, "") == 0.0
    assert task.is_successful(device, "wrong answer") == 0.0


def test_deleting_one_extra_expense_fails():
    task = TASKS["ExpenseDeleteSingle"].from_seed(0)
    device = SimDroid()
    task.initialize(device)
    ledger = device.app("pro expense").state
    target = next(r.expense_id for r in ledger.rows if r.expense.name == task.params["targets"][0]["name"])
    other = next(r.expense_id for r in ledger.rows if r.expense_id != target)
    ledger.delete(target)
    assert task.is_successful(device) == 1.0
    ledger.delete(other)
    assert task.is_successful(device) == 0.0


def test_dedup_accepts_either_copy_but_not_both():
    for keep_first in (True, False):
        task = TASKS["ExpenseDeleteDuplicates"].from_seed(1)
        device = SimDroid()
        task.initialize(device)
        ledger = device.app("pro expense").state
        name = task.params["targets"][0]["name"]
        copies = [r.expense_id for r in ledger.rows if r.expense.name == name]
        ledger.delete(copies[1] if keep_first else copies[0])
        assert task.is_successful(device) == 1.0
        ledger.delete(copies[0] if keep_first else copies[1])
        assert task.is_successful(device) == 0.0


def test_add_event_needs_the_exact_start_and_duration():
    task = TASKS["SimpleCalendarAddOneEvent"].from_seed(2)
    device = SimDroid()
    task.initialize(device)
    wanted = task.wanted()
    store = device.app("simple calendar pro").state
    row_id = store.add(
        Event(wanted.title, wanted.start, wanted.end + (wanted.end - wanted.start), wanted.description)
    )
    assert task.is_successful(device) == 0.0
    store.replace(row_id, Event(wanted.title.upper(), wanted.start, wanted.end, wanted.description + "."))
    assert task.is_successful(device) == 1.0


def test_tomorrow_is_relative_to_the_frozen_device_date():
    task = TASKS["SimpleCalendarAddOneEventTomorrow"].from_seed(0)
    assert task.wanted().start.date() == date(2023, 10, 16)


def test_ir_answers_are_order_and_case_insensitive():
    task = TASKS["SimpleCalendarAnyEventsOnDate"].from_seed(4)
    titles = [e["title"] for e in task.params["events"]]
    device = SimDroid()
    task.initialize(device)
    assert task.is_successful(device, ", ".join(reversed([t.lower() for t in titles]))) == 1.0
    assert task.is_successful(device, ", ".join(titles[:-1])) == 0.0


def test_completed_tasks_answer_excludes_open_ones():
    task = TASKS["TasksCompletedTasksForDate"].from_seed(5)
    device = SimDroid()
    task.initialize(device)
    done = [t["title"] for t in task.params["done"]]
    open_ = [t["title"] for t in task.params["open"]]
    assert task.is_successful(device, ", ".join(done)) == 1.0
    assert task.is_successful(device, ", ".join(done + open_)) == 0.0


def test_mark_complete_rejects_completing_another_item():
    task = TASKS["TasksMarkTaskComplete"].from_seed(0)
    device = SimDroid()
    task.initialize(device)
    store = device.app("tasks").state
    target = next(r.task_id for r in store.rows if r.todo.title == task.params["title"])
    store.update(target, completed=True)
    assert task.is_successful(device) == 1.0
    other = next(r.task_id for r in store.rows if r.task_id != target)
    store.update(other, completed=True)
    assert task.is_successful(device) == 0.0


def test_add_recipe_with_a_wrong_field_fails():
    task = TASKS["RecipeAddSingleRecipe"].from_seed(0)
    device = SimDroid()
    task.initialize(device)
    wanted = Recipe(**task.params["targets"][0])
    book = device.app("broccoli app").state
    row_id = book.add(
        Recipe(
            wanted.title,
            wanted.description,
            "99 servings",
            wanted.preparation_time,
            "",
            wanted.ingredients,
            wanted.directions,
        )
    )
    assert task.is_successful(device) == 0.0
    book.replace(row_id, wanted)
    assert task.is_successful(device) == 1.0


def test_next_event_param_places_no_event_between_now_and_target():
    for seed in range(20):
        params = calendar_tasks.next_event_params(random.Random(seed))
        target = calendar_tasks.event_from_dict(params["events"][0])
        now = datetime(2023, 10, 15, 15, 34)
        assert target.start > now
        for data in params["noise"]:
            event = calendar_tasks.event_from_dict(data)
            assert not (now <= event.start <= target.start)


@given(
    st.lists(
        st.sampled_from(["Concert", "Team lunch", "Board meeting", "Game night"]),
        min_size=1,
        max_size=4,
        unique=True,
    ),
    st.randoms(),
)
def test_titles_answer_is_permutation_invariant(titles, rnd):
    shuffled = list(titles)
    rnd.shuffle(shuffled)
    assert titles_answer_ok(" , ".join(shuffled), titles)
    assert not titles_answer_ok(", ".join(shuffled + ["Extra"]), titles)
    assert not titles_answer_ok(None, titles)


def test_models_round_trip_through_params():
    from vera.env.android.sim.tasks import expense, recipes, todo

    e = Expense("Gas", 1234, "Transportation", "n", 5)
    assert expense.expense_from_dict(expense.expense_to_dict(e)) == e
    r = Recipe("Soup", "d", "1 serving", "1 hr", "", "i", "dir")
    assert recipes.recipe_from_dict(recipes.recipe_to_dict(r)) == r
    t = Todo("Call", date(2023, 10, 20), 0, True, "x")
    assert todo.todo_from_dict(todo.todo_to_dict(t)) == t
    ev = Event("A", datetime(2023, 10, 20, 9), datetime(2023, 10, 20, 10), "d", "l")
    assert calendar_tasks.event_from_dict(calendar_tasks.event_to_dict(ev)) == ev


@pytest.mark.parametrize("text_format", ["csv", "text_block"])
def test_rows_text_round_trips_with_commas_in_fields(text_format):
    from vera.env.android.sim.tasks.recipes import RECIPE_KEYS, recipe_text_row, recipes_as_text
    from vera.env.android.sim.tasks.rows import parse_rows_text

    recipes = [
        Recipe("Pasta, quick", "A, B", "2 servings", "10 mins", "", "salt, pepper", "Boil. Drain, serve."),
        Recipe("Soup", "Warm", "4 servings", "1 hr", "", "as desired", "Simmer."),
    ]
    for separator in ("  ", "\n\n"):
        text = recipes_as_text(recipes, text_format, separator)
        assert parse_rows_text(text, RECIPE_KEYS, "Recipe") == [recipe_text_row(r) for r in recipes]


def test_markor_tasks_write_the_note_and_list_both_apps():
    for name, file_name in (
        ("RecipeAddMultipleRecipesFromMarkor", "recipes.txt"),
        ("ExpenseAddMultipleFromMarkor", "my_expenses.txt"),
    ):
        task = TASKS[name].from_seed(0)
        assert task.app_names[1] == "markor"
        device = SimDroid()
        task.initialize(device)
        from vera.env.android.sim.apps.files_shared import device_storage
        from vera.env.android.sim.apps.markor_model import MARKOR_ROOT

        text = device_storage(device).read(f"{MARKOR_ROOT}/{file_name}")
        assert task.params["targets"][0]["name" if "Expense" in name else "title"] in text


def test_constraint_targets_are_exactly_the_recipes_using_the_ingredient():
    for seed in range(10):
        params = TASKS["RecipeDeleteMultipleRecipesWithConstraint"].from_seed(seed).params
        ingredient = params["ingredient"]
        assert all(ingredient in r["directions"] for r in params["targets"])
        assert not any(ingredient in r["directions"] for r in params["noise"])


def test_duplicate_variants_share_the_title_but_not_the_content():
    params = TASKS["RecipeDeleteDuplicateRecipes2"].from_seed(0).params
    target = Recipe(**params["targets"][0])
    same_title = [Recipe(**r) for r in params["noise"] if r["title"] == target.title]
    assert len(same_title) == 3 and target not in same_title
