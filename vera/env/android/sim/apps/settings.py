"""Settings (com.android.settings): Wi-Fi, airplane mode, Bluetooth, brightness, dark theme, timeout.

State lives in `SettingsState`; the screens follow Android 13's Settings: the home list, "Network &
internet", "Connected devices" and "Display". Other home entries open a read-only page.
"""

from __future__ import annotations

from dataclasses import dataclass

from vera.env.android.sim.app import AlertDialog, App, Screen
from vera.env.android.sim.toolkit import (
    Column,
    ImageButton,
    ListItem,
    RadioButton,
    RecyclerView,
    SeekBar,
    Switch,
    TextView,
    Toolbar,
    View,
)

BRIGHTNESS_MAX = 255
TIMEOUTS = ("15 seconds", "30 seconds", "1 minute", "2 minutes", "5 minutes", "10 minutes", "30 minutes")


@dataclass
class SettingsState:
    wifi: bool = True
    airplane_mode: bool = False
    bluetooth: bool = False
    brightness: int = 102
    adaptive_brightness: bool = False
    dark_theme: bool = False
    screen_timeout: str = "30 seconds"


class SettingsApp(App):
    name = "settings"
    label = "Settings"
    package = "com.android.settings"
    pattern = "settings|system settings"
    glyph = "⚙"
    color = (95, 99, 104)

    def create_state(self) -> SettingsState:
        return SettingsState()

    def main_screen(self) -> Screen:
        return SettingsHome(self)


HOME_ENTRIES = (
    ("Network & internet", "Wi-Fi, mobile data, hotspot"),
    ("Connected devices", "Bluetooth, pairing"),
    ("Apps", "Recent apps, default apps"),
    ("Notifications", "Notification history, conversations"),
    ("Battery", "100%"),
    ("Storage", "34% used - 42.1 GB free"),
    ("Sound & vibration", "Volume, haptics, Do Not Disturb"),
    ("Display", "Dark theme, font size, brightness"),
    ("Wallpaper & style", "Colors, themed icons, app grid"),
    ("Accessibility", "Display, interaction, audio"),
    ("Security & privacy", "App security, device lock, permissions"),
    ("Location", "On - 3 apps have access to location"),
    ("System", "Languages, gestures, time, backup"),
    ("About phone", "sdk_gphone64_x86_64"),
)


class SettingsHome(Screen):
    def build(self) -> View:
        items = [ListItem(title, summary, on_click=self._open(title)) for title, summary in HOME_ENTRIES]
        return Column(
            Toolbar("Settings", actions=[ImageButton("⌕", desc="Search settings", on_click=self.search)]),
            RecyclerView(*items, id="recycler_view"),
        )

    def _open(self, title: str):  # noqa: ANN202 - a click handler
        def open_entry() -> None:
            pages = {"Network & internet": NetworkScreen, "Connected devices": ConnectedDevicesScreen,
                     "Display": DisplayScreen}
            page = pages.get(title)
            if page is None:
                self.branch("read_only_page")
                self.push(InfoScreen(self.app, title))
            else:
                self.push(page(self.app))
        open_entry.__qualname__ = f"SettingsHome.open:{title}"
        return open_entry

    def search(self) -> None:
        self.toast("Search is not available")


class _Page(Screen):
    title = ""

    @property
    def state(self) -> SettingsState:
        return self.app.state

    def header(self) -> View:
        return Toolbar(self.title, on_back=self.finish)


class InfoScreen(_Page):
    def __init__(self, app: App, title: str) -> None:
        super().__init__(app)
        self.title = title

    def build(self) -> View:
        return Column(self.header(), TextView("No settings to change here in this simulator.", padding=42,
                                              id="empty_message", color=(96, 96, 104)))


class NetworkScreen(_Page):
    title = "Network & internet"

    def build(self) -> View:
        s = self.state
        wifi_summary = "Off" if not s.wifi else ("Connected to AndroidWifi" if not s.airplane_mode else "On")
        return Column(
            self.header(),
            RecyclerView(
                Switch("Wi-Fi", id="switch_widget", checked=s.wifi, on_change=self.set_wifi, padding=42),
                TextView(wifi_summary, id="wifi_summary", size=34, padding=42, color=(96, 96, 104)),
                ListItem("Mobile network", "T-Mobile", on_click=self.mobile_network),
                ListItem("Hotspot & tethering", "Off", on_click=self.mobile_network),
                Switch("Airplane mode", id="airplane_switch", checked=s.airplane_mode,
                       on_change=self.set_airplane, padding=42),
                id="recycler_view",
            ),
        )

    def set_wifi(self, on: bool) -> None:
        self.branch("on" if on else "off")
        self.state.wifi = on

    def set_airplane(self, on: bool) -> None:
        self.state.airplane_mode = on
        if on:
            self.branch("on")
            self.state.wifi = False
            self.state.bluetooth = False

    def mobile_network(self) -> None:
        self.show_dialog(AlertDialog("Not available", "This simulated phone has no SIM card."))


class ConnectedDevicesScreen(_Page):
    title = "Connected devices"

    def build(self) -> View:
        s = self.state
        return Column(
            self.header(),
            RecyclerView(
                ListItem("Pair new device", on_click=self.pair),
                Switch("Bluetooth", id="bluetooth_switch", checked=s.bluetooth, on_change=self.set_bluetooth,
                       padding=42),
                TextView("Bluetooth is " + ("on" if s.bluetooth else "off"), id="bluetooth_summary", size=34,
                         padding=42, color=(96, 96, 104)),
                ListItem("Connection preferences", "NFC, Android Auto", on_click=self.preferences),
                id="recycler_view",
            ),
        )

    def set_bluetooth(self, on: bool) -> None:
        self.branch("on" if on else "off")
        self.state.bluetooth = on

    def pair(self) -> None:
        if not self.state.bluetooth:
            self.branch("bluetooth_off")
            self.show_dialog(AlertDialog("Turn on Bluetooth?", "Pairing needs Bluetooth.",
                                         buttons=[("Cancel", None), ("Turn on", self.turn_on_bluetooth)]))
        else:
            self.toast("No devices found nearby")

    def turn_on_bluetooth(self) -> None:
        self.state.bluetooth = True

    def preferences(self) -> None:
        self.push(InfoScreen(self.app, "Connection preferences"))


class DisplayScreen(_Page):
    title = "Display"

    def build(self) -> View:
        s = self.state
        percent = round(100 * s.brightness / BRIGHTNESS_MAX)
        return Column(
            self.header(),
            RecyclerView(
                TextView("Brightness level", id="brightness_title", padding=42, bold=True),
                SeekBar(value=s.brightness, maximum=BRIGHTNESS_MAX, on_change=self.set_brightness,
                        id="brightness_slider", desc="Brightness level"),
                TextView(f"{percent}%", id="brightness_percent", size=34, padding=42, color=(96, 96, 104)),
                Switch("Adaptive brightness", id="adaptive_switch", checked=s.adaptive_brightness,
                       on_change=self.set_adaptive, padding=42),
                Switch("Dark theme", id="dark_theme_switch", checked=s.dark_theme, on_change=self.set_dark,
                       padding=42),
                ListItem("Screen timeout", f"After {s.screen_timeout} of inactivity", on_click=self.timeout),
                id="recycler_view",
            ),
        )

    def set_brightness(self, value: int) -> None:
        self.branch("max" if value == BRIGHTNESS_MAX else ("min" if value == 0 else "mid"))
        self.state.brightness = value

    def set_adaptive(self, on: bool) -> None:
        self.state.adaptive_brightness = on

    def set_dark(self, on: bool) -> None:
        self.branch("on" if on else "off")
        self.state.dark_theme = on

    def timeout(self) -> None:
        options = [RadioButton(t, id=f"timeout_{i}", checked=t == self.state.screen_timeout,
                               on_change=self._pick(t)) for i, t in enumerate(TIMEOUTS)]
        self.show_dialog(AlertDialog("Screen timeout", content=options, buttons=[("Cancel", None)]))

    def _pick(self, timeout: str):  # noqa: ANN202 - a change handler
        def pick(_checked: bool) -> None:
            self.state.screen_timeout = timeout
            self.dismiss_dialog()
        pick.__qualname__ = "DisplayScreen.pick_timeout"
        return pick
