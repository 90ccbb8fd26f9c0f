"""JSONAction / UIElement follow AndroidWorld's schema and round-trip through its JSON form."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vera.env.android.types import ACTION_TYPES, BoundingBox, JSONAction, UIElement
from vera.errors import ActionError

# Strings exactly as AndroidWorld's JSONAction.json_str() writes them (json.dumps of non-None fields).
ANDROIDWORLD_ACTIONS = [
    '{"action_type": "click", "index": 3}',
    '{"action_type": "click", "x": 540, "y": 1200}',
    '{"action_type": "double_tap", "index": 0}',
    '{"action_type": "long_press", "index": 7}',
    '{"action_type": "input_text", "index": 2, "text": "Hugo Pereira"}',
    '{"action_type": "input_text", "index": 2, "text": "hello", "clear_text": true}',
    '{"action_type": "keyboard_enter"}',
    '{"action_type": "navigate_home"}',
    '{"action_type": "navigate_back"}',
    '{"action_type": "scroll", "direction": "down"}',
    '{"action_type": "scroll", "index": 4, "direction": "up"}',
    '{"action_type": "swipe", "direction": "left"}',
    '{"action_type": "open_app", "app_name": "Simple Calendar Pro"}',
    '{"action_type": "wait"}',
    '{"action_type": "answer", "text": "Call with the Team"}',
    '{"action_type": "status", "goal_status": "complete"}',
    '{"action_type": "status", "goal_status": "infeasible"}',
]


@pytest.mark.parametrize("text", ANDROIDWORLD_ACTIONS)
def test_androidworld_json_round_trip(text: str) -> None:
    action = JSONAction.from_json(text)
    assert json.loads(action.json_str()) == json.loads(text)
    assert JSONAction.from_json(action.json_str()) == action


def test_every_action_type_is_known() -> None:
    assert set(ACTION_TYPES) == {
        "click", "double_tap", "scroll", "swipe", "input_text", "navigate_home", "navigate_back",
        "keyboard_enter", "open_app", "status", "wait", "long_press", "answer", "unknown",
    }


def test_equality_is_case_insensitive_on_text_and_app_name() -> None:
    assert JSONAction("open_app", app_name="Contacts") == JSONAction("open_app", app_name="contacts")
    assert JSONAction("answer", text="Yes") == JSONAction("answer", text="yes")
    assert JSONAction("click", index=1) != JSONAction("click", index=2)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"action_type": "fly"}, "unknown action_type"),
        ({"action_type": "click", "index": 1, "x": 3, "y": 4}, "either an element index or x/y"),
        ({"action_type": "click", "x": 3}, "both x and y"),
        ({"action_type": "click", "index": -1}, "index must be >= 0"),
        ({"action_type": "click", "index": "two"}, "index must be an integer"),
        ({"action_type": "click", "index": True}, "index must be an integer"),
        ({"action_type": "scroll", "direction": "sideways"}, "direction"),
        ({"action_type": "input_text", "index": 1, "text": 42}, "text must be a string"),
        ({"action_type": "input_text", "index": 1}, "needs a 'text'"),
        ({"action_type": "open_app"}, "app_name"),
        ({"action_type": "status"}, "goal_status"),
        ({"action_type": "status", "goal_status": "done"}, "goal_status"),
        ({"index": 3}, "no 'action_type'"),
        ({"action_type": "click", "index": 1, "colour": "red"}, "unknown action field"),
    ],
)
def test_malformed_actions_give_clear_errors(payload: dict, reason: str) -> None:
    with pytest.raises(ActionError, match=reason):
        JSONAction.from_dict(payload)


def test_invalid_json_string_is_an_action_error() -> None:
    with pytest.raises(ActionError, match="not valid JSON"):
        JSONAction.from_json("{click 3}")
    with pytest.raises(ActionError, match="JSON object"):
        JSONAction.from_json("[1, 2]")


def test_float_coordinates_that_are_integers_are_accepted() -> None:
    action = JSONAction.from_dict({"action_type": "click", "x": 10.0, "y": 20.0})
    assert (action.x, action.y) == (10, 20)
    with pytest.raises(ActionError):
        JSONAction.from_dict({"action_type": "click", "x": 10.5, "y": 20.0})


@given(
    index=st.integers(min_value=0, max_value=10_000),
    text=st.text(max_size=40),
    kind=st.sampled_from(["input_text", "answer"]),
)
def test_text_actions_round_trip_any_text(index: int, text: str, kind: str) -> None:
    action = JSONAction(kind, index=index if kind == "input_text" else None, text=text)
    again = JSONAction.from_json(action.json_str())
    assert again.text == text
    assert again == action


def test_ui_element_dict_round_trip() -> None:
    element = UIElement(text="Wi-Fi", class_name="android.widget.Switch", is_checked=True,
                        bbox_pixels=BoundingBox(0, 100, 10, 50))
    again = UIElement.from_dict(element.to_dict())
    assert again == element
    assert again.bbox_pixels.center == (50.0, 30.0)
