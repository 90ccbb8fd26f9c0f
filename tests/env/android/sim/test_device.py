"""SimDroid as a Device: XML that vera parses with bounds equal to the laid-out views, the launcher,
back stack, keyboard, dialogs, scrolling, coverage and the fault plan."""

from __future__ import annotations

import pytest

from vera.env.android.device import KEYCODE_BACK, KEYCODE_DEL, KEYCODE_ENTER, KEYCODE_HOME, Device
from vera.env.android.env import AndroidEnv
from vera.env.android.sim import layout as L
from vera.env.android.sim.apps.clock import ClockApp
from vera.env.android.sim.apps.settings import SettingsApp
from vera.env.android.sim.device import SimDroid
from vera.env.android.sim.faults import FaultPlan
from vera.env.android.sim.launcher import LAUNCHER_PACKAGE
from vera.env.android.sim.oracle import UI
from vera.env.android.sim.xml import emitted_children
from vera.env.android.uitree import parse_ui_xml
from vera.errors import DeviceError


class LiveUI(UI):
    """Re-reads the screen on every look, since these tests also drive the device directly."""

    @property
    def elements(self):  # type: ignore[override]
        self.env.reset()
        return self.env.ui_elements()


def make(*apps: type, **kw: object) -> tuple[SimDroid, AndroidEnv, UI]:
    device = SimDroid(list(apps) or [SettingsApp, ClockApp], **kw)  # type: ignore[arg-type]
    env = AndroidEnv(device)
    return device, env, LiveUI(env)


def center(ui: UI, text: str | None = None, **query: object) -> tuple[int, int]:
    box = ui.element(text, **query).bbox_pixels
    assert box is not None
    return int(box.center[0]), int(box.center[1])


def test_is_a_device_and_xml_matches_view_tree() -> None:
    device, env, ui = make()
    assert isinstance(device, Device)
    device.start_app("Settings")
    xml = device.ui_xml()
    every = parse_ui_xml(xml, element_filter="all")
    views = []
    for root, _ in device.frame().windows:
        stack = [root]
        while stack:  # document order over the emitted (compressed) hierarchy
            view = stack.pop()
            views.append(view)
            stack.extend(reversed(emitted_children(view)))
    # one decor node per window, then exactly the shown views, in document order, with their bounds
    assert len(every) == len(views) + 1
    for element, view in zip(every[1:], views, strict=True):
        box = element.bbox_pixels
        assert (box.x_min, box.y_min, box.x_max, box.y_max) == view.bounds
        assert element.class_name == view.class_name
        assert (element.text or "") == view.text
        assert 0 <= box.x_min <= box.x_max <= L.SCREEN_WIDTH and L.APP_TOP <= box.y_min <= box.y_max <= L.APP_BOTTOM
    assert ui.element(text="Network & internet").package_name == "com.android.settings"
    search = ui.element(desc="Search settings")
    assert search.is_clickable and search.class_name == "android.widget.ImageButton"
    assert any(e.is_scrollable for e in ui.elements)


def test_launcher_icons_open_apps_and_home_returns() -> None:
    device, env, ui = make()
    assert device.foreground() == LAUNCHER_PACKAGE
    env.execute_action(ui.click(desc="Clock"))
    assert device.foreground() == "com.google.android.deskclock"
    device.key(KEYCODE_HOME)
    assert device.foreground() == LAUNCHER_PACKAGE
    device.swipe(540, 1800, 540, 400)  # swipe up: the app drawer
    assert ui.has(text="Apps", id="drawer_title") and ui.has(desc="Settings")
    device.key(KEYCODE_BACK)
    assert not ui.has(id="drawer_title")


def test_back_stack_and_resume() -> None:
    device, env, ui = make()
    env.execute_action(ui.open_app("settings"))
    env.execute_action(ui.click(text="Display"))
    assert ui.has(text="Display", id="toolbar_title")
    env.execute_action(ui.back())
    assert ui.has(text="Settings", id="toolbar_title")
    env.execute_action(ui.click(text="Network & internet"))
    env.execute_action(ui.home())
    env.execute_action(ui.open_app("Settings"))  # resumes where it was
    assert ui.has(text="Network & internet", id="toolbar_title")
    env.execute_action(ui.back())
    env.execute_action(ui.back())
    assert device.foreground() == LAUNCHER_PACKAGE
    with pytest.raises(DeviceError, match="no app"):
        device.start_app("Nonexistent")


def test_nav_bar_buttons_are_keys() -> None:
    device, env, ui = make()
    device.start_app("Settings")
    device.tap(*center(ui, "Display"))
    device.tap(100, L.APP_BOTTOM + 60)  # back button
    assert ui.has(text="Settings", id="toolbar_title")
    device.tap(540, L.APP_BOTTOM + 60)  # home button
    assert device.foreground() == LAUNCHER_PACKAGE


def test_switch_tap_changes_state_and_checked_attribute() -> None:
    device, env, ui = make()
    device.start_app("Settings")
    env.execute_action(ui.click(text="Network & internet"))
    assert ui.element(text="Wi-Fi", cls="Switch").is_checked
    env.execute_action(ui.click(text="Wi-Fi", cls="Switch"))
    assert device.app("settings").state.wifi is False
    assert not ui.element(text="Wi-Fi", cls="Switch").is_checked
    assert "settings:NetworkScreen.set_wifi#off" in device.coverage()


def test_keyboard_focus_typing_delete_and_enter() -> None:
    device, env, ui = make()
    device.start_app("Clock")
    env.execute_action(ui.click(desc="Add alarm"))
    assert ui.has(text="Set alarm")
    before = device.frame().dialog_box
    device.tap(*center(ui, id="minute_input"))
    assert device.keyboard_up and ui.element(id="minute_input").is_focused
    assert device.frame().dialog_box != before  # the dialog moved above the keyboard
    device.input_text("42")
    assert ui.element(id="minute_input").text == "42"
    device.key(KEYCODE_DEL)
    assert ui.element(id="minute_input").text == "04"
    device.key(KEYCODE_ENTER)
    assert not device.keyboard_up
    device.tap(*center(ui, id="minute_input"))
    device.key(KEYCODE_BACK)  # BACK hides the keyboard first, the dialog stays
    assert not device.keyboard_up and ui.has(text="Set alarm")
    device.key(KEYCODE_BACK)  # then cancels the dialog
    assert not ui.has(text="Set alarm")
    assert device.app("clock").state.alarms == []


def test_dialog_tap_outside_cancels_and_buttons_run_after_dismiss() -> None:
    device, env, ui = make()
    device.start_app("Settings")
    env.execute_action(ui.click(text="Display"))
    env.execute_action(ui.click(text="Screen timeout"))
    assert ui.has(text="Screen timeout", id="alertTitle")
    assert all(e.package_name == "com.android.settings" for e in ui.elements)
    device.tap(540, L.APP_TOP + 20)  # outside the dialog
    assert not ui.has(id="alertTitle")
    env.execute_action(ui.click(text="Screen timeout"))
    env.execute_action(ui.click(text="5 minutes"))
    assert device.app("settings").state.screen_timeout == "5 minutes"
    assert not ui.has(id="alertTitle")


def test_swipe_scrolls_lists_and_clips_bounds() -> None:
    device, env, ui = make()
    device.start_app("Settings")
    assert not ui.has(text="About phone")
    first_top = ui.element(text="Network & internet").bbox_pixels.y_min
    env.execute_action(ui.scroll("down"))
    assert ui.has(text="About phone")
    assert not ui.has(text="Network & internet") or \
        ui.element(text="Network & internet").bbox_pixels.y_min < first_top
    recycler = ui.element(id="recycler_view").bbox_pixels
    for element in ui.elements:
        box = element.bbox_pixels
        if element.resource_id and element.resource_id.endswith(":id/title"):
            assert recycler.y_min <= box.y_min and box.y_max <= recycler.y_max
    env.execute_action(ui.scroll("up"))
    assert ui.has(text="Network & internet")


def test_seekbar_tap_sets_value_where_tapped() -> None:
    device, env, ui = make()
    device.start_app("Settings")
    env.execute_action(ui.click(text="Display"))
    box = ui.element(id="brightness_slider").bbox_pixels
    device.tap(int(box.x_max) - 1, int(box.center[1]))
    assert device.app("settings").state.brightness == 255
    device.tap(int(box.x_min), int(box.center[1]))
    assert device.app("settings").state.brightness == 0


def test_virtual_clock_drives_the_stopwatch() -> None:
    device, env, ui = make()
    device.start_app("Clock")
    env.execute_action(ui.click(id="tab_stopwatch"))
    env.execute_action(ui.click(desc="Start"))
    device.sleep(65)
    assert ui.element(id="stopwatch_time_text").text.startswith("01:0")
    env.execute_action(ui.click(desc="Pause"))
    frozen = ui.element(id="stopwatch_time_text").text
    device.sleep(30)
    assert ui.element(id="stopwatch_time_text").text == frozen
    assert device.now > device.start_time


def test_coverage_grows_with_new_handlers_only() -> None:
    device, env, ui = make()
    device.start_app("Settings")
    start = device.coverage()
    env.execute_action(ui.click(text="Display"))
    after_display = device.coverage()
    assert after_display > start
    assert "settings:SettingsHome.open:Display" in after_display
    env.execute_action(ui.back())
    env.execute_action(ui.click(text="Display"))
    seen = device.coverage()
    assert "settings:DisplayScreen.on_back" in seen
    env.execute_action(ui.back())
    env.execute_action(ui.click(text="Display"))
    assert device.coverage() == seen  # the same path again finds nothing new
    env.execute_action(ui.click(text="Dark theme", cls="Switch"))
    assert "settings:DisplayScreen.set_dark#on" in device.coverage()


def test_toast_is_shown_then_expires() -> None:
    device, env, ui = make()
    device.start_app("Settings")
    env.execute_action(ui.click(desc="Search settings"))
    assert ui.has(text="Search is not available")
    device.sleep(5)
    assert not ui.has(text="Search is not available")


def _fault_run(seed: int) -> tuple[list[tuple[int, str]], float]:
    plan = FaultPlan(seed=seed, latency_p=0.3, anr_p=0.1, timeout_p=0.2)
    device = SimDroid([SettingsApp], faults=plan)
    device.start_app("Settings")
    for i in range(30):
        try:
            device.ui_xml()
        except DeviceError:
            pass
        device.tap(540, 300 + 10 * i)
        device.key(KEYCODE_BACK)
    return list(plan.log), device.clock_s


def test_fault_plan_is_reproducible_by_seed() -> None:
    first, second, other = _fault_run(7), _fault_run(7), _fault_run(8)
    assert first == second
    assert first != other
    kinds = {kind for _, kind in first[0]}
    assert {"latency", "timeout"} <= kinds


def test_anr_dialog_blocks_until_wait_or_close() -> None:
    device, env, ui = make(SettingsApp, faults=FaultPlan(anr_at=(1,)))
    device.start_app("Settings")  # event 0
    device.tap(*center(ui, "Display"))  # event 1: the app stops responding
    assert ui.has(text="Settings isn't responding")
    assert ui.elements[0].package_name == "android"
    env.execute_action(ui.click(text="Wait"))
    assert not ui.has(text="Settings isn't responding")
    device.faults = FaultPlan(anr_at=(0,))
    device.tap(*center(ui, "Display"))
    env.execute_action(ui.click(text="Close app"))
    assert device.foreground() == LAUNCHER_PACKAGE


def test_ui_dump_timeout_raises_once() -> None:
    device = SimDroid([SettingsApp], faults=FaultPlan(timeout_at=(1,)))
    device.ui_xml()
    with pytest.raises(DeviceError, match="timed out"):
        device.ui_xml()
    assert "<hierarchy" in device.ui_xml()


def test_off_screen_touch_is_a_device_error() -> None:
    device, _, _ = make()
    with pytest.raises(DeviceError, match="off the"):
        device.tap(2000, 10)


def test_soft_keyboard_keys_type_delete_and_submit() -> None:
    device, env, ui = make()
    device.start_app("Clock")
    env.execute_action(ui.click(desc="Add alarm"))
    device.tap(*center(ui, id="minute_input"))
    keys = dict(L.keyboard_keys())
    for ch in ("4", "2"):
        x1, y1, x2, y2 = keys[ch]
        device.tap((x1 + x2) // 2, (y1 + y2) // 2)  # a picker field: the first key replaces the value
    assert ui.element(id="minute_input").text == "42"
    x1, y1, x2, y2 = keys[L.ENTER]
    device.tap((x1 + x2) // 2, (y1 + y2) // 2)
    assert not device.keyboard_up
    env.execute_action(ui.click(text="OK"))
    env.execute_action(ui.click(text="8:42 AM", id="digital_clock"))
    device.tap(*center(ui, id="edit_label"))
    for ch in "gym":
        x1, y1, x2, y2 = keys[ch]
        device.tap((x1 + x2) // 2, (y1 + y2) // 2)
    x1, y1, x2, y2 = keys[L.BACKSPACE]
    device.tap((x1 + x2) // 2, (y1 + y2) // 2)
    assert ui.element(id="edit_label").text == "gy"
    assert all(box[3] <= L.APP_BOTTOM and box[1] >= L.KEYBOARD_TOP for _, box in L.keyboard_keys())
