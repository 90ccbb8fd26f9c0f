"""The app table resolves AndroidWorld's open_app names the way AndroidWorld does."""

from __future__ import annotations

import pytest

from vera.env.android.apps import APPS, find_app, label_for_package, looks_like_package, resolve_app
from vera.errors import ActionError


@pytest.mark.parametrize("name, package", [
    ("Simple Calendar", "com.simplemobiletools.calendar.pro"),
    ("simple calendar pro", "com.simplemobiletools.calendar.pro"),
    ("recipe app", "com.flauschcode.broccoli"),
    ("Broccoli", "com.flauschcode.broccoli"),
    ("pro expense", "com.arduia.expense"),
    ("Retro", "code.name.monkey.retromusic"),
    ("OpenTracks", "de.dennisguse.opentracks"),
    ("Settings", "com.android.settings"),
    ("  Markor ", "net.gsantner.markor"),
    ("net.gsantner.markor", "net.gsantner.markor"),
    ("SMS Messenger", "com.simplemobiletools.smsmessenger"),  # launcher label, not an AndroidWorld alias
])
def test_aliases_resolve_like_androidworld(name: str, package: str) -> None:
    assert resolve_app(name).package == package


def test_first_pattern_wins_and_match_is_a_prefix_match() -> None:
    # AndroidWorld uses re.match: "chrome browser" starts with "chrome".
    assert resolve_app("chrome browser").package == "com.android.chrome"
    # "contacts" is matched before anything later in the table could claim it.
    assert resolve_app("contacts").label == "contacts"


def test_unknown_app_names_the_known_ones() -> None:
    with pytest.raises(ActionError, match="unknown app 'Frobnicator'.*markor"):
        resolve_app("Frobnicator")
    with pytest.raises(ActionError):
        resolve_app("   ")
    assert find_app("Frobnicator") is None


def test_components_and_labels() -> None:
    markor = resolve_app("markor")
    assert markor.component == "net.gsantner.markor/net.gsantner.markor.activity.MainActivity"
    assert label_for_package("com.arduia.expense") == "pro expense"
    assert label_for_package("org.example") is None
    assert looks_like_package("com.android.settings") and not looks_like_package("Simple Calendar")
    packages = [entry.package for entry in APPS]
    assert len(packages) == len(set(packages))


def test_every_simdroid_app_resolves_to_its_own_package() -> None:
    """SimDroid's apps and this table agree, so open_app means the same app natively and over adb."""
    from vera.env.android.sim.device import SimDroid

    device = SimDroid()
    for app in device.apps.values():
        for name in (app.label, app.name, app.package):
            assert resolve_app(name).package == app.package, (name, app.package)
