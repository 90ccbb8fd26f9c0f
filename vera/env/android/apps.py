"""App names -> Android packages and launcher activities, with AndroidWorld's alias patterns.

AndroidWorld's ``open_app`` resolves the name a model writes (``"Simple Calendar"``, ``"recipe app"``)
through a table of case-insensitive regular-expression patterns (``adb_utils._PATTERN_TO_ACTIVITY``),
matched with ``re.match`` against the lower-cased name, first pattern wins. `resolve_app` does the same
over `APPS`, so an agent's ``open_app`` means the same app on vera's adb and Appium backends as on
AndroidWorld; when no pattern matches, the launcher label (the name under the icon, e.g. "SMS
Messenger") is tried, so an agent can also open what it reads on the home screen. Every backend
imports this one table; add an app here and all of them know it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vera.errors import ActionError

_PACKAGE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$")


@dataclass(frozen=True)
class AppEntry:
    """One app: the alias pattern AndroidWorld uses, its package and the activity `am start` opens."""

    pattern: str
    package: str
    activity: str
    launcher_label: str = ""  # the name under the icon, when AndroidWorld's aliases do not include it

    @property
    def label(self) -> str:
        """The first alias, used as the app's display name."""
        return self.pattern.split("|")[0]

    @property
    def component(self) -> str:
        """``package/activity`` as `am start -n` takes it."""
        return f"{self.package}/{self.activity}"

    def matches(self, name: str) -> bool:
        return re.match(self.pattern, name.strip().lower()) is not None


def _app(pattern: str, component: str, launcher_label: str = "") -> AppEntry:
    package, activity = component.split("/", 1)
    return AppEntry(pattern, package, activity, launcher_label)


# Order matters: the first matching pattern wins, as in AndroidWorld.
APPS: tuple[AppEntry, ...] = (
    _app("google chrome|chrome", "com.android.chrome/com.google.android.apps.chrome.Main"),
    _app("settings|system settings", "com.android.settings/.Settings"),
    _app("camera", "com.android.camera2/com.android.camera.CameraLauncher"),
    _app("audio recorder",
         "com.dimowner.audiorecorder/com.dimowner.audiorecorder.app.welcome.WelcomeActivity"),
    _app("clock", "com.google.android.deskclock/com.android.deskclock.DeskClock"),
    _app("contacts", "com.google.android.contacts/com.android.contacts.activities.PeopleActivity"),
    _app("files", "com.google.android.documentsui/com.android.documentsui.files.FilesActivity", "Files"),
    _app("markor", "net.gsantner.markor/net.gsantner.markor.activity.MainActivity"),
    _app("clipper", "ca.zgrs.clipper/ca.zgrs.clipper.Main"),
    _app("messages",
         "com.google.android.apps.messaging/com.google.android.apps.messaging.ui.ConversationListActivity"),
    _app("simple sms messenger|simple sms",
         "com.simplemobiletools.smsmessenger/com.simplemobiletools.smsmessenger.activities.MainActivity", "SMS Messenger"),
    _app("dialer|phone",
         "com.google.android.dialer/com.google.android.dialer.extensions.GoogleDialtactsActivity"),
    _app("simple calendar pro|simple calendar",
         "com.simplemobiletools.calendar.pro/com.simplemobiletools.calendar.pro.activities.MainActivity"),
    _app("simple gallery pro|simple gallery",
         "com.simplemobiletools.gallery.pro/com.simplemobiletools.gallery.pro.activities.MainActivity", "Gallery"),
    _app("simple draw pro",
         "com.simplemobiletools.draw.pro/com.simplemobiletools.draw.pro.activities.MainActivity"),
    _app("pro expense|pro expense app", "com.arduia.expense/com.arduia.expense.ui.MainActivity"),
    _app("broccoli|broccoli app|broccoli recipe app|recipe app",
         "com.flauschcode.broccoli/com.flauschcode.broccoli.MainActivity"),
    _app("osmand", "net.osmand/net.osmand.plus.activities.MapActivity"),
    _app("tasks|tasks app|tasks.org:", "org.tasks/com.todoroo.astrid.activity.MainActivity"),
    _app("open tracks sports tracker|activity tracker|open tracks|opentracks",
         "de.dennisguse.opentracks/de.dennisguse.opentracks.TrackListActivity", "OpenTracks"),
    _app("joplin|joplin app", "net.cozic.joplin/.MainActivity"),
    _app("vlc|vlc app|vlc player", "org.videolan.vlc/.gui.MainActivity"),
    _app("retro music|retro|retro player", "code.name.monkey.retromusic/.activities.MainActivity", "Retro Music"),
    _app("google maps|gmaps|maps|google map",
         "com.google.android.apps.maps/com.google.android.maps.MapsActivity"),
    _app("youtube|yt", "com.google.android.youtube/com.google.android.apps.youtube.app.WatchWhileActivity"),
    _app("gmail|gemail|google mail|google email|google mail client",
         "com.google.android.gm/.ConversationListActivityGmail"),
    _app("google play|play store|gps", "com.android.vending/com.google.android.finsky.activities.MainActivity"),
)


def looks_like_package(name: str) -> bool:
    """True for dotted Java package names such as ``net.gsantner.markor``."""
    return bool(_PACKAGE.match(name.strip()))


def find_app(name: str) -> AppEntry | None:
    """The entry an app name or package refers to, or None."""
    cleaned = name.strip()
    for entry in APPS:
        if entry.package == cleaned:
            return entry
    for entry in APPS:
        if entry.matches(cleaned):
            return entry
    for entry in APPS:
        if entry.launcher_label and entry.launcher_label.lower() == cleaned.lower():
            return entry
    return None


def resolve_app(name: str) -> AppEntry:
    """The entry for an app name (AndroidWorld's aliases) or package; `ActionError` when unknown."""
    if not isinstance(name, str) or not name.strip():
        raise ActionError("open_app needs an app name, e.g. 'Contacts' or 'net.gsantner.markor'")
    entry = find_app(name)
    if entry is None:
        known = ", ".join(sorted(e.label for e in APPS))
        raise ActionError(
            f"unknown app {name!r}: give a package name (e.g. com.android.settings) or one of: {known}"
        )
    return entry


def label_for_package(package: str) -> str | None:
    """The display name of a known package, or None."""
    for entry in APPS:
        if entry.package == package:
            return entry.label
    return None
