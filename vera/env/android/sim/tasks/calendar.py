"""Simple Calendar Pro tasks (AndroidWorld's calendar.py and information-retrieval names and templates).

Params are JSON-friendly: events travel as dicts with ISO datetimes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from vera.env.android.sim.apps.calendar_model import (
    DESCRIPTIONS,
    DEVICE_NOW,
    EVENT_TITLES,
    Event,
    random_event,
    spoken_date,
)
from vera.env.android.sim.apps.expense_model import added_correctly, fuzzy_equal, removed_exactly
from vera.env.android.sim.oracle import UI, OracleError
from vera.env.android.sim.task import Task
from vera.env.android.sim.tasks.expense import field_text, rows_on_screen
from vera.env.android.types import JSONAction

if TYPE_CHECKING:
    from vera.env.android.sim.device import SimDroid

APP_NAME = "simple calendar pro"
TODAY = DEVICE_NOW.date()


def event_to_dict(event: Event) -> dict[str, Any]:
    return {"title": event.title, "start": event.start.isoformat(), "end": event.end.isoformat(),
            "description": event.description, "location": event.location}


def event_from_dict(data: dict[str, Any]) -> Event:
    return Event(title=data["title"], start=datetime.fromisoformat(data["start"]),
                 end=datetime.fromisoformat(data["end"]), description=data.get("description", ""),
                 location=data.get("location", ""))


def noise_events(rng: random.Random, count: int, avoid_days: set[date], avoid_titles: set[str]) -> list[Event]:
    """Events on other October days (15th-31st) with titles not in `avoid_titles`."""
    titles = [t for t in EVENT_TITLES if t not in avoid_titles]
    days = [TODAY + timedelta(days=k) for k in range(0, 17) if TODAY + timedelta(days=k) not in avoid_days]
    return [random_event(rng, rng.choice(days), title=rng.choice(titles)) for _ in range(count)]


def add_event_params(rng: random.Random, day: date | None = None) -> dict[str, Any]:
    """AndroidWorld's add-event params: a date after today, an hour, title, description, duration."""
    day = day or TODAY + timedelta(days=rng.randint(1, 16))
    duration = rng.choice([15, 30, 45, 60, 90, 120])
    title = rng.choice(EVENT_TITLES)
    noise = noise_events(rng, 4, avoid_days=set(), avoid_titles={title})
    return {
        "year": day.year, "month": f"{day.month:02d}", "day": f"{day.day:02d}",
        "hour": rng.randint(8, 20), "event_title": title,
        "event_description": rng.choice(DESCRIPTIONS), "duration_mins": duration,
        "noise": [event_to_dict(e) for e in noise],
    }


def events_on_day_params(rng: random.Random, n_events: int, n_noise: int = 5,
                         day: date | None = None) -> dict[str, Any]:
    """`n_events` events with distinct titles on one day, noise events on other days."""
    day = day or TODAY + timedelta(days=rng.randint(1, 14))
    titles = rng.sample(EVENT_TITLES, n_events)
    hours = sorted(rng.sample(range(8, 21), n_events))
    targets = [random_event(rng, day, title=t, hour=h) for t, h in zip(titles, hours, strict=True)]
    noise = noise_events(rng, n_noise, avoid_days={day}, avoid_titles=set(titles))
    return {
        "year": day.year, "month": f"{day.month:02d}", "day": f"{day.day:02d}", "date": spoken_date(day),
        "events": [event_to_dict(e) for e in targets], "noise": [event_to_dict(e) for e in noise],
    }


def next_event_params(rng: random.Random) -> dict[str, Any]:
    """The next event starts later today; today's other events are earlier or later than it."""
    start_minutes = rng.randint(16 * 60, 22 * 60) // 5 * 5
    start = datetime.combine(TODAY, datetime.min.time()) + timedelta(minutes=start_minutes)
    title = rng.choice(EVENT_TITLES)
    target = Event(title, start, start + timedelta(minutes=rng.choice([30, 45, 60])),
                   rng.choice(DESCRIPTIONS), "")
    earlier_title, later_title = rng.sample([t for t in EVENT_TITLES if t != title], 2)
    earlier = random_event(rng, TODAY, title=earlier_title, hour=rng.randint(8, 14))
    later_start = start + timedelta(minutes=rng.choice([60, 90]))
    later = Event(later_title, later_start, later_start + timedelta(minutes=30))
    noise = noise_events(rng, 4, avoid_days={TODAY}, avoid_titles={title})
    return {"events": [event_to_dict(target)],
            "noise": [event_to_dict(e) for e in [earlier, later, *noise]]}


def location_params(rng: random.Random) -> dict[str, Any]:
    """One event with a location among others with different titles."""
    title = rng.choice(EVENT_TITLES)
    target = random_event(rng, TODAY + timedelta(days=rng.randint(1, 14)), title=title)
    noise = noise_events(rng, 6, avoid_days=set(), avoid_titles={title})
    return {"title": title, "events": [event_to_dict(target)], "noise": [event_to_dict(e) for e in noise]}


def titles_answer_ok(answer: str | None, expected: list[str]) -> bool:
    """AndroidWorld's IR string match: the comma-split answer equals the expected titles as a multiset,
    each title compared fuzzily (case, spacing, trailing punctuation and small typos forgiven)."""
    if answer is None:
        return False
    got = [part.strip() for part in answer.split(",") if part.strip()]
    if len(got) != len(expected):
        return False
    remaining = list(expected)
    for part in got:
        match = next((title for title in remaining if fuzzy_equal(part, title)), None)
        if match is None:
            return False
        remaining.remove(match)
    return True


# --- tasks -----------------------------------------------------------------------------------------
def _day_cell_desc(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _param_day(params: dict[str, Any]) -> date:
    return date(int(params["year"]), int(params["month"]), int(params["day"]))


class _CalendarTask(Task):
    """Shared setup: a fresh calendar holding the task's events and noise, in shuffled entry order."""

    abstract = True
    app_names = (APP_NAME,)
    before: dict[int, Event]

    def initialize(self, device: SimDroid) -> None:
        app = device.app(APP_NAME)
        app.reset()
        events = [event_from_dict(d) for d in self.params.get("events", []) + self.params.get("noise", [])]
        random.Random(self.params.get("seed", 0)).shuffle(events)
        for event in events:
            app.state.add(event)
        self.before = app.state.snapshot()

    def _after(self, device: SimDroid) -> dict[int, Event]:
        return device.app(APP_NAME).state.snapshot()

    def _open_day(self, ui: UI, day: date) -> Iterator[JSONAction]:
        yield ui.open_app("Simple Calendar Pro")
        yield ui.click(desc=_day_cell_desc(day))


def _event_matches(actual: Event, wanted: Event) -> bool:
    return (actual.start == wanted.start and actual.end == wanted.end and fuzzy_equal(actual.title, wanted.title)
            and fuzzy_equal(actual.description, wanted.description))


class _AddEvent(_CalendarTask):
    abstract = True
    family = "calendar_add_event"
    complexity = 3.4

    def wanted(self) -> Event:
        start = datetime.combine(_param_day(self.params), datetime.min.time()).replace(hour=self.params["hour"])
        return Event(self.params["event_title"], start, start + timedelta(minutes=self.params["duration_mins"]),
                     self.params["event_description"])

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(added_correctly(self.before, self._after(device), [self.wanted()], _event_matches))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        event = self.wanted()
        yield ui.open_app("Simple Calendar Pro")
        yield ui.click(desc="New Event")
        yield ui.type(event.title, id="event_title")
        yield ui.type(event.description, id="event_description")
        yield from ui.scroll_to(id="event_start_date")
        yield ui.click(id="event_start_date")
        yield from pick_date(ui, event.start.date())
        yield ui.click(id="event_start_time")
        yield from pick_time(ui, event.start.hour, event.start.minute)
        end_text = f"{event.end:%H:%M}"
        if ui.element(id="event_end_time").text != end_text:
            yield ui.click(id="event_end_time")
            yield from pick_time(ui, event.end.hour, event.end.minute)
        yield ui.click(desc="Save")


def pick_date(ui: UI, day: date) -> Iterator[JSONAction]:
    """In an open date picker: flip to the month, tap the day, OK."""
    wanted_month = f"{day:%B %Y}"
    for _ in range(24):
        shown = ui.element(id="month_view").text or ""
        if shown == wanted_month:
            break
        shown_date = datetime.strptime(shown, "%B %Y").date()
        yield ui.click(desc="Next month" if shown_date < day.replace(day=1) else "Previous month")
    yield ui.click(desc=f"{day.day} {day:%B} {day.year}")
    yield ui.click("OK")


def pick_time(ui: UI, hour: int, minute: int) -> Iterator[JSONAction]:
    """In an open clock-face time picker: tap the hour, then the minute (multiples of five), OK."""
    yield ui.click(str(hour) if hour else "00", id="radial_number")
    yield ui.click(f"{minute:02d}", id="radial_number")
    yield ui.click("OK")


class SimpleCalendarAddOneEvent(_AddEvent):
    """Create an event on a given date and hour with a title, a description and a duration."""

    template = ("In Simple Calendar Pro, create a calendar event on {year}-{month}-{day} at {hour}h with the title "
                "'{event_title}' and the description '{event_description}'. The event should last for "
                "{duration_mins} mins.")
    difficulty = "hard"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return add_event_params(rng)


class SimpleCalendarAddOneEventTomorrow(_AddEvent):
    """Create an event tomorrow (relative to the frozen device date)."""

    template = ("In Simple Calendar Pro, create a calendar event for tomorrow at {hour}h with the title "
                "'{event_title}' and the description '{event_description}'. The event should last for "
                "{duration_mins} mins.")
    difficulty = "easy"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return add_event_params(rng, day=TODAY + timedelta(days=1))


class SimpleCalendarDeleteOneEvent(_CalendarTask):
    """Delete one event identified by date, hour and title; another event that day stays."""

    template = ("In Simple Calendar Pro, delete the calendar event on {year}-{month}-{day} at {hour}h with the "
                "title '{event_title}'")
    complexity = 1.2
    difficulty = "easy"
    family = "calendar_delete"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        params = events_on_day_params(rng, 2)
        target = event_from_dict(params["events"][0])
        params["noise"].append(params["events"].pop())
        params.update(hour=target.start.hour, event_title=target.title)
        return params

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        target = {i for i, e in self.before.items() if e.title == self.params["event_title"]
                  and e.start.date() == _param_day(self.params) and e.start.hour == self.params["hour"]}
        return float(len(target) == 1 and removed_exactly(self.before, self._after(device), target))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from self._open_day(ui, _param_day(self.params))
        yield ui.click(self.params["event_title"], id="event_item_title")
        yield ui.click(desc="Delete")
        yield ui.click("Yes")


class SimpleCalendarDeleteEvents(_CalendarTask):
    """Delete every event on one date (multi-select in the day view)."""

    template = "In Simple Calendar Pro, delete all the calendar events on {year}-{month}-{day}"
    complexity = 1.4
    difficulty = "easy"
    family = "calendar_delete"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return events_on_day_params(rng, rng.randint(2, 3))

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        day = _param_day(self.params)
        target = {i for i, e in self.before.items() if e.start.date() == day}
        return float(removed_exactly(self.before, self._after(device), target))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from self._open_day(ui, _param_day(self.params))
        titles = [ui.elements[i].text or "" for i in ui.matches(id="event_item_title")]
        for k, title in enumerate(titles):
            yield ui.long_press(title, id="event_item_title") if k == 0 else ui.click(title, id="event_item_title")
        yield ui.click(desc="Delete")
        yield ui.click("Yes")


class _TitlesOnDate(_CalendarTask):
    abstract = True
    complexity = 1.0
    family = "calendar_events_on_date"
    n_events = (1, 3)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return events_on_day_params(rng, rng.randint(*cls.n_events))

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(titles_answer_ok(answer, [d["title"] for d in self.params["events"]]))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from self._open_day(ui, _param_day(self.params))
        titles = [ui.elements[i].text or "" for i in ui.matches(id="event_item_title")]
        yield ui.answer(", ".join(titles))


class SimpleCalendarEventsOnDate(_TitlesOnDate):
    """IR: the titles of a date's events."""

    template = ("What events do I have {date} in Simple Calendar Pro? Answer with the titles only. If there are "
                "multiple titles, format your answer as a comma separated list.")
    difficulty = "medium"


class SimpleCalendarAnyEventsOnDate(_TitlesOnDate):
    """IR: the titles of a date's three events."""

    template = ("Do I have any events {date} in Simple Calendar Pro? Answer with the titles only. If there are "
                "multiples titles, format your answer in a comma separated list.")
    difficulty = "easy"
    n_events = (3, 3)


class SimpleCalendarNextEvent(_CalendarTask):
    """IR: the title of the next event after the device time (later today)."""

    template = ("What is my next upcoming event in Simple Calendar Pro? Answer with the title only. If there are "
                "multiples titles, format your answer in a comma separated list.")
    complexity = 1.0
    difficulty = "easy"
    family = "calendar_next_event"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return next_event_params(rng)

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(titles_answer_ok(answer, [self.params["events"][0]["title"]]))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from self._open_day(ui, TODAY)
        rows = rows_on_screen(ui, "event_item_title", ("event_item_time",))
        now = f"{DEVICE_NOW:%H:%M}"
        upcoming = [r for r in rows if field_text(r, "event_item_time")[:5] >= now]
        if not upcoming:
            raise OracleError("no event later today on the day view")
        yield ui.answer(upcoming[0]["text"])


class SimpleCalendarLocationOfEvent(_CalendarTask):
    """IR: the location of an event found by its title (search)."""

    template = "What is the location of my {title} event in Simple Calendar Pro? Answer with the location only."
    complexity = 1.0
    difficulty = "easy"
    family = "calendar_event_location"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return location_params(rng)

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(fuzzy_equal(answer or "", self.params["events"][0]["location"]))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Simple Calendar Pro")
        yield ui.click(desc="Search")
        yield ui.type(self.params["title"], id="search_query")
        yield ui.click(self.params["title"], id="event_item_title")
        yield ui.answer(ui.element(id="event_location").text or "")
