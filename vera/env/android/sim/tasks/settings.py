"""Settings tasks, with AndroidWorld's names, templates and complexity (shared/reference/androidworld_tasks.tsv).

``*Verify`` variants start with the goal already true: the agent has to check and say it is done.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any, ClassVar

from vera.env.android.sim.apps.settings import BRIGHTNESS_MAX, TIMEOUTS, SettingsState
from vera.env.android.sim.device import SimDroid
from vera.env.android.sim.oracle import UI
from vera.env.android.sim.task import Task
from vera.env.android.types import JSONAction


def settings_state(device: SimDroid) -> SettingsState:
    return device.app("settings").state


def open_page(ui: UI, entry: str) -> Iterator[JSONAction]:
    """Open Settings and the given entry of its home list."""
    yield ui.open_app("Settings")
    yield from ui.scroll_to(text=entry)
    yield ui.click(text=entry)


class _Toggle(Task):
    """Turn one switch on or off; subclasses name the field, the page and the switch label."""

    abstract = True
    complexity = 1.0
    app_names = ("settings",)
    field: ClassVar[str] = ""
    page: ClassVar[str] = ""
    switch: ClassVar[str] = ""
    target: ClassVar[bool] = True
    verify: ClassVar[bool] = False

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {"on_or_off": "on" if cls.target else "off"}

    def initialize(self, device: SimDroid) -> None:
        start = self.target if self.verify else not self.target
        setattr(settings_state(device), self.field, start)

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return 1.0 if getattr(settings_state(device), self.field) == self.target else 0.0

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from open_page(ui, self.page)
        yield from ui.scroll_to(text=self.switch, cls="Switch")
        if ui.element(text=self.switch, cls="Switch").is_checked != self.target:
            yield ui.click(text=self.switch, cls="Switch")


class _Wifi(_Toggle):
    abstract = True
    template = "Turn wifi {on_or_off}."
    family = "settings_wifi"
    field, page, switch = "wifi", "Network & internet", "Wi-Fi"


class SystemWifiTurnOff(_Wifi):
    target = False


class SystemWifiTurnOn(_Wifi):
    target = True


class SystemWifiTurnOffVerify(_Wifi):
    target, verify = False, True
    family = "settings_verify"


class SystemWifiTurnOnVerify(_Wifi):
    target, verify = True, True
    family = "settings_verify"


class _Bluetooth(_Toggle):
    abstract = True
    template = "Turn bluetooth {on_or_off}."
    family = "settings_bluetooth"
    field, page, switch = "bluetooth", "Connected devices", "Bluetooth"


class SystemBluetoothTurnOff(_Bluetooth):
    target = False


class SystemBluetoothTurnOn(_Bluetooth):
    target = True


class SystemBluetoothTurnOffVerify(_Bluetooth):
    target, verify = False, True
    family = "settings_verify"


class SystemBluetoothTurnOnVerify(_Bluetooth):
    target, verify = True, True
    family = "settings_verify"


class _DarkTheme(_Toggle):
    abstract = True
    template = "Turn dark theme {on_or_off}."
    family = "settings_dark_theme"
    field, page, switch = "dark_theme", "Display", "Dark theme"


class SystemDarkThemeTurnOn(_DarkTheme):
    target = True


class SystemDarkThemeTurnOff(_DarkTheme):
    target = False


class _Brightness(Task):
    abstract = True
    template = "Turn brightness to the {max_or_min} value."
    complexity = 1.0
    app_names = ("settings",)
    family = "settings_brightness"
    maximum: ClassVar[bool] = True
    verify: ClassVar[bool] = False

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {"max_or_min": "max" if cls.maximum else "min",
                "start": rng.randint(40, 200)}

    @property
    def goal_value(self) -> int:
        return BRIGHTNESS_MAX if self.maximum else 0

    def initialize(self, device: SimDroid) -> None:
        settings_state(device).brightness = self.goal_value if self.verify else self.params["start"]

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return 1.0 if settings_state(device).brightness == self.goal_value else 0.0

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from open_page(ui, "Display")
        yield from ui.scroll_to(id="brightness_slider")
        # Dragging a slider: AndroidWorld's scroll swipes from the element's centre to its edge, and
        # scrolling "left" drags the thumb to the right end (max), "right" to the left end (min).
        yield ui.scroll("left" if self.maximum else "right", id="brightness_slider")


class SystemBrightnessMax(_Brightness):
    maximum = True


class SystemBrightnessMin(_Brightness):
    maximum = False


class SystemBrightnessMaxVerify(_Brightness):
    maximum, verify = True, True
    family = "settings_verify"


class SystemBrightnessMinVerify(_Brightness):
    maximum, verify = False, True
    family = "settings_verify"


class TurnOffWifiAndTurnOnBluetooth(Task):
    template = "Turn off WiFi, then enable bluetooth"
    complexity = 2.0
    difficulty = "medium"
    app_names = ("settings",)
    family = "settings_multi_toggle"

    def initialize(self, device: SimDroid) -> None:
        state = settings_state(device)
        state.wifi, state.bluetooth = True, False

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        state = settings_state(device)
        return (float(not state.wifi) + float(state.bluetooth)) / 2.0

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from open_page(ui, "Network & internet")
        if ui.element(text="Wi-Fi", cls="Switch").is_checked:
            yield ui.click(text="Wi-Fi", cls="Switch")
        yield ui.back()
        yield from ui.scroll_to(text="Connected devices")
        yield ui.click(text="Connected devices")
        if not ui.element(text="Bluetooth", cls="Switch").is_checked:
            yield ui.click(text="Bluetooth", cls="Switch")


class TurnOnWifiAndOpenApp(Task):
    template = "Turn on Wifi, then open the {app_name} app"
    complexity = 2.0
    difficulty = "easy"
    app_names = ("settings",)
    family = "settings_wifi_then_app"
    APPS: ClassVar[tuple[str, ...]] = ("clock", "contacts", "settings")

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {"app_name": rng.choice(cls.APPS)}

    def initialize(self, device: SimDroid) -> None:
        settings_state(device).wifi = False

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        target = device.find_app(self.params["app_name"])
        wifi = settings_state(device).wifi
        opened = target is not None and device.foreground() == target.package
        return (float(wifi) + float(opened)) / 2.0

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from open_page(ui, "Network & internet")
        if not ui.element(text="Wi-Fi", cls="Switch").is_checked:
            yield ui.click(text="Wi-Fi", cls="Switch")
        yield ui.home()
        yield ui.open_app(self.params["app_name"])


class SystemAirplaneModeOn(_Toggle):
    """vera task (not in AndroidWorld): airplane mode also turns Wi-Fi and Bluetooth off."""

    template = "Turn on airplane mode."
    family = "settings_airplane"
    field, page, switch = "airplane_mode", "Network & internet", "Airplane mode"
    target = True

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        state = settings_state(device)
        return 1.0 if state.airplane_mode and not state.wifi else 0.0


class SystemScreenTimeout(Task):
    """vera task (not in AndroidWorld): pick a value in a dialog of radio buttons."""

    template = "Set the screen timeout to {timeout}."
    complexity = 1.2
    app_names = ("settings",)
    family = "settings_timeout"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {"timeout": rng.choice([t for t in TIMEOUTS if t != "30 seconds"])}

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return 1.0 if settings_state(device).screen_timeout == self.params["timeout"] else 0.0

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield from open_page(ui, "Display")
        yield from ui.scroll_to(text="Screen timeout")
        yield ui.click(text="Screen timeout")
        yield ui.click(text=self.params["timeout"], cls="RadioButton")
