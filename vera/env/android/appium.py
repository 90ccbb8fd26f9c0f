"""`AppiumDevice`: a phone driven through an Appium server (appium-python-client).

For Android use `AppiumDevice.uiautomator2(...)` (UiAutomator2Options); any other driver works through
`AppiumDevice.connect(server, capabilities)` with generic options. Observation goes through vera's
uitree parser: Appium page sources are converted to `uiautomator dump` XML by `to_uiautomator_xml`
(UiAutomator2 names elements by class; other drivers, such as ``@appium/fake-driver``, give positions
as ``left/top/width/height`` or ``x/y/width/height``). Touches are W3C pointer actions (a finger), text
goes to the focused element (or, when the driver has no active-element command, as W3C key actions),
keys are Android key codes (UiAutomator2), apps are activated by package (AndroidWorld names resolve
through `vera.env.android.apps`). Every failure is a `DeviceError` naming the session and the command.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from PIL import Image

from vera.env.android.apps import find_app, looks_like_package, resolve_app
from vera.errors import DeviceError, ParseError

T = TypeVar("T")

# Android KeyEvent codes for the keys agents press (android.view.KeyEvent).
ANDROID_KEYCODES: dict[str, int] = {
    "KEYCODE_HOME": 3, "KEYCODE_BACK": 4, "KEYCODE_CALL": 5, "KEYCODE_ENDCALL": 6,
    **{f"KEYCODE_{d}": 7 + d for d in range(10)},
    "KEYCODE_STAR": 17, "KEYCODE_POUND": 18, "KEYCODE_DPAD_UP": 19, "KEYCODE_DPAD_DOWN": 20,
    "KEYCODE_DPAD_LEFT": 21, "KEYCODE_DPAD_RIGHT": 22, "KEYCODE_DPAD_CENTER": 23, "KEYCODE_VOLUME_UP": 24,
    "KEYCODE_VOLUME_DOWN": 25, "KEYCODE_POWER": 26, "KEYCODE_CAMERA": 27, "KEYCODE_CLEAR": 28,
    **{f"KEYCODE_{chr(ord('A') + i)}": 29 + i for i in range(26)},
    "KEYCODE_COMMA": 55, "KEYCODE_PERIOD": 56, "KEYCODE_TAB": 61, "KEYCODE_SPACE": 62,
    "KEYCODE_ENTER": 66, "KEYCODE_DEL": 67, "KEYCODE_MENU": 82, "KEYCODE_SEARCH": 84,
    "KEYCODE_PAGE_UP": 92, "KEYCODE_PAGE_DOWN": 93, "KEYCODE_ESCAPE": 111, "KEYCODE_FORWARD_DEL": 112,
    "KEYCODE_MOVE_HOME": 122, "KEYCODE_MOVE_END": 123, "KEYCODE_APP_SWITCH": 187,
}

_TEXT_ATTRIBUTES = ("text", "value", "label", "name")
_BOOLEAN_ATTRIBUTES = ("checkable", "checked", "clickable", "enabled", "focusable", "focused",
                       "long-clickable", "scrollable", "selected", "password")


def _bounds_of(attrib: dict[str, str]) -> str | None:
    """uiautomator bounds from an Appium element's attributes, or None."""
    if "bounds" in attrib:
        return attrib["bounds"]
    left = attrib.get("left", attrib.get("x"))
    top = attrib.get("top", attrib.get("y"))
    width, height = attrib.get("width"), attrib.get("height")
    if None in (left, top, width, height):
        return None
    x1, y1 = int(float(left or 0)), int(float(top or 0))
    return f"[{x1},{y1}][{x1 + int(float(width or 0))},{y1 + int(float(height or 0))}]"


def to_uiautomator_xml(source: str, *, package: str = "") -> str:
    """An Appium page source as `uiautomator dump` XML (``<hierarchy><node .../></hierarchy>``).

    UiAutomator2 sources keep their attributes (the tag is the class name); other drivers' elements
    become nodes with ``class`` = tag, ``text`` from text/value/label/name and bounds from their
    position attributes; elements without a position are skipped, their children kept.
    """
    try:
        root = ElementTree.fromstring(source.encode("utf-8") if isinstance(source, str) else source)
    except ElementTree.ParseError as exc:
        raise ParseError(f"the Appium page source is not XML ({exc}); is the session on a native context?") \
            from exc
    if root.tag == "hierarchy" and all(child.tag == "node" for child in root.iter() if child is not root):
        return ElementTree.tostring(root, encoding="unicode")
    hierarchy = ElementTree.Element("hierarchy", {"rotation": root.attrib.get("rotation", "0")})

    def convert(element: ElementTree.Element, parent: ElementTree.Element) -> None:
        attrib = element.attrib
        bounds = _bounds_of(attrib)
        target = parent
        if bounds is not None and element.tag != "hierarchy":
            node_attrib = {
                "class": attrib.get("class", element.tag),
                "text": next((attrib[k] for k in _TEXT_ATTRIBUTES if attrib.get(k)), ""),
                "resource-id": attrib.get("resource-id", attrib.get("id", "")),
                "content-desc": attrib.get("content-desc", attrib.get("accessibility-id", "")),
                "package": attrib.get("package", package),
                "bounds": bounds,
            }
            for key in _BOOLEAN_ATTRIBUTES:
                if key in attrib:
                    node_attrib[key] = attrib[key]
            if "visible" in attrib:
                node_attrib["displayed"] = attrib["visible"]
            if "hint" in attrib:
                node_attrib["hint"] = attrib["hint"]
            target = ElementTree.SubElement(parent, "node", node_attrib)
        for child in element:
            convert(child, target)

    for child in ([root] if root.tag != "hierarchy" else list(root)):
        convert(child, hierarchy)
    return ElementTree.tostring(hierarchy, encoding="unicode")


class AppiumDevice:
    """A device behind an Appium session, implementing `vera.env.android.device.Device`."""

    def __init__(self, driver: Any, *, serial: str | None = None, server_url: str = "") -> None:
        self.driver = driver
        self.server_url = server_url
        capabilities = getattr(driver, "capabilities", {}) or {}
        self._serial = serial or capabilities.get("udid") or capabilities.get("appium:udid") \
            or f"appium-session-{getattr(driver, 'session_id', '?')}"
        self._size: tuple[int, int] | None = None

    # --- construction ----------------------------------------------------------------------------
    @classmethod
    def connect(cls, server_url: str, capabilities: dict[str, Any], *, serial: str | None = None) -> AppiumDevice:
        """Open a session with any driver from plain capabilities (``appium:`` prefixes optional)."""
        from appium.options.common.base import AppiumOptions

        options = AppiumOptions()
        options.load_capabilities(capabilities)
        return cls._open(server_url, options, serial)

    @classmethod
    def uiautomator2(cls, server_url: str = "http://127.0.0.1:4723", *, udid: str | None = None,
                     app_package: str | None = None, app_activity: str | None = None,
                     extra: dict[str, Any] | None = None) -> AppiumDevice:
        """An Android session through the UiAutomator2 driver (`appium driver install uiautomator2`)."""
        from appium.options.android import UiAutomator2Options

        options = UiAutomator2Options()
        if udid:
            options.udid = udid
        if app_package:
            options.app_package = app_package
        if app_activity:
            options.app_activity = app_activity
        options.no_reset = True
        options.new_command_timeout = 600
        if extra:
            options.load_capabilities(extra)
        return cls._open(server_url, options, udid)

    @classmethod
    def _open(cls, server_url: str, options: Any, serial: str | None) -> AppiumDevice:
        from appium import webdriver

        try:
            driver = webdriver.Remote(server_url, options=options)
        except Exception as exc:
            detail = (str(getattr(exc, "msg", None) or exc).strip().splitlines() or [""])[0]
            raise DeviceError(
                f"cannot open an Appium session at {server_url} ({type(exc).__name__}: "
                f"{detail[:300]}); start the server with `appium --address 127.0.0.1 --port 4723` "
                "and install the driver (`appium driver install uiautomator2`); for Android, check "
                "`adb devices` and ANDROID_HOME"
            ) from exc
        return cls(driver, serial=serial, server_url=server_url)

    @property
    def serial(self) -> str:
        return self._serial

    def _call(self, command: str, action: Callable[[], T]) -> T:
        try:
            return action()
        except DeviceError:
            raise
        except Exception as exc:
            message = str(getattr(exc, "msg", None) or exc).strip().splitlines()
            raise DeviceError(
                f"device {self._serial} (Appium {self.server_url or 'session'}): command {command!r} failed "
                f"({type(exc).__name__}: {message[0][:300] if message else ''}); check the Appium server log "
                "and that the driver supports this command"
            ) from exc

    def close(self) -> None:
        """End the Appium session."""
        self._call("quit", self.driver.quit)

    def __enter__(self) -> AppiumDevice:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- observe ---------------------------------------------------------------------------------
    def page_source(self) -> str:
        return self._call("page source", lambda: self.driver.page_source)

    def ui_xml(self) -> str:
        return to_uiautomator_xml(self.page_source())

    def screenshot(self) -> np.ndarray:
        png = self._call("screenshot", self.driver.get_screenshot_as_png)
        try:
            return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.uint8)
        except Exception as exc:
            raise DeviceError(f"device {self._serial}: command 'screenshot' returned no image ({exc})") from exc

    def size(self) -> tuple[int, int]:
        if self._size is None:
            rect = self._call("window size", self.driver.get_window_size)
            self._size = (int(rect["width"]), int(rect["height"]))
        return self._size

    def foreground(self) -> str:
        return self._call("current package", lambda: self.driver.current_package)

    # --- act -------------------------------------------------------------------------------------
    def _pointer(self, command: str, steps: Callable[[Any], None], duration_ms: int = 250) -> None:
        from selenium.webdriver.common.actions import interaction
        from selenium.webdriver.common.actions.action_builder import ActionBuilder
        from selenium.webdriver.common.actions.pointer_input import PointerInput

        def run() -> None:
            finger = PointerInput(interaction.POINTER_TOUCH, "finger")
            builder = ActionBuilder(self.driver, mouse=finger, duration=max(1, int(duration_ms)))
            steps(builder.pointer_action)
            builder.perform()

        self._call(command, run)

    def tap(self, x: int, y: int) -> None:
        def steps(p: Any) -> None:
            p.move_to_location(int(x), int(y)).pointer_down().pause(0.05).release()

        self._pointer(f"tap {x} {y}", steps)

    def long_press(self, x: int, y: int, duration_ms: int = 1000) -> None:
        def steps(p: Any) -> None:
            p.move_to_location(int(x), int(y)).pointer_down().pause(duration_ms / 1000).release()

        self._pointer(f"long press {x} {y}", steps)

    def swipe(self, x1: int, y1: int, x2: int, y2: int, duration_ms: int = 300) -> None:
        from selenium.webdriver.common.actions.pointer_input import PointerInput

        def steps(p: Any) -> None:
            source: PointerInput = p.source
            source.create_pointer_move(duration=0, x=int(x1), y=int(y1))
            source.create_pointer_down(button=0)
            source.create_pointer_move(duration=int(duration_ms), x=int(x2), y=int(y2))
            source.create_pointer_up(button=0)

        self._pointer(f"swipe {x1} {y1} {x2} {y2}", steps, duration_ms)

    def input_text(self, text: str) -> None:
        """Type into the focused element; W3C key actions when the driver has no active element."""
        if not text:
            return
        from selenium.common.exceptions import WebDriverException

        try:
            element = self.driver.switch_to.active_element
        except WebDriverException:
            element = None
        if element is not None:
            self._call("type into the focused element", lambda: element.send_keys(text))
            return

        def keys() -> None:
            from selenium.webdriver.common.actions.action_builder import ActionBuilder

            builder = ActionBuilder(self.driver)
            builder.key_action.send_keys(text)
            builder.perform()

        self._call("type (W3C key actions)", keys)

    def key(self, keycode: str) -> None:
        code = ANDROID_KEYCODES.get(keycode)
        if code is None:
            if isinstance(keycode, str) and keycode.isdigit():
                code = int(keycode)
            else:
                raise DeviceError(f"device {self._serial}: key {keycode!r} has no Android key code in vera's "
                                  "table; pass the number (e.g. '66') instead")
        self._call(f"press key {keycode} ({code})", lambda: self.driver.press_keycode(code))

    def start_app(self, name: str) -> None:
        entry = find_app(name)
        if entry is not None:
            package = entry.package
        elif looks_like_package(name):
            package = name.strip()
        else:
            package = resolve_app(name).package  # raises ActionError naming the known apps
        self._call(f"activate app {package}", lambda: self.driver.activate_app(package))
