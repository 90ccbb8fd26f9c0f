"""Devices at scale: `vera devices`, `vera emulator start|stop`, one eval worker per device, and a device
that disconnects mid-episode (error recorded with its reason, retried once, nothing already written lost).

Devices are SimDroid phones served over the adb protocol on 127.0.0.1; the emulator commands run a
stand-in `emulator` script and a stand-in console (no SDK emulator can run here).
"""

from __future__ import annotations

import json
import socket
import stat
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vera.cli import app
from vera.env.android.adb_server import AdbServer, ServedDevice, serve_simdroid
from vera.env.android.cli import emulator_command
from vera.env.android.sim.suite import SimDroidSuite
from vera.errors import ConfigError
from vera.eval.runner import run_eval
from vera.trajectory import read_jsonl

TASKS = ["SystemBluetoothTurnOn", "SystemWifiTurnOff", "TasksDueOnDate", "SystemDarkThemeTurnOn"]


def _infos(names: list[str]):
    known = {t.name: t for t in SimDroidSuite().tasks()}
    return [known[n] for n in names]


def test_vera_devices_lists_served_phones() -> None:
    with serve_simdroid(2, port=0) as server:
        server.set_online("emulator-5556", False)
        result = CliRunner().invoke(app, ["devices", "--adb-port", str(server.port), "--json"])
        assert result.exit_code == 0, result.output
        payload = json.loads(result.output.strip().splitlines()[-1])
        assert payload["count"] == 1
        assert payload["devices"][0] == {"serial": "emulator-5554", "state": "device", "model": "SimDroid",
                                         "size": "1080x2400"}
    result = CliRunner().invoke(app, ["devices", "--adb-port", "1"])
    assert result.exit_code != 0 and "vera sim adb --port 1" in str(result.exception)


def test_emulator_start_without_sdk_says_how_to_install(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("ANDROID_HOME", raising=False)
    monkeypatch.delenv("ANDROID_SDK_ROOT", raising=False)
    result = CliRunner().invoke(app, ["emulator", "start", "--avd", "AndroidWorldAvd"])
    assert isinstance(result.exception, ConfigError)
    assert "sdkmanager" in str(result.exception) and "avdmanager create avd" in str(result.exception)


def test_emulator_start_runs_the_sdk_emulator_and_waits_for_boot(monkeypatch, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "emulator"
    script.write_text(f'#!/bin/sh\necho "$ANDROID_ADB_SERVER_PORT $@" > {tmp_path / "args.txt"}\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    with serve_simdroid(1, port=0, first_emulator_port=5580) as server:  # the "booted" emulator-5580
        adb_port = server.port
        result = CliRunner().invoke(app, ["emulator", "start", "--avd", "Pixel_6_API_33", "--port", "5580",
                                          "--adb-port", str(server.port), "--log", str(tmp_path / "emu.log"),
                                          "--timeout", "20", "--json"])
        assert result.exit_code == 0, (result.output, result.exception)
        payload = json.loads(result.output.strip().splitlines()[-1])
    assert payload["serial"] == "emulator-5580" and payload["booted"]
    args = (tmp_path / "args.txt").read_text().split()
    assert args == [str(adb_port), "-avd", "Pixel_6_API_33", "-port", "5580", "-grpc", "8580",
                    "-no-snapshot", "-no-window", "-no-audio"]
    assert emulator_command("emu", "A", 5554, window=True, snapshot=True) == [
        "emu", "-avd", "A", "-port", "5554", "-grpc", "8554"]
    bad = CliRunner().invoke(app, ["emulator", "start", "--avd", "A", "--port", "5555"])
    assert isinstance(bad.exception, ConfigError)


def test_emulator_stop_authenticates_and_kills_through_the_console(monkeypatch, tmp_path: Path) -> None:
    (tmp_path / ".emulator_console_auth_token").write_text("s3cret\n")
    monkeypatch.setenv("HOME", str(tmp_path))
    received: list[str] = []
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def console() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.sendall(b"Android Console: Authentication required\r\nOK\r\n")
            reader = conn.makefile("rb")
            for _ in range(2):
                line = reader.readline().decode().strip()
                received.append(line)
                conn.sendall(b"OK: killing emulator, bye bye\r\n" if line == "kill" else b"OK\r\n")

    thread = threading.Thread(target=console, daemon=True)
    thread.start()
    result = CliRunner().invoke(app, ["emulator", "stop", "--port", str(port)])
    thread.join(10)
    listener.close()
    assert result.exit_code == 0, (result.output, result.exception)
    assert received == ["auth s3cret", "kill"]
    missing = CliRunner().invoke(app, ["emulator", "stop", "--serial", "phone"])
    assert isinstance(missing.exception, ConfigError)


def test_eval_runs_one_worker_per_device(tmp_path: Path) -> None:
    with serve_simdroid(2, port=0) as server:
        result = CliRunner().invoke(app, [
            "eval", "--env", "simdroid", "--agent", "oracle", "--tasks", ",".join(TASKS), "--device", "adb",
            "--adb-port", str(server.port), "--devices", "emulator-5554,emulator-5556",
            "--out", str(tmp_path / "run"), "--json"])
        assert result.exit_code == 0, (result.output, result.exception)
        summary = json.loads(result.output.strip().splitlines()[-1])
        inits = {serial: [c for c in served.commands if c.startswith("simdroid task init")]
                 for serial, served in server.devices.items()}
    assert summary["success_rate"] == 1.0 and summary["errors"] == 0 and summary["episodes"] == len(TASKS)
    assert all(inits.values()), inits  # both devices ran episodes
    assert sum(len(v) for v in inits.values()) == len(TASKS)


def test_device_killed_mid_episode_is_an_error_retried_once_and_nothing_is_lost(monkeypatch,
                                                                                tmp_path: Path) -> None:
    monkeypatch.setenv("VERA_ADB_RECONNECT_ATTEMPTS", "1")
    monkeypatch.setenv("VERA_ADB_RECONNECT_DELAY", "0.05")
    victim = TASKS[1]
    state = {"armed": False, "inputs": 0, "killed": 0}

    def kill_mid_episode(served: ServedDevice, command: str) -> None:
        if command.startswith(f"simdroid task init {victim}"):
            state["armed"] = state["killed"] == 0
        elif state["armed"] and command.startswith("input"):
            state["inputs"] += 1
            if state["inputs"] == 2:  # the second touch of the episode: the emulator dies for 1.5 s
                state["armed"] = False
                state["killed"] += 1
                server.disconnect_for(served.serial, 1.5)

    seen: list[dict] = []
    with serve_simdroid(1, port=0) as server:
        server.devices["emulator-5554"].before_command = kill_mid_episode
        summary = run_eval(suite_name="simdroid", agent="oracle", tasks=_infos(TASKS), n_instances=1,
                           out_dir=tmp_path / "run", suite_options={"device": "adb", "adb_port": server.port},
                           devices=["emulator-5554"], retry_errors=1,
                           on_result=lambda data, done, total: seen.append(dict(data)))
    assert state["killed"] == 1
    rows = read_jsonl(tmp_path / "run" / "results.jsonl")
    expected = []
    for name in sorted(TASKS):  # the runner's order; the retry follows the failed attempt at once
        expected += [(name, False), (name, True)] if name == victim else [(name, True)]
    assert [(r["task"], r["error"] is None) for r in rows] == expected
    errors = [r for r in rows if r["error"] is not None]
    assert len(errors) == 1 and errors[0]["task"] == victim
    assert "emulator-5554" in errors[0]["error"] and "lost" in errors[0]["error"]
    retried = [r for r in rows if r["task"] == victim and r["error"] is None]
    assert len(retried) == 1 and retried[0]["success"] == 1.0
    # Every result reported while the eval ran is still on disk, unchanged, and the eval went on.
    assert len(rows) == len(TASKS) + 1
    for data in seen:
        assert data in rows
    assert summary["success_rate"] == 1.0 and summary["errors"] == 0 and summary["tasks"] == len(TASKS)


def test_unknown_serial_fails_fast_with_a_clear_message() -> None:
    with AdbServer() as empty:
        suite = SimDroidSuite(device="adb", adb_port=empty.port)  # the server is there; devices come later
        with pytest.raises(Exception, match="no device on the adb server"):
            suite.run_episode("SystemWifiTurnOff", 0, "oracle")


def test_vera_sim_adb_serves_phones_until_stopped(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    from vera.env.android.adb import AdbDevice

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "vera.cli", "sim", "adb", "--port", str(port), "--devices",
                                "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                device = AdbDevice("emulator-5556", port=port, reconnect_attempts=0)
                device.connected_serials()  # the server answers
                break
            except Exception:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(process.communicate(timeout=5)) from None
                time.sleep(0.2)
        assert device.connected_serials() == ["emulator-5554", "emulator-5556"]
        assert device.shell("simdroid", "task", "init", "SystemWifiTurnOff", "3").strip() == "Turn wifi off."
    finally:
        process.terminate()
        process.wait(timeout=10)
