"""Screenshots draw the same tree the dump reports: pixels where the bounds say."""

from __future__ import annotations

import numpy as np

from vera.env.android.env import AndroidEnv
from vera.env.android.sim import layout as L
from vera.env.android.sim.apps.clock import ClockApp
from vera.env.android.sim.apps.settings import SettingsApp
from vera.env.android.sim.device import SimDroid
from vera.env.android.sim.oracle import UI
from vera.env.android.sim.render import PRIMARY, SURFACE


def _setup() -> tuple[SimDroid, AndroidEnv, UI]:
    device = SimDroid([SettingsApp, ClockApp])
    env = AndroidEnv(device)
    return device, env, UI(env)


def _close(pixel: np.ndarray, color: tuple[int, int, int], tol: int = 12) -> bool:
    return bool(np.all(np.abs(pixel.astype(int) - np.array(color)) <= tol))


def test_shape_and_type() -> None:
    device, _, _ = _setup()
    shot = device.screenshot()
    assert shot.shape == (L.SCREEN_HEIGHT, L.SCREEN_WIDTH, 3) and shot.dtype == np.uint8


def test_switch_track_is_drawn_inside_its_bounds_and_follows_state() -> None:
    device, env, ui = _setup()
    env.execute_action(ui.open_app("Settings"))
    env.execute_action(ui.click(text="Network & internet"))
    box = ui.element(text="Wi-Fi", cls="Switch").bbox_pixels
    shot = device.screenshot()
    cy = int(box.center[1])
    # wifi is on: the track at the right end of the switch is the primary colour
    assert _close(shot[cy, int(box.x_max) - 160], PRIMARY)
    assert _close(shot[int(box.y_min) + 2, int(box.x_min) + 2], SURFACE)  # no ink at the corner
    env.execute_action(ui.click(text="Wi-Fi", cls="Switch"))
    off = device.screenshot()
    assert not _close(off[cy, int(box.x_max) - 160], PRIMARY)


def test_fab_and_button_pixels_are_where_the_bounds_say() -> None:
    device, env, ui = _setup()
    env.execute_action(ui.open_app("Clock"))
    env.execute_action(ui.click(id="tab_timer"))
    env.execute_action(ui.click(id="timer_setup_digit_5"))
    start = ui.element(desc="Start").bbox_pixels
    shot = device.screenshot()
    cx, cy = int(start.center[0]), int(start.center[1])
    region = shot[int(start.y_min):int(start.y_max), int(start.x_min):int(start.x_max)]
    assert (np.abs(region.astype(int) - np.array(SURFACE)).sum(axis=2) > 60).mean() > 0.05  # the icon is drawn
    outside = shot[int(start.y_min) - 5, cx]
    assert _close(outside, SURFACE)
    assert device.screenshot() is shot  # cached until something changes
    assert cy < L.APP_BOTTOM


def test_keyboard_and_dialog_dimming_are_drawn() -> None:
    device, env, ui = _setup()
    env.execute_action(ui.open_app("Clock"))
    env.execute_action(ui.click(desc="Add alarm"))
    dialog = device.frame().dialog_box
    assert dialog is not None
    shot = device.screenshot()
    assert shot[dialog[1] + 60, dialog[0] + 60].mean() > 200  # the dialog is light
    assert shot[L.APP_TOP + 10, 5].mean() < 120  # the screen under it is dimmed
    box = ui.element(id="hour_input").bbox_pixels
    device.tap(int(box.center[0]), int(box.center[1]))
    keyboard = device.screenshot()[L.KEYBOARD_TOP + 10: L.APP_BOTTOM - 10]
    assert _close(keyboard[5, 5], (232, 234, 237))


def test_dark_theme_and_status_icons_follow_settings_state() -> None:
    device, env, ui = _setup()
    env.execute_action(ui.open_app("Settings"))
    env.execute_action(ui.click(text="Display"))
    light = device.screenshot()
    assert light[1500, 540].mean() > 230
    env.execute_action(ui.click(text="Dark theme", cls="Switch"))
    dark = device.screenshot()
    assert dark[1500, 540].mean() < 30  # the empty app area is now dark
    switch = ui.element(text="Dark theme", cls="Switch").bbox_pixels
    track = dark[int(switch.center[1]), int(switch.x_max) - 160].astype(int)
    assert track[2] > track[1] + 40  # the accent keeps its purple hue
    # Wi-Fi is on by default: its fan is drawn left of the signal bars; turning Wi-Fi off removes it
    fan = (45, L.SCREEN_WIDTH - 230)
    assert dark[fan].mean() > 150
    device.app("settings").state.wifi = False
    assert device.screenshot()[fan].mean() < 60


def test_every_text_element_has_ink_inside_its_bounds() -> None:
    device, env, ui = _setup()
    env.execute_action(ui.open_app("Settings"))
    device.swipe(540, 1500, 540, 1440)  # rows cut by the viewport at both ends
    env.execute_action(ui.wait())
    shot = device.screenshot().astype(int)
    checked = 0
    for element in ui.elements:
        box = element.bbox_pixels
        if not element.text or box.height < 40:
            continue
        region = shot[int(box.y_min):int(box.y_max), int(box.x_min):int(box.x_max)]
        ink = (np.abs(region - np.array(SURFACE)).sum(axis=2) > 150).mean()
        assert ink > 0.002, (element.text, box)
        checked += 1
    assert checked >= 10
