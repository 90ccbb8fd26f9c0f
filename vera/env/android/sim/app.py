"""Apps and screens: the app author's API (see APPS.md).

An `App` owns a state model (plain Python objects; tasks read and write it) and a main `Screen`.
A `Screen` is one Activity on the back stack: it keeps screen-local UI state (form fields, the
dialog it shows) and builds its view tree from the app's state in `build()`. Handlers are methods
of the screen; they change the app's state and navigate (`push`, `finish`, `show_dialog`, `toast`).
The device rebuilds the tree after every event, so screens never patch views by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from vera.env.android.sim.toolkit.views import Button, Column, Row, Spacer, TextView, View

if TYPE_CHECKING:
    from vera.env.android.sim.device import SimDroid


class App:
    """A launchable app. Subclasses set the class attributes and implement `create_state`/`main_screen`.

    ``name`` is the short key tasks use (``device.app("settings")``); ``label`` is what the launcher
    shows; ``pattern`` is AndroidWorld's ``open_app`` alias regex (matched against the lower-cased
    name, like ``adb_utils._PATTERN_TO_ACTIVITY``); ``glyph``/``color`` draw the launcher icon.
    """

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    package: ClassVar[str] = ""
    pattern: ClassVar[str] = ""
    glyph: ClassVar[str] = "?"
    color: ClassVar[tuple[int, int, int]] = (66, 133, 244)
    in_launcher: ClassVar[bool] = True

    def __init__(self) -> None:
        self.state: Any = self.create_state()
        self.device: SimDroid | None = None

    def create_state(self) -> Any:
        """A fresh state model (the app's data as first installed)."""
        return None

    def main_screen(self) -> Screen:
        """The screen the launcher opens."""
        raise NotImplementedError

    def reset(self) -> None:
        """Back to a freshly installed app (tasks' `initialize` usually starts here)."""
        self.state = self.create_state()


class Screen:
    """One Activity: builds its view tree, handles events, owns screen-local UI state.

    ``form`` holds the text of `EditText`s created with ``value=None`` (keyed by their id), so typing
    survives rebuilds; put initial values there in ``__init__``. ``scroll`` holds scroll offsets by
    scrollable id; ``focus`` is the id of the focused text field. Set ``live = True`` on screens whose
    tree shows the running clock (a stopwatch, a recording's length): other screens are rebuilt only
    after events that reach a handler, state written from outside (`device.app`, `sleep`) or a new
    minute.
    """

    live: ClassVar[bool] = False

    def __init__(self, app: App) -> None:
        self.app = app
        self.form: dict[str, str] = {}
        self.scroll: dict[str, int] = {}
        self.focus: str | None = None
        self.dialog: AlertDialog | None = None

    # --- to implement --------------------------------------------------------------------------------
    def build(self) -> View:
        """The view tree for the current state (called after every event)."""
        raise NotImplementedError

    def on_back(self) -> bool:
        """BACK pressed with no keyboard or dialog up: return True if handled (else the screen closes)."""
        return False

    def on_swipe(self, dx: int, dy: int) -> bool:
        """A swipe that no scrollable view took; return True if handled."""
        return False

    def on_resume(self) -> None:
        """Called when this screen comes back to the top of the stack."""

    # --- navigation and feedback ----------------------------------------------------------------------
    @property
    def device(self) -> SimDroid:
        if self.app.device is None:
            raise RuntimeError(f"{type(self).__name__}: app {self.app.name!r} is not installed on a device")
        return self.app.device

    def push(self, screen: Screen) -> None:
        """Open `screen` on top of this one (startActivity)."""
        self.device.push_screen(self.app, screen)

    def finish(self) -> None:
        """Close this screen (finish()); the one below comes back."""
        self.device.finish_screen(self.app, self)

    def show_dialog(self, dialog: AlertDialog) -> None:
        self.dialog = dialog
        self.focus = None

    def dismiss_dialog(self) -> None:
        self.dialog = None
        self.focus = None

    def toast(self, message: str) -> None:
        """A short message at the bottom of the screen for a few (virtual) seconds."""
        self.device.show_toast(message)

    def branch(self, label: str) -> None:
        """Count a branch of the running handler in the device's coverage."""
        self.device.coverage_state.branch(label)


class AlertDialog:
    """``android.app.AlertDialog``: title, message, optional content views and up to three buttons.

    ``content`` is a list of views or a function returning them (called at every rebuild, so pickers
    in a dialog show the values they hold). A button's handler runs after the dialog is dismissed (so
    it may open another one). With
    ``cancelable`` (default) BACK or a tap outside dismisses the dialog and calls ``on_cancel``.
    """

    def __init__(
        self,
        title: str,
        message: str = "",
        *,
        buttons: Sequence[tuple[str, Callable[[], Any] | None]] = (("OK", None),),
        content: Sequence[View] | Callable[[], Sequence[View]] = (),
        cancelable: bool = True,
        on_cancel: Callable[[], Any] | None = None,
    ) -> None:
        self.title = title
        self.message = message
        self.buttons = list(buttons)
        self.content = content
        self.cancelable = cancelable
        self.on_cancel = on_cancel

    def build(self, press: Callable[[Callable[[], Any] | None], Callable[[], Any]]) -> View:
        """The dialog's view tree; `press` wraps a button handler so the dialog closes first."""
        parts: list[View] = [TextView(self.title, id="alertTitle", size=50, bold=True, padding=12)]
        if self.message:
            parts.append(TextView(self.message, id="message", max_lines=8, padding=12))
        parts.extend(self.content() if callable(self.content) else self.content)
        buttons: list[View] = [Spacer()]
        for index, (label, handler) in enumerate(self.buttons):
            buttons.append(Button(label, id=f"button{index + 1}", style="text", width=max(220, 40 + 26 * len(label)),
                                  on_click=press(handler)))
        parts.append(Row(*buttons, height=150))
        return Column(*parts, id="parentPanel", padding=36, background=(255, 255, 255))
