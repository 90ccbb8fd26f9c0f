"""A real adb server on 127.0.0.1 that serves vera devices (SimDroid) over the adb host protocol.

Google's adb server listens on TCP (5037 by default) and speaks a small text protocol: every request is
a 4-hex-digit length and a command (``host:version``, ``host:devices``, ``host:transport:<serial>``,
``shell:<cmd>``, ``exec:<cmd>``, ``sync:``), answered ``OKAY`` (often with a length-prefixed payload) or
``FAIL`` and a message. `AdbServer` implements that protocol for any `vera.env.android.device.Device`, so
that adbutils, vera's `AdbDevice` and the stock ``adb`` client (``adb -P PORT -s SERIAL shell ...``) drive
SimDroid exactly as they drive an emulator. That makes the real adb path testable where no emulator runs.

Shell commands are not executed: `parse_shell` tokenizes them as ``/system/bin/sh`` would (quotes,
backslashes, ``;``/``&&``/``||``) and `DeviceShell` interprets the handful of Android tools vera uses
(``input``, ``uiautomator dump``, ``screencap``, ``am``, ``monkey``, ``dumpsys window``, ``wm size``,
``ime``, ``settings``, ``echo``, ``cat``, ``rm``). Anything a real shell would expand or redirect (``$(..)``,
backticks, ``$VAR``, ``|``, ``>``) is refused and logged in `ServedDevice.unsafe`, so a test can prove that
text typed through adb never reaches a shell unquoted. The served device emulates ADBKeyBoard
(``ADB_INPUT_B64`` / ``ADB_INPUT_TEXT`` broadcasts) for non-ASCII text.

Task set-up over adb: ``simdroid task init <TASK> <SEED>``, ``simdroid task check <TASK> [<ANSWER>]`` and
``simdroid task teardown <TASK>`` call the `TaskHooks` attached to the served device, the way AndroidWorld
prepares and checks device state through adb.
"""

from __future__ import annotations

import base64
import io
import socket
import socketserver
import struct
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from PIL import Image

from vera.env.android.adb import ADB_KEYBOARD_IME, DEFAULT_DUMP_PATH, AdbDevice, decode_input_text
from vera.env.android.apps import find_app, label_for_package, looks_like_package
from vera.env.android.device import Device
from vera.errors import VeraError

SERVER_VERSION = 41  # adb 1.0.41: the version every current adb client (Debian's and Google's) expects
FEATURES = "shell_v2,cmd"
LATIN_IME = "com.android.inputmethod.latin/.LatinIME"
_NUMERIC_KEYCODES = {
    "3": "KEYCODE_HOME", "4": "KEYCODE_BACK", "61": "KEYCODE_TAB", "62": "KEYCODE_SPACE",
    "66": "KEYCODE_ENTER", "67": "KEYCODE_DEL", "111": "KEYCODE_ESCAPE", "122": "KEYCODE_MOVE_HOME",
    "123": "KEYCODE_MOVE_END", "187": "KEYCODE_APP_SWITCH",
}
_INPUT_SOURCES = {"keyboard", "mouse", "joystick", "touchnavigation", "touchpad", "trackball", "dpad",
                  "stylus", "gamepad", "touchscreen"}
LONG_PRESS_MS = 500
_DEVICE_QUERIES = ("get-state", "get-serialno", "get-devpath", "wait-for-")


# --- a POSIX-shell tokenizer that refuses expansions -------------------------------------------------
class UnsafeShell(VeraError):
    """The command line asks the shell to expand, substitute or redirect something."""


OPERATORS = (";", "&&", "||")


def parse_shell(line: str) -> list[tuple[str, list[str]]]:
    """Split a command line into ``(operator_before, argv)`` pairs, as ``sh`` tokenizes it.

    Quotes and backslashes are honoured; ``$?`` is kept as the literal word ``$?`` for `echo`. Raises
    `UnsafeShell` for command substitution, variable expansion, pipes, redirections and background jobs.
    """
    commands: list[tuple[str, list[str]]] = []
    argv: list[str] = []
    word: list[str] = []
    in_word = False
    operator = ""
    i, n = 0, len(line)

    def end_word() -> None:
        nonlocal in_word
        if in_word:
            argv.append("".join(word))
            word.clear()
            in_word = False

    while i < n:
        ch = line[i]
        if ch == "'":
            close = line.find("'", i + 1)
            if close < 0:
                raise UnsafeShell("unterminated single quote")
            word.append(line[i + 1 : close])
            in_word = True
            i = close + 1
        elif ch == '"':
            i += 1
            in_word = True
            while True:
                if i >= n:
                    raise UnsafeShell("unterminated double quote")
                c = line[i]
                if c == '"':
                    i += 1
                    break
                if c == "\\" and i + 1 < n and line[i + 1] in '$`"\\\n':
                    word.append(line[i + 1])
                    i += 2
                    continue
                if c in "$`":
                    raise UnsafeShell(f"expansion {line[i:i + 12]!r} inside double quotes")
                word.append(c)
                i += 1
        elif ch == "\\":
            if i + 1 < n:
                if line[i + 1] != "\n":
                    word.append(line[i + 1])
                    in_word = True
                i += 2
            else:
                i += 1
        elif ch in " \t\n":
            end_word()
            i += 1
        elif ch == "$":
            if line.startswith("$?", i):
                word.append("$?")
                in_word = True
                i += 2
            else:
                raise UnsafeShell(f"expansion {line[i:i + 12]!r}")
        elif ch == "`":
            raise UnsafeShell(f"command substitution {line[i:i + 12]!r}")
        elif ch in ";&|":
            end_word()
            two = line[i : i + 2]
            if two in ("&&", "||"):
                op, i = two, i + 2
            elif ch == ";":
                op, i = ";", i + 1
            else:
                raise UnsafeShell(f"pipe or background job at {line[i:i + 12]!r}")
            if not argv:
                raise UnsafeShell(f"syntax error near {op!r}")
            commands.append((operator, list(argv)))
            argv.clear()
            operator = op
        elif ch in "<>(){}":
            raise UnsafeShell(f"redirection or subshell at {line[i:i + 12]!r}")
        else:
            word.append(ch)
            in_word = True
            i += 1
    end_word()
    if argv:
        commands.append((operator, list(argv)))
    return commands


# --- what a served device is -------------------------------------------------------------------------
class TaskHooks(Protocol):
    """Task set-up and checking on the device side (``simdroid task ...``)."""

    def init(self, task: str, seed: int) -> str:
        """Prepare the device for `task` with params from `seed`; return the goal text."""
        ...

    def check(self, task: str, answer: str) -> float:
        """Score the device's state (and the agent's `answer` for information tasks) in [0, 1]."""
        ...

    def teardown(self, task: str) -> None: ...


@dataclass
class ServedDevice:
    """A device behind the server, with the state a phone keeps outside the app (files, IME, settings)."""

    serial: str
    device: Device
    hooks: TaskHooks | None = None
    adb_keyboard: bool = True
    online: bool = True
    transport_id: int = 0
    files: dict[str, bytes] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    commands: list[str] = field(default_factory=list)
    unsafe: list[str] = field(default_factory=list)
    before_command: Callable[[ServedDevice, str], None] | None = None
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.settings.setdefault("secure/default_input_method", LATIN_IME)
        self.settings.setdefault("secure/enabled_input_methods", LATIN_IME)


class ShellExit(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(pixels, dtype=np.uint8)).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _package_of(name: str) -> str:
    """The package a device's foreground name stands for (SimDroid may report labels)."""
    if looks_like_package(name):
        return name
    entry = find_app(name)
    if entry is not None:
        return entry.package
    slug = "".join(c for c in name.lower() if c.isalnum()) or "launcher"
    return f"com.vera.simdroid.{slug}"


class DeviceShell:
    """Interprets the Android tools vera (and AndroidWorld) call over ``adb shell``, on a `Device`."""

    def __init__(self, served: ServedDevice) -> None:
        self.served = served

    @property
    def device(self) -> Device:
        """The phone now (``simdroid task init`` swaps in a fresh one)."""
        return self.served.device

    def run(self, line: str) -> tuple[bytes, bytes, int]:
        """Run a command line; return (stdout, stderr, exit code). Never executes anything on this machine."""
        served = self.served
        served.commands.append(line)
        try:
            commands = parse_shell(line)
        except UnsafeShell as exc:
            served.unsafe.append(line)
            return b"", f"/system/bin/sh: refused by vera's SimDroid shell: {exc}\n".encode(), 2
        output = bytearray()
        errors = bytearray()
        status = 0
        for operator, argv in commands:
            if (operator == "&&" and status != 0) or (operator == "||" and status == 0):
                continue
            argv = [str(status) if a == "$?" else a.replace("$?", str(status)) for a in argv]
            try:
                if served.before_command is not None:
                    served.before_command(served, " ".join(argv))
                with served.lock:
                    output += self._run_one(argv)
                status = 0
            except ShellExit as exc:
                errors += exc.message.encode()
                status = exc.code
            except VeraError as exc:
                errors += f"{argv[0]}: {exc}\n".encode()
                status = 1
        return bytes(output), bytes(errors), status

    # --- tools -----------------------------------------------------------------------------------
    def _run_one(self, argv: list[str]) -> bytes:
        tool = argv[0]
        handler = getattr(self, "_tool_" + tool.replace("-", "_"), None)
        if handler is None or not tool.isidentifier():
            raise ShellExit(127, f"/system/bin/sh: {tool}: inaccessible or not found\n")
        return handler(argv[1:])

    def _tool_echo(self, args: list[str]) -> bytes:
        return (" ".join(args) + "\n").encode()

    def _tool_true(self, args: list[str]) -> bytes:
        return b""

    def _tool_sleep(self, args: list[str]) -> bytes:
        seconds = float(args[0]) if args else 0.0
        sleeper = getattr(self.device, "sleep", None)
        if callable(sleeper):
            sleeper(seconds)
        return b""

    def _tool_input(self, args: list[str]) -> bytes:
        if args and args[0] in _INPUT_SOURCES:
            args = args[1:]
        if not args:
            raise ShellExit(1, "Usage: input [<source>] <command> [<arg>...]\n")
        command, rest = args[0], args[1:]
        try:
            if command == "tap":
                self.device.tap(int(float(rest[0])), int(float(rest[1])))
            elif command in ("swipe", "draganddrop"):
                x1, y1, x2, y2 = (int(float(v)) for v in rest[:4])
                duration = int(rest[4]) if len(rest) > 4 else 300
                if (x1, y1) == (x2, y2) and duration >= LONG_PRESS_MS:
                    self.device.long_press(x1, y1, duration)
                else:
                    self.device.swipe(x1, y1, x2, y2, duration)
            elif command == "keyevent":
                for code in rest:
                    if code == "--longpress":
                        continue
                    self.device.key(_NUMERIC_KEYCODES.get(code, code))
            elif command == "text":
                # Android's `input text` types only its first argument, with %s turned into a space.
                self.device.input_text(decode_input_text(rest[0]))
            else:
                raise ShellExit(1, f"Error: Unknown command: {command}\n")
        except (IndexError, ValueError) as exc:
            raise ShellExit(1, f"Error: bad arguments for input {command}: {exc}\n") from None
        return b""

    def _tool_uiautomator(self, args: list[str]) -> bytes:
        if not args or args[0] != "dump":
            raise ShellExit(1, "Usage: uiautomator dump [--compressed] [file]\n")
        paths = [a for a in args[1:] if not a.startswith("--")]
        path = paths[0] if paths else DEFAULT_DUMP_PATH
        xml = self.device.ui_xml()
        if path == "/dev/tty":
            return xml.encode() + f"\nUI hierchary dumped to: {path}\n".encode()
        self.served.files[path] = xml.encode("utf-8")
        return f"UI hierchary dumped to: {path}\n".encode()

    def _tool_screencap(self, args: list[str]) -> bytes:
        png = _png(self.device.screenshot())
        paths = [a for a in args if not a.startswith("-")]
        if paths:
            self.served.files[paths[0]] = png
            return b""
        return png

    def _tool_cat(self, args: list[str]) -> bytes:
        out = bytearray()
        for path in args:
            if path not in self.served.files:
                raise ShellExit(1, f"cat: {path}: No such file or directory\n")
            out += self.served.files[path]
        return bytes(out)

    def _tool_rm(self, args: list[str]) -> bytes:
        for path in args:
            if not path.startswith("-"):
                self.served.files.pop(path, None)
        return b""

    def _start(self, package: str) -> bool:
        for name in (package, label_for_package(package)):
            if not name:
                continue
            try:
                self.device.start_app(name)
                return True
            except VeraError:
                continue
        return False

    def _tool_am(self, args: list[str]) -> bytes:
        if not args:
            raise ShellExit(1, "usage: am [subcommand] [options]\n")
        if args[0] in ("start", "start-activity"):
            component = args[args.index("-n") + 1] if "-n" in args else ""
            package = component.split("/", 1)[0]
            if not package or not self._start(package):
                return f"Starting: Intent {{ cmp={component} }}\nError type 3\nError: Activity class " \
                       f"{{{component}}} does not exist.\n".encode()
            return f"Starting: Intent {{ cmp={component} }}\n".encode()
        if args[0] == "broadcast":
            action = args[args.index("-a") + 1] if "-a" in args else ""
            message = args[args.index("--es") + 2] if "--es" in args and len(args) > args.index("--es") + 2 \
                else ""
            keyboard_active = self.served.settings["secure/default_input_method"] == ADB_KEYBOARD_IME
            if action in ("ADB_INPUT_B64", "ADB_INPUT_TEXT") and self.served.adb_keyboard and keyboard_active:
                text = base64.b64decode(message).decode("utf-8") if action == "ADB_INPUT_B64" else message
                self.device.input_text(text)
            return (f"Broadcasting: Intent {{ act={action} flg=0x400000 (has extras) }}\n"
                    "Broadcast completed: result=0\n").encode()
        if args[0] == "force-stop":
            return b""
        raise ShellExit(1, f"Error: unknown am command {args[0]!r}\n")

    def _tool_monkey(self, args: list[str]) -> bytes:
        package = args[args.index("-p") + 1] if "-p" in args else ""
        if not package or not self._start(package):
            raise ShellExit(252, "** No activities found to run, monkey aborted.\n")
        return b"  bash arg: -p\n  bash arg: " + package.encode() + b"\nEvents injected: 1\n"

    def _foreground_component(self) -> str:
        package = _package_of(self.device.foreground())
        entry = find_app(package)
        activity = entry.activity if entry is not None and entry.package == package else ".MainActivity"
        return f"{package}/{activity}"

    def _tool_dumpsys(self, args: list[str]) -> bytes:
        component = self._foreground_component()
        if args[:1] == ["window"]:
            return (f"WINDOW MANAGER WINDOWS (dumpsys window windows)\n"
                    f"  mCurrentFocus=Window{{5e2a1b1 u0 {component}}}\n"
                    f"  mFocusedApp=ActivityRecord{{8c1d2e0 u0 {component} t7}}\n").encode()
        if args[:2] == ["activity", "activities"]:
            return (f"ACTIVITY MANAGER ACTIVITIES (dumpsys activity activities)\n"
                    f"    ResumedActivity: ActivityRecord{{8c1d2e0 u0 {component} t7}}\n").encode()
        raise ShellExit(1, f"Can't find service: {' '.join(args)}\n")

    def _tool_wm(self, args: list[str]) -> bytes:
        if args[:1] == ["size"]:
            width, height = self.device.size()
            return f"Physical size: {width}x{height}\n".encode()
        if args[:1] == ["density"]:
            return b"Physical density: 420\n"
        raise ShellExit(1, f"Error: unknown wm command {' '.join(args)}\n")

    def _ime_ids(self) -> list[str]:
        return [LATIN_IME] + ([ADB_KEYBOARD_IME] if self.served.adb_keyboard else [])

    def _tool_ime(self, args: list[str]) -> bytes:
        settings = self.served.settings
        if args[:1] == ["list"]:
            return ("\n".join(self._ime_ids()) + "\n").encode()
        if args[:1] in (["enable"], ["set"]) and len(args) > 1:
            ime = args[1]
            if ime not in self._ime_ids():
                raise ShellExit(255, f"Unknown input method {ime} cannot be selected for user #0\n")
            if args[0] == "set":
                settings["secure/default_input_method"] = ime
                return f"Input method {ime} selected for user #0\n".encode()
            return f"Input method {ime}: now enabled for user #0\n".encode()
        raise ShellExit(1, "usage: ime list|enable|set <ID>\n")

    def _tool_settings(self, args: list[str]) -> bytes:
        if len(args) >= 3 and args[0] == "get":
            return (self.served.settings.get(f"{args[1]}/{args[2]}", "null") + "\n").encode()
        if len(args) >= 4 and args[0] == "put":
            self.served.settings[f"{args[1]}/{args[2]}"] = args[3]
            return b""
        raise ShellExit(1, "usage: settings get|put NAMESPACE KEY [VALUE]\n")

    def _tool_getprop(self, args: list[str]) -> bytes:
        props = {"ro.product.model": "SimDroid", "ro.build.version.sdk": "33",
                 "ro.build.version.release": "13", "ro.serialno": self.served.serial,
                 "ro.product.name": "simdroid", "sys.boot_completed": "1"}
        if args:
            return (props.get(args[0], "") + "\n").encode()
        return "".join(f"[{k}]: [{v}]\n" for k, v in props.items()).encode()

    def _tool_simdroid(self, args: list[str]) -> bytes:
        hooks = self.served.hooks
        if hooks is None:
            raise ShellExit(1, "simdroid: this device has no task registry attached\n")
        if args[:2] == ["task", "init"] and len(args) == 4:
            return (hooks.init(args[2], int(args[3])) + "\n").encode()
        if args[:2] == ["task", "check"] and len(args) in (3, 4, 5):
            answer = args[3] if len(args) == 4 else ""
            if len(args) == 5 and args[3] == "--b64":
                answer = base64.b64decode(args[4]).decode("utf-8")
            return f"{hooks.check(args[2], answer)}\n".encode()
        if args[:2] == ["task", "teardown"] and len(args) == 3:
            hooks.teardown(args[2])
            return b""
        if args[:1] == ["coverage"] and callable(getattr(hooks, "coverage", None)):
            return "".join(f"{name}\n" for name in sorted(hooks.coverage())).encode()
        raise ShellExit(1, "usage: simdroid task init TASK SEED | task check TASK [ANSWER | --b64 B64]"
                           " | task teardown TASK | coverage\n")


# --- the protocol server -----------------------------------------------------------------------------
class _Closed(Exception):
    pass


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    data = bytearray()
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise _Closed()
        data += chunk
    return bytes(data)


def _okay(payload: str | bytes | None = None) -> bytes:
    if payload is None:
        return b"OKAY"
    data = payload.encode() if isinstance(payload, str) else payload
    return b"OKAY" + f"{len(data):04x}".encode() + data


def _fail(message: str) -> bytes:
    data = message.encode()
    return b"FAIL" + f"{len(data):04x}".encode() + data


class _Handler(socketserver.BaseRequestHandler):
    server: _TCPServer

    def handle(self) -> None:
        sock = self.request
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # replies go out in small pieces
        try:
            self.server.adb.serve_connection(sock)
        except (_Closed, ConnectionError, OSError):
            pass
        finally:
            _close_gracefully(sock)


def _close_gracefully(sock: socket.socket) -> None:
    """Half-close, then drain what the client still sends, so the client sees all our bytes (no RST)."""
    try:
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(0.5)
        while sock.recv(4096):
            pass
    except OSError:
        pass
    finally:
        sock.close()


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    adb: AdbServer


class AdbServer:
    """adb host protocol on 127.0.0.1 serving vera devices. Use as a context manager or start()/stop()."""

    def __init__(self, devices: Mapping[str, Device] | Iterable[ServedDevice] = (), *,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self._requested_port = port
        self.devices: dict[str, ServedDevice] = {}
        self._next_transport = 1
        self._server: _TCPServer | None = None
        self._thread: threading.Thread | None = None
        items = devices.items() if isinstance(devices, Mapping) else ((d.serial, d) for d in devices)
        for serial, device in items:
            self.add_device(device if isinstance(device, ServedDevice) else ServedDevice(serial, device))

    # --- devices ---------------------------------------------------------------------------------
    def add_device(self, served: ServedDevice) -> ServedDevice:
        served.transport_id = self._next_transport
        self._next_transport += 1
        self.devices[served.serial] = served
        return served

    def set_online(self, serial: str, online: bool) -> None:
        """Unplug (False) or re-plug (True) a device: offline devices vanish from `adb devices`."""
        self.devices[serial].online = online

    def disconnect_for(self, serial: str, seconds: float) -> None:
        """Take a device offline now and bring it back after `seconds` (an emulator restarting)."""
        self.set_online(serial, False)
        timer = threading.Timer(seconds, self.set_online, args=(serial, True))
        timer.daemon = True
        timer.start()

    # --- lifecycle -------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._server is None:
            return self._requested_port
        return int(self._server.server_address[1])

    def start(self) -> AdbServer:
        try:
            self._server = _TCPServer((self.host, self._requested_port), _Handler)
        except OSError as exc:
            raise VeraError(f"cannot listen on {self.host}:{self._requested_port} ({exc}); is another adb "
                            "server there? pick another --port") from exc
        self._server.adb = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="vera-adb-server", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.start()
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> AdbServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- protocol --------------------------------------------------------------------------------
    def _online(self) -> list[ServedDevice]:
        return [d for d in self.devices.values() if d.online]

    def _find(self, selector: str) -> ServedDevice | str:
        """Resolve 'serial:S', 'id:N', 'any' (or 'usb'/'local') to a device, or return a FAIL message."""
        online = self._online()
        if selector.startswith("serial:"):
            serial = selector[len("serial:"):]
        elif selector.startswith("id:") or selector.startswith("transport-id:"):
            wanted = int(selector.split(":", 1)[1])
            for d in online:
                if d.transport_id == wanted:
                    return d
            return f"no device with transport id '{wanted}'"
        elif selector in ("any", "usb", "local"):
            if len(online) == 1:
                return online[0]
            return "no devices/emulators found" if not online else "more than one device/emulator"
        else:
            serial = selector
        device = self.devices.get(serial)
        if device is None or not device.online:
            return f"device '{serial}' not found"
        return device

    def _device_list(self, long: bool) -> str:
        lines = []
        for d in self._online():
            if long:
                lines.append(f"{d.serial:<22} device product:simdroid model:SimDroid device:simdroid "
                             f"transport_id:{d.transport_id}")
            else:
                lines.append(f"{d.serial}\tdevice")
        return "".join(line + "\n" for line in lines)

    def serve_connection(self, sock: socket.socket) -> None:
        """One client connection: host requests until a transport is chosen, then one service."""
        device: ServedDevice | None = None
        while True:
            length = int(_recv_exact(sock, 4).decode("ascii"), 16)
            request = _recv_exact(sock, length).decode("utf-8")
            if device is not None:
                self._service(sock, device, request)
                return
            selected = self._host_request(sock, request)
            if selected is None:
                return
            device = selected

    def _host_request(self, sock: socket.socket, request: str) -> ServedDevice | None:
        """Answer a host request; return the device when it selects a transport, else None (done)."""
        send = sock.sendall
        if request.startswith("host-serial:"):
            serial, _, command = request[len("host-serial:"):].rpartition(":")
            self._device_query(sock, "serial:" + serial, command)
            return None
        if request.startswith("host-transport-id:"):
            transport, _, command = request[len("host-transport-id:"):].partition(":")
            self._device_query(sock, "id:" + transport, command)
            return None
        for prefix in ("host-usb:", "host-local:", "host:"):
            if request.startswith(prefix):
                command = request[len(prefix):]
                if command == "features" or command.startswith(_DEVICE_QUERIES):
                    self._device_query(sock, "any", command)
                    return None
        if request == "host:version":
            send(_okay(f"{SERVER_VERSION:04x}"))
        elif request == "host:host-features":
            send(_okay(FEATURES))
        elif request in ("host:devices", "host:devices-l"):
            send(_okay(self._device_list(request.endswith("-l"))))
        elif request == "host:kill":
            send(_okay())  # a vera server stops with its process, not on a client's request
        elif request.startswith("host:transport") or request.startswith("host:tport:"):
            if request.startswith("host:tport:"):
                target = self._find(request[len("host:tport:"):])
            elif request.startswith("host:transport-id:"):
                target = self._find("id:" + request[len("host:transport-id:"):])
            elif request.startswith("host:transport:"):
                target = self._find("serial:" + request[len("host:transport:"):])
            else:  # host:transport-any / -usb / -local
                target = self._find("any")
            if isinstance(target, str):
                send(_fail(target))
                return None
            send(b"OKAY")
            if request.startswith("host:tport:"):
                send(struct.pack("<Q", target.transport_id))
            return target
        else:
            send(_fail(f"unsupported request {request[:40]!r} by vera's SimDroid adb server"))
        return None

    def _device_query(self, sock: socket.socket, selector: str, command: str) -> None:
        """Requests about one device that need no transport: features, get-state, wait-for-..."""
        send = sock.sendall
        target = self._find(selector)
        if command.startswith("wait-for-"):
            deadline = time.monotonic() + 60
            while isinstance(target, str) and time.monotonic() < deadline:
                time.sleep(0.1)
                target = self._find(selector)
            if isinstance(target, str):
                send(_fail(target))
                return
            send(b"OKAY")
            send(b"OKAY")
            return
        if isinstance(target, str):
            send(_fail(target))
        elif command == "features":
            send(_okay(FEATURES))
        elif command == "get-state":
            send(_okay("device"))
        elif command == "get-serialno":
            send(_okay(target.serial))
        elif command == "get-devpath":
            send(_okay("simdroid"))
        else:
            send(_fail(f"unsupported device query {command!r} by vera's SimDroid adb server"))

    def _service(self, sock: socket.socket, served: ServedDevice, request: str) -> None:
        if not served.online:
            sock.sendall(_fail(f"device '{served.serial}' not found"))
            return
        shell = DeviceShell(served)
        if request.startswith("shell") and ":" in request:
            options, _, command = request.partition(":")
            flags = options.split(",")[1:]
            output, errors, code = shell.run(command)
            if "v2" in flags:  # shell protocol v2: stdout (1), stderr (2), exit code (3) packets
                packets = bytes([1]) + struct.pack("<I", len(output)) + output
                if errors:
                    packets += bytes([2]) + struct.pack("<I", len(errors)) + errors
                sock.sendall(b"OKAY" + packets + bytes([3]) + struct.pack("<I", 1) + bytes([code & 0xFF]))
            else:  # v1 is a pty: one stream
                sock.sendall(b"OKAY" + output + errors)
        elif request.startswith("exec:"):
            output, errors, _ = shell.run(request[len("exec:"):])
            sock.sendall(b"OKAY" + output + errors)
        elif request == "sync:":
            sock.sendall(b"OKAY")
            self._sync(sock, served)
        else:
            sock.sendall(_fail(f"unsupported service {request.split(':')[0]!r} by vera's SimDroid adb server"))

    def _sync(self, sock: socket.socket, served: ServedDevice) -> None:
        """The file sync service: STAT, LIST, RECV, SEND, QUIT (version 1 messages)."""
        while True:
            header = _recv_exact(sock, 8)
            command, length = header[:4], struct.unpack("<I", header[4:])[0]
            if command == b"QUIT":
                return
            path = _recv_exact(sock, length).decode("utf-8")
            files = served.files
            if command == b"STAT":
                data = files.get(path)
                if data is not None:
                    sock.sendall(b"STAT" + struct.pack("<III", 0o100644, len(data), int(time.time())))
                elif any(name.startswith(path.rstrip("/") + "/") for name in files) or path in ("/sdcard", "/"):
                    sock.sendall(b"STAT" + struct.pack("<III", 0o040771, 4096, int(time.time())))
                else:
                    sock.sendall(b"STAT" + struct.pack("<III", 0, 0, 0))
            elif command == b"LIST":
                prefix = path.rstrip("/") + "/"
                for name, data in sorted(files.items()):
                    if name.startswith(prefix) and "/" not in name[len(prefix):]:
                        entry = name[len(prefix):].encode()
                        sock.sendall(b"DENT" + struct.pack("<IIII", 0o100644, len(data), int(time.time()),
                                                           len(entry)) + entry)
                sock.sendall(b"DONE" + struct.pack("<IIII", 0, 0, 0, 0))
            elif command == b"RECV":
                data = files.get(path)
                if data is None:
                    message = b"No such file or directory"
                    sock.sendall(b"FAIL" + struct.pack("<I", len(message)) + message)
                    continue
                for start in range(0, len(data), 64 * 1024):
                    chunk = data[start : start + 64 * 1024]
                    sock.sendall(b"DATA" + struct.pack("<I", len(chunk)) + chunk)
                sock.sendall(b"DONE" + struct.pack("<I", 0))
            elif command == b"SEND":
                target = path.rsplit(",", 1)[0]
                content = bytearray()
                while True:
                    kind, size = _recv_exact(sock, 4), struct.unpack("<I", _recv_exact(sock, 4))[0]
                    if kind == b"DONE":
                        break
                    content += _recv_exact(sock, size)
                files[target] = bytes(content)
                sock.sendall(b"OKAY" + struct.pack("<I", 0))
            else:
                message = f"unsupported sync command {command!r}".encode()
                sock.sendall(b"FAIL" + struct.pack("<I", len(message)) + message)
                return


def emulator_serials(count: int, first_port: int = 5554) -> list[str]:
    """``emulator-5554``, ``emulator-5556``, ...: the serials emulators get, two ports apart."""
    return [f"emulator-{first_port + 2 * i}" for i in range(count)]


# --- SimDroid behind the server ------------------------------------------------------------------------
class SimDroidTaskHooks:
    """``simdroid task ...`` for a served SimDroid: a fresh phone per task, as the native suite does."""

    def __init__(self, served: ServedDevice) -> None:
        self.served = served
        self.instance: Any = None
        self.task_name = ""

    def init(self, task: str, seed: int) -> str:
        from vera.env.android.sim.device import SimDroid
        from vera.env.android.sim.registry import get_task_class

        instance = get_task_class(task).from_seed(seed)
        device = SimDroid(serial=self.served.serial)
        instance.initialize(device)
        device.go_home_and_reset()
        with self.served.lock:
            self.served.device = device
            self.served.files.clear()
            self.served.settings["secure/default_input_method"] = LATIN_IME
        self.instance, self.task_name = instance, task
        return instance.goal

    def _current(self, task: str) -> Any:
        if self.instance is None or self.task_name != task:
            raise ShellExit(1, f"simdroid: task {task!r} was not initialised on this device; run "
                               f"`simdroid task init {task} SEED` first\n")
        return self.instance

    def check(self, task: str, answer: str) -> float:
        return float(self._current(task).is_successful(self.served.device, answer))

    def teardown(self, task: str) -> None:
        self._current(task)
        self.instance = None

    def coverage(self) -> frozenset[str]:
        coverage = getattr(self.served.device, "coverage", None)
        return frozenset(coverage()) if callable(coverage) else frozenset()


def serve_simdroid(count: int = 1, *, port: int = 5037, first_emulator_port: int = 5554,
                   adb_keyboard: bool = True) -> AdbServer:
    """An adb server (not yet started) with `count` SimDroid phones named emulator-5554, -5556, ..."""
    from vera.env.android.sim.device import SimDroid

    server = AdbServer(port=port)
    for serial in emulator_serials(count, first_emulator_port):
        served = ServedDevice(serial, SimDroid(serial=serial), adb_keyboard=adb_keyboard)
        served.hooks = SimDroidTaskHooks(served)
        server.add_device(served)
    return server


class SimDroidOverAdb(AdbDevice):
    """The client side: an `AdbDevice` whose phone is a served SimDroid, with task set-up over adb.

    The SimDroid suite uses it for ``--device adb``: ``init_task`` and ``check_task`` run
    ``simdroid task init/check`` on the device (as AndroidWorld sets and reads device state through adb),
    everything else is the plain adb path any phone takes.
    """

    def __init__(self, serial: str | None = None, *, online_timeout_s: float = 30.0, **options: Any) -> None:
        options.setdefault("defer_selection", True)  # `vera eval` builds a suite to list tasks, then one per device
        super().__init__(serial, **options)
        self.online_timeout_s = online_timeout_s

    def init_task(self, task: str, seed: int) -> str:
        """Prepare a fresh phone for `task` (waiting for the device if it is restarting); the goal."""
        self.wait_until_online(self.online_timeout_s)
        return self.shell("simdroid", "task", "init", task, str(int(seed))).strip()

    def check_task(self, task: str, answer: str = "") -> float:
        payload = base64.b64encode(answer.encode("utf-8")).decode("ascii")
        output = self.shell("simdroid", "task", "check", task, "--b64", payload).strip()
        try:
            return float(output.splitlines()[-1])
        except (ValueError, IndexError) as exc:
            raise VeraError(f"device {self.serial}: `simdroid task check {task}` answered {output[:200]!r}, "
                            "not a score; is this a SimDroid served by `vera sim adb`?") from exc

    def check_task_of(self, instance: Any) -> Callable[[Any, str], float]:
        """``is_successful(device, answer)`` for a task instance, evaluated on the served phone."""
        name = instance.task_name()
        return lambda _device, answer="": self.check_task(name, answer)

    def coverage(self) -> frozenset[str]:
        """The served SimDroid's coverage set (handlers and branches hit)."""
        return frozenset(line for line in self.shell("simdroid", "coverage").splitlines() if line)

    def sleep(self, seconds: float) -> None:
        """``sleep`` on the device: SimDroid advances its virtual clock, a phone really waits."""
        self.shell("sleep", f"{max(0.0, float(seconds)):g}")
