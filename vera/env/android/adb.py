"""`AdbDevice`: a real phone or emulator through an adb server (over adbutils).

Everything goes through the adb server's protocol, the way the ``adb`` client does: ``shell`` commands
(``input``, ``uiautomator dump``, ``am``, ``dumpsys``, ``wm``), ``exec:screencap -p`` for PNG screenshots and
the sync service to pull the UI dump. It works the same against Google's adb server (real devices,
emulators) and against vera's own (`vera sim adb`, SimDroid served over the protocol).

Text input is safe by construction: every argument is quoted with `shlex.quote`, so quotes, ``;``,
``$(...)``, backticks and ``%`` reach ``input text`` verbatim and nothing is ever executed. ``input text``
turns ``%s`` into a space, so spaces are sent as ``%s`` and a literal ``%`` followed by ``s`` is split
across two commands; newlines are sent as ENTER and tabs as TAB. Text outside printable ASCII goes
through the ADBKeyBoard IME (base64 broadcast) when it is installed, else a `DeviceError` explains how to
install it.

Every failure is a `vera.errors.DeviceError` naming the device serial and the command. A lost connection
is retried a bounded number of times (``reconnect_attempts``, default 3 or $VERA_ADB_RECONNECT_ATTEMPTS,
waiting ``reconnect_delay_s`` x attempt between tries, default 0.5 s or $VERA_ADB_RECONNECT_DELAY). After
that the device counts as lost: every later command fails at once (so an episode on a dead device ends in
seconds and is recorded as an error) until `AdbDevice.wait_until_online` sees it again.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shlex
import socket
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np
from adbutils import AdbClient, AdbError, AdbTimeout
from adbutils import AdbDevice as AdbHandle  # adbutils' per-device handle
from PIL import Image

from vera.env.android.apps import find_app, looks_like_package
from vera.env.android.device import KEYCODE_ENTER
from vera.errors import DeviceError

T = TypeVar("T")

ADB_KEYBOARD_IME = "com.android.adbkeyboard/.AdbIME"
ADB_KEYBOARD_INSTALL = (
    "install ADBKeyBoard (https://github.com/senzhk/ADBKeyBoard: `adb -s {serial} install ADBKeyboard.apk`, "
    "then `adb -s {serial} shell ime enable " + ADB_KEYBOARD_IME + "`); vera switches to it for "
    "non-ASCII text and back afterwards"
)
DEFAULT_DUMP_PATH = "/sdcard/window_dump.xml"
_KEYCODE = re.compile(r"^(KEYCODE_[A-Z0-9_]+|\d+)$")
_TRANSIENT_DUMP_ERRORS = ("could not get idle state", "null root node", "killed", "ERROR:")
_FOCUS_PATTERNS = (
    re.compile(r"mCurrentFocus=Window\{[^}]*?\s([A-Za-z0-9_.]+)/[^\s}]*\}"),
    re.compile(r"mFocusedApp=.*?\s([A-Za-z0-9_.]+)/[^\s}]*"),
    re.compile(r"(?:mResumedActivity|ResumedActivity):.*?\s([A-Za-z0-9_.]+)/[^\s}]*"),
)
_TEXT_CHUNK = 200  # characters per `input text` call; long strings overflow some devices' buffers
_CONNECTION_ERRORS = (AdbError, AdbTimeout, OSError, EOFError, socket.timeout)


class _Client(AdbClient):
    """adbutils' client, asking the server's version once instead of before every transport."""

    _version: int | None = None

    def server_version(self) -> int:
        if self._version is None:
            self._version = int(super().server_version())
        return self._version


def is_plain_ascii(text: str) -> bool:
    """True when `input text` can type every character (printable ASCII, newline, tab)."""
    return all(32 <= ord(ch) < 127 or ch in "\n\t" for ch in text)


def input_text_arguments(line: str, chunk: int = _TEXT_CHUNK) -> list[str]:
    """Arguments for successive ``input text`` calls that type `line` (printable ASCII, no newline) verbatim.

    ``input text`` replaces ``%s`` by a space, so a space is encoded as ``%s``; a literal ``%`` directly
    followed by ``s`` would be read as a space, so the two go to separate calls.
    """
    pieces: list[str] = []
    current = ""
    for ch in line:
        encoded = "%s" if ch == " " else ch
        if current and (len(current) + len(encoded) > chunk or (ch == "s" and current.endswith("%"))):
            pieces.append(current)
            current = ""
        current += encoded
    if current:
        pieces.append(current)
    return pieces


def decode_input_text(argument: str) -> str:
    """What Android's ``input text`` types for one argument (AOSP: ``%s`` -> space, nothing else)."""
    out: list[str] = []
    escape = False
    for ch in argument:
        if escape and ch == "s":
            out[-1] = " "
            escape = False
            continue
        escape = ch == "%"
        out.append(ch)
    return "".join(out)


def parse_foreground(dumpsys: str) -> str | None:
    """The focused app's package in `dumpsys window` (or `dumpsys activity activities`) output, or None."""
    for pattern in _FOCUS_PATTERNS:
        match = pattern.search(dumpsys)
        if match:
            return match.group(1)
    return None


class AdbDevice:
    """One Android device behind an adb server, implementing `vera.env.android.device.Device`."""

    def __init__(
        self,
        serial: str | None = None,
        *,
        host: str | None = None,
        port: int | None = None,
        reconnect_attempts: int | None = None,
        reconnect_delay_s: float | None = None,
        command_timeout_s: float = 30.0,
        dump_retries: int = 5,
        dump_path: str = DEFAULT_DUMP_PATH,
        restore_ime: bool = True,
        defer_selection: bool = False,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.host = host or os.environ.get("ANDROID_ADB_SERVER_HOST", "127.0.0.1")
        self.port = int(port or os.environ.get("ANDROID_ADB_SERVER_PORT", 5037))
        if reconnect_attempts is None:
            reconnect_attempts = int(os.environ.get("VERA_ADB_RECONNECT_ATTEMPTS", 3))
        if reconnect_delay_s is None:
            reconnect_delay_s = float(os.environ.get("VERA_ADB_RECONNECT_DELAY", 0.5))
        self.reconnect_attempts = reconnect_attempts
        self.reconnect_delay_s = reconnect_delay_s
        self.command_timeout_s = command_timeout_s
        self.dump_retries = dump_retries
        self.dump_path = dump_path
        self.restore_ime = restore_ime
        self._sleep = sleep
        self._client = _Client(host=self.host, port=self.port, socket_timeout=command_timeout_s)
        self._serial: str | None = serial or os.environ.get("ANDROID_SERIAL")
        if self._serial is None:
            if defer_selection:  # fail now if there is no server; choose the device on first use
                try:
                    self._client.server_version()
                except _CONNECTION_ERRORS as exc:
                    raise DeviceError(f"cannot reach the adb server at {self.host}:{self.port} ({exc}); start "
                                      f"it with `adb -P {self.port} start-server` (or `vera sim adb --port "
                                      f"{self.port}` for SimDroid)") from exc
            else:
                self._serial = self._only_device()
        self._handle: AdbHandle | None = None
        self._size: tuple[int, int] | None = None
        self._has_adb_keyboard: bool | None = None
        # Set when reconnecting failed: later commands fail at once until `wait_until_online` succeeds,
        # so an episode on a dead device ends in seconds instead of retrying every step.
        self.lost_reason: str | None = None

    # --- connection ------------------------------------------------------------------------------
    @property
    def serial(self) -> str:
        if self._serial is None:  # defer_selection: the only device on the server, chosen on first use
            self._serial = self._only_device()
        return self._serial

    @property
    def _device(self) -> AdbHandle:
        if self._handle is None:
            self._handle = self._client.device(self.serial)
        return self._handle

    def __repr__(self) -> str:
        return f"AdbDevice(serial={self._serial!r}, server={self.host}:{self.port})"

    def _server_hint(self) -> str:
        return (f"check `adb -P {self.port} devices` (is the device listed as 'device'? is the emulator "
                "running, USB debugging authorised?)")

    def _only_device(self) -> str:
        try:
            listed = [d.serial for d in self._client.device_list()]
        except _CONNECTION_ERRORS as exc:
            raise DeviceError(
                f"cannot reach the adb server at {self.host}:{self.port} ({exc}); start it with "
                f"`adb -P {self.port} start-server` (or `vera sim adb --port {self.port}` for SimDroid)"
            ) from exc
        if len(listed) == 1:
            return listed[0]
        if not listed:
            raise DeviceError(f"no device on the adb server at {self.host}:{self.port}; start an emulator "
                              "(`vera emulator start --avd NAME`) or plug in a phone with USB debugging on")
        raise DeviceError(f"{len(listed)} devices on the adb server ({', '.join(listed)}): choose one with "
                          "--serial (vera run) or ANDROID_SERIAL, or several with --devices S1,S2 (vera eval)")

    def connected_serials(self) -> list[str]:
        """Serials the adb server lists in the 'device' state."""
        return [info.serial for info in self._client.list() if info.state == "device"]

    def is_online(self) -> bool:
        try:
            return self.serial in self.connected_serials()
        except _CONNECTION_ERRORS:
            return False

    def wait_until_online(self, timeout_s: float = 30.0, poll_s: float = 0.25) -> None:
        """Block until the device is listed as online (an emulator booting, a phone re-plugged)."""
        deadline = time.monotonic() + timeout_s
        while not self.is_online():
            if time.monotonic() >= deadline:
                raise DeviceError(f"device {self._serial} did not come online within {timeout_s:.0f} s; "
                                  + self._server_hint())
            self._sleep(poll_s)
        self.lost_reason = None

    def _call(self, command: str, action: Callable[[], T]) -> T:
        """Run `action`; on a connection failure wait for the device and retry, a bounded number of times."""
        if self.lost_reason is not None:
            raise DeviceError(f"device {self._serial}: command {command!r} not sent: the device was lost "
                              f"({self.lost_reason}); reconnect it, then call wait_until_online()")
        last: BaseException | None = None
        for attempt in range(self.reconnect_attempts + 1):
            if attempt:
                self._sleep(self.reconnect_delay_s * attempt)
                if not self.is_online():
                    continue
            try:
                return action()
            except _CONNECTION_ERRORS as exc:
                last = exc
        reason = f"{type(last).__name__}: {last}" if last is not None else "device offline"
        self.lost_reason = f"{command!r} failed: {reason}"
        raise DeviceError(
            f"device {self._serial}: command {command!r} failed after {self.reconnect_attempts + 1} "
            f"attempt(s) ({reason}); " + self._server_hint()
        ) from last

    # --- primitive commands ----------------------------------------------------------------------
    def shell(self, *args: str, check: bool = True) -> str:
        """Run one shell command, each argument quoted; return its output (stdout and stderr)."""
        command = " ".join(shlex.quote(str(a)) for a in args)

        def run() -> tuple[int, str]:
            result = self._device.shell2(command, timeout=self.command_timeout_s, v2=True)
            return result.returncode, result.output

        code, output = self._call(command, run)
        if check and code != 0:
            raise DeviceError(f"device {self._serial}: command {command!r} exited with {code}: "
                              f"{output.strip()[:300]}")
        return output

    def exec_out(self, command: str) -> bytes:
        """Raw bytes of `exec:<command>` (no pty, binary-safe), as `adb exec-out` reads them."""

        def run() -> bytes:
            with self._device.open_transport(timeout=self.command_timeout_s) as conn:
                conn.send_command("exec:" + command)
                conn.check_okay()
                data = conn.read_until_close(encoding=None)
            assert isinstance(data, bytes)
            return data

        return self._call(command, run)

    def pull_bytes(self, path: str) -> bytes:
        """A file's content through the sync service (`adb pull`)."""
        return self._call(f"pull {path}", lambda: self._device.sync.read_bytes(path))

    # --- Device protocol: observe ----------------------------------------------------------------
    def screenshot(self) -> np.ndarray:
        data = self.exec_out("screencap -p")
        try:
            image = Image.open(io.BytesIO(data))
            return np.asarray(image.convert("RGB"), dtype=np.uint8)
        except Exception as exc:
            raise DeviceError(f"device {self._serial}: command 'screencap -p' returned {len(data)} bytes that "
                              f"are not a PNG ({exc}: {data[:60]!r}); is the screen on and unlocked?") from exc

    def ui_xml(self) -> str:
        """`uiautomator dump` to a file, pulled back; retried while the UI is not idle or the root is null."""
        last = ""
        for attempt in range(self.dump_retries):
            if attempt:
                self._sleep(min(0.25 * 2 ** (attempt - 1), 2.0))
            output = self.shell("uiautomator", "dump", self.dump_path, check=False)
            if "dumped to" not in output or any(marker in output for marker in _TRANSIENT_DUMP_ERRORS):
                last = output.strip()
                continue
            xml = self.pull_bytes(self.dump_path).decode("utf-8", errors="replace")
            if "<hierarchy" in xml and "</hierarchy>" in xml:
                return xml
            last = f"dump file {self.dump_path} holds no complete <hierarchy> ({len(xml)} bytes)"
        raise DeviceError(
            f"device {self._serial}: command 'uiautomator dump {self.dump_path}' failed {self.dump_retries} "
            f"times (last: {last[:300]!r}); wait for animations to end, or check that no other "
            "UiAutomation client (Appium, uiautomator2) holds the device"
        )

    def wait_until_stable(self, *, checks: int = 3, interval_s: float = 0.5,
                          timeout_s: float = 6.0) -> tuple[str, bool]:
        """Dump until `checks` successive dumps are identical (AndroidWorld: 3, 0.5 s apart, 6 s at most).

        Returns the last dump and whether the screen stabilised before the timeout.
        """
        deadline = time.monotonic() + timeout_s
        previous = self.ui_xml()
        same = 1
        while same < checks:
            if time.monotonic() >= deadline:
                return previous, False
            self._sleep(interval_s)
            current = self.ui_xml()
            same = same + 1 if current == previous else 1
            previous = current
        return previous, True

    def foreground(self) -> str:
        output = self.shell("dumpsys", "window", check=False)
        package = parse_foreground(output)
        if package is None:
            output = self.shell("dumpsys", "activity", "activities", check=False)
            package = parse_foreground(output)
        if package is not None:
            return package
        raise DeviceError(f"device {self._serial}: command 'dumpsys window' shows no focused app "
                          f"(output starts {output[:120]!r}); is the screen on and unlocked?")

    def size(self) -> tuple[int, int]:
        if self._size is None:
            output = self.shell("wm", "size")
            sizes = re.findall(r"(Physical|Override) size:\s*(\d+)x(\d+)", output)
            if not sizes:
                raise DeviceError(f"device {self._serial}: command 'wm size' gave no size: {output[:200]!r}")
            chosen = next((s for s in sizes if s[0] == "Override"), sizes[0])
            self._size = (int(chosen[1]), int(chosen[2]))
        return self._size

    # --- Device protocol: act --------------------------------------------------------------------
    def tap(self, x: int, y: int) -> None:
        self.shell("input", "tap", str(int(x)), str(int(y)))

    def long_press(self, x: int, y: int, duration_ms: int = 1000) -> None:
        self.shell("input", "swipe", str(int(x)), str(int(y)), str(int(x)), str(int(y)), str(int(duration_ms)))

    def swipe(self, x1: int, y1: int, x2: int, y2: int, duration_ms: int = 300) -> None:
        self.shell("input", "swipe", *(str(int(v)) for v in (x1, y1, x2, y2, duration_ms)))

    def key(self, keycode: str) -> None:
        if not isinstance(keycode, str) or not _KEYCODE.match(keycode):
            raise DeviceError(f"device {self._serial}: key {keycode!r} is not a KEYCODE_* name or number")
        self.shell("input", "keyevent", keycode)

    def input_text(self, text: str) -> None:
        """Type `text` verbatim into the focused field (see the module doc for how)."""
        if not text:
            return
        if is_plain_ascii(text):
            self._type_ascii(text)
        else:
            self._type_with_adb_keyboard(text)

    def _type_ascii(self, text: str) -> None:
        for number, line in enumerate(text.split("\n")):
            if number:
                self.key(KEYCODE_ENTER)
            for part_number, part in enumerate(line.split("\t")):
                if part_number:
                    self.key("KEYCODE_TAB")
                for argument in input_text_arguments(part):
                    self.shell("input", "text", argument)

    def has_adb_keyboard(self) -> bool:
        """True when the ADBKeyBoard IME is installed (``ime list -s``)."""
        if self._has_adb_keyboard is None:
            listed = self.shell("ime", "list", "-s", check=False)
            self._has_adb_keyboard = ADB_KEYBOARD_IME in listed.split()
        return self._has_adb_keyboard

    def _type_with_adb_keyboard(self, text: str) -> None:
        if not self.has_adb_keyboard():
            raise DeviceError(
                f"device {self._serial}: cannot type non-ASCII text {text[:40]!r} with `input text` "
                "(Android's input command drops or crashes on it); "
                + ADB_KEYBOARD_INSTALL.format(serial=self._serial)
            )
        previous = self.shell("settings", "get", "secure", "default_input_method", check=False).strip()
        switched = previous != ADB_KEYBOARD_IME
        if switched:
            self.shell("ime", "enable", ADB_KEYBOARD_IME, check=False)
            self.shell("ime", "set", ADB_KEYBOARD_IME)
        try:
            payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
            output = self.shell("am", "broadcast", "-a", "ADB_INPUT_B64", "--es", "msg", payload)
            if "Broadcast completed" not in output:
                raise DeviceError(f"device {self._serial}: command 'am broadcast -a ADB_INPUT_B64' was not "
                                  f"delivered: {output.strip()[:200]!r}; is ADBKeyBoard enabled?")
        finally:
            if switched and self.restore_ime and previous and previous != "null":
                self.shell("ime", "set", previous, check=False)

    def start_app(self, name: str) -> None:
        """Launch by package (``net.gsantner.markor``) or by name with AndroidWorld's aliases (``Markor``)."""
        entry = find_app(name)
        if entry is not None:
            output = self.shell("am", "start", "-n", entry.component, check=False)
            if "Error" not in output and "does not exist" not in output:
                return
            package = entry.package
        elif looks_like_package(name):
            package = name.strip()
        else:
            from vera.env.android.apps import resolve_app

            resolve_app(name)  # raises ActionError naming the known apps
            return
        output = self.shell("monkey", "-p", package, "-c", "android.intent.category.LAUNCHER", "1",
                            check=False)
        if "No activities found" in output or "Error" in output or "aborted" in output:
            raise DeviceError(f"device {self._serial}: command 'monkey -p {package}' could not start it: "
                              f"{output.strip()[:200]!r}; is the app installed (`adb shell pm list packages`)?")
