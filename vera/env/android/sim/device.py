"""SimDroid: a simulated phone implementing `vera.env.android.device.Device`.

The device keeps one back stack of `Screen`s per app, the launcher, the soft-keyboard state, the
dialogs, a virtual clock and the coverage set. The foreground view tree is rebuilt lazily, once per
change (a handler ran, state was written through `app()` or `sleep()`, a live screen's clock moved, the
minute turned), and the same laid-out tree serves `ui_xml()`, `ui_elements()`, `screenshot()` and touch
dispatch, so XML bounds, pixels and taps always agree.

Touch dispatch: a tap goes to the deepest enabled view under the finger that reacts (an EditText
takes focus and raises the keyboard; a Switch/CheckBox calls ``on_change(not checked)``; a SeekBar
sets the value under the finger; anything else calls ``on_click``). Taps on the soft keyboard type
its keys; the navigation bar's three buttons (back, home, recents) work as keys. A swipe scrolls the
deepest scrollable view under its start point by the distance moved (finger up = content up), or is
offered to the screen's ``on_swipe``. The clock advances `EVENT_SECONDS` per input event and by
`sleep(seconds)`. A `FaultPlan` adds latency, "isn't responding" dialogs and failing dumps.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from vera.env.android.device import KEYCODE_BACK, KEYCODE_DEL, KEYCODE_ENTER, KEYCODE_HOME
from vera.env.android.sim import layout as L
from vera.env.android.sim.app import AlertDialog, App, Screen
from vera.env.android.sim.coverage import Coverage
from vera.env.android.sim.faults import FaultPlan
from vera.env.android.sim.toolkit.views import (
    CompoundButton,
    EditText,
    FrameLayout,
    ScrollView,
    SeekBar,
    TextView,
    View,
)
from vera.env.android.sim.xml import hierarchy_elements, hierarchy_xml
from vera.env.android.types import UIElement
from vera.errors import DeviceError

EVENT_SECONDS = 1.0
TOAST_SECONDS = 3.0
# AndroidWorld sets every device to this time before a task (task_eval.py `device_time`).
DEFAULT_START = dt.datetime(2023, 10, 15, 15, 34, 0)
SYSTEM_PACKAGE = "android"
DIALOG_MARGIN = 66


class Frame:
    """One laid-out picture of the screen: the windows, what receives touches, and cached outputs."""

    __slots__ = ("version", "windows", "touch_root", "focused", "dialog_box", "screen", "owner", "xml",
                 "pixels", "dim", "keyboard_up", "toast", "background", "clock_s", "minute", "live", "elements")

    def __init__(self, version: int, clock_s: float, minute: int) -> None:
        self.version = version
        self.clock_s = clock_s
        self.minute = minute  # the status bar's clock
        self.live = False  # drawn from the clock (a running stopwatch, a toast): stale once time moves
        self.windows: list[tuple[View, str]] = []
        self.touch_root: View | None = None
        self.focused: EditText | None = None
        self.dialog_box: L.Box | None = None
        self.screen: Screen | None = None
        self.owner: App | None = None
        self.xml: str | None = None
        self.pixels: np.ndarray | None = None
        self.elements: list[UIElement] | None = None
        self.dim = False
        self.keyboard_up = False
        self.toast: TextView | None = None
        self.background: View | None = None  # the screen under a dialog (drawn dimmed, not in the dump)


class SimDroid:
    """A simulated Android phone with the apps found by the registry (or the ones given)."""

    def __init__(
        self,
        apps: Sequence[type[App]] | None = None,
        *,
        serial: str = "simdroid-0",
        faults: FaultPlan | None = None,
        start_time: dt.datetime = DEFAULT_START,
    ) -> None:
        from vera.env.android.sim.launcher import LauncherApp
        from vera.env.android.sim.registry import app_classes

        self._serial = serial
        self.faults = faults
        self.start_time = start_time
        self.clock_s = 0.0
        self.coverage_state = Coverage()
        classes = list(apps) if apps is not None else app_classes()
        self.apps: dict[str, App] = {}
        for cls in classes:
            app = cls()
            app.device = self
            self.apps[app.name] = app
        self.launcher = LauncherApp()
        self.launcher.device = self
        self._stacks: dict[str, list[Screen]] = {}
        self._foreground: App = self.launcher
        self._stacks[self.launcher.name] = [self.launcher.main_screen()]
        self.keyboard_up = False
        self._anr: App | None = None
        self._anr_pending = False
        self._typed_since_focus = False
        self._toast: tuple[str, float] | None = None
        self._version = 0
        self._frame: Frame | None = None

    # --- Device protocol: identity and observation -----------------------------------------------------
    @property
    def serial(self) -> str:
        return self._serial

    def size(self) -> tuple[int, int]:
        return L.SCREEN_WIDTH, L.SCREEN_HEIGHT

    def foreground(self) -> str:
        return self._foreground.package

    def ui_xml(self) -> str:
        self._settle()
        if self.faults is not None and self.faults.before_dump():
            raise DeviceError(f"{self.serial}: uiautomator dump timed out (injected fault); dump again")
        frame = self.frame()
        if frame.xml is None:
            frame.xml = hierarchy_xml(frame.windows, (0, 0, L.SCREEN_WIDTH, L.SCREEN_HEIGHT))
        return frame.xml

    def ui_elements(self) -> list[UIElement]:
        """Fast path: the elements `parse_ui_xml(self.ui_xml())` gives, built from the views directly.

        AndroidEnv keeps using the XML path (the one every real device takes); explorers that only need
        elements can call this instead. Returns a new list each call (the elements are shared).
        """
        self._settle()
        if self.faults is not None and self.faults.before_dump():
            raise DeviceError(f"{self.serial}: uiautomator dump timed out (injected fault); dump again")
        frame = self.frame()
        if frame.elements is None:
            frame.elements = hierarchy_elements(frame.windows, (0, 0, L.SCREEN_WIDTH, L.SCREEN_HEIGHT))
        return list(frame.elements)

    def screenshot(self) -> np.ndarray:
        from vera.env.android.sim.render import render_frame

        self._settle()
        frame = self.frame()
        if frame.pixels is None:
            frame.pixels = render_frame(self, frame)
        return frame.pixels

    # --- clock, coverage, apps ------------------------------------------------------------------------
    @property
    def now(self) -> dt.datetime:
        """The phone's wall-clock time."""
        return self.start_time + dt.timedelta(seconds=self.clock_s)

    def sleep(self, seconds: float) -> None:
        """Let virtual time pass (timers, stopwatches and recordings advance)."""
        self.clock_s += max(0.0, float(seconds))
        self.invalidate()

    def coverage(self) -> frozenset[str]:
        """The handlers and branches hit so far."""
        return self.coverage_state.snapshot()

    def app(self, name: str) -> App:
        """An installed app by name, label or package (tasks use it to set and read state)."""
        found = self.find_app(name)
        if found is None:
            raise DeviceError(f"{self.serial}: no app {name!r} installed; installed: "
                              f"{', '.join(sorted(self.apps))}")
        self.invalidate()
        return found

    def find_app(self, name: str) -> App | None:
        key = name.strip().lower()
        for app in self.apps.values():
            if key in (app.name.lower(), app.label.lower(), app.package.lower()):
                return app
        for app in self.apps.values():
            if app.pattern and re.match(app.pattern, key):
                return app
        return None

    def invalidate(self) -> None:
        """Mark the screen as changed (state written from outside a handler)."""
        self._version += 1

    def screen(self) -> Screen:
        """The screen on top of the foreground app's back stack."""
        return self._stacks[self._foreground.name][-1]

    def back_stack(self, app: App | None = None) -> list[Screen]:
        return list(self._stacks.get((app or self._foreground).name, []))

    # --- navigation used by screens and tasks ------------------------------------------------------------
    def push_screen(self, app: App, screen: Screen) -> None:
        self._stacks.setdefault(app.name, []).append(screen)
        self.keyboard_up = False
        self.invalidate()

    def finish_screen(self, app: App, screen: Screen) -> None:
        stack = self._stacks.get(app.name, [])
        if screen in stack:
            stack.remove(screen)
        self.keyboard_up = False
        if not stack:
            self._stacks.pop(app.name, None)
            if self._foreground is app:
                self._go_home()
        elif self._foreground is app:
            stack[-1].on_resume()
        self.invalidate()

    def show_toast(self, message: str) -> None:
        self._toast = (message, self.clock_s + TOAST_SECONDS)
        self.invalidate()

    def open_app(self, app: App) -> None:
        """Bring `app` to the front, resuming its back stack or starting its main screen."""
        self.keyboard_up = False
        self._foreground = app
        if app.name not in self._stacks:
            self._stacks[app.name] = [app.main_screen()]
        self.coverage_state.hit(f"system:open:{app.name}")
        self.invalidate()

    def go_home_and_reset(self) -> None:
        """Close every app and show the launcher's home screen (a task's starting point)."""
        self._stacks = {self.launcher.name: [self.launcher.main_screen()]}
        self._foreground = self.launcher
        self.keyboard_up = False
        self._anr = None
        self._toast = None
        self.invalidate()

    def _go_home(self) -> None:
        self.keyboard_up = False
        self._foreground = self.launcher
        self._stacks[self.launcher.name] = [self.launcher.main_screen()]

    # --- input events ----------------------------------------------------------------------------------
    def _event(self, name: str) -> None:
        self.clock_s += EVENT_SECONDS
        self.coverage_state.hit(f"system:{name}")
        if self.faults is not None:
            latency, anr = self.faults.before_event()
            self.clock_s += latency
            self._anr_pending = self._anr_pending or anr

    def _settle(self) -> None:
        """An ANR the fault plan drew during the last input shows up when the screen is next looked at.

        So one agent action (several device events, e.g. tap + type + Enter) is never cut in half.
        """
        if self._anr_pending:
            self._anr_pending = False
            if self._anr is None and self._foreground is not self.launcher:
                self._anr = self._foreground
                self.invalidate()

    def _call(self, app: App | None, fn: Callable[..., Any] | None, *args: Any) -> None:
        if fn is None:
            return
        self.coverage_state.call(app.name if app is not None else "system", fn, *args)
        self.invalidate()

    def tap(self, x: int, y: int) -> None:
        self._check_point(x, y)
        frame = self.frame()
        self._event("tap")
        if y >= L.APP_BOTTOM:
            self._nav_button(x)
            return
        if y < L.APP_TOP:
            return
        if frame.keyboard_up and y >= L.KEYBOARD_TOP:
            self._keyboard_tap(frame, L.key_at(x, y))
            return
        if frame.dialog_box is not None and not L.contains(frame.dialog_box, x, y):
            self._outside_dialog(frame)
            return
        target = _deepest(frame.touch_root, x, y, _reacts_to_tap)
        if target is None:
            return
        self._activate(frame, target, x)

    def _keyboard_tap(self, frame: Frame, key: str | None) -> None:
        """A tap on the soft keyboard types its key into the focused field (backspace, Enter too)."""
        self.coverage_state.hit("system:keyboard_tap")
        field = frame.focused
        if key is None or field is None or self._anr is not None:
            return
        if key == L.ENTER:
            self._enter(frame)
            return
        value = self._field_value(frame, field)
        if key == L.BACKSPACE:
            if value:
                self._set_field(frame, field, value[:-1])
            return
        # A picker's field selects its text on focus: the first key replaces it, later keys append.
        fresh = field.replace and not self._typed_since_focus
        self._typed_since_focus = True
        self._set_field(frame, field, key if fresh else value + key)

    def long_press(self, x: int, y: int, duration_ms: int = 1000) -> None:
        self._check_point(x, y)
        frame = self.frame()
        self._event("long_press")
        if not (L.APP_TOP <= y < L.APP_BOTTOM) or (frame.keyboard_up and y >= L.KEYBOARD_TOP):
            return
        if frame.dialog_box is not None and not L.contains(frame.dialog_box, x, y):
            return
        target = _deepest(frame.touch_root, x, y, lambda v: v.enabled and (
            v.on_long_click is not None or isinstance(v, EditText)))
        if target is None:
            return
        if isinstance(target, EditText):
            self._focus(frame, target)
        else:
            self._call(frame.owner, target.on_long_click)

    def swipe(self, x1: int, y1: int, x2: int, y2: int, duration_ms: int = 300) -> None:
        self._check_point(x1, y1)
        frame = self.frame()
        self._event("swipe")
        if self._anr is not None or not (L.APP_TOP <= y1 < L.APP_BOTTOM):
            return
        path = _path(frame.touch_root, x1, y1)
        for view in reversed(path):
            if isinstance(view, SeekBar) and view.enabled:
                self._call(frame.owner, view.on_change, view.value_at(x2))
                return
            if isinstance(view, ScrollView) and abs(y2 - y1) >= abs(x2 - x1):
                screen = frame.screen
                if screen is not None and view.id:
                    new = min(max(0, view.offset + (y1 - y2)), view.max_offset)
                    if new != view.offset:
                        screen.scroll[view.id] = new
                        self.coverage_state.hit(f"system:scroll:{frame.owner.name if frame.owner else ''}")
                        self.invalidate()
                        return
        if frame.screen is not None and frame.dialog_box is None:
            handled = frame.screen.on_swipe(x2 - x1, y2 - y1)
            if handled:
                self.invalidate()

    def _typing_frame(self) -> Frame:
        """The frame for a text edit: the last one while its focused field keeps its text in the form.

        Clearing a field (AndroidWorld's ``clear_text``: one DEL per character) would otherwise rebuild
        the screen once per character; the form is the source of truth, so the last frame suffices.
        """
        frame = self._frame
        if frame is not None and frame.focused is not None and frame.focused.value is None \
                and frame.screen is not None and frame.screen.focus == frame.focused.id \
                and frame.dialog_box is None and self._anr is None and frame.screen is self.screen() \
                and frame.screen.dialog is None:
            return frame
        return self.frame()

    def input_text(self, text: str) -> None:
        frame = self._typing_frame()
        self._event("input_text")
        field = frame.focused
        if field is None or self._anr is not None:
            self.coverage_state.hit("system:input_without_focus")
            return
        current = self._field_value(frame, field)
        self._set_field(frame, field, text if field.replace else current + text)

    def key(self, keycode: str) -> None:
        frame = self._typing_frame() if keycode == KEYCODE_DEL else self.frame()
        self._event(keycode.lower())
        if keycode == KEYCODE_BACK:
            self._back(frame)
        elif keycode == KEYCODE_HOME:
            self._anr = None
            self._go_home()
            self.invalidate()
        elif keycode == KEYCODE_ENTER:
            self._enter(frame)
        elif keycode == KEYCODE_DEL:
            field = frame.focused
            if field is not None and self._anr is None:
                value = self._field_value(frame, field)
                if value:
                    self._set_field(frame, field, value[:-1])

    def start_app(self, name: str) -> None:
        app = self.find_app(name) if isinstance(name, str) else None
        if app is None:
            raise DeviceError(f"{self.serial}: no app {name!r} installed; open one of: "
                              + ", ".join(sorted(a.label for a in self.apps.values())))
        self._event("start_app")
        self._anr = None
        self.open_app(app)

    # --- helpers ---------------------------------------------------------------------------------------
    def _check_point(self, x: int, y: int) -> None:
        if not (0 <= x < L.SCREEN_WIDTH and 0 <= y < L.SCREEN_HEIGHT):
            raise DeviceError(f"{self.serial}: point ({x}, {y}) is off the "
                              f"{L.SCREEN_WIDTH}x{L.SCREEN_HEIGHT} screen")

    def _nav_button(self, x: int) -> None:
        third = L.SCREEN_WIDTH // 3
        if x < third:
            self.key(KEYCODE_BACK)
        elif x < 2 * third:
            self.key(KEYCODE_HOME)
        else:
            self.coverage_state.hit("system:recents")

    def _outside_dialog(self, frame: Frame) -> None:
        if self._anr is not None:
            return
        screen = frame.screen
        if screen is not None and screen.dialog is not None and screen.dialog.cancelable:
            self._cancel_dialog(frame.owner, screen)

    def _cancel_dialog(self, app: App | None, screen: Screen) -> None:
        dialog = screen.dialog
        screen.dismiss_dialog()
        self.coverage_state.hit("system:dialog_cancel")
        if dialog is not None:
            self._call(app, dialog.on_cancel)
        self.invalidate()

    def _activate(self, frame: Frame, view: View, x: int) -> None:
        owner = frame.owner
        if isinstance(view, EditText):
            self._focus(frame, view)
            self._call(owner, view.on_click)
        elif isinstance(view, CompoundButton):
            self._call(owner, view.on_change, not view.is_checked)
            self._call(owner, view.on_click)
        elif isinstance(view, SeekBar):
            self._call(owner, view.on_change, view.value_at(x))
        else:
            self._call(owner, view.on_click)

    def _focus(self, frame: Frame, field: EditText) -> None:
        if frame.screen is None:
            return
        frame.screen.focus = field.id
        self.keyboard_up = True
        self._typed_since_focus = False
        self.coverage_state.hit("system:focus")
        self.invalidate()

    def _field_value(self, frame: Frame, field: EditText) -> str:
        if field.value is not None:
            return field.value
        return frame.screen.form.get(field.id, "") if frame.screen is not None else ""

    def _set_field(self, frame: Frame, field: EditText, value: str) -> None:
        if field.value is None and frame.screen is not None:
            frame.screen.form[field.id] = value
        self._call(frame.owner, field.on_change, value)
        self.invalidate()

    def _enter(self, frame: Frame) -> None:
        field = frame.focused
        if field is None or self._anr is not None:
            return
        if field.multiline:
            self._set_field(frame, field, self._field_value(frame, field) + "\n")
            return
        self.keyboard_up = False
        self._call(frame.owner, field.on_submit)
        self.invalidate()

    def _back(self, frame: Frame) -> None:
        self.invalidate()
        if self._anr is not None:
            self._anr = None
            return
        if self.keyboard_up:
            self.keyboard_up = False
            return
        screen = self.screen()
        app = self._foreground
        if screen.dialog is not None:
            if screen.dialog.cancelable:
                self._cancel_dialog(app, screen)
            return
        handled = self.coverage_state.call(app.name, screen.on_back)
        if handled:
            return
        stack = self._stacks[app.name]
        if len(stack) > 1:
            stack.pop()
            stack[-1].on_resume()
            return
        if app is not self.launcher:
            self._stacks.pop(app.name, None)
        self._go_home()

    # --- building the frame ------------------------------------------------------------------------------
    def frame(self) -> Frame:
        """The current laid-out screen (rebuilt only when something changed)."""
        frame = self._frame
        if frame is not None and frame.version == self._version and (
                frame.clock_s == self.clock_s or (not frame.live and frame.minute == self._minute())):
            return frame
        # Building allocates thousands of short-lived, acyclic views: pausing the cyclic collector for
        # the build saves its repeated young-generation scans (about a fifth of the build time).
        paused = gc.isenabled()
        if paused:
            gc.disable()
        try:
            self._frame = None
            frame = self._build_frame()
        finally:
            if paused:
                gc.enable()
        self._frame = frame
        return frame

    def _minute(self) -> int:
        return int((self.start_time.second + self.clock_s) // 60)

    def _build_frame(self) -> Frame:
        version = self._version
        frame = Frame(version, self.clock_s, self._minute())
        app = self._foreground
        screen = self._stacks[app.name][-1]
        frame.screen, frame.owner = screen, app
        frame.live = screen.live
        root = screen.build()
        dialog_root = screen.dialog.build(self._dialog_press(screen)) if screen.dialog is not None else None
        scrollers: list[ScrollView] = []
        focused = _bind(screen, root, scrollers)
        if dialog_root is not None:
            focused = _bind(screen, dialog_root, scrollers)
        if focused is None:
            screen.focus = None
            self.keyboard_up = False
        frame.keyboard_up = self.keyboard_up
        content = FrameLayout(id="android:id/content", children=[root])
        window = L.app_window(self.keyboard_up and dialog_root is None)
        content.layout(window, window)
        frame.windows = [(content, app.package)]
        frame.touch_root = content
        frame.focused = focused
        if dialog_root is not None:
            box = _dialog_box(dialog_root, self.keyboard_up)
            dialog_root.layout(box, box)
            frame.background = content
            frame.windows = [(dialog_root, app.package)]
            frame.touch_root = dialog_root
            frame.dialog_box = box
            frame.dim = True
        _store_scroll(screen, scrollers)
        if self._anr is not None:
            anr_root = self._anr_dialog()
            box = _dialog_box(anr_root, False)
            anr_root.layout(box, box)
            frame.background = frame.background or content
            frame.windows = [(anr_root, SYSTEM_PACKAGE)]
            frame.touch_root = anr_root
            frame.dialog_box = box
            frame.dim = True
            frame.focused = None
            frame.owner = None
        if self._toast is not None:
            message, until = self._toast
            if self.clock_s < until:
                toast = TextView(message, id="android:id/message", align="center", max_lines=2)
                height = toast.measure(L.SCREEN_WIDTH - 240)
                bottom = (L.KEYBOARD_TOP if frame.keyboard_up else L.APP_BOTTOM) - 150
                toast.layout((120, bottom - height, L.SCREEN_WIDTH - 120, bottom),
                             (0, 0, L.SCREEN_WIDTH, L.SCREEN_HEIGHT))
                frame.toast = toast
                frame.live = True
                frame.windows.append((toast, SYSTEM_PACKAGE))
            else:
                self._toast = None
        # A handler called during build (none should) must not leave the frame stale.
        frame.version = self._version if self._version == version else version
        return frame

    def _dialog_press(self, screen: Screen) -> Callable[[Callable[[], Any] | None], Callable[[], Any]]:
        def press(handler: Callable[[], Any] | None) -> Callable[[], Any]:
            def run() -> None:
                screen.dismiss_dialog()
                if handler is not None:
                    self.coverage_state.call(screen.app.name, handler)
            run.__qualname__ = f"dialog:{getattr(handler, '__qualname__', 'dismiss')}"
            return run
        return press

    def _anr_dialog(self) -> View:
        app = self._anr
        label = app.label if app is not None else "App"

        def close() -> None:
            if app is not None:
                self._stacks.pop(app.name, None)
            self._anr = None
            self._go_home()

        def wait() -> None:
            self._anr = None

        close.__qualname__, wait.__qualname__ = "anr.close_app", "anr.wait"
        dialog = AlertDialog(f"{label} isn't responding", buttons=[("Close app", close), ("Wait", wait)],
                             cancelable=False)
        return dialog.build(lambda handler: handler or (lambda: None))


def _dialog_box(root: View, keyboard_up: bool) -> L.Box:
    _, top, _, bottom = L.app_window(keyboard_up)
    width = L.SCREEN_WIDTH - 2 * DIALOG_MARGIN
    height = min(root.measure(width), bottom - top - 2 * DIALOG_MARGIN)
    y1 = top + max(DIALOG_MARGIN, ((bottom - top) - height) // 2)
    return DIALOG_MARGIN, y1, DIALOG_MARGIN + width, y1 + height


def _bind(screen: Screen, root: View, scrollers: list[ScrollView] | None = None) -> EditText | None:
    """Fill text fields from the screen's form, mark the focused one, restore scroll offsets."""
    focused = None
    for view in _interactive(root):
        if isinstance(view, EditText):
            value = view.value if view.value is not None else screen.form.get(view.id, "")
            view.text = "•" * len(value) if view.password else value
            if screen.focus is not None and view.id == screen.focus and view.enabled:
                view.is_focused = True
                focused = view
        elif isinstance(view, ScrollView) and view.id:
            view.offset = screen.scroll.get(view.id, 0)
            if scrollers is not None:
                scrollers.append(view)
    return focused


def _interactive(root: View) -> Iterator[View]:
    """EditTexts and ScrollViews anywhere in the tree (an explicit stack: no generator per level)."""
    stack = [root]
    pop, extend = stack.pop, stack.extend
    while stack:
        view = pop()
        if isinstance(view, EditText | ScrollView):
            yield view
        if view.children:
            extend(reversed(view.children))


def _store_scroll(screen: Screen, scrollers: list[ScrollView]) -> None:
    """Keep each shown scrollable's offset (clamped by layout) for the next rebuild."""
    for view in scrollers:
        if view.shown:
            screen.scroll[view.id] = view.offset


def _reacts_to_tap(view: View) -> bool:
    return view.enabled and (view.on_click is not None or view.clickable_by_default)


def _path(root: View | None, x: int, y: int) -> list[View]:
    """The shown views containing (x, y), outermost first; later siblings win (drawn on top)."""
    path: list[View] = []
    node = root
    while node is not None and node.shown and L.contains(node.bounds, x, y):
        path.append(node)
        nxt = None
        for child in reversed(node.children):
            if child.shown and L.contains(child.bounds, x, y):
                nxt = child
                break
        node = nxt
    return path


def _deepest(root: View | None, x: int, y: int, accept: Callable[[View], bool]) -> View | None:
    for view in reversed(_path(root, x, y)):
        if accept(view):
            return view
    return None


def walk_windows(frame: Frame) -> Iterable[View]:
    for root, _ in frame.windows:
        yield from root.walk()
