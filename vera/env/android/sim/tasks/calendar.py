"""Simple Calendar Pro tasks (AndroidWorld's calendar.py and information-retrieval names and templates).

Params are JSON-friendly: events travel as dicts with ISO datetimes.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from vera.env.android.sim.apps.calendar_model import (
    DESCRIPTIONS,
    DEVICE_NOW,
    EVENT_TITLES,
    Event,
    random_event,
    spoken_date,
)
from vera.env.android.sim.apps.expense_model import fuzzy_equal

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
