"""Simple Calendar Pro (com.simplemobiletools.calendar.pro) state model: events, no UI.

Times are naive datetimes on the device clock, which AndroidWorld freezes at 2023-10-15 15:34 (UTC).
An event keeps the fields the real app's ``events`` table and event screen show: title, location,
description, start and end.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

DEVICE_NOW = datetime(2023, 10, 15, 15, 34)

EVENT_TITLES: tuple[str, ...] = (
    "Team Meeting",
    "1-on-1 with Manager",
    "Product demo",
    "Team lunch",
    "Coffee with CEO",
    "Quarterly review",
    "Scrum meeting",
    "Doctor's appointment",
    "Birthday party",
    "Coding challenge",
    "Board meeting",
    "Marketing strategy workshop",
    "Movie night",
    "Dinner with friends",
    "Concert",
    "Game night",
    "Date night",
    "Weekend trip",
    "Family reunion",
    "Volunteer cleanup",
    "Sports game",
    "Workshop on Project X",
    "Call with the Team",
    "Review session for Budget Planning",
)

LOCATIONS: tuple[str, ...] = (
    "Conference Room B",
    "Central Park",
    "City Library",
    "Main Street Cafe",
    "Office Lobby",
    "Riverside Hall",
    "Community Center",
    "Downtown Gym",
    "Grandma's House",
    "Zoom",
)

DESCRIPTIONS: tuple[str, ...] = (
    "We will discuss upcoming project milestones.",
    "We will review the quarterly budget.",
    "We will celebrate team roles.",
    "We will plan the next sprint.",
    "We will understand business objectives.",
    "Remember to bring the slides.",
)

DURATIONS_MIN: tuple[int, ...] = (15, 30, 45, 60, 90, 120)
REPEAT_RULES: tuple[str, ...] = ("daily", "weekly", "monthly", "yearly")


@dataclass(frozen=True)
class Event:
    """One calendar event."""

    title: str
    start: datetime
    end: datetime
    description: str = ""
    location: str = ""
    repeat: str = ""  # "" (no repetition), or one of REPEAT_RULES

    @property
    def duration_min(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    def occurs_on(self, day: date) -> bool:
        """Whether the event (or one of its repetitions, forever) starts on `day`."""
        first = self.start.date()
        if day == first:
            return True
        if day < first or not self.repeat:
            return False
        if self.repeat == "daily":
            return True
        if self.repeat == "weekly":
            return (day - first).days % 7 == 0
        if self.repeat == "monthly":
            return day.day == first.day
        return (day.month, day.day) == (first.month, first.day)  # yearly


@dataclass
class EventRow:
    event_id: int
    event: Event


@dataclass
class CalendarStore:
    """The app's event table with auto-increment ids."""

    rows: list[EventRow] = field(default_factory=list)
    next_id: int = 1

    def add(self, event: Event) -> int:
        row_id = self.next_id
        self.rows.append(EventRow(row_id, event))
        self.next_id += 1
        return row_id

    def delete(self, event_id: int) -> bool:
        for i, row in enumerate(self.rows):
            if row.event_id == event_id:
                del self.rows[i]
                return True
        return False

    def get(self, event_id: int) -> Event | None:
        return next((r.event for r in self.rows if r.event_id == event_id), None)

    def replace(self, event_id: int, event: Event) -> bool:
        for row in self.rows:
            if row.event_id == event_id:
                row.event = event
                return True
        return False

    def on_day(self, day: date) -> list[EventRow]:
        """Events (and repetitions) starting on `day`, in start-time order (the app's day view)."""
        return sorted(
            (r for r in self.rows if r.event.occurs_on(day)), key=lambda r: (r.event.start.time(), r.event_id)
        )

    def chronological(self, after: datetime | None = None) -> list[EventRow]:
        """Events in start order, optionally only those starting at or after `after` (the list view)."""
        rows = [r for r in self.rows if after is None or r.event.start >= after]
        return sorted(rows, key=lambda r: (r.event.start, r.event_id))

    def snapshot(self) -> dict[int, Event]:
        return {r.event_id: r.event for r in self.rows}


def random_event(rng: random.Random, day: date, title: str | None = None, hour: int | None = None) -> Event:
    """An event on `day` with a stock title, start on a quarter hour and a stock duration."""
    start_hour = rng.randint(7, 21) if hour is None else hour
    start = datetime(
        day.year, day.month, day.day, start_hour, rng.choice((0, 15, 30, 45)) if hour is None else 0
    )
    return Event(
        title=title or rng.choice(EVENT_TITLES),
        start=start,
        end=start + timedelta(minutes=rng.choice(DURATIONS_MIN)),
        description=rng.choice(DESCRIPTIONS),
        location=rng.choice(LOCATIONS),
    )


def october_day(rng: random.Random, first: int = 15, last: int = 31) -> date:
    """A random day of October 2023 between `first` and `last` inclusive."""
    return date(2023, 10, rng.randint(first, last))


def spoken_date(day: date) -> str:
    """AndroidWorld's IR date phrase: ``October 24 2023``."""
    return f"{day.strftime('%B')} {day.day} {day.year}"
