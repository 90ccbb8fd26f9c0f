"""The `Device` protocol: what every Android backend (SimDroid, adb, Appium) implements.

Coordinates are physical pixels; key codes are Android's ``KEYCODE_*`` names. A device reports failure
with `vera.errors.DeviceError` naming itself and the command.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

KEYCODE_HOME = "KEYCODE_HOME"
KEYCODE_BACK = "KEYCODE_BACK"
KEYCODE_ENTER = "KEYCODE_ENTER"
KEYCODE_DEL = "KEYCODE_DEL"
KEYCODE_MOVE_END = "KEYCODE_MOVE_END"


@runtime_checkable
class Device(Protocol):
    """A phone: observe it (screenshot, UI tree) and drive it (touch, keys, text, apps)."""

    @property
    def serial(self) -> str:
        """A name that identifies this device in messages and results."""
        ...

    def screenshot(self) -> np.ndarray:
        """The screen as an RGB uint8 array of shape (height, width, 3)."""
        ...

    def ui_xml(self) -> str:
        """The current view hierarchy in `uiautomator dump` XML."""
        ...

    def tap(self, x: int, y: int) -> None: ...

    def long_press(self, x: int, y: int, duration_ms: int = 1000) -> None: ...

    def swipe(self, x1: int, y1: int, x2: int, y2: int, duration_ms: int = 300) -> None: ...

    def input_text(self, text: str) -> None:
        """Type text into the focused field, verbatim (any characters)."""
        ...

    def key(self, keycode: str) -> None:
        """Press a key by its ``KEYCODE_*`` name."""
        ...

    def start_app(self, name: str) -> None:
        """Launch an app by its launcher label (``"Contacts"``) or package name."""
        ...

    def foreground(self) -> str:
        """Package name of the app in the foreground."""
        ...

    def size(self) -> tuple[int, int]:
        """Screen (width, height) in pixels."""
        ...
