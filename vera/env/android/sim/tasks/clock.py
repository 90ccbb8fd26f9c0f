"""Clock tasks: AndroidWorld's ClockTimerEntry, ClockStopWatchRunning, ClockStopWatchPausedVerify and
OpenAppTaskEval, plus vera's alarm, timer and stopwatch tasks (names not in AndroidWorld)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any, ClassVar

from vera.env.android.sim.apps.clock import Alarm, ClockState, format_time_12h
from vera.env.android.sim.device import SimDroid
from vera.env.android.sim.oracle import UI
from vera.env.android.sim.task import Task
from vera.env.android.types import JSONAction

LABELS = ("Gym", "Medicine", "Wake up", "Meeting", "Call mom", "Pick up kids", "Yoga", "Standup")


def clock_state(device: SimDroid) -> ClockState:
    return device.app("clock").state


def open_tab(ui: UI, tab: str) -> Iterator[JSONAction]:
    yield ui.open_app("Clock")
    if not ui.has(text=tab, id="toolbar_title"):
        yield ui.click(text=tab, id=f"tab_{tab.lower()}")


def random_time(rng: random.Random) -> tuple[int, int]:
    return rng.randrange(24), rng.randrange(0, 60, 5)


def background_alarms(rng: random.Random, avoid: set[tuple[int, int]], count: int) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    while len(found) < count:
        candidate = random_time(rng)
        if candidate not in avoid and candidate not in found:
            found.append(candidate)
    return found


class ClockTimerEntry(Task):
    template = ("Create a timer with {hours} hours, {minutes} minutes, and {seconds} seconds. "
                "Do not start the timer.")
    complexity = 1.0
    app_names = ("clock",)
    family = "clock_timer_entry"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {"hours": rng.randint(0, 1), "minutes": rng.randint(0, 59), "seconds": rng.randint(1, 59)}

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        state = clock_state(device)
        wanted = (self.params["hours"], self.params["minutes"], self.params["seconds"])
        return 1.0 if state.entry_hms() == wanted and not state.timers else 0.0

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from open_tab(ui, "Timer")
        digits = f"{self.params['hours']:02d}{self.params['minutes']:02d}{self.params['seconds']:02d}".lstrip("0")
        for digit in digits:
            yield ui.click(id=f"timer_setup_digit_{digit}")


class ClockTimerStart(Task):
    template = "Start a timer for {minutes} minutes."
    complexity = 1.2
    app_names = ("clock",)
    family = "clock_timer_start"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {"minutes": rng.randint(1, 45)}

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        timers = clock_state(device).timers
        ok = any(t.duration_s == 60 * self.params["minutes"] and t.running for t in timers)
        return 1.0 if ok else 0.0

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from open_tab(ui, "Timer")
        for digit in f"{self.params['minutes']}00":
            yield ui.click(id=f"timer_setup_digit_{digit}")
        yield ui.click(desc="Start")


class _Stopwatch(Task):
    abstract = True
    complexity = 1.0
    app_names = ("clock",)


class ClockStopWatchRunning(_Stopwatch):
    template = "Run the stopwatch."
    family = "clock_stopwatch_run"

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return 1.0 if clock_state(device).stopwatch.running else 0.0

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from open_tab(ui, "Stopwatch")
        if ui.has(desc="Start"):
            yield ui.click(desc="Start")


class ClockStopWatchPausedVerify(_Stopwatch):
    template = "Pause the stopwatch."
    family = "clock_stopwatch_pause"
    tags = ("verification",)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {"elapsed": rng.randint(5, 600)}

    def initialize(self, device: SimDroid) -> None:
        watch = clock_state(device).stopwatch
        watch.accumulated_s, watch.running = float(self.params["elapsed"]), False

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        watch = clock_state(device).stopwatch
        return 1.0 if not watch.running and watch.accumulated_s > 0 else 0.0

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from open_tab(ui, "Stopwatch")
        if ui.has(desc="Pause"):
            yield ui.click(desc="Pause")


class ClockStopWatchReset(_Stopwatch):
    template = "Reset the stopwatch."
    family = "clock_stopwatch_reset"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {"elapsed": rng.randint(5, 600), "running": rng.random() < 0.5}

    def initialize(self, device: SimDroid) -> None:
        watch = clock_state(device).stopwatch
        watch.accumulated_s = float(self.params["elapsed"])
        watch.running, watch.started_at = self.params["running"], device.clock_s

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        watch = clock_state(device).stopwatch
        return 1.0 if not watch.running and watch.elapsed(device.clock_s) == 0 else 0.0

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from open_tab(ui, "Stopwatch")
        if ui.has(desc="Pause"):
            yield ui.click(desc="Pause")
        yield ui.click(desc="Reset")


class ClockStopWatchLapCount(_Stopwatch):
    template = "How many laps are recorded on the stopwatch? Answer with a number only."
    family = "clock_stopwatch_laps"
    tags = ("information_retrieval",)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {"laps": rng.randint(1, 5)}

    def initialize(self, device: SimDroid) -> None:
        watch = clock_state(device).stopwatch
        watch.laps = [12.5 * (i + 1) for i in range(self.params["laps"])]
        watch.accumulated_s = 12.5 * self.params["laps"] + 3

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        try:
            return 1.0 if int(answer.strip().rstrip(".")) == self.params["laps"] else 0.0
        except ValueError:
            return 0.0

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from open_tab(ui, "Stopwatch")
        yield ui.answer(str(len(ui.matches(id="lap_time"))))


class _AlarmTask(Task):
    abstract = True
    app_names = ("clock",)

    @property
    def time_text(self) -> str:
        return format_time_12h(self.params["hour"], self.params["minute"])

    @classmethod
    def alarm_params(cls, rng: random.Random) -> dict[str, Any]:
        hour, minute = random_time(rng)
        others = background_alarms(rng, {(hour, minute)}, 3)
        return {"hour": hour, "minute": minute, "time": format_time_12h(hour, minute), "others": others}

    def seed_alarms(self, device: SimDroid, include_target: bool) -> None:
        pairs = [tuple(p) for p in self.params["others"]]
        if include_target:
            pairs.append((self.params["hour"], self.params["minute"]))
        clock_state(device).alarms = sorted((Alarm(h, m) for h, m in pairs), key=lambda a: (a.hour, a.minute))

    def find_target(self, device: SimDroid) -> list[Alarm]:
        return [a for a in clock_state(device).alarms
                if (a.hour, a.minute) == (self.params["hour"], self.params["minute"])]

    def set_alarm(self, ui: UI) -> Iterator[JSONAction]:
        yield from open_tab(ui, "Alarm")
        yield ui.click(desc="Add alarm")
        hour = self.params["hour"]
        yield ui.type(str(hour % 12 or 12), id="hour_input")
        yield ui.type(f"{self.params['minute']:02d}", id="minute_input")
        yield ui.click(text="PM" if hour >= 12 else "AM")
        yield ui.click(text="OK")


class ClockAlarmCreate(_AlarmTask):
    template = "Set an alarm for {time}."
    complexity = 1.6
    family = "clock_alarm_create"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return cls.alarm_params(rng)

    def initialize(self, device: SimDroid) -> None:
        self.seed_alarms(device, include_target=False)

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        found = self.find_target(device)
        return 1.0 if len(found) == 1 and found[0].enabled and len(clock_state(device).alarms) == 4 else 0.0

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from self.set_alarm(ui)


class ClockAlarmCreateWithLabel(_AlarmTask):
    template = 'Create an alarm at {time} with the label "{label}".'
    complexity = 2.4
    difficulty = "medium"
    family = "clock_alarm_label"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {**cls.alarm_params(rng), "label": rng.choice(LABELS)}

    def initialize(self, device: SimDroid) -> None:
        self.seed_alarms(device, include_target=False)

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        found = self.find_target(device)
        return 1.0 if len(found) == 1 and found[0].label == self.params["label"] else 0.0

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from self.set_alarm(ui)
        yield ui.click(text=self.time_text, id="digital_clock")
        yield ui.type(self.params["label"], id="edit_label")
        yield ui.back()


class ClockAlarmDelete(_AlarmTask):
    template = "Delete the alarm set for {time}."
    complexity = 1.2
    family = "clock_alarm_delete"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return cls.alarm_params(rng)

    def initialize(self, device: SimDroid) -> None:
        self.seed_alarms(device, include_target=True)

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return 1.0 if not self.find_target(device) and len(clock_state(device).alarms) == 3 else 0.0

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from open_tab(ui, "Alarm")
        yield ui.click(text=self.time_text, id="digital_clock")
        yield from ui.scroll_to(text="Delete")
        yield ui.click(text="Delete")


class ClockAlarmTurnOff(_AlarmTask):
    template = "Turn off the {time} alarm."
    complexity = 1.0
    family = "clock_alarm_toggle"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return cls.alarm_params(rng)

    def initialize(self, device: SimDroid) -> None:
        self.seed_alarms(device, include_target=True)

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        found = self.find_target(device)
        others_on = all(a.enabled for a in clock_state(device).alarms if a not in found)
        return 1.0 if found and not found[0].enabled and others_on else 0.0

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from open_tab(ui, "Alarm")
        yield ui.click(desc=f"{self.time_text} alarm")


class ClockAlarmRepeat(_AlarmTask):
    template = "Make the {time} alarm repeat every {day}."
    complexity = 1.6
    family = "clock_alarm_repeat"
    DAY_NAMES: ClassVar[dict[str, str]] = {"Sun": "Sunday", "Mon": "Monday", "Tue": "Tuesday",
                                           "Wed": "Wednesday", "Thu": "Thursday", "Fri": "Friday",
                                           "Sat": "Saturday"}

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        short = rng.choice(list(cls.DAY_NAMES))
        return {**cls.alarm_params(rng), "day_short": short, "day": cls.DAY_NAMES[short]}

    def initialize(self, device: SimDroid) -> None:
        self.seed_alarms(device, include_target=True)

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        found = self.find_target(device)
        return 1.0 if found and found[0].days == {self.params["day_short"]} else 0.0

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from open_tab(ui, "Alarm")
        yield ui.click(text=self.time_text, id="digital_clock")
        yield from ui.scroll_to(text=self.params["day_short"], cls="CheckBox")
        yield ui.click(text=self.params["day_short"], cls="CheckBox")


class OpenAppTaskEval(Task):
    template = ("Open the {app_name} app. Clear any pop-ups that may appear by granting all permissions "
                "that are required.")
    complexity = 1.0
    app_names = ("clock", "settings")
    family = "open_app"
    APPS: ClassVar[tuple[str, ...]] = ("clock", "contacts", "settings")  # AndroidWorld's, less camera/dialer

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {"app_name": rng.choice(cls.APPS)}

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        target = device.find_app(self.params["app_name"])
        return 1.0 if target is not None and device.foreground() == target.package else 0.0

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app(self.params["app_name"])
