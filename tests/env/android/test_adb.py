"""AdbDevice over a real adb-protocol TCP server (vera's, serving a small fake phone).

The fake phone isolates the adb layer: what AdbDevice sends, how the served shell reads it, what lands
on the device. SimDroid end to end over adb (and the stock adb client) is in test_adb_server.py.
"""

from __future__ import annotations

import shlex
import string
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vera.env.android.adb import (
    AdbDevice,
    decode_input_text,
    input_text_arguments,
    is_plain_ascii,
    parse_foreground,
)
from vera.env.android.adb_server import AdbServer, ServedDevice, UnsafeShell, parse_shell
from vera.env.android.device import Device
from vera.errors import ActionError, DeviceError

sys.path.insert(0, str(Path(__file__).parent))
from fake_phone import FakePhone  # noqa: E402

INJECTION = "'; rm -rf / $(reboot) `id` \"q\" %s 50% ünïcödé"
PRINTABLE = st.text(alphabet=string.printable.replace("\r", "").replace("\x0b", "").replace("\x0c", ""),
                    max_size=60)


@pytest.fixture()
def server():
    phones = [ServedDevice("emulator-5554", FakePhone("emulator-5554")),
              ServedDevice("emulator-5556", FakePhone("emulator-5556"), adb_keyboard=False)]
    with AdbServer(phones) as running:
        yield running


def _device(server: AdbServer, serial: str = "emulator-5554", **options) -> AdbDevice:
    options.setdefault("reconnect_delay_s", 0.01)
    return AdbDevice(serial, port=server.port, **options)


# --- pure helpers (property tests) -------------------------------------------------------------------
@given(st.text(alphabet=string.printable[:95].replace("\t", "").replace("\n", ""), max_size=80))
def test_input_text_arguments_type_the_line_verbatim(line: str) -> None:
    arguments = input_text_arguments(line, chunk=16)
    assert "".join(decode_input_text(a) for a in arguments) == line
    assert all(" " not in a for a in arguments)
    assert all(len(a) <= 17 for a in arguments)


@given(st.text(max_size=80))
@settings(max_examples=200)
def test_any_quoted_text_parses_back_verbatim_and_never_expands(text: str) -> None:
    if "\x00" in text:
        return
    commands = parse_shell("input text " + shlex.quote(text) + "; echo X:$?")
    assert commands[0] == ("", ["input", "text", text])
    assert commands[1] == (";", ["echo", "X:$?"])


@pytest.mark.parametrize("line", ["echo $(id)", "echo `id`", "echo $HOME", 'echo "$(reboot)"', "ls | sh",
                                  "echo hi > /sdcard/x", "sleep 1 &", "(id)", "echo 'open"])
def test_shell_refuses_expansion_redirection_and_jobs(line: str) -> None:
    with pytest.raises(UnsafeShell):
        parse_shell(line)


def test_shell_tokenizes_like_sh() -> None:
    assert parse_shell("a 'b c' \"d\\\"e\" f\\ g && h || i") == [
        ("", ["a", "b c", 'd"e', "f g"]), ("&&", ["h"]), ("||", ["i"])]
    assert is_plain_ascii("a b\n\t~") and not is_plain_ascii("é")


# --- AdbDevice against the served fake phone ---------------------------------------------------------
def test_device_protocol_round_trip(server: AdbServer) -> None:
    device = _device(server)
    phone = server.devices["emulator-5554"].device
    assert isinstance(device, Device)
    assert device.serial == "emulator-5554"
    assert device.size() == (1080, 2400)
    assert device.foreground() == "com.google.android.apps.nexuslauncher"
    device.tap(5, 6)
    device.long_press(7, 8, duration_ms=900)
    device.swipe(1, 2, 3, 4, duration_ms=250)
    device.key("KEYCODE_BACK")
    assert phone.calls[-4:] == [("tap", 5, 6), ("long_press", 7, 8, 900), ("swipe", 1, 2, 3, 4, 250),
                                ("key", "KEYCODE_BACK")]
    shot = device.screenshot()
    assert shot.shape == (2400, 1080, 3) and tuple(shot[15, 15]) == (0, 255, 0) and shot[0, 0, 0] == 200
    assert "<hierarchy" in device.ui_xml()


def test_start_app_by_alias_and_package(server: AdbServer) -> None:
    device = _device(server)
    phone = server.devices["emulator-5554"].device
    device.start_app("Markor")  # AndroidWorld alias -> am start -n net.gsantner.markor/...
    assert device.foreground() == "net.gsantner.markor"
    device.start_app("com.android.settings")
    assert device.foreground() == "com.android.settings"
    with pytest.raises(DeviceError, match="emulator-5554.*monkey -p com.example.none"):
        device.start_app("com.example.none")
    with pytest.raises(ActionError, match="unknown app"):
        device.start_app("No Such App")
    assert ("start", "net.gsantner.markor") in phone.calls


def test_text_lands_verbatim_and_nothing_is_executed(server: AdbServer) -> None:
    device = _device(server)
    served = server.devices["emulator-5554"]
    ascii_part = "'; rm -rf / $(reboot) `id` \"q\" %s 50% \\ ;&|<> $HOME\nline2\tx"
    device.input_text(ascii_part)
    assert served.device.field == ascii_part
    assert served.unsafe == []
    device.input_text(" ünïcödé")  # non-ASCII: through the emulated ADBKeyBoard broadcast
    assert served.device.field == ascii_part + " ünïcödé"
    # vera switched to ADBKeyBoard for the broadcast and restored the previous keyboard.
    assert served.settings["secure/default_input_method"].endswith("LatinIME")
    assert any("ADB_INPUT_B64" in c for c in served.commands)
    assert served.unsafe == []


def test_non_ascii_without_adb_keyboard_says_how_to_install(server: AdbServer) -> None:
    device = _device(server, "emulator-5556")
    with pytest.raises(DeviceError, match="emulator-5556.*install ADBKeyBoard.*ime enable"):
        device.input_text("ünï")
    assert server.devices["emulator-5556"].device.field == ""


def test_dump_is_retried_while_ui_is_busy(server: AdbServer) -> None:
    naps: list[float] = []
    device = _device(server, sleep=naps.append)
    phone = server.devices["emulator-5554"].device
    phone.dump_failures = 2
    assert "<hierarchy" in device.ui_xml()
    assert len(naps) == 2
    phone.dump_failures = 10
    with pytest.raises(DeviceError, match="emulator-5554.*uiautomator dump.*could not get idle state"):
        device.ui_xml()


def test_null_root_dumps_are_retried_too(server: AdbServer) -> None:
    device = _device(server, sleep=lambda s: None)
    phone = server.devices["emulator-5554"].device
    phone.dump_error = "ERROR: null root node returned by UiTestAutomationBridge."
    phone.dump_failures = 3
    assert "<hierarchy" in device.ui_xml()
    assert phone.dump_failures == 0


@pytest.mark.parametrize("output, package", [
    ("  mCurrentFocus=Window{9e1b2c3 u0 com.android.settings/com.android.settings.Settings}\n"
     "  mFocusedApp=ActivityRecord{5f u0 com.android.settings/.Settings t12}", "com.android.settings"),
    ("  mCurrentFocus=null\n  mFocusedApp=ActivityRecord{8c1d u0 net.gsantner.markor/.activity.MainActivity t9}",
     "net.gsantner.markor"),
    ("  mCurrentFocus=Window{1a u0 NotificationShade}\n"
     "  mFocusedApp=ActivityRecord{2b u0 org.tasks/com.todoroo.astrid.activity.MainActivity t3}", "org.tasks"),
    ("    ResumedActivity: ActivityRecord{7 u0 com.google.android.apps.nexuslauncher/.NexusLauncherActivity t1}",
     "com.google.android.apps.nexuslauncher"),
    ("  mCurrentFocus=null\n  mFocusedApp=null", None),
])
def test_foreground_from_real_dumpsys_shapes(output: str, package: str | None) -> None:
    assert parse_foreground(output) == package


def test_wait_until_stable_is_bounded(server: AdbServer) -> None:
    device = _device(server, sleep=lambda s: None)
    xml, stable = device.wait_until_stable(checks=3)
    assert stable and "<hierarchy" in xml
    phone = server.devices["emulator-5554"].device
    original = phone.ui_xml
    counter = iter(range(10_000))
    phone.ui_xml = lambda: original().replace("<hierarchy", f"<hierarchy n='{next(counter)}'")
    _, stable = device.wait_until_stable(checks=3, interval_s=0.0, timeout_s=0.3)
    assert not stable


def test_device_selection(server: AdbServer) -> None:
    with pytest.raises(DeviceError, match="2 devices.*--serial"):
        AdbDevice(port=server.port)
    server.set_online("emulator-5556", False)
    assert AdbDevice(port=server.port).serial == "emulator-5554"
    with pytest.raises(DeviceError, match="cannot reach the adb server"):
        AdbDevice(port=1)


def test_disconnect_is_retried_a_bounded_number_of_times(server: AdbServer) -> None:
    device = _device(server, reconnect_attempts=2)
    server.set_online("emulator-5554", False)
    with pytest.raises(DeviceError) as failure:
        device.tap(1, 2)
    message = str(failure.value)
    assert "emulator-5554" in message and "input tap 1 2" in message and "3 attempt(s)" in message
    # Back within the reconnect window: the command goes through.
    server.disconnect_for("emulator-5554", 0.15)
    device = _device(server, reconnect_attempts=5, reconnect_delay_s=0.05)
    device.tap(3, 4)
    assert server.devices["emulator-5554"].device.calls[-1] == ("tap", 3, 4)


def test_failing_command_names_device_and_command(server: AdbServer) -> None:
    device = _device(server)
    with pytest.raises(DeviceError, match=r"emulator-5554: command 'frobnicate --now' exited with 127"):
        device.shell("frobnicate", "--now")
    with pytest.raises(DeviceError, match="KEYCODE"):
        device.key("HOME; reboot")


def test_concurrent_clients_on_two_devices(server: AdbServer) -> None:
    errors: list[BaseException] = []

    def drive(serial: str) -> None:
        try:
            device = _device(server, serial)
            for i in range(20):
                device.tap(i, i)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=drive, args=(s,)) for s in ("emulator-5554", "emulator-5556")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    for serial in ("emulator-5554", "emulator-5556"):
        taps = [c for c in server.devices[serial].device.calls if c[0] == "tap"]
        assert taps == [("tap", i, i) for i in range(20)]
