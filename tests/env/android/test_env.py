"""AndroidEnv executes JSONActions with AndroidWorld's semantics on any Device."""

from __future__ import annotations

import numpy as np
import pytest

from vera.env.android.device import Device
from vera.env.android.env import AndroidEnv
from vera.errors import ActionError

SCREEN = """<hierarchy rotation="0">
<node class="android.widget.FrameLayout" bounds="[0,0][1080,2400]">
  <node class="android.widget.Button" text="OK" clickable="true" bounds="[100,200][300,300]" />
  <node class="android.widget.EditText" text="old" clickable="true" focused="true" bounds="[0,400][1080,500]" />
  <node class="androidx.recyclerview.widget.RecyclerView" scrollable="true" bounds="[0,600][1080,1600]">
    <node class="android.widget.TextView" text="row" bounds="[0,600][1080,700]" />
  </node>
</node>
</hierarchy>"""


class RecordingDevice:
    """A fake phone that records every call (unit tests only)."""

    serial = "fake-1"

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.slept = 0.0

    def screenshot(self) -> np.ndarray:
        return np.zeros((2400, 1080, 3), dtype=np.uint8)

    def ui_xml(self) -> str:
        self.calls.append(("ui_xml",))
        return SCREEN

    def tap(self, x: int, y: int) -> None:
        self.calls.append(("tap", x, y))

    def long_press(self, x: int, y: int, duration_ms: int = 1000) -> None:
        self.calls.append(("long_press", x, y))

    def swipe(self, x1: int, y1: int, x2: int, y2: int, duration_ms: int = 300) -> None:
        self.calls.append(("swipe", x1, y1, x2, y2))

    def input_text(self, text: str) -> None:
        self.calls.append(("text", text))

    def key(self, keycode: str) -> None:
        self.calls.append(("key", keycode))

    def start_app(self, name: str) -> None:
        self.calls.append(("start", name))

    def foreground(self) -> str:
        return "com.example"

    def size(self) -> tuple[int, int]:
        return 1080, 2400

    def sleep(self, seconds: float) -> None:
        self.slept += seconds


def actions_of(device: RecordingDevice) -> list[tuple]:
    return [c for c in device.calls if c[0] != "ui_xml"]


@pytest.fixture
def env_and_device() -> tuple[AndroidEnv, RecordingDevice]:
    device = RecordingDevice()
    assert isinstance(device, Device)
    return AndroidEnv(device), device


def test_click_taps_element_centre(env_and_device) -> None:
    env, device = env_and_device
    state = env.reset()
    assert [e.text for e in state.ui_elements][:2] == ["OK", "old"]
    env.execute_action({"action_type": "click", "index": 0})
    env.execute_action('{"action_type": "long_press", "index": 0}')
    env.execute_action({"action_type": "double_tap", "x": 5, "y": 6})
    assert actions_of(device) == [("tap", 200, 250), ("long_press", 200, 250), ("tap", 5, 6), ("tap", 5, 6)]


def test_input_text_taps_clears_types_and_presses_enter(env_and_device) -> None:
    env, device = env_and_device
    env.execute_action({"action_type": "input_text", "index": 1, "text": "new", "clear_text": True})
    assert actions_of(device) == [
        ("tap", 540, 450), ("key", "KEYCODE_MOVE_END"),
        ("key", "KEYCODE_DEL"), ("key", "KEYCODE_DEL"), ("key", "KEYCODE_DEL"),
        ("text", "new"), ("key", "KEYCODE_ENTER"),
    ]


def test_scroll_directions_and_index_zero_quirk(env_and_device) -> None:
    env, device = env_and_device
    env.execute_action({"action_type": "scroll", "direction": "down", "index": 2})
    env.execute_action({"action_type": "scroll", "direction": "up", "index": 2})
    env.execute_action({"action_type": "scroll", "direction": "down", "index": 0})  # whole screen
    env.execute_action({"action_type": "swipe", "direction": "up"})
    calls = actions_of(device)
    assert calls[0] == ("swipe", 540, 1100, 540, 600)  # finger moves up: reveals content below
    assert calls[1] == ("swipe", 540, 1100, 540, 1600)
    assert calls[2][1:3] == (539, 1199) and calls[2][4] == 0
    assert calls[3][2] > calls[3][4]  # swipe up: finger moves up


def test_keys_apps_wait_answer_status(env_and_device) -> None:
    env, device = env_and_device
    for payload in (
        {"action_type": "navigate_home"}, {"action_type": "navigate_back"},
        {"action_type": "keyboard_enter"}, {"action_type": "open_app", "app_name": "Contacts"},
        {"action_type": "wait"}, {"action_type": "answer", "text": "42"},
        {"action_type": "status", "goal_status": "complete"},
    ):
        env.execute_action(payload)
    assert actions_of(device) == [
        ("key", "KEYCODE_HOME"), ("key", "KEYCODE_BACK"), ("key", "KEYCODE_ENTER"), ("start", "Contacts"),
    ]
    assert device.slept == 1.0
    assert env.interaction_cache == "42"
    env.reset()
    assert env.interaction_cache == ""


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"action_type": "click", "index": 9}, "out of range"),
        ({"action_type": "click", "x": 2000, "y": 5}, "off the 1080x2400 screen"),
        ({"action_type": "click"}, "needs an element index"),
        ({"action_type": "scroll"}, "needs a direction"),
        ({"action_type": "jump"}, "unknown action_type"),
    ],
)
def test_bad_actions_raise_action_error_and_do_nothing(env_and_device, payload, reason) -> None:
    env, device = env_and_device
    with pytest.raises(ActionError, match=reason):
        env.execute_action(payload)
    assert actions_of(device) == []


def test_ui_tree_is_cached_until_the_next_action(env_and_device) -> None:
    env, device = env_and_device
    env.get_state()
    env.get_state()
    assert device.calls.count(("ui_xml",)) == 1
    env.execute_action({"action_type": "wait"})
    env.get_state()
    assert device.calls.count(("ui_xml",)) == 2
