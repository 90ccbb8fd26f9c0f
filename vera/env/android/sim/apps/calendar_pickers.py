"""Material date and time picker dialogs (``DatePickerDialog`` / ``TimePickerDialog``), reusable by apps.

Both are built as `AlertDialog`s whose content is rebuilt from a small picker state object: a screen
creates the picker (``TimePicker(self, 9, 30, on_done).open()``), the picker re-shows its dialog on
the screen after every change inside it (day tapped, month flipped, hour chosen or typed, keeping
the focused field), and OK calls ``on_done`` with the result.

* Date picker: "Select date" header with the chosen date, "Previous month"/"Next month" arrows around
  the month name, a Sunday-first grid of day cells (``text`` the day number, ``content-desc`` like
  ``"24 October 2023"``), Cancel / OK.
* Time picker (24-hour): "Select time" header with hour and minute fields, a clock face whose numbers
  are placed on rings (outer 12, 1-11; inner 00, 13-23); picking an hour flips the face to minutes
  (00, 05, ... 55). The keyboard button switches to text input mode (typed Hour / Minute fields), as
  Android's picker does. Cancel / OK.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time

from vera.env.android.sim import layout as L
from vera.env.android.sim.app import AlertDialog, Screen
from vera.env.android.sim.apps.calendar_icons import IconButton
from vera.env.android.sim.toolkit.views import (
    Column,
    EditText,
    FrameLayout,
    ImageButton,
    Row,
    Spacer,
    TextView,
    View,
)

_HEADER_BG = (232, 222, 248)
_FACE_BG = (236, 230, 240)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class DatePicker:
    """State of an open date picker: the chosen day and the month on show."""

    screen: Screen
    selected: date
    on_done: Callable[[date], None]
    shown_month: date | None = None

    def __post_init__(self) -> None:
        self.shown_month = self.shown_month or _month_start(self.selected)

    def open(self) -> None:
        """Show (or re-show) the dialog on the screen, keeping the focused text field."""
        focus = self.screen.focus
        self.screen.show_dialog(self.dialog())
        self.screen.focus = focus

    def pick(self, day: date) -> None:
        self.selected = day
        self.open()

    def flip(self, months: int) -> None:
        assert self.shown_month is not None
        self.shown_month = _add_months(self.shown_month, months)
        self.open()

    def confirm(self) -> None:
        self.on_done(self.selected)

    def dialog(self) -> AlertDialog:
        month = self.shown_month or _month_start(self.selected)
        header = Column(
            TextView(str(self.selected.year), id="date_picker_header_year", size=L.SMALL_TEXT_SIZE),
            TextView(
                self.selected.strftime("%a, %b ") + str(self.selected.day),
                id="date_picker_header_date",
                size=L.TITLE_SIZE + 10,
                bold=True,
            ),
            id="date_picker_header",
            padding=24,
            background=_HEADER_BG,
        )
        nav = Row(
            ImageButton("‹", id="prev", desc="Previous month", on_click=lambda: self.flip(-1)),
            TextView(
                month.strftime("%B %Y"), id="month_view", align="center", bold=True, height=L.ICON_BUTTON_SIZE
            ),
            ImageButton("›", id="next", desc="Next month", on_click=lambda: self.flip(+1)),
            height=L.ICON_BUTTON_SIZE,
        )
        weekdays = Row(
            *[
                TextView(d, align="center", size=L.SMALL_TEXT_SIZE, height=80)
                for d in ("S", "M", "T", "W", "T", "F", "S")
            ],
            height=80,
        )
        weeks: list[View] = []
        cal = calendar.Calendar(firstweekday=6)
        for week in cal.monthdatescalendar(month.year, month.month):
            cells: list[View] = []
            for day in week:
                if day.month != month.month:
                    cells.append(Spacer(weight=1.0))
                    continue
                chosen = day == self.selected
                cells.append(
                    TextView(
                        str(day.day),
                        id="day",
                        desc=f"{day.day} {day.strftime('%B')} {day.year}",
                        align="center",
                        selected=chosen,
                        height=112,
                        weight=1.0,
                        on_click=lambda day=day: self.pick(day),
                    )
                )
            weeks.append(Row(*cells, height=112))
        body = Column(header, nav, weekdays, *weeks, id="date_picker")
        return AlertDialog("Select date", content=[body], buttons=(("Cancel", None), ("OK", self.confirm)))


class ClockFace(FrameLayout):
    """The round face of Android's time picker: number views placed on one or two rings."""

    class_name = "android.widget.RadialTimePickerView"
    __slots__ = ("rings",)

    def __init__(self, *children: View, rings: tuple[int, ...], **kw: object) -> None:
        super().__init__(children=children, **kw)  # type: ignore[arg-type]
        self.rings = rings

    def content_height(self, width: int) -> int:
        return min(width, 760)

    def layout_children(self, box: L.Box, clip: L.Box) -> None:
        x1, y1, x2, y2 = box
        size = min(x2 - x1, y2 - y1)
        cx, cy = (x1 + x2) // 2, (y1 + y2) // 2
        cell = 104
        radii = [size // 2 - cell // 2 - 8, size // 2 - cell // 2 - 8 - int(cell * 1.25)]
        index = 0
        for ring, count in enumerate(self.rings):
            for k in range(count):
                angle = 2 * math.pi * k / count
                px = cx + int(radii[ring] * math.sin(angle))
                py = cy - int(radii[ring] * math.cos(angle))
                child = self.children[index]
                child.layout((px - cell // 2, py - cell // 2, px + cell // 2, py + cell // 2), clip)
                index += 1


@dataclass
class TimePicker:
    """State of an open 24-hour time picker."""

    screen: Screen
    hour: int
    minute: int
    on_done: Callable[[time], None]
    choosing_minutes: bool = False
    text_mode: bool = False

    def open(self) -> None:
        """Show (or re-show) the dialog on the screen, keeping the focused text field."""
        focus = self.screen.focus
        self.screen.show_dialog(self.dialog())
        self.screen.focus = focus

    def set_hour(self, hour: int) -> None:
        self.hour = hour
        self.choosing_minutes = True
        self.open()

    def set_minute(self, minute: int) -> None:
        self.minute = minute
        self.open()

    def show_hours(self) -> None:
        self.choosing_minutes = False
        self.open()

    def show_minutes(self) -> None:
        self.choosing_minutes = True
        self.open()

    def toggle_mode(self) -> None:
        self.text_mode = not self.text_mode
        self.open()

    def type_hour(self, text: str) -> None:
        digits = "".join(ch for ch in text if ch.isdigit())[-2:]
        if digits and int(digits) < 24:
            self.hour = int(digits)
        self.open()

    def type_minute(self, text: str) -> None:
        digits = "".join(ch for ch in text if ch.isdigit())[-2:]
        if digits and int(digits) < 60:
            self.minute = int(digits)
        self.open()

    def confirm(self) -> None:
        self.on_done(time(self.hour, self.minute))

    def dialog(self) -> AlertDialog:
        if self.text_mode:
            display = Row(
                EditText(
                    id="input_hour",
                    value=f"{self.hour:02d}",
                    desc="Hour",
                    on_change=self.type_hour,
                    replace=True,
                    size=L.TITLE_SIZE + 10,
                    align="center",
                ),
                TextView(":", id="input_separator", align="center", size=L.TITLE_SIZE + 10, width=60),
                EditText(
                    id="input_minute",
                    value=f"{self.minute:02d}",
                    desc="Minute",
                    on_change=self.type_minute,
                    replace=True,
                    size=L.TITLE_SIZE + 10,
                    align="center",
                ),
                height=L.EDIT_HEIGHT + 20,
            )
            body: list[View] = [
                display,
                Row(
                    TextView("Hour", size=L.SMALL_TEXT_SIZE, align="center"),
                    Spacer(width=60),
                    TextView("Minute", size=L.SMALL_TEXT_SIZE, align="center"),
                ),
            ]
        else:
            display = Row(
                TextView(
                    f"{self.hour:02d}",
                    id="hours",
                    desc="Hour",
                    align="center",
                    size=L.TITLE_SIZE + 30,
                    selected=not self.choosing_minutes,
                    on_click=self.show_hours,
                    height=180,
                ),
                TextView(":", id="separator", align="center", size=L.TITLE_SIZE + 30, width=60, height=180),
                TextView(
                    f"{self.minute:02d}",
                    id="minutes",
                    desc="Minute",
                    align="center",
                    size=L.TITLE_SIZE + 30,
                    selected=self.choosing_minutes,
                    on_click=self.show_minutes,
                    height=180,
                ),
                height=180,
                background=_HEADER_BG,
            )
            body = [display, self._face()]
        toggle = IconButton(
            "keyboard" if not self.text_mode else "clock",
            id="toggle_mode",
            desc="Switch to text input mode for the time input"
            if not self.text_mode
            else "Switch to clock mode for the time input",
            on_click=self.toggle_mode,
        )
        return AlertDialog(
            "Select time" if not self.text_mode else "Enter time",
            content=[
                Column(*body, id="time_picker"),
                Row(toggle, Spacer(weight=1.0), height=L.ICON_BUTTON_SIZE),
            ],
            buttons=(("Cancel", None), ("OK", self.confirm)),
        )

    def _face(self) -> View:
        def number(text: str, value: int, chosen: bool, handler: Callable[[int], None]) -> View:
            return TextView(
                text,
                id="radial_number",
                align="center",
                selected=chosen,
                size=L.TEXT_SIZE,
                on_click=lambda: handler(value),
            )

        if self.choosing_minutes:
            minutes = [number(f"{m:02d}", m, m == self.minute, self.set_minute) for m in range(0, 60, 5)]
            return ClockFace(*minutes, rings=(12,), id="radial_picker", background=_FACE_BG)
        outer = [
            number(str(h if h else 12), h if h else 12, (h if h else 12) == self.hour, self.set_hour)
            for h in range(12)
        ]
        inner = [
            number(
                "00" if h == 0 else str(h + 12),
                0 if h == 0 else h + 12,
                (0 if h == 0 else h + 12) == self.hour,
                self.set_hour,
            )
            for h in range(12)
        ]
        return ClockFace(*outer, *inner, rings=(12, 12), id="radial_picker", background=_FACE_BG)
