"""SimDroid over the adb protocol, driven by the stock adb client and by vera's AdbDevice (adbutils).

Everything here goes through a real TCP adb server on 127.0.0.1 (`vera.env.android.adb_server`); the
stock client is Debian's `adb` when installed, else the adb binary bundled with adbutils.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import adbutils
import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from vera.env.android.adb import AdbDevice
from vera.env.android.adb_server import AdbServer, SimDroidOverAdb, serve_simdroid
from vera.env.android.env import AndroidEnv
from vera.env.android.sim.suite import SimDroidSuite
from vera.errors import ConfigError
from vera.eval.runner import run_eval

INJECTION = "'; rm -rf / $(reboot) `id` \"q\" %s 50% ünïcödé"
# A fixed sample: every SimDroid app, typing, pickers, a composite task and an information question.
SAMPLE = ["ExpenseAddSingle", "RecipeAddSingleRecipe", "SimpleCalendarAddOneEvent", "SystemWifiTurnOff",
          "TasksDueOnDate", "TurnOffWifiAndTurnOnBluetooth"]


def _adb_binary() -> str:
    found = shutil.which("adb")
    if found:
        return found
    bundled = Path(adbutils.__file__).parent / "binaries" / "adb"
    assert bundled.exists(), "adbutils ships an adb binary; reinstall adbutils"
    return str(bundled)


@pytest.fixture(scope="module")
def server():
    with serve_simdroid(2, port=0) as running:
        yield running


def adb(server: AdbServer, *args: str, binary: bool = False) -> subprocess.CompletedProcess:
    result = subprocess.run([_adb_binary(), "-P", str(server.port), *args], capture_output=True, timeout=60,
                            stdin=subprocess.DEVNULL, text=not binary)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result


# --- the stock adb client ----------------------------------------------------------------------------
def test_stock_adb_client_lists_and_drives_served_simdroids(server: AdbServer, tmp_path: Path) -> None:
    listed = adb(server, "devices").stdout
    assert "emulator-5554\tdevice" in listed and "emulator-5556\tdevice" in listed
    assert "transport_id:" in adb(server, "devices", "-l").stdout
    assert adb(server, "-s", "emulator-5556", "get-state").stdout.strip() == "device"
    assert adb(server, "-s", "emulator-5554", "shell", "wm", "size").stdout.strip() == "Physical size: 1080x2400"

    phone = server.devices["emulator-5556"]
    adb(server, "-s", "emulator-5556", "shell", "monkey", "-p", "com.android.settings", "-c",
        "android.intent.category.LAUNCHER", "1")
    assert phone.device.foreground() == "com.android.settings"
    focus = adb(server, "-s", "emulator-5556", "shell", "dumpsys", "window").stdout
    assert "mCurrentFocus=Window{" in focus and "com.android.settings/" in focus
    adb(server, "-s", "emulator-5556", "shell", "input", "keyevent", "KEYCODE_HOME")
    assert phone.device.foreground() == phone.device.launcher.package

    # uiautomator dump to a file, then `adb pull` over the sync protocol (STAT + RECV).
    assert "dumped to: /sdcard/window_dump.xml" in adb(server, "-s", "emulator-5556", "shell", "uiautomator",
                                                       "dump").stdout
    adb(server, "-s", "emulator-5556", "pull", "/sdcard/window_dump.xml", str(tmp_path / "dump.xml"))
    assert (tmp_path / "dump.xml").read_text() == phone.device.ui_xml()
    # Pushed files come back through the shell.
    (tmp_path / "note.txt").write_text("pushed ✓")
    adb(server, "-s", "emulator-5556", "push", str(tmp_path / "note.txt"), "/sdcard/note.txt")
    assert adb(server, "-s", "emulator-5556", "shell", "cat", "/sdcard/note.txt").stdout == "pushed ✓"

    # exec-out screencap -p: a PNG identical to the phone's pixels.
    png = adb(server, "-s", "emulator-5556", "exec-out", "screencap -p", binary=True).stdout
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert np.array_equal(pixels, phone.device.screenshot())


def test_stock_client_errors_for_unknown_device_and_refused_shell(server: AdbServer) -> None:
    result = subprocess.run([_adb_binary(), "-P", str(server.port), "-s", "emulator-9999", "shell", "true"],
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode != 0 and "emulator-9999" in result.stderr
    refused = subprocess.run([_adb_binary(), "-P", str(server.port), "-s", "emulator-5554", "shell",
                              "echo $(id)"], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert refused.returncode != 0 and "refused" in refused.stdout + refused.stderr
    assert server.devices["emulator-5554"].unsafe[-1] == "echo $(id)"


# --- vera's AdbDevice on a served SimDroid -----------------------------------------------------------
def _focus_expense_name_field(env: AndroidEnv) -> int:
    env.execute_action({"action_type": "open_app", "app_name": "Pro Expense"})
    add = next(i for i, e in enumerate(env.ui_elements()) if e.content_description == "Add expense")
    env.execute_action({"action_type": "click", "index": add})
    field = next(i for i, e in enumerate(env.ui_elements()) if e.is_editable)
    env.execute_action({"action_type": "click", "index": field})
    return field


def test_injection_text_lands_verbatim_through_adb(server: AdbServer) -> None:
    served = server.devices["emulator-5554"]
    served.hooks.init("ExpenseAddSingle", 1)  # a fresh phone
    served.unsafe.clear()
    device = AdbDevice("emulator-5554", port=server.port)
    env = AndroidEnv(device)
    field = _focus_expense_name_field(env)
    device.input_text(INJECTION)
    # Read back through adb (uiautomator dump + pull) and directly on the served SimDroid.
    assert env.ui_elements()[field].text == INJECTION
    native = AndroidEnv(served.device).ui_elements()
    assert native[field].text == INJECTION
    assert served.unsafe == []
    sent = [c for c in served.commands if c.startswith("input text") or "ADB_INPUT_B64" in c]
    assert sent and all("rm -rf" not in c for c in sent)  # the non-ASCII string went base64-encoded

    # Its ASCII part alone takes the `input text` path (quoted, %s for spaces): verbatim as well.
    ascii_part = INJECTION.rsplit(" ", 1)[0]
    served.hooks.init("ExpenseAddSingle", 1)
    served.commands.clear()
    field = _focus_expense_name_field(env)
    device.input_text(ascii_part)
    assert env.ui_elements()[field].text == ascii_part
    assert any(c.startswith("input text") for c in served.commands)
    assert not any("ADB_INPUT" in c for c in served.commands) and served.unsafe == []


def test_task_setup_and_check_over_adb(server: AdbServer) -> None:
    device = SimDroidOverAdb("emulator-5556", port=server.port)
    goal = device.init_task("SystemWifiTurnOff", 4)
    assert goal == "Turn wifi off."
    assert device.check_task("SystemWifiTurnOff") == 0.0
    env = AndroidEnv(device)
    env.execute_action({"action_type": "open_app", "app_name": "Settings"})
    assert device.foreground() == "com.android.settings"
    with pytest.raises(Exception, match="was not initialised"):
        device.check_task("SystemWifiTurnOn")
    assert "system:open:settings" in device.coverage()


def test_oracle_sample_over_adb_matches_native(server: AdbServer, tmp_path: Path) -> None:
    native = SimDroidSuite()
    infos = [t for t in native.tasks() if t.name in SAMPLE]
    assert len(infos) == len(SAMPLE)
    over_adb = run_eval(suite_name="simdroid", agent="oracle", tasks=infos, n_instances=1,
                        out_dir=tmp_path / "adb", suite_options={"device": "adb", "adb_port": server.port},
                        devices=["emulator-5554"])
    local = run_eval(suite_name="simdroid", agent="oracle", tasks=infos, n_instances=1, out_dir=tmp_path / "sim")
    assert over_adb["success_rate"] == local["success_rate"] == 1.0
    assert over_adb["errors"] == 0 and over_adb["scored_episodes"] == len(SAMPLE)

    def key(r: dict) -> tuple:
        return r["task"], r["seed"], r["success"], r["done"], r["steps"], r["extra"]["answer"]

    rows = [json.loads(line) for line in (tmp_path / "adb" / "results.jsonl").read_text().splitlines()]
    native_rows = [json.loads(line) for line in (tmp_path / "sim" / "results.jsonl").read_text().splitlines()]
    assert sorted(map(key, rows)) == sorted(map(key, native_rows))
    assert server.devices["emulator-5554"].unsafe == []


def test_vera_run_over_adb_cli(server: AdbServer) -> None:
    from vera.cli import app

    result = CliRunner().invoke(app, ["run", "--device", "adb", "--adb-port", str(server.port), "--serial",
                                      "emulator-5556", "--task", "TasksDueOnDate", "--agent", "oracle",
                                      "--seed", "2", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output.strip().splitlines()[-1])
    assert payload["success"] == 1.0 and payload["done"] and payload["error"] is None
    assert payload["extra"]["answer"]


def test_suite_rejects_unknown_backends_and_missing_server() -> None:
    with pytest.raises(ConfigError, match="--device adb"):
        SimDroidSuite(device="bluetooth")
    with pytest.raises(Exception, match="cannot reach the adb server"):
        SimDroidSuite(device="adb", adb_port=1, device_serial=None)


def test_served_serials_follow_emulator_ports() -> None:
    with serve_simdroid(3, port=0, first_emulator_port=5560) as running:
        assert sorted(running.devices) == ["emulator-5560", "emulator-5562", "emulator-5564"]
        assert AdbDevice(port=running.port, serial="emulator-5562").size() == (1080, 2400)
