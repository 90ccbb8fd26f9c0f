"""Clock (com.google.android.deskclock): alarms, world clock, timer keypad and stopwatch.

Time comes from the device's virtual clock (`device.clock_s`), so a running stopwatch or timer
advances exactly with `sleep()` and input events. The bottom tabs are "Alarm", "Clock", "Timer" and
"Stopwatch", as in Google's Clock app.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vera.env.android.sim import layout as L
from vera.env.android.sim.app import AlertDialog, App, Screen
from vera.env.android.sim.toolkit import (
    Button,
    CheckBox,
    Column,
    Divider,
    EditText,
    FrameLayout,
    ImageButton,
    NumberPicker,
    RadioButton,
    RecyclerView,
    Row,
    Spacer,
    Switch,
    TextView,
    Toolbar,
    View,
)

DAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
TABS = ("Alarm", "Clock", "Timer", "Stopwatch")


def format_time_12h(hour: int, minute: int) -> str:
    """24-hour (hour, minute) -> ``"7:05 AM"``."""
    suffix = "AM" if hour < 12 else "PM"
    return f"{(hour % 12) or 12}:{minute:02d} {suffix}"


@dataclass
class Alarm:
    hour: int
    minute: int
    label: str = ""
    enabled: bool = True
    days: set[str] = field(default_factory=set)

    @property
    def time_text(self) -> str:
        return format_time_12h(self.hour, self.minute)


@dataclass
class Timer:
    duration_s: int
    remaining_s: float
    running: bool = False
    started_at: float = 0.0

    def left(self, now: float) -> float:
        if not self.running:
            return self.remaining_s
        return max(0.0, self.remaining_s - (now - self.started_at))


@dataclass
class Stopwatch:
    running: bool = False
    accumulated_s: float = 0.0
    started_at: float = 0.0
    laps: list[float] = field(default_factory=list)

    def elapsed(self, now: float) -> float:
        return self.accumulated_s + (now - self.started_at if self.running else 0.0)

    def start(self, now: float) -> None:
        if not self.running:
            self.running, self.started_at = True, now

    def pause(self, now: float) -> None:
        if self.running:
            self.accumulated_s = self.elapsed(now)
            self.running = False

    def reset(self) -> None:
        self.running, self.accumulated_s, self.laps = False, 0.0, []


@dataclass
class ClockState:
    alarms: list[Alarm] = field(default_factory=list)
    timer_entry: str = ""  # keypad digits, at most 6, filled from the right (HHMMSS)
    timers: list[Timer] = field(default_factory=list)
    stopwatch: Stopwatch = field(default_factory=Stopwatch)
    cities: list[str] = field(default_factory=list)

    def entry_hms(self) -> tuple[int, int, int]:
        digits = self.timer_entry.rjust(6, "0")
        return int(digits[0:2]), int(digits[2:4]), int(digits[4:6])


def format_stopwatch(seconds: float) -> str:
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(int(minutes), 60)
    hundredths = int(round((secs - int(secs)) * 100)) % 100
    if hours:
        return f"{hours}:{minutes:02d}:{int(secs):02d}.{hundredths:02d}"
    return f"{minutes:02d}:{int(secs):02d}.{hundredths:02d}"


def format_duration(seconds: float) -> str:
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class ClockApp(App):
    name = "clock"
    label = "Clock"
    package = "com.google.android.deskclock"
    pattern = "clock"
    glyph = "◷"
    color = (26, 115, 232)

    def create_state(self) -> ClockState:
        return ClockState()

    def main_screen(self) -> Screen:
        return ClockHome(self)


class ClockHome(Screen):
    """The four tabs; the selected one is screen state (it survives rebuilds, not a relaunch)."""

    live = True  # the stopwatch and timers show the running clock

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.tab = "Alarm"
        self.pick_hour, self.pick_minute, self.pick_pm = 12, 0, False
        self.adding_timer = False

    @property
    def state(self) -> ClockState:
        return self.app.state

    @property
    def now(self) -> float:
        return self.device.clock_s

    def build(self) -> View:
        body = {"Alarm": self.alarm_tab, "Clock": self.clock_tab, "Timer": self.timer_tab,
                "Stopwatch": self.stopwatch_tab}[self.tab]()
        tabs = Row(*[Button(t, id=f"tab_{t.lower()}", style="text", selected=t == self.tab,
                            on_click=self._tab(t), desc=t) for t in TABS], height=170, id="tabs")
        return Column(Toolbar(self.tab, actions=[ImageButton("⋮", desc="More options", on_click=self.menu)]),
                      body, Divider(), tabs)

    def _tab(self, tab: str):  # noqa: ANN202 - a click handler
        def select_tab() -> None:
            self.tab = tab
        select_tab.__qualname__ = f"ClockHome.tab:{tab}"
        return select_tab

    def menu(self) -> None:
        self.show_dialog(AlertDialog("Clock", "Settings are not available in this simulator."))

    # --- alarms ------------------------------------------------------------------------------------------
    def alarm_tab(self) -> View:
        rows: list[View] = []
        for index, alarm in enumerate(self.state.alarms):
            days = ", ".join(d for d in DAYS if d in alarm.days) or ("Tomorrow" if alarm.enabled else "Not scheduled")
            text = Column(
                TextView(alarm.time_text, id="digital_clock", size=80, height=130),
                TextView(alarm.label or days, id="label" if alarm.label else "upcoming_instance_label",
                         size=L.SMALL_TEXT_SIZE, color=(96, 96, 104)),
            )
            rows.append(Row(text, Switch("", id="onoff", checked=alarm.enabled, width=260,
                                         on_change=self._toggle(index), desc=f"{alarm.time_text} alarm"),
                            id="alarm_item", padding=30, height=260, on_click=self._edit(index)))
        empty = TextView("No alarms", id="alarms_empty_view", align="center", height=300) if not rows else None
        listing = Column(empty, RecyclerView(*rows, id="alarm_recycler_view"), weight=1.0)
        fab = ImageButton("+", desc="Add alarm", id="fab", on_click=self.add_alarm, width=190, height=190,
                          gravity="bottom|end")
        return FrameLayout(children=[listing, fab], weight=1.0)

    def _toggle(self, index: int):  # noqa: ANN202 - a change handler
        def toggle_alarm(on: bool) -> None:
            self.branch("on" if on else "off")
            self.state.alarms[index].enabled = on
        return toggle_alarm

    def _edit(self, index: int):  # noqa: ANN202 - a click handler
        def edit_alarm() -> None:
            self.push(AlarmDetail(self.app, index))
        return edit_alarm

    def add_alarm(self) -> None:
        self.pick_hour, self.pick_minute, self.pick_pm = 8, 0, False
        self.show_dialog(AlertDialog("Set alarm", content=self._picker,
                                     buttons=[("Cancel", None), ("OK", self.save_alarm)]))

    def _picker(self) -> list[View]:
        return [
            Row(NumberPicker(id="hour", label="hour", value=self.pick_hour, minimum=1, maximum=12,
                             on_change=self._set("pick_hour"), fmt="{:d}"),
                TextView(":", size=80, align="center", width=60),
                NumberPicker(id="minute", label="minute", value=self.pick_minute, minimum=0, maximum=59,
                             on_change=self._set("pick_minute")),
                height=400),
            Row(RadioButton("AM", id="am_label", checked=not self.pick_pm, on_change=self._ampm(False)),
                RadioButton("PM", id="pm_label", checked=self.pick_pm, on_change=self._ampm(True))),
        ]

    def _set(self, attribute: str):  # noqa: ANN202 - a change handler
        def set_value(value: int) -> None:
            setattr(self, attribute, value)
        set_value.__qualname__ = f"ClockHome.set:{attribute}"
        return set_value

    def _ampm(self, pm: bool):  # noqa: ANN202 - a change handler
        def set_ampm(_checked: bool) -> None:
            self.pick_pm = pm
        set_ampm.__qualname__ = "ClockHome.set_ampm"
        return set_ampm

    def save_alarm(self) -> None:
        hour = self.pick_hour % 12 + (12 if self.pick_pm else 0)
        self.state.alarms.append(Alarm(hour, self.pick_minute))
        self.state.alarms.sort(key=lambda a: (a.hour, a.minute))
        self.toast(f"Alarm set for {format_time_12h(hour, self.pick_minute)}")

    # --- world clock ---------------------------------------------------------------------------------------
    def clock_tab(self) -> View:
        now = self.device.now
        cities = [TextView(c, id="city_name", padding=42) for c in self.state.cities]
        return Column(
            TextView(now.strftime("%-I:%M"), id="digital_clock", size=180, align="center", height=300),
            TextView(now.strftime("%a, %b %-d"), id="date", align="center"),
            RecyclerView(*cities, id="cities"),
            Button("Add city", style="outlined", on_click=self.add_city, id="add_city"),
            weight=1.0,
        )

    def add_city(self) -> None:
        self.toast("City search needs a network connection")

    # --- timer ---------------------------------------------------------------------------------------------
    def timer_tab(self) -> View:
        if self.state.timers and not self.adding_timer:
            return self.timer_list(self.state.timers)
        hours, minutes, seconds = self.state.entry_hms()
        display = TextView(f"{hours:02d}h {minutes:02d}m {seconds:02d}s", id="timer_setup_time", size=110,
                           align="center", height=260, color=(26, 115, 232) if self.state.timer_entry else None)
        keys = [[str(d) for d in row] for row in ((1, 2, 3), (4, 5, 6), (7, 8, 9))]
        pad = [Row(*[Button(k, id=f"timer_setup_digit_{k}", style="text", size=70, on_click=self._digit(k),
                             height=190) for k in row]) for row in keys]
        pad.append(Row(Button("00", id="timer_setup_digit_00", style="text", size=70, height=190,
                              on_click=self._digit("00")),
                       Button("0", id="timer_setup_digit_0", style="text", size=70, height=190,
                              on_click=self._digit("0")),
                       ImageButton("✕", desc="Delete", id="timer_setup_delete", on_click=self.delete_digit,
                                   width=None, height=190)))
        start = ImageButton("▶", desc="Start", id="fab", on_click=self.start_timer, width=190, height=190,
                            enabled=bool(self.state.timer_entry), gravity="center")
        return Column(display, *pad, Spacer(weight=1.0), Row(Spacer(), start, Spacer(), height=210), weight=1.0)

    def _digit(self, digits: str):  # noqa: ANN202 - a click handler
        def press_digit() -> None:
            entry = (self.state.timer_entry + digits).lstrip("0")
            if len(entry) > 6:
                self.branch("full")
                return
            self.state.timer_entry = entry
        press_digit.__qualname__ = "ClockHome.press_digit"
        return press_digit

    def delete_digit(self) -> None:
        self.state.timer_entry = self.state.timer_entry[:-1]

    def start_timer(self) -> None:
        h, m, s = self.state.entry_hms()
        total = h * 3600 + m * 60 + s
        if total == 0:
            self.branch("zero")
            return
        self.state.timers.append(Timer(total, float(total), running=True, started_at=self.now))
        self.state.timer_entry = ""
        self.adding_timer = False

    def timer_list(self, timers: list[Timer]) -> View:
        rows: list[View] = []
        for index, timer in enumerate(timers):
            left = timer.left(self.now)
            rows.append(Column(
                TextView(format_duration(timer.duration_s) + " timer", id="timer_label", padding=30,
                         color=(96, 96, 104)),
                TextView(format_duration(left) if left > 0 else "Time's up", id="timer_time_text", size=110,
                         align="center", height=200),
                Row(Button("Delete", id="delete", style="outlined", on_click=self._delete_timer(index)),
                    Button("Pause" if timer.running else "Resume", id="play_pause",
                           on_click=self._pause_timer(index))),
                padding=20,
            ))
        add = Button("Add timer", id="add_timer", style="text", on_click=self.new_timer)
        return Column(RecyclerView(*rows, id="timer_view_pager"), add, weight=1.0)

    def _delete_timer(self, index: int):  # noqa: ANN202 - a click handler
        def delete_timer() -> None:
            del self.state.timers[index]
        return delete_timer

    def _pause_timer(self, index: int):  # noqa: ANN202 - a click handler
        def pause_or_resume_timer() -> None:
            timer = self.state.timers[index]
            if timer.running:
                self.branch("pause")
                timer.remaining_s, timer.running = timer.left(self.now), False
            else:
                timer.running, timer.started_at = True, self.now
        return pause_or_resume_timer

    def new_timer(self) -> None:
        self.adding_timer = True

    def on_back(self) -> bool:
        if self.tab == "Timer" and self.adding_timer and self.state.timers:
            self.adding_timer = False
            return True
        return False

    # --- stopwatch -------------------------------------------------------------------------------------
    def stopwatch_tab(self) -> View:
        watch = self.state.stopwatch
        elapsed = watch.elapsed(self.now)
        laps = [TextView(f"# {i + 1}    {format_stopwatch(t)}", id="lap_time", padding=30)
                for i, t in enumerate(watch.laps)]
        controls: list[View] = [Spacer()]
        if watch.running:
            controls += [ImageButton("✓", desc="Lap", id="left_button", on_click=self.lap, height=170),
                         ImageButton("❚❚", desc="Pause", id="fab", on_click=self.pause, width=190, height=190)]
        else:
            if elapsed > 0:
                controls.append(ImageButton("■", desc="Reset", id="left_button", on_click=self.reset, height=170))
            controls.append(ImageButton("▶", desc="Start", id="fab", on_click=self.start, width=190, height=190))
        controls.append(Spacer())
        return Column(
            TextView(format_stopwatch(elapsed), id="stopwatch_time_text", size=130, align="center", height=320),
            RecyclerView(*laps, id="laps_list"),
            Row(*controls, height=230, spacing=60),
            weight=1.0,
        )

    def start(self) -> None:
        self.branch("resume" if self.state.stopwatch.accumulated_s else "fresh")
        self.state.stopwatch.start(self.now)

    def pause(self) -> None:
        self.state.stopwatch.pause(self.now)

    def reset(self) -> None:
        self.state.stopwatch.reset()

    def lap(self) -> None:
        self.state.stopwatch.laps.append(self.state.stopwatch.elapsed(self.now))


class AlarmDetail(Screen):
    """Edit one alarm: label, repeat days, delete."""

    def __init__(self, app: App, index: int) -> None:
        super().__init__(app)
        self.index = index
        alarm = self.alarm
        self.form["edit_label"] = alarm.label if alarm is not None else ""

    @property
    def alarm(self) -> Alarm | None:
        alarms = self.app.state.alarms
        return alarms[self.index] if 0 <= self.index < len(alarms) else None

    def build(self) -> View:
        alarm = self.alarm
        if alarm is None:
            return Column(Toolbar("Alarm", on_back=self.finish), TextView("This alarm was deleted", padding=42))
        days = [CheckBox(d, id=f"day_{d.lower()}", checked=d in alarm.days, on_change=self._day(d), height=130)
                for d in DAYS]
        return Column(
            Toolbar(alarm.time_text, on_back=self.finish),
            ScrollColumn(
                EditText(id="edit_label", hint="Add label", on_submit=self.save_label),
                TextView("Repeat", bold=True, padding=30),
                *days,
                Button("Delete", id="delete", style="outlined", on_click=self.delete),
            ),
        )

    def _day(self, day: str):  # noqa: ANN202 - a change handler
        def set_day(on: bool) -> None:
            alarm = self.alarm
            if alarm is not None:
                (alarm.days.add if on else alarm.days.discard)(day)
        set_day.__qualname__ = "AlarmDetail.set_day"
        return set_day

    def save_label(self) -> None:
        alarm = self.alarm
        if alarm is not None:
            alarm.label = self.form.get("edit_label", "").strip()

    def on_back(self) -> bool:
        self.save_label()
        return False

    def delete(self) -> None:
        alarm = self.alarm
        if alarm is not None:
            self.branch("delete")
            del self.app.state.alarms[self.index]
            self.toast("Alarm deleted")
        self.finish()


def ScrollColumn(*children: View) -> View:
    return RecyclerView(*children, id="alarm_detail")
