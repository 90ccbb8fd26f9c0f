"""Device commands: `vera devices`, `vera emulator start|stop`, and `vera sim adb` (mounted by vera.cli).

``MOUNT_AS_COMMANDS`` puts `devices` and the `emulator` group at the top level of `vera`. `sim_adb` is
registered on the `vera sim` group by `vera.env.android.sim.cli`.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from vera.errors import ConfigError, DeviceError

MOUNT_AS_COMMANDS = True
DEFAULT_ADB_PORT = 5037

app = typer.Typer(help="Android devices: list them, start and stop emulators.", no_args_is_help=True)
emulator_app = typer.Typer(help="Start and stop Android SDK emulators.", no_args_is_help=True)
app.add_typer(emulator_app, name="emulator")

AdbPortOpt = Annotated[int, typer.Option("--adb-port", help="adb server port (vera sim adb's, or 5037).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object as the last line.")]


def list_devices(port: int = DEFAULT_ADB_PORT, host: str = "127.0.0.1") -> list[dict[str, Any]]:
    """Every device the adb server knows: serial, state, and for online ones model and screen size."""
    from adbutils import AdbClient, AdbError

    client = AdbClient(host=host, port=port, socket_timeout=10)
    try:
        infos = client.list(extended=True)
    except (AdbError, OSError) as exc:
        raise DeviceError(f"no adb server at {host}:{port} ({exc}); start one with `adb -P {port} start-server` "
                          f"(real devices, emulators) or `vera sim adb --port {port}` (SimDroid)") from exc
    rows: list[dict[str, Any]] = []
    for info in infos:
        row: dict[str, Any] = {"serial": info.serial, "state": info.state}
        if info.state == "device":
            from vera.env.android.adb import AdbDevice

            try:
                device = AdbDevice(info.serial, host=host, port=port, reconnect_attempts=0)
                row["model"] = device.shell("getprop", "ro.product.model", check=False).strip()
                row["size"] = "x".join(str(v) for v in device.size())
            except DeviceError as exc:
                row["error"] = str(exc)
        rows.append(row)
    return rows


@app.command("devices")
def devices_command(adb_port: AdbPortOpt = DEFAULT_ADB_PORT, as_json: JsonOpt = False) -> None:
    """List the devices on an adb server (phones, emulators, SimDroids served by `vera sim adb`)."""
    rows = list_devices(adb_port)
    if as_json:
        typer.echo(json.dumps({"adb_port": adb_port, "count": len(rows), "devices": rows}))
        return
    if not rows:
        typer.echo(f"no devices on the adb server at 127.0.0.1:{adb_port}")
        return
    for row in rows:
        typer.echo(f"{row['serial']:<24} {row['state']:<12} {row.get('model', ''):<16} {row.get('size', '')}")


# --- emulators ---------------------------------------------------------------------------------------
EMULATOR_INSTALL = (
    "the Android SDK `emulator` is not on PATH. Install the SDK command-line tools, then "
    "`sdkmanager emulator platform-tools \"system-images;android-33;google_apis;x86_64\"`, "
    "`avdmanager create avd -n AndroidWorldAvd -k \"system-images;android-33;google_apis;x86_64\" -d pixel_6`, "
    "and put $ANDROID_HOME/emulator on PATH (it needs KVM: check `ls -l /dev/kvm`)"
)


def find_emulator() -> str:
    """The SDK emulator binary: on PATH, or under $ANDROID_HOME / $ANDROID_SDK_ROOT."""
    found = shutil.which("emulator")
    if found:
        return found
    for variable in ("ANDROID_HOME", "ANDROID_SDK_ROOT"):
        root = os.environ.get(variable)
        if root and (Path(root) / "emulator" / "emulator").is_file():
            return str(Path(root) / "emulator" / "emulator")
    raise ConfigError(EMULATOR_INSTALL)


def emulator_command(binary: str, avd: str, port: int, *, window: bool, snapshot: bool) -> list[str]:
    """The emulator command line; gRPC on port + 3000 (AndroidWorld's 5554 -> 8554 convention)."""
    command = [binary, "-avd", avd, "-port", str(port), "-grpc", str(port + 3000)]
    if not snapshot:
        command.append("-no-snapshot")
    if not window:
        command += ["-no-window", "-no-audio"]
    return command


def wait_for_boot(serial: str, adb_port: int, timeout_s: float) -> None:
    """Wait until the device is online and `sys.boot_completed` is 1."""
    from vera.env.android.adb import AdbDevice

    deadline = time.monotonic() + timeout_s
    device: AdbDevice | None = None
    while time.monotonic() < deadline:
        try:
            if device is None:
                device = AdbDevice(serial, port=adb_port, reconnect_attempts=0)
            if device.is_online() and device.shell("getprop", "sys.boot_completed", check=False).strip() == "1":
                return
        except DeviceError:
            device = None
        time.sleep(1.0)
    raise DeviceError(f"emulator {serial} did not finish booting within {timeout_s:.0f} s; see its log, "
                      "and check KVM (`emulator -accel-check`)")


@emulator_app.command("start")
def emulator_start(
    avd: Annotated[str, typer.Option("--avd", help="AVD name (`emulator -list-avds`).")],
    port: Annotated[int, typer.Option(help="Console port (even, 5554-5682); serial is emulator-PORT.")] = 5554,
    adb_port: AdbPortOpt = DEFAULT_ADB_PORT,
    window: Annotated[bool, typer.Option(help="Show the emulator window.")] = False,
    snapshot: Annotated[bool, typer.Option(help="Boot from / save snapshots.")] = False,
    wait: Annotated[bool, typer.Option(help="Wait until the device has booted.")] = True,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for boot.")] = 300.0,
    log: Annotated[Path | None, typer.Option(help="Emulator log file.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Start an SDK emulator in the background and wait until it has booted."""
    if port % 2 or not 5554 <= port <= 5682:
        raise ConfigError(f"--port {port}: emulator console ports are even numbers from 5554 to 5682")
    command = emulator_command(find_emulator(), avd, port, window=window, snapshot=snapshot)
    log_path = log or Path("runs") / f"emulator-{port}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, ANDROID_ADB_SERVER_PORT=str(adb_port))
    with open(log_path, "ab") as handle:
        process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env=env, start_new_session=True)
    serial = f"emulator-{port}"
    if wait:
        wait_for_boot(serial, adb_port, timeout)
    payload = {"serial": serial, "pid": process.pid, "command": command, "log": str(log_path), "booted": wait}
    if as_json:
        typer.echo(json.dumps(payload))
    else:
        typer.echo(f"{serial} {'booted' if wait else 'starting'} (pid {process.pid}, log {log_path})")


def console_kill(port: int, host: str = "127.0.0.1", timeout_s: float = 10.0) -> str:
    """Ask an emulator to exit through its console (``auth <token>`` then ``kill``), as `adb emu kill` does."""
    token_file = Path.home() / ".emulator_console_auth_token"
    try:
        with socket.create_connection((host, port), timeout=timeout_s) as sock:
            reader = sock.makefile("rb")
            banner = _read_until_ok(reader)
            if token_file.exists():
                sock.sendall(f"auth {token_file.read_text().strip()}\r\n".encode())
                _read_until_ok(reader)
            sock.sendall(b"kill\r\n")
            return banner + _read_until_ok(reader, allow_eof=True)
    except OSError as exc:
        raise DeviceError(f"no emulator console on {host}:{port} ({exc}); list devices with `vera devices`") \
            from exc


def _read_until_ok(reader: Any, allow_eof: bool = False) -> str:
    lines = []
    while True:
        raw = reader.readline()
        if not raw:
            if allow_eof:
                return "".join(lines)
            raise DeviceError("the emulator console closed the connection: " + "".join(lines)[-200:])
        line = raw.decode(errors="replace")
        lines.append(line)
        if line.startswith("OK"):
            return "".join(lines)
        if line.startswith("KO"):
            raise DeviceError(f"the emulator console refused: {line.strip()} (check "
                              "~/.emulator_console_auth_token)")


@emulator_app.command("stop")
def emulator_stop(
    serial: Annotated[str | None, typer.Option(help="emulator-PORT serial.")] = None,
    port: Annotated[int | None, typer.Option(help="Console port.")] = None,
) -> None:
    """Stop an emulator by serial (emulator-5554) or console port."""
    if port is None:
        if serial is None or not serial.startswith("emulator-") or not serial[9:].isdigit():
            raise ConfigError("give --serial emulator-PORT or --port PORT of the emulator to stop")
        port = int(serial[9:])
    console_kill(port)
    typer.echo(f"emulator-{port} stopping")


# --- `vera sim adb` ----------------------------------------------------------------------------------
def sim_adb(
    port: Annotated[int, typer.Option(help="TCP port on 127.0.0.1 (adb's default is 5037).")] = 5037,
    devices: Annotated[int, typer.Option(help="Number of SimDroid phones (emulator-5554, -5556, ...).")] = 1,
    adb_keyboard: Annotated[bool, typer.Option(help="Emulate the ADBKeyBoard IME (non-ASCII text).")] = True,
) -> None:
    """Serve SimDroid phones over the adb protocol: `adb -P PORT devices`, `vera run --device adb ...`."""
    from vera.env.android.adb_server import serve_simdroid

    if devices < 1:
        raise ConfigError("--devices must be at least 1")
    server = serve_simdroid(devices, port=port, adb_keyboard=adb_keyboard)
    server.start()
    serials = ", ".join(sorted(server.devices))
    typer.echo(f"adb server on 127.0.0.1:{server.port} serving {serials}", err=True)
    typer.echo(f"try: adb -P {server.port} devices   |   vera run --device adb --adb-port {server.port} "
               f"--serial {sorted(server.devices)[0]} --task SystemWifiTurnOff --agent oracle", err=True)
    sys.stderr.flush()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def _register_sim_adb() -> None:
    """Add `adb` to the `vera sim` group (SimDroid's CLI module owns the group; this module owns the command)."""
    try:
        from vera.env.android.sim.cli import app as sim_app
    except ImportError:
        return
    names = {c.name or (c.callback.__name__ if c.callback else "") for c in sim_app.registered_commands}
    if "adb" not in names and "sim_adb" not in names:
        sim_app.command("adb")(sim_adb)


_register_sim_adb()
