"""Unit tests for the calendar, to-do and recipe state models."""

import dataclasses
import random
from datetime import date, datetime, timedelta

from vera.env.android.sim.apps.calendar_model import (
    CalendarStore,
    Event,
    random_event,
    spoken_date,
)
from vera.env.android.sim.apps.expense_model import added_correctly, deduplicated
from vera.env.android.sim.apps.recipes_model import (
    Recipe,
    RecipeBook,
    distinct_recipes,
    random_recipe,
    recipe_matches,
)
from vera.env.android.sim.apps.todo_model import (
    PRIORITY_HIGH,
    Todo,
    TodoStore,
    due_label,
)


def test_calendar_day_and_chronological_views():
    store = CalendarStore()
    day = date(2023, 10, 20)
    late = store.add(Event("Late", datetime(2023, 10, 20, 18), datetime(2023, 10, 20, 19)))
    early = store.add(Event("Early", datetime(2023, 10, 20, 9), datetime(2023, 10, 20, 10)))
    other = store.add(Event("Other", datetime(2023, 10, 21, 9), datetime(2023, 10, 21, 10)))
    assert [r.event_id for r in store.on_day(day)] == [early, late]
    assert [r.event_id for r in store.chronological(after=datetime(2023, 10, 20, 12))] == [late, other]
    assert store.delete(early) and store.get(early) is None


def test_random_event_is_on_its_day_with_stock_duration():
    rng = random.Random(0)
    for _ in range(50):
        event = random_event(rng, date(2023, 10, 25))
        assert event.start.date() == date(2023, 10, 25)
        assert event.duration_min in (15, 30, 45, 60, 90, 120)
    fixed = random_event(rng, date(2023, 10, 25), title="Concert", hour=13)
    assert (fixed.title, fixed.start.hour, fixed.start.minute) == ("Concert", 13, 0)


def test_spoken_date():
    assert spoken_date(date(2023, 10, 4)) == "October 4 2023"


def test_todo_visible_hides_completed_and_sorts_by_due():
    store = TodoStore()
    a = store.add(Todo("Later", due=date(2023, 10, 20)))
    b = store.add(Todo("Sooner", due=date(2023, 10, 16), priority=PRIORITY_HIGH))
    c = store.add(Todo("Done", due=date(2023, 10, 16), completed=True))
    d = store.add(Todo("Someday"))
    assert [r.task_id for r in store.visible()] == [b, a, d]
    store.show_completed = True
    assert [r.task_id for r in store.visible()] == [b, a, d, c]
    assert store.update(a, completed=True) and store.get(a).completed


def test_due_label():
    today = date(2023, 10, 15)
    assert due_label(today, today) == "Today"
    assert due_label(today + timedelta(days=1), today) == "Tomorrow"
    assert due_label(today - timedelta(days=1), today) == "Yesterday"
    assert due_label(date(2023, 10, 24), today) == "Oct 24"
    assert due_label(None, today) == ""


def test_recipe_book_alphabetical_and_match():
    book = RecipeBook()
    for recipe in distinct_recipes(random.Random(1), 5):
        book.add(recipe)
    titles = [r.recipe.title.lower() for r in book.alphabetical()]
    assert titles == sorted(titles)
    wanted = random_recipe(random.Random(2))
    assert recipe_matches(dataclasses.replace(wanted, directions=wanted.directions.rstrip(".")), wanted)
    assert not recipe_matches(dataclasses.replace(wanted, servings="99 servings"), wanted)


def test_recipe_add_and_dedup_checks():
    rng = random.Random(3)
    book = RecipeBook()
    for recipe in distinct_recipes(rng, 3):
        book.add(recipe)
    before = book.snapshot()
    new = Recipe("Pho", "Soup", "2 servings", "1 hr", "", "as desired", "Simmer.")
    book.add(new)
    assert added_correctly(before, book.snapshot(), [new], recipe_matches)
    dup_id = book.add(new)
    with_dup = book.snapshot()
    book.delete(dup_id)
    assert deduplicated(with_dup, book.snapshot(), Recipe.content)


def test_repeating_events_occur_forever_after_their_start():
    start = datetime(2023, 10, 16, 9)
    weekly = Event("Standup", start, start + timedelta(minutes=15), repeat="weekly")
    assert weekly.occurs_on(date(2023, 10, 16)) and weekly.occurs_on(date(2024, 1, 1))
    assert not weekly.occurs_on(date(2023, 10, 17)) and not weekly.occurs_on(date(2023, 10, 9))
    monthly = Event("Rent", start, start, repeat="monthly")
    assert monthly.occurs_on(date(2023, 12, 16)) and not monthly.occurs_on(date(2023, 12, 15))
    yearly = Event("Birthday", start, start, repeat="yearly")
    assert yearly.occurs_on(date(2025, 10, 16)) and not yearly.occurs_on(date(2024, 11, 16))
    daily = Event("Walk", start, start, repeat="daily")
    assert daily.occurs_on(date(2023, 10, 30)) and not Event("Once", start, start).occurs_on(
        date(2023, 10, 30)
    )
    store = CalendarStore()
    store.add(weekly)
    store.add(Event("Lunch", datetime(2023, 10, 23, 8), datetime(2023, 10, 23, 8, 30)))
    assert [r.event.title for r in store.on_day(date(2023, 10, 23))] == ["Lunch", "Standup"]
