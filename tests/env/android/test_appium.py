"""AppiumDevice against a REAL Appium 3 server with @appium/fake-driver (no device needed).

The server and driver are installed once into a cache outside the repository (``~/.cache/vera/appium``
or ``$VERA_APPIUM_CACHE``) with npm, then started on 127.0.0.1 on a free port for this module.

What the fake driver can check: session creation and close, page source (a static XML app of
``Mock*`` elements, converted by `to_uiautomator_xml` and parsed by vera's uitree parser), W3C pointer
and key actions (the driver logs them; we read the log back), screenshot decoding, window size, and that
unsupported commands (key codes, current package, app activation) surface as `DeviceError`s naming the
command. What it cannot check: that taps change the screen (its page source is static) or any Android
behaviour; those run on SimDroid through the adb path and on real phones with UiAutomator2.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vera.env.android.appium import AppiumDevice, to_uiautomator_xml
from vera.env.android.uitree import parse_ui_xml
from vera.errors import DeviceError

CACHE = Path(os.environ.get("VERA_APPIUM_CACHE", Path.home() / ".cache" / "vera" / "appium"))
APPIUM_BIN = CACHE / "node_modules" / ".bin" / "appium"
APPIUM_HOME = CACHE / "home"

FAKE_APP = """<app width="1080" height="2400">
  <MockListView id="list" left="0" top="0" width="1080" height="2000">
    <MockButton id="ok" accessibility-id="OK button" text="OK" left="100" top="200" width="200" height="100" />
    <MockInputField id="name" hint="Name" left="0" top="400" width="1080" height="120" />
    <MockWebView left="0" top="600" width="1080" height="600"><p>web</p></MockWebView>
  </MockListView>
</app>
"""


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.fail(f"{what} failed ({' '.join(command)}):\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")


def _ensure_appium() -> dict[str, str]:
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.fail("the Appium test needs node and npm on PATH (e.g. `apt-get install nodejs npm`); "
                    "it installs appium@3 and @appium/fake-driver into ~/.cache/vera/appium")
    env = dict(os.environ, APPIUM_HOME=str(APPIUM_HOME))
    CACHE.mkdir(parents=True, exist_ok=True)
    if not APPIUM_BIN.exists():
        _run(["npm", "install", "--prefix", str(CACHE), "appium@3", "--no-audit", "--no-fund"], env,
             "npm install appium")
    fake = APPIUM_HOME / "node_modules" / "@appium" / "fake-driver"
    if not fake.exists():
        _run([str(APPIUM_BIN), "driver", "install", "--source=npm", "@appium/fake-driver"], env,
             "appium driver install @appium/fake-driver")
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def appium_url(tmp_path_factory: pytest.TempPathFactory):
    env = _ensure_appium()
    port = _free_port()
    log = tmp_path_factory.mktemp("appium") / "appium.log"
    with open(log, "w") as handle:
        process = subprocess.Popen([str(APPIUM_BIN), "--address", "127.0.0.1", "--port", str(port),
                                    "--log-level", "warn"], env=env, stdout=handle, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/status", timeout=2) as response:
                    if json.load(response)["value"]["ready"]:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Appium did not start on {url}: {log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture()
def fake_session(appium_url: str, tmp_path: Path):
    app = tmp_path / "app.xml"
    app.write_text(FAKE_APP)
    device = AppiumDevice.connect(appium_url, {"platformName": "Fake", "appium:automationName": "Fake",
                                               "appium:app": str(app)}, serial="fake-appium")
    yield device
    try:
        device.close()
    except DeviceError:
        pass


def _actions_log(device: AppiumDevice) -> list:
    return device.driver.get_log("actions")


def test_session_page_source_tap_keys_and_close(fake_session: AppiumDevice) -> None:
    device = fake_session
    assert device.serial == "fake-appium"
    assert device.size() == (1080, 2400)
    elements = parse_ui_xml(device.ui_xml(), element_filter="all", screen_size=device.size())
    by_class = {e.class_name: e for e in elements}
    assert set(by_class) >= {"MockListView", "MockButton", "MockInputField", "MockWebView"}
    button = by_class["MockButton"]
    assert button.text == "OK" and button.content_description == "OK button"
    assert (button.bbox_pixels.x_min, button.bbox_pixels.y_min, button.bbox_pixels.x_max,
            button.bbox_pixels.y_max) == (100, 200, 300, 300)
    # AndroidWorld's filter keeps leaves and described nodes: the list container is not a leaf.
    kept = {e.class_name for e in parse_ui_xml(device.ui_xml())}
    assert "MockListView" not in kept and "MockButton" in kept

    x, y = (int(v) for v in button.bbox_pixels.center)
    device.tap(x, y)
    device.long_press(x, y, duration_ms=800)
    device.swipe(540, 1800, 540, 600, duration_ms=400)
    log = _actions_log(device)
    assert len(log) == 3
    tap_moves = [a for a in log[0][0]["actions"] if a["type"] == "pointerMove"]
    assert log[0][0]["parameters"]["pointerType"] == "touch"
    assert (tap_moves[0]["x"], tap_moves[0]["y"]) == (200, 250)
    assert [a["type"] for a in log[1][0]["actions"]] == ["pointerMove", "pointerDown", "pause", "pointerUp"]
    assert log[1][0]["actions"][2]["duration"] == 800
    swipe = log[2][0]["actions"]
    assert swipe[-2]["x"] == 540 and swipe[-2]["y"] == 600 and swipe[-2]["duration"] == 400

    # An element tapped through the driver, then keys sent: the fake has no active element, so the
    # text goes as W3C key actions; each character arrives as keyDown/keyUp.
    from appium.webdriver.common.appiumby import AppiumBy

    field = device.driver.find_element(AppiumBy.ID, "name")
    field.click()
    assert device.driver.find_element(AppiumBy.ID, "name").get_attribute("clicks") == "1"
    device.input_text("héllo; $(id)")
    sources = _actions_log(device)[-1]
    assert [s["type"] for s in sources] == ["key"]
    typed = [a["value"] for a in sources[0]["actions"] if a["type"] == "keyDown"]
    assert "".join(typed) == "héllo; $(id)"

    shot = device.screenshot()
    assert shot.ndim == 3 and shot.shape[2] == 3 and shot.dtype.name == "uint8"
    device.close()
    with pytest.raises(DeviceError, match="fake-appium"):
        device.ui_xml()


def test_unsupported_commands_are_device_errors(fake_session: AppiumDevice) -> None:
    with pytest.raises(DeviceError, match=r"press key KEYCODE_ENTER \(66\)"):
        fake_session.key("KEYCODE_ENTER")
    with pytest.raises(DeviceError, match="activate app net.gsantner.markor"):
        fake_session.start_app("Markor")
    with pytest.raises(DeviceError, match="unknown-key|no Android key code"):
        fake_session.key("KEYCODE_NOT_A_KEY")


def test_session_failure_says_what_to_do(appium_url: str) -> None:
    with pytest.raises(DeviceError, match="cannot open an Appium session.*appium driver install"):
        AppiumDevice.connect(appium_url, {"platformName": "Fake", "appium:automationName": "Fake"})


def test_uiautomator2_source_converts_to_nodes() -> None:
    source = ('<?xml version="1.0" encoding="UTF-8"?><hierarchy index="0" class="hierarchy" rotation="0" '
              'width="1080" height="2400"><android.widget.FrameLayout index="0" package="com.android.settings" '
              'class="android.widget.FrameLayout" text="" bounds="[0,0][1080,2400]" clickable="false">'
              '<android.widget.Switch index="0" package="com.android.settings" class="android.widget.Switch" '
              'text="Wi-Fi" checkable="true" checked="true" clickable="true" bounds="[0,100][1080,200]" />'
              '</android.widget.FrameLayout></hierarchy>')
    elements = parse_ui_xml(to_uiautomator_xml(source))
    assert len(elements) == 1
    wifi = elements[0]
    assert (wifi.text, wifi.class_name, wifi.is_checked, wifi.is_clickable, wifi.package_name) == (
        "Wi-Fi", "android.widget.Switch", True, True, "com.android.settings")


_NAMES = st.sampled_from(["MockButton", "MockInputField", "MockText", "MockListView"])


@st.composite
def _mock_tree(draw, depth: int = 0):
    tag = draw(_NAMES)
    x, y = draw(st.integers(0, 1000)), draw(st.integers(0, 2000))
    w, h = draw(st.integers(1, 80)), draw(st.integers(1, 80))
    text = draw(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8))
    children = draw(st.lists(_mock_tree(depth + 1), max_size=2)) if depth < 2 else []
    return tag, (x, y, w, h), text, children


def _to_xml(node) -> ElementTree.Element:
    tag, (x, y, w, h), text, children = node
    element = ElementTree.Element(tag, {"left": str(x), "top": str(y), "width": str(w), "height": str(h),
                                        "text": text})
    element.extend(_to_xml(c) for c in children)
    return element


def _flatten(node) -> list:
    tag, box, text, children = node
    return [(tag, box, text)] + [n for c in children for n in _flatten(c)]


@given(st.lists(_mock_tree(), min_size=1, max_size=3))
@settings(max_examples=60, deadline=None)
def test_converted_sources_keep_every_positioned_element(trees) -> None:
    app = ElementTree.Element("app", {"width": "1080", "height": "2400"})
    app.extend(_to_xml(t) for t in trees)
    source = ElementTree.tostring(app, encoding="unicode")
    elements = parse_ui_xml(to_uiautomator_xml(source), element_filter="all")
    expected = [n for t in trees for n in _flatten(t)]
    assert [(e.class_name, (int(e.bbox_pixels.x_min), int(e.bbox_pixels.y_min), int(e.bbox_pixels.width),
             int(e.bbox_pixels.height)), e.text or "") for e in elements] == expected
