"""Simple Calendar Pro tasks (AndroidWorld's calendar.py and information-retrieval names and templates).

Params are JSON-friendly: events travel as dicts with ISO datetimes.
"""

from __future__ import annotations

import dataclasses
import random
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from vera.env.android.sim.apps.calendar_model import (
    DESCRIPTIONS,
    DEVICE_NOW,
    EVENT_TITLES,
    REPEAT_RULES,
    Event,
    random_event,
    spoken_date,
)
from vera.env.android.sim.apps.expense_model import added_correctly, fuzzy_equal, removed_exactly
from vera.env.android.sim.oracle import UI, OracleError
from vera.env.android.sim.task import Task
from vera.env.android.sim.tasks.rows import field_text, rows_on_screen, select_rows
from vera.env.android.types import JSONAction

if TYPE_CHECKING:
    from vera.env.android.sim.device import SimDroid

APP_NAME = "simple calendar pro"
TODAY = DEVICE_NOW.date()


def event_to_dict(event: Event) -> dict[str, Any]:
    return {
        "title": event.title,
        "start": event.start.isoformat(),
        "end": event.end.isoformat(),
        "description": event.description,
        "location": event.location,
        "repeat": event.repeat,
    }


def event_from_dict(data: dict[str, Any]) -> Event:
    return Event(
        title=data["title"],
        start=datetime.fromisoformat(data["start"]),
        end=datetime.fromisoformat(data["end"]),
        description=data.get("description", ""),
        location=data.get("location", ""),
        repeat=data.get("repeat", ""),
    )


def noise_events(
    rng: random.Random, count: int, avoid_days: set[date], avoid_titles: set[str]
) -> list[Event]:
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
        "year": day.year,
        "month": f"{day.month:02d}",
        "day": f"{day.day:02d}",
        "hour": rng.randint(8, 20),
        "event_title": title,
        "event_description": rng.choice(DESCRIPTIONS),
        "duration_mins": duration,
        "noise": [event_to_dict(e) for e in noise],
    }


def events_on_day_params(
    rng: random.Random, n_events: int, n_noise: int = 5, day: date | None = None
) -> dict[str, Any]:
    """`n_events` events with distinct titles on one day, noise events on other days."""
    day = day or TODAY + timedelta(days=rng.randint(1, 14))
    titles = rng.sample(EVENT_TITLES, n_events)
    hours = sorted(rng.sample(range(8, 21), n_events))
    targets = [random_event(rng, day, title=t, hour=h) for t, h in zip(titles, hours, strict=True)]
    noise = noise_events(rng, n_noise, avoid_days={day}, avoid_titles=set(titles))
    return {
        "year": day.year,
        "month": f"{day.month:02d}",
        "day": f"{day.day:02d}",
        "date": spoken_date(day),
        "events": [event_to_dict(e) for e in targets],
        "noise": [event_to_dict(e) for e in noise],
    }


def next_event_params(rng: random.Random) -> dict[str, Any]:
    """The next event starts later today; today's other events are earlier or later than it."""
    start_minutes = rng.randint(16 * 60, 22 * 60) // 5 * 5
    start = datetime.combine(TODAY, datetime.min.time()) + timedelta(minutes=start_minutes)
    title = rng.choice(EVENT_TITLES)
    target = Event(
        title, start, start + timedelta(minutes=rng.choice([30, 45, 60])), rng.choice(DESCRIPTIONS), ""
    )
    earlier_title, later_title = rng.sample([t for t in EVENT_TITLES if t != title], 2)
    earlier = random_event(rng, TODAY, title=earlier_title, hour=rng.randint(8, 14))
    later_start = start + timedelta(minutes=rng.choice([60, 90]))
    later = Event(later_title, later_start, later_start + timedelta(minutes=30))
    noise = noise_events(rng, 4, avoid_days={TODAY}, avoid_titles={title})
    return {"events": [event_to_dict(target)], "noise": [event_to_dict(e) for e in [earlier, later, *noise]]}


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
    return (
        actual.repeat == wanted.repeat
        and actual.start == wanted.start
        and actual.end == wanted.end
        and fuzzy_equal(actual.title, wanted.title)
        and fuzzy_equal(actual.description, wanted.description)
    )


class _AddEvent(_CalendarTask):
    abstract = True
    family = "calendar_add_event"
    complexity = 3.4

    def wanted(self) -> Event:
        start = datetime.combine(_param_day(self.params), datetime.min.time()).replace(
            hour=self.params["hour"]
        )
        return Event(
            self.params["event_title"],
            start,
            start + timedelta(minutes=self.params["duration_mins"]),
            self.params["event_description"],
        )

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
        yield from self.before_save(ui)
        yield ui.click(desc="Save")

    def before_save(self, ui: UI) -> Iterator[JSONAction]:
        """Extra editor steps of a variant (none here)."""
        return
        yield  # pragma: no cover


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

    template = (
        "In Simple Calendar Pro, create a calendar event on {year}-{month}-{day} at {hour}h with the title "
        "'{event_title}' and the description '{event_description}'. The event should last for "
        "{duration_mins} mins."
    )
    difficulty = "hard"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return add_event_params(rng)


class SimpleCalendarAddOneEventTomorrow(_AddEvent):
    """Create an event tomorrow (relative to the frozen device date)."""

    template = (
        "In Simple Calendar Pro, create a calendar event for tomorrow at {hour}h with the title "
        "'{event_title}' and the description '{event_description}'. The event should last for "
        "{duration_mins} mins."
    )
    difficulty = "easy"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return add_event_params(rng, day=TODAY + timedelta(days=1))


class SimpleCalendarDeleteOneEvent(_CalendarTask):
    """Delete one event identified by date, hour and title; another event that day stays."""

    template = (
        "In Simple Calendar Pro, delete the calendar event on {year}-{month}-{day} at {hour}h with the "
        "title '{event_title}'"
    )
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
        target = {
            i
            for i, e in self.before.items()
            if e.title == self.params["event_title"]
            and e.start.date() == _param_day(self.params)
            and e.start.hour == self.params["hour"]
        }
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
        yield from select_rows(ui, titles, "event_item_title")
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

    template = (
        "What events do I have {date} in Simple Calendar Pro? Answer with the titles only. If there are "
        "multiple titles, format your answer as a comma separated list."
    )
    difficulty = "medium"


class SimpleCalendarAnyEventsOnDate(_TitlesOnDate):
    """IR: the titles of a date's three events."""

    template = (
        "Do I have any events {date} in Simple Calendar Pro? Answer with the titles only. If there are "
        "multiples titles, format your answer in a comma separated list."
    )
    difficulty = "easy"
    n_events = (3, 3)


class SimpleCalendarNextEvent(_CalendarTask):
    """IR: the title of the next event after the device time (later today)."""

    template = (
        "What is my next upcoming event in Simple Calendar Pro? Answer with the title only. If there are "
        "multiples titles, format your answer in a comma separated list."
    )
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

    template = (
        "What is the location of my {title} event in Simple Calendar Pro? Answer with the location only."
    )
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


# --- relative dates and more questions ----------------------------------------------------------------
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
PEOPLE = ("Amanda", "John", "David", "Lucas", "Ava", "Isabella", "Mia", "Elijah", "Charlotte", "Sofia")
MEETING_KINDS = ("Drinks with", "Lunch with", "Catch up with", "Meeting with")


def this_weekday(name: str) -> date:
    """``this Thursday`` from the device's Sunday, 2023-10-15: the coming day of that name."""
    offset = (WEEKDAYS.index(name) - TODAY.weekday()) % 7 or 7
    return TODAY + timedelta(days=offset)


def spoken_time(when: datetime, style: int) -> str:
    """A time as AndroidWorld's IR goals write it: ``8:00pm`` / ``8pm`` (12-hour) or ``20:00``."""
    hour12 = when.hour % 12 or 12
    suffix = "am" if when.hour < 12 else "pm"
    if style == 0:
        return f"{hour12}:{when.minute:02d}{suffix}"
    if style == 1 and when.minute == 0:
        return f"{hour12}{suffix}"
    return f"{when:%H:%M}"


class SimpleCalendarAddOneEventInTwoWeeks(_AddEvent):
    """Create an event two weeks after the device date."""

    template = (
        "In Simple Calendar Pro, create a calendar event in two weeks from today at {hour}h with the "
        "title '{event_title}' and the description '{event_description}'. The event should last for "
        "{duration_mins} mins."
    )
    difficulty = "medium"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return add_event_params(rng, day=TODAY + timedelta(days=14))


class SimpleCalendarAddOneEventRelativeDay(_AddEvent):
    """Create an event on the coming named weekday."""

    template = (
        "In Simple Calendar Pro, create a calendar event for this {day_of_week} at {hour}h with the title "
        "'{event_title}' and the description '{event_description}'. The event should last for "
        "{duration_mins} mins."
    )
    difficulty = "easy"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        day_of_week = rng.choice(WEEKDAYS)
        params = add_event_params(rng, day=this_weekday(day_of_week))
        params["day_of_week"] = day_of_week
        return params


class SimpleCalendarDeleteEventsOnRelativeDay(SimpleCalendarDeleteEvents):
    """Delete every event on the coming named weekday."""

    template = "In Simple Calendar Pro, delete all events scheduled for this {day_of_week}."
    complexity = 1.2
    difficulty = "medium"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        day_of_week = rng.choice(WEEKDAYS)
        params = events_on_day_params(rng, rng.randint(1, 2), day=this_weekday(day_of_week))
        params["day_of_week"] = day_of_week
        return params


def _at_time_params(rng: random.Random) -> dict[str, Any]:
    """A day with events at distinct hours; one chosen event defines the asked time."""
    params = events_on_day_params(rng, 3)
    events = [event_from_dict(d) for d in params["events"]]
    index = rng.randrange(3)
    target = events[index]
    minute = rng.choice((0, 15, 30, 45))
    start = target.start.replace(minute=minute)
    target = Event(
        target.title, start, start + (target.end - target.start), target.description, target.location
    )
    events[index] = target
    params["events"] = [event_to_dict(e) for e in events]
    params["target"] = index
    params["time"] = spoken_time(start, rng.randrange(3))
    return params


class SimpleCalendarEventOnDateAtTime(_CalendarTask):
    """IR: the title of the event starting at a given date and time."""

    template = (
        "What is on my schedule for {date} at {time} in Simple Calendar Pro? Answer with the titles only. "
        "If there are multiples titles, format your answer in a comma separated list."
    )
    complexity = 1.0
    difficulty = "medium"
    family = "calendar_event_at_time"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return _at_time_params(rng)

    def _target(self) -> Event:
        return event_from_dict(self.params["events"][self.params["target"]])

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(titles_answer_ok(answer, [self._target().title]))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from self._open_day(ui, _param_day(self.params))
        wanted = parse_clock(self.params["time"])
        rows = rows_on_screen(ui, "event_item_title", ("event_item_time",))
        yield ui.answer(", ".join(r["text"] for r in rows if field_text(r, "event_item_time")[:5] == wanted))


class SimpleCalendarFirstEventAfterStartTime(SimpleCalendarEventOnDateAtTime):
    """IR: the first event of a day that starts after a given time."""

    template = (
        "What is my first event after {time} {date} in Simple Calendar Pro? Answer with the titles only. "
        "If there are multiples titles, format your answer in a comma separated list."
    )
    difficulty = "easy"
    family = "calendar_first_event_after"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        params = events_on_day_params(rng, 3)
        events = [event_from_dict(d) for d in params["events"]]  # distinct hours, in start order
        index = rng.randrange(1, 3)
        gap = (events[index].start - events[index - 1].start) // 2
        asked = events[index - 1].start + max(gap, timedelta(minutes=1))
        asked = asked.replace(minute=asked.minute // 5 * 5, second=0)
        if asked <= events[index - 1].start:
            asked = events[index - 1].start + timedelta(minutes=5)
        params["target"] = index
        params["time"] = spoken_time(asked, 0 if asked.minute else rng.randrange(3))
        return params

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from self._open_day(ui, _param_day(self.params))
        after = parse_clock(self.params["time"])
        rows = rows_on_screen(ui, "event_item_title", ("event_item_time",))
        later = [r for r in rows if field_text(r, "event_item_time")[:5] > after]
        yield ui.answer(later[0]["text"] if later else "")


def parse_clock(text: str) -> str:
    """``8:00pm`` / ``8pm`` / ``20:00`` -> ``20:00``."""
    match = re.fullmatch(r"\s*(\d{1,2})(?::(\d{2}))?\s*([ap]m)?\s*", text.lower())
    if match is None:
        raise ValueError(f"not a clock time: {text!r}")
    hour, minute, suffix = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if suffix == "pm" and hour != 12:
        hour += 12
    if suffix == "am" and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}"


_MONTHS = {
    name.lower(): i
    for i, name in enumerate(
        (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        start=1,
    )
}


def parse_spoken_datetime(text: str) -> datetime | None:
    """``October 20 2023 14:00`` (commas, ``at``, a.m./p.m. forgiven) -> datetime; None if unreadable."""
    lowered = text.lower().replace(",", " ")
    month = next((m for name, m in _MONTHS.items() if name in lowered or name[:3] + " " in lowered), None)
    clock = re.search(r"(\d{1,2}):(\d{2})\s*([ap]\.?m\.?)?", lowered)
    numbers = [int(n) for n in re.findall(r"\b\d{1,4}\b", re.sub(r"\d{1,2}:\d{2}", " ", lowered))]
    years = [n for n in numbers if n >= 1900]
    days = [n for n in numbers if 1 <= n <= 31]
    if month is None or clock is None or not years or not days:
        return None
    hour = int(clock.group(1))
    suffix = (clock.group(3) or "").replace(".", "")
    if suffix == "pm" and hour != 12:
        hour += 12
    if suffix == "am" and hour == 12:
        hour = 0
    try:
        return datetime(years[0], month, days[0], hour, int(clock.group(2)))
    except ValueError:
        return None


class SimpleCalendarNextMeetingWithPerson(_CalendarTask):
    """IR: when the next meeting with a person starts (a past one exists too)."""

    template = (
        "When is my next meeting with {person} in Simple Calendar Pro? Express your answer in the format "
        "<month name> <day> <year> <hour in 24-hour format>:<minutes>."
    )
    complexity = 1.0
    difficulty = "medium"
    family = "calendar_next_meeting"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        person = rng.choice(PEOPLE)
        day = TODAY + timedelta(days=rng.randint(1, 14))
        start = datetime.combine(day, datetime.min.time()).replace(
            hour=rng.randint(9, 20), minute=rng.choice((0, 15, 30, 45))
        )
        target = Event(f"{rng.choice(MEETING_KINDS)} {person}", start, start + timedelta(hours=1))
        past_start = start - timedelta(days=rng.randint(15, 25))
        past = Event(f"{rng.choice(MEETING_KINDS)} {person}", past_start, past_start + timedelta(hours=1))
        later_start = start + timedelta(days=rng.randint(3, 10))
        later = Event(f"{rng.choice(MEETING_KINDS)} {person}", later_start, later_start + timedelta(hours=1))
        noise = noise_events(rng, 5, avoid_days=set(), avoid_titles=set())
        return {
            "person": person,
            "events": [event_to_dict(target)],
            "noise": [event_to_dict(e) for e in (past, later, *noise)],
        }

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(parse_spoken_datetime(answer or "") == event_from_dict(self.params["events"][0]).start)

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Simple Calendar Pro")
        yield ui.click(desc="Search")
        yield ui.type(self.params["person"], id="search_query")
        now = DEVICE_NOW
        for row in rows_on_screen(ui, "event_item_title", ("event_item_time",)):
            text = field_text(row, "event_item_time")  # "October 20, 2023  14:00 - 15:00"
            when = parse_spoken_datetime(text.split(" - ")[0])
            if when is not None and when >= now:
                yield ui.answer(f"{when:%B} {when.day} {when.year} {when:%H:%M}")
                return
        raise OracleError(f"no upcoming meeting with {self.params['person']} in the search results")


class SimpleCalendarAddRepeatingEvent(_AddEvent):
    """Create an event that repeats daily, weekly, monthly or yearly, forever."""

    template = (
        "In Simple Calendar Pro, create a recurring calendar event titled '{event_title}' starting on "
        "{year}-{month}-{day} at {hour}h. The event recurs {repeat_rule}, forever, and lasts for "
        "{duration_mins} minutes each occurrence. The event description should be '{event_description}'."
    )
    difficulty = "easy"
    family = "calendar_add_repeating_event"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        params = add_event_params(rng)
        params["repeat_rule"] = rng.choice(REPEAT_RULES)
        return params

    def wanted(self) -> Event:
        return dataclasses.replace(super().wanted(), repeat=self.params["repeat_rule"])

    def before_save(self, ui: UI) -> Iterator[JSONAction]:
        yield from ui.scroll_to(id="event_repetition", within={"id": "event_scrollview"})
        yield ui.click(id="event_repetition")
        yield ui.click(self.params["repeat_rule"].capitalize(), cls="RadioButton")


NEXT_WEEK_DAYS = tuple(TODAY + timedelta(days=k) for k in range(1, 8))  # Monday 16 to Sunday 22 October


class SimpleCalendarEventsInNextWeek(_CalendarTask):
    """IR: the titles of next week's events (Monday to Sunday), read off the month grid."""

    template = (
        "What events do I have in the next week in Simple Calendar Pro? Assume the week starts from Monday. "
        "Answer with the titles only. If there are multiples titles, format your answer in a comma separated "
        "list."
    )
    complexity = 1.0
    difficulty = "easy"
    family = "calendar_events_next_week"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        count = rng.randint(1, 3)
        days = rng.sample(NEXT_WEEK_DAYS, count)
        titles = rng.sample(EVENT_TITLES, count)
        targets = [random_event(rng, d, title=t) for d, t in zip(days, titles, strict=True)]
        other_days = [TODAY + timedelta(days=k) for k in (-6, -3, -1, 8, 9, 11, 14, 16)]
        others = [t for t in EVENT_TITLES if t not in titles]
        noise = [random_event(rng, rng.choice(other_days), title=rng.choice(others)) for _ in range(5)]
        return {"events": [event_to_dict(e) for e in targets], "noise": [event_to_dict(e) for e in noise]}

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(titles_answer_ok(answer, [d["title"] for d in self.params["events"]]))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Simple Calendar Pro")
        titles: list[str] = []
        for day in NEXT_WEEK_DAYS:
            cell = ui.element(desc=_day_cell_desc(day)).bbox_pixels
            for i in ui.matches(id="day_monthly_event_id"):
                box = ui.elements[i].bbox_pixels
                if (
                    cell
                    and box
                    and cell.x_min <= box.center[0] <= cell.x_max
                    and cell.y_min <= box.center[1] <= cell.y_max
                ):
                    titles.append(ui.elements[i].text or "")
        yield ui.answer(", ".join(titles))


class SimpleCalendarEventsInTimeRange(_CalendarTask):
    """IR: the titles of a day's events that start between a time and 8pm."""

    template = (
        "Do I have any events between {start_time} and 8pm {date} in Simple Calendar Pro? Answer with the "
        "titles only. If there are multiples titles, format your answer in a comma separated list."
    )
    complexity = 1.0
    difficulty = "easy"
    family = "calendar_events_in_range"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        day = TODAY + timedelta(days=rng.randint(1, 14))
        base = datetime.combine(day, datetime.min.time())
        start = base + timedelta(minutes=rng.randrange(13 * 60, 17 * 60, 15))
        titles = rng.sample(EVENT_TITLES, 5)
        inside_starts = sorted(
            rng.sample(
                range(0, int((base.replace(hour=19) - start).total_seconds() // 60), 15), rng.randint(1, 2)
            )
        )
        targets = [
            Event(titles[k], start + timedelta(minutes=m), start + timedelta(minutes=m + 30))
            for k, m in enumerate(inside_starts)
        ]
        early = base.replace(hour=9)
        late = base.replace(hour=20, minute=30)
        noise = [
            Event(titles[3], early, early + timedelta(hours=1)),
            Event(titles[4], late, late + timedelta(hours=1)),
        ]
        noise += noise_events(rng, 4, avoid_days={day}, avoid_titles=set(titles))
        return {
            "date": spoken_date(day),
            "year": day.year,
            "month": f"{day.month:02d}",
            "day": f"{day.day:02d}",
            "start_time": spoken_time(start, 0 if start.minute else rng.randrange(3)),
            "events": [event_to_dict(e) for e in targets],
            "noise": [event_to_dict(e) for e in noise],
        }

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(titles_answer_ok(answer, [d["title"] for d in self.params["events"]]))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from self._open_day(ui, _param_day(self.params))
        low, high = parse_clock(self.params["start_time"]), "20:00"
        rows = rows_on_screen(ui, "event_item_title", ("event_item_time",))
        inside = [r["text"] for r in rows if low <= field_text(r, "event_item_time")[:5] <= high]
        yield ui.answer(", ".join(inside))
