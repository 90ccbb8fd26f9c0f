"""A small stateful fake phone for device-layer unit tests (adb server, AdbDevice, Appium helpers).

One text field that accumulates typed text, a launcher with a foreground package, and a log of every
call. Real backends are tested end to end on SimDroid; this fake only isolates protocol logic.
"""

from __future__ import annotations

import numpy as np

from vera.errors import DeviceError

KNOWN_PACKAGES = ("com.google.android.contacts", "net.gsantner.markor", "com.android.settings")


class FakePhone:
    """Implements vera's Device protocol with just enough state to check what arrived."""

    def __init__(self, serial: str = "fake-1", size: tuple[int, int] = (1080, 2400)) -> None:
        self.serial = serial
        self._size = size
        self.field = ""
        self.package = "com.google.android.apps.nexuslauncher"
        self.calls: list[tuple] = []
        self.dump_failures = 0  # the next N dumps raise like a busy UiAutomation
        self.dump_error = "ERROR: could not get idle state."

    def screenshot(self) -> np.ndarray:
        width, height = self._size
        image = np.zeros((height, width, 3), dtype=np.uint8)
        image[:, :, 0] = 200
        image[10:20, 10:20] = (0, 255, 0)
        return image

    def ui_xml(self) -> str:
        self.calls.append(("ui_xml",))
        if self.dump_failures > 0:
            self.dump_failures -= 1
            raise DeviceError(self.dump_error)
        width, height = self._size
        text = self.field.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        return (f'<?xml version="1.0" encoding="UTF-8"?><hierarchy rotation="0">'
                f'<node index="0" class="android.widget.FrameLayout" package="{self.package}" '
                f'bounds="[0,0][{width},{height}]">'
                f'<node index="0" class="android.widget.EditText" text="{text}" focused="true" '
                f'package="{self.package}" bounds="[0,100][{width},200]" />'
                f'</node></hierarchy>')

    def tap(self, x: int, y: int) -> None:
        self.calls.append(("tap", x, y))

    def long_press(self, x: int, y: int, duration_ms: int = 1000) -> None:
        self.calls.append(("long_press", x, y, duration_ms))

    def swipe(self, x1: int, y1: int, x2: int, y2: int, duration_ms: int = 300) -> None:
        self.calls.append(("swipe", x1, y1, x2, y2, duration_ms))

    def input_text(self, text: str) -> None:
        self.calls.append(("text", text))
        self.field += text

    def key(self, keycode: str) -> None:
        self.calls.append(("key", keycode))
        if keycode == "KEYCODE_ENTER":
            self.field += "\n"
        elif keycode == "KEYCODE_TAB":
            self.field += "\t"
        elif keycode == "KEYCODE_HOME":
            self.package = "com.google.android.apps.nexuslauncher"

    def start_app(self, name: str) -> None:
        self.calls.append(("start", name))
        if name not in KNOWN_PACKAGES:
            raise DeviceError(f"no app {name!r}")
        self.package = name

    def foreground(self) -> str:
        return self.package

    def size(self) -> tuple[int, int]:
        return self._size
