"""Simple Calendar Pro (com.simplemobiletools.calendar.pro): month grid, day view, event editor, search.

The flow follows the real app: the month view (arrows to change month, a cell per day listing its
events) opens a day's event list on tap; the "+" button opens the event editor (title, location,
description, start and end date/time rows that open the Material date and time pickers, a Save
check in the toolbar); tapping an event opens it in the editor with a Delete action (confirmation
dialog); long-pressing events in the day view selects them for a bulk Delete; the toolbar's search
finds events by title.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from vera.env.android.sim import layout as L
from vera.env.android.sim.app import AlertDialog, App, Screen
from vera.env.android.sim.apps.calendar_icons import IconButton
from vera.env.android.sim.apps.calendar_model import REPEAT_RULES, CalendarStore, Event
from vera.env.android.sim.apps.calendar_pickers import DatePicker, TimePicker
from vera.env.android.sim.apps.multi_select import MultiSelection
from vera.env.android.sim.toolkit.views import (
    Column,
    EditText,
    FrameLayout,
    ImageButton,
    RadioButton,
    RecyclerView,
    Row,
    ScrollView,
    Spacer,
    TextView,
    Toolbar,
    View,
)

_ACCENT = (255, 111, 0)
_MUTED = (96, 96, 104)
_TODAY_BG = (255, 224, 178)
_EVENT_BG = (255, 183, 77)


REPEAT_LABELS = {
    "": "No repetition",
    "daily": "Daily",
    "weekly": "Weekly",
    "monthly": "Monthly",
    "yearly": "Yearly",
}


def time_range(event: Event) -> str:
    return f"{event.start:%H:%M} - {event.end:%H:%M}"


def long_date(day: date) -> str:
    """``Tuesday, October 24, 2023``: the day view's header."""
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


class CalendarApp(App):
    """The app: its state is a `CalendarStore`."""

    name = "simple calendar pro"
    label = "Simple Calendar Pro"
    package = "com.simplemobiletools.calendar.pro"
    pattern = r"simple calendar pro|simple calendar|calendar"
    glyph = "31"
    color = _ACCENT

    def create_state(self) -> CalendarStore:
        return CalendarStore()

    @property
    def store(self) -> CalendarStore:
        return self.state

    def main_screen(self) -> Screen:
        return MonthScreen(self)


class MonthScreen(Screen):
    """The month grid (Sunday first); each cell shows the day number and up to two event titles."""

    app: CalendarApp

    def __init__(self, app: CalendarApp) -> None:
        super().__init__(app)
        today = app.device.now.date() if app.device is not None else date(2023, 10, 15)
        self.month = today.replace(day=1)

    def flip(self, months: int) -> None:
        index = self.month.year * 12 + self.month.month - 1 + months
        self.month = date(index // 12, index % 12 + 1, 1)

    def go_today(self) -> None:
        self.month = self.device.now.date().replace(day=1)

    def open_day(self, day: date) -> None:
        self.push(DayScreen(self.app, day))

    def new_event(self) -> None:
        self.push(EventEditScreen(self.app, None, self.device.now.date()))

    def open_search(self) -> None:
        self.push(SearchScreen(self.app))

    def build(self) -> View:
        today = self.device.now.date()
        toolbar = Toolbar(
            f"{self.month:%B}",
            actions=[
                IconButton("calendar", id="go_to_today", desc="Go to today", on_click=self.go_today),
                ImageButton("⌕", id="search", desc="Search", on_click=self.open_search),
            ],
        )
        nav = Row(
            ImageButton("‹", id="top_left_arrow", desc="Previous month", on_click=lambda: self.flip(-1)),
            TextView(
                f"{self.month:%B %Y}", id="top_value", align="center", bold=True, height=L.ICON_BUTTON_SIZE
            ),
            ImageButton("›", id="top_right_arrow", desc="Next month", on_click=lambda: self.flip(+1)),
            height=L.ICON_BUTTON_SIZE,
        )
        weekdays = Row(
            *[
                TextView(d, align="center", size=L.SMALL_TEXT_SIZE, color=_MUTED, height=70)
                for d in ("S", "M", "T", "W", "T", "F", "S")
            ],
            height=70,
        )
        weeks: list[View] = []
        cal = calendar.Calendar(firstweekday=6)
        for week in cal.monthdatescalendar(self.month.year, self.month.month):
            weeks.append(Row(*[self._cell(day, today) for day in week], weight=1.0))
        grid = Column(*weeks, id="month_view_wrapper", weight=1.0)
        fab = ImageButton(
            "+",
            id="calendar_fab",
            desc="New Event",
            on_click=self.new_event,
            width=170,
            height=170,
            gravity="bottom|end",
        )
        return FrameLayout(children=[Column(toolbar, nav, weekdays, grid), fab])

    def _cell(self, day: date, today: date) -> View:
        in_month = day.month == self.month.month
        events = self.app.store.on_day(day)
        labels: list[View] = [
            TextView(
                str(day.day),
                id="day_monthly_number",
                size=L.SMALL_TEXT_SIZE,
                bold=day == today,
                color=None if in_month else (170, 170, 176),
                align="center",
                max_lines=1,
            )
        ]
        for row in events[:2]:
            labels.append(
                TextView(
                    row.event.title,
                    id="day_monthly_event_id",
                    size=26,
                    max_lines=1,
                    background=_EVENT_BG,
                    padding=2,
                )
            )
        if len(events) > 2:
            labels.append(TextView(f"+{len(events) - 2}", size=26, max_lines=1, color=_MUTED))
        return Column(
            *labels,
            id="day_monthly_holder",
            weight=1.0,
            padding=4,
            desc=f"{day:%B} {day.day}, {day.year}",
            background=_TODAY_BG if day == today else None,
            on_click=lambda: self.open_day(day),
        )


class DayScreen(MultiSelection, Screen):
    """One day's events in start order; long press selects events for a bulk delete."""

    app: CalendarApp

    def __init__(self, app: CalendarApp, day: date) -> None:
        super().__init__(app)
        self.day = day
        self.selected: list[int] = []

    def shift(self, days: int) -> None:
        self.day = self.day + timedelta(days=days)
        self.selected = []

    def open_event(self, event_id: int) -> None:
        if self.tap_selects(event_id):
            return
        self.push(EventEditScreen(self.app, event_id, self.day))

    def ask_delete(self) -> None:
        count = len(self.selected)
        message = (
            "Are you sure you want to delete this event?"
            if count == 1
            else f"Are you sure you want to delete {count} events?"
        )
        self.confirm_delete_selected("Delete", message, cancel="No", confirm="Yes")

    def delete_item(self, event_id: int) -> None:
        self.app.store.delete(event_id)

    def on_selection_deleted(self) -> None:
        self.toast("Event deleted")

    def new_event(self) -> None:
        self.push(EventEditScreen(self.app, None, self.day))

    def on_back(self) -> bool:
        return self.drop_selection()

    def build(self) -> View:
        if self.selected:
            toolbar = Toolbar(
                f"{len(self.selected)} selected",
                on_back=self.clear_selection,
                actions=[IconButton("trash", id="cab_delete", desc="Delete", on_click=self.ask_delete)],
            )
        else:
            toolbar = Toolbar(f"{self.day:%B} {self.day.day}", on_back=self.finish)
        header = Row(
            ImageButton("‹", id="top_left_arrow", desc="Previous day", on_click=lambda: self.shift(-1)),
            TextView(
                long_date(self.day), id="top_value", align="center", bold=True, height=L.ICON_BUTTON_SIZE
            ),
            ImageButton("›", id="top_right_arrow", desc="Next day", on_click=lambda: self.shift(+1)),
            height=L.ICON_BUTTON_SIZE,
        )
        rows: list[View] = []
        for row in self.app.store.on_day(self.day):
            event_id, event = row.event_id, row.event
            texts: list[View] = [
                TextView(event.title, id="event_item_title", bold=True, max_lines=1),
                TextView(
                    time_range(event), id="event_item_time", size=L.SMALL_TEXT_SIZE, color=_MUTED, max_lines=1
                ),
            ]
            if event.location:
                texts.append(
                    TextView(
                        event.location,
                        id="event_item_location",
                        size=L.SMALL_TEXT_SIZE,
                        color=_MUTED,
                        max_lines=1,
                    )
                )
            rows.append(
                Row(
                    Spacer(width=18, background=_ACCENT),
                    Column(*texts, padding=L.PADDING // 2),
                    id="event_item_holder",
                    selected=event_id in self.selected,
                    on_click=lambda i=event_id: self.open_event(i),
                    on_long_click=lambda i=event_id: self.select(i),
                )
            )
        if not rows:
            rows.append(
                TextView(
                    "No upcoming events",
                    id="day_events_placeholder",
                    align="center",
                    color=_MUTED,
                    padding=60,
                )
            )
        fab = (
            None
            if self.selected
            else ImageButton(
                "+",
                id="calendar_fab",
                desc="New Event",
                on_click=self.new_event,
                width=170,
                height=170,
                gravity="bottom|end",
            )
        )
        return FrameLayout(
            children=[Column(toolbar, header, RecyclerView(*rows, id="day_events", spacing=12)), fab]
        )


class EventEditScreen(Screen):
    """Create or edit an event. Changing the start keeps the duration, as the real editor does."""

    app: CalendarApp

    def __init__(self, app: CalendarApp, event_id: int | None, day: date) -> None:
        super().__init__(app)
        self.event_id = event_id
        existing = app.store.get(event_id) if event_id is not None else None
        self.repeat = existing.repeat if existing is not None else ""
        if existing is not None:
            self.start, self.end = existing.start, existing.end
            self.form.update(
                {
                    "event_title": existing.title,
                    "event_location": existing.location,
                    "event_description": existing.description,
                }
            )
        else:
            now = app.device.now if app.device is not None else datetime(2023, 10, 15, 15, 34)
            start_hour = min(now.hour + 1, 23)
            self.start = datetime.combine(day, time(start_hour))
            self.end = self.start + timedelta(hours=1)

    # --- pickers -----------------------------------------------------------------------------------
    def pick_start_date(self) -> None:
        DatePicker(self, self.start.date(), self._set_start_date).open()

    def pick_end_date(self) -> None:
        DatePicker(self, self.end.date(), self._set_end_date).open()

    def pick_start_time(self) -> None:
        TimePicker(self, self.start.hour, self.start.minute, self._set_start_time).open()

    def pick_end_time(self) -> None:
        TimePicker(self, self.end.hour, self.end.minute, self._set_end_time).open()

    def _set_start_date(self, day: date) -> None:
        duration = self.end - self.start
        self.start = datetime.combine(day, self.start.time())
        self.end = self.start + duration

    def _set_end_date(self, day: date) -> None:
        self.end = datetime.combine(day, self.end.time())

    def _set_start_time(self, when: time) -> None:
        duration = self.end - self.start
        self.start = datetime.combine(self.start.date(), when)
        self.end = self.start + duration

    def _set_end_time(self, when: time) -> None:
        self.end = datetime.combine(self.end.date(), when)

    # --- repetition ---------------------------------------------------------------------------------
    def pick_repetition(self) -> None:
        options = [
            RadioButton(
                REPEAT_LABELS[rule],
                id="repetition_option",
                checked=rule == self.repeat,
                height=124,
                on_change=lambda _checked, rule=rule: self.set_repetition(rule),
            )
            for rule in ("", *REPEAT_RULES)
        ]
        self.show_dialog(AlertDialog("Repetition", content=options, buttons=(("Cancel", None),)))

    def set_repetition(self, rule: str) -> None:
        self.repeat = rule
        self.dismiss_dialog()

    # --- save / delete -----------------------------------------------------------------------------
    def save(self) -> None:
        title = self.form.get("event_title", "").strip()
        if not title:
            self.branch("missing-title")
            self.toast("Title cannot be empty")
            return
        if self.end < self.start:
            self.branch("end-before-start")
            self.toast("The end date cannot be before the start date")
            return
        event = Event(
            title,
            self.start,
            self.end,
            self.form.get("event_description", "").strip(),
            self.form.get("event_location", "").strip(),
            self.repeat,
        )
        if self.event_id is None:
            self.branch("insert")
            self.app.store.add(event)
            self.toast("Event added successfully")
        else:
            self.branch("update")
            self.app.store.replace(self.event_id, event)
            self.toast("Event updated successfully")
        self.finish()

    def ask_delete(self) -> None:
        self.show_dialog(
            AlertDialog(
                "Delete",
                "Are you sure you want to delete this event?",
                buttons=(("No", None), ("Yes", self.delete)),
            )
        )

    def delete(self) -> None:
        if self.event_id is not None:
            self.app.store.delete(self.event_id)
        self.toast("Event deleted")
        self.finish()

    def build(self) -> View:
        editing = self.event_id is not None
        actions: list[View] = []
        if editing:
            actions.append(IconButton("trash", id="delete", desc="Delete", on_click=self.ask_delete))
        actions.append(ImageButton("✓", id="save", desc="Save", on_click=self.save))
        toolbar = Toolbar("Edit Event" if editing else "New Event", on_back=self.finish, actions=actions)

        def when_row(
            label: str, date_id: str, time_id: str, value: datetime, on_date: object, on_time: object
        ) -> View:
            return Row(
                TextView(
                    f"{value:%a}, {value:%b} {value.day}, {value.year}",
                    id=date_id,
                    desc=f"{label} date",
                    on_click=on_date,
                    weight=1.0,
                    height=L.ROW_HEIGHT,
                    padding=L.PADDING // 2,
                ),  # type: ignore[arg-type]
                TextView(
                    f"{value:%H:%M}",
                    id=time_id,
                    desc=f"{label} time",
                    on_click=on_time,
                    width=300,
                    align="end",
                    height=L.ROW_HEIGHT,
                    padding=L.PADDING // 2,
                ),  # type: ignore[arg-type]
                height=L.ROW_HEIGHT,
            )

        form = Column(
            EditText(id="event_title", hint="Title"),
            EditText(id="event_location", hint="Location"),
            EditText(id="event_description", hint="Description", multiline=True),
            Spacer(height=30),
            TextView("Start", size=L.SMALL_TEXT_SIZE, color=_MUTED, padding=4),
            when_row(
                "Start",
                "event_start_date",
                "event_start_time",
                self.start,
                self.pick_start_date,
                self.pick_start_time,
            ),
            TextView("End", size=L.SMALL_TEXT_SIZE, color=_MUTED, padding=4),
            when_row(
                "End", "event_end_date", "event_end_time", self.end, self.pick_end_date, self.pick_end_time
            ),
            TextView("Repetition", size=L.SMALL_TEXT_SIZE, color=_MUTED, padding=4),
            TextView(
                REPEAT_LABELS[self.repeat],
                id="event_repetition",
                desc="Repetition",
                on_click=self.pick_repetition,
                height=L.ROW_HEIGHT,
                padding=L.PADDING // 2,
            ),
            padding=L.PADDING,
            spacing=12,
        )
        return Column(toolbar, ScrollView(form, id="event_scrollview"))


class SearchScreen(Screen):
    """Find events whose title contains the query; results show date and time."""

    app: CalendarApp

    def __init__(self, app: CalendarApp) -> None:
        super().__init__(app)
        self.focus = "search_query"

    def build(self) -> View:
        query = self.form.get("search_query", "").strip().lower()
        field = EditText(id="search_query", hint="Search…", weight=1.0)
        toolbar = Row(
            ImageButton("←", desc="Navigate up", on_click=self.finish),
            field,
            height=L.TOOLBAR_HEIGHT,
            id="toolbar",
            background=(243, 237, 247),
        )
        rows: list[View] = []
        if query:
            for row in self.app.store.chronological():
                event = row.event
                if query not in event.title.lower():
                    continue
                rows.append(
                    Column(
                        TextView(event.title, id="event_item_title", bold=True, max_lines=1),
                        TextView(
                            f"{event.start:%B} {event.start.day}, {event.start.year}  {time_range(event)}",
                            id="event_item_time",
                            size=L.SMALL_TEXT_SIZE,
                            color=_MUTED,
                            max_lines=1,
                        ),
                        id="event_item_holder",
                        padding=L.PADDING // 2,
                        on_click=lambda i=row.event_id, d=event.start.date(): self.push(
                            EventEditScreen(self.app, i, d)
                        ),
                    )
                )
            if not rows:
                rows.append(
                    TextView(
                        "No items found", id="search_placeholder", align="center", color=_MUTED, padding=60
                    )
                )
        return Column(toolbar, RecyclerView(*rows, id="search_results_list"))
