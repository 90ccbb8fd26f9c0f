"""UI flow tests for Simple Calendar Pro and its date/time pickers."""

from datetime import datetime

import pytest

from vera.env.android.env import AndroidEnv
from vera.env.android.sim.apps.calendar import CalendarApp
from vera.env.android.sim.apps.calendar_model import Event
from vera.env.android.sim.device import SimDroid
from vera.env.android.sim.oracle import UI


@pytest.fixture
def phone():
    device = SimDroid([CalendarApp])
    env = AndroidEnv(device)
    device.start_app("Simple Calendar Pro")
    return device, env, UI(env)


def test_aliases_and_month_view():
    device = SimDroid([CalendarApp])
    for alias in ("simple calendar pro", "simple calendar", "Simple Calendar Pro", "calendar"):
        assert device.find_app(alias) is device.app("simple calendar pro")
    device.start_app("simple calendar")
    ui = UI(AndroidEnv(device))
    assert ui.has("October 2023", id="top_value")
    assert ui.has(desc="October 31, 2023") and ui.has(desc="November 4, 2023")


def test_new_event_with_pickers_keeps_duration_when_start_moves(phone):
    device, env, ui = phone
    env.execute_action(ui.click(desc="New Event"))
    env.execute_action(ui.type("Dentist", id="event_title"))
    env.execute_action(ui.click(id="event_start_date"))
    env.execute_action(ui.click(desc="Next month"))
    assert ui.has("November 2023", id="month_view")
    env.execute_action(ui.click(desc="3 November 2023"))
    env.execute_action(ui.click("OK"))
    env.execute_action(ui.click(id="event_start_time"))
    env.execute_action(ui.click("14", id="radial_number"))
    env.execute_action(ui.click("45", id="radial_number"))
    env.execute_action(ui.click("OK"))
    assert ui.element(id="event_end_time").text == "15:45"  # default one hour kept
    env.execute_action(ui.click(desc="Save"))
    [row] = device.app("simple calendar pro").state.rows
    assert (row.event.title, row.event.start, row.event.end) == (
        "Dentist",
        datetime(2023, 11, 3, 14, 45),
        datetime(2023, 11, 3, 15, 45),
    )


def test_time_picker_text_mode_and_cancel(phone):
    device, env, ui = phone
    env.execute_action(ui.click(desc="New Event"))
    before = ui.element(id="event_start_time").text
    env.execute_action(ui.click(id="event_start_time"))
    env.execute_action(ui.click(desc="Switch to text input mode for the time input"))
    env.execute_action(ui.type("9", id="input_hour"))
    env.execute_action(ui.type("07", id="input_minute"))
    env.execute_action(ui.click("Cancel"))
    assert ui.element(id="event_start_time").text == before
    env.execute_action(ui.click(id="event_start_time"))
    env.execute_action(ui.click(desc="Switch to text input mode for the time input"))
    env.execute_action(ui.type("9", id="input_hour"))
    env.execute_action(ui.type("07", id="input_minute"))
    env.execute_action(ui.click("OK"))
    assert ui.element(id="event_start_time").text == "09:07"


def test_save_without_title_is_refused(phone):
    device, env, ui = phone
    env.execute_action(ui.click(desc="New Event"))
    env.execute_action(ui.click(desc="Save"))
    assert ui.has("Title cannot be empty") and device.app("simple calendar pro").state.rows == []


def test_day_view_delete_and_search(phone):
    device, env, ui = phone
    store = device.app("simple calendar pro").state
    store.add(
        Event("Concert", datetime(2023, 10, 20, 19), datetime(2023, 10, 20, 21), location="Riverside Hall")
    )
    store.add(Event("Team lunch", datetime(2023, 10, 20, 12), datetime(2023, 10, 20, 13)))
    device.invalidate()
    env.execute_action(ui.click(desc="October 20, 2023"))
    titles = [ui.elements[i].text for i in ui.matches(id="event_item_title")]
    assert titles == ["Team lunch", "Concert"]
    env.execute_action(ui.long_press("Team lunch", id="event_item_title"))
    env.execute_action(ui.click(desc="Delete"))
    env.execute_action(ui.click("Yes"))
    assert [r.event.title for r in store.rows] == ["Concert"]
    env.execute_action(ui.back())
    env.execute_action(ui.click(desc="Search"))
    env.execute_action(ui.type("conc", id="search_query"))
    env.execute_action(ui.click("Concert", id="event_item_title"))
    assert ui.element(id="event_location").text == "Riverside Hall"


def test_repetition_dialog_sets_the_rule(phone):
    device, env, ui = phone
    env.execute_action(ui.click(desc="New Event"))
    env.execute_action(ui.type("Yoga", id="event_title"))
    env.execute_action(ui.click(id="event_repetition"))
    assert ui.has("No repetition", cls="RadioButton", checked=True)
    env.execute_action(ui.click("Weekly", cls="RadioButton"))
    assert ui.element(id="event_repetition").text == "Weekly"
    env.execute_action(ui.click(desc="Save"))
    [row] = device.app("simple calendar pro").state.rows
    assert row.event.repeat == "weekly"


def test_date_picker_flips_across_the_year(phone):
    device, env, ui = phone
    env.execute_action(ui.click(desc="New Event"))
    env.execute_action(ui.click(id="event_start_date"))
    for _ in range(10):
        env.execute_action(ui.click(desc="Previous month"))
    assert ui.element(id="month_view").text == "December 2022"
    env.execute_action(ui.click(desc="31 December 2022"))
    assert ui.element(id="date_picker_header_date").text == "Sat, Dec 31"
    env.execute_action(ui.click("OK"))
    assert ui.element(id="event_start_date").text == "Sat, Dec 31, 2022"
    assert ui.element(id="event_end_date").text == "Sat, Dec 31, 2022"  # the end follows the start
