"""The launcher: a home screen (clock, the first apps and a dock) and an app drawer with every app.

Swipe up on the home screen (or tap "All apps") to open the drawer; BACK or HOME returns. Icons are
TextViews whose text and content description are the app's label, as on the Pixel launcher.
"""

from __future__ import annotations

from typing import Any

from vera.env.android.sim import layout as L
from vera.env.android.sim.app import App, Screen
from vera.env.android.sim.toolkit.views import (
    Column,
    ImageButton,
    RecyclerView,
    Spacer,
    TextView,
    View,
    grid_rows,
)

LAUNCHER_PACKAGE = "com.google.android.apps.nexuslauncher"
HOME_APPS = 8  # icons on the home screen (two rows of four); the rest are in the drawer


class AppIcon(TextView):
    """A launcher icon: a coloured circle with the app's glyph above its label."""

    class_name = "android.widget.TextView"
    clickable_by_default = True
    __slots__ = ("glyph", "icon_color")

    def __init__(self, app: App, on_click: Any) -> None:
        super().__init__(app.label, desc=app.label, id="icon", on_click=on_click, height=300, max_lines=1,
                         align="center", size=L.SMALL_TEXT_SIZE)
        self.glyph = app.glyph
        self.icon_color = app.color


class LauncherApp(App):
    name = "launcher"
    label = "Pixel Launcher"
    package = LAUNCHER_PACKAGE
    in_launcher = False

    def main_screen(self) -> Screen:
        return HomeScreen(self)

    def launchable(self) -> list[App]:
        assert self.device is not None
        return sorted((a for a in self.device.apps.values() if a.in_launcher), key=lambda a: a.label.lower())


class HomeScreen(Screen):
    def build(self) -> View:
        device = self.device
        apps = self.app.launchable()  # type: ignore[attr-defined]
        icons = [AppIcon(a, self._opener(a)) for a in apps[:HOME_APPS]]
        now = device.now
        return Column(
            TextView(now.strftime("%H:%M"), id="clock", size=150, align="center", height=230,
                     color=(255, 255, 255)),
            TextView(now.strftime("%A, %b %-d"), id="date", align="center", color=(255, 255, 255)),
            Spacer(weight=1.0),
            *grid_rows(icons, 4),
            ImageButton("⌃", desc="All apps", id="all_apps", on_click=self.open_drawer, width=None, height=100,
                        color=(255, 255, 255)),
            Spacer(height=40),
            id="workspace",
        )

    def _opener(self, app: App) -> Any:
        def open_app() -> None:
            self.device.open_app(app)
        open_app.__qualname__ = f"HomeScreen.open:{app.name}"
        return open_app

    def open_drawer(self) -> None:
        self.push(DrawerScreen(self.app))

    def on_swipe(self, dx: int, dy: int) -> bool:
        if dy < -300:
            self.branch("swipe_up")
            self.open_drawer()
            return True
        return False


class DrawerScreen(Screen):
    def build(self) -> View:
        apps = self.app.launchable()  # type: ignore[attr-defined]
        icons = [AppIcon(a, self._opener(a)) for a in apps]
        return Column(
            TextView("Apps", id="drawer_title", size=L.TITLE_SIZE, align="center", height=200,
                     color=(255, 255, 255)),
            RecyclerView(*grid_rows(icons, 4), id="apps_list_view"),
        )

    def _opener(self, app: App) -> Any:
        def open_app() -> None:
            self.device.open_app(app)
        open_app.__qualname__ = f"DrawerScreen.open:{app.name}"
        return open_app

    def on_swipe(self, dx: int, dy: int) -> bool:
        if dy > 300:
            self.finish()
            return True
        return False
