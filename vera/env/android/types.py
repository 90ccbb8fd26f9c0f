"""Android core types that follow AndroidWorld field for field.

`UIElement`, `BoundingBox`, `JSONAction` and `State` mirror android_world's
`representation_utils.UIElement`, `json_action.JSONAction` and `interface.State`, so a JSONAction that
vera writes is one AndroidWorld reads, and the reverse (see `JSONAction.json_str` / `from_json`).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vera.errors import ActionError

# --- action vocabulary (android_world/env/json_action.py) -------------------------------------------
CLICK = "click"
DOUBLE_TAP = "double_tap"
SCROLL = "scroll"
SWIPE = "swipe"
INPUT_TEXT = "input_text"
NAVIGATE_HOME = "navigate_home"
NAVIGATE_BACK = "navigate_back"
KEYBOARD_ENTER = "keyboard_enter"
OPEN_APP = "open_app"
STATUS = "status"
WAIT = "wait"
LONG_PRESS = "long_press"
ANSWER = "answer"
UNKNOWN = "unknown"

ACTION_TYPES: tuple[str, ...] = (
    CLICK, DOUBLE_TAP, SCROLL, SWIPE, INPUT_TEXT, NAVIGATE_HOME, NAVIGATE_BACK, KEYBOARD_ENTER,
    OPEN_APP, STATUS, WAIT, LONG_PRESS, ANSWER, UNKNOWN,
)
SCROLL_DIRECTIONS: tuple[str, ...] = ("up", "down", "left", "right")
GOAL_STATUSES: tuple[str, ...] = ("complete", "infeasible")
_JSON_FIELDS: tuple[str, ...] = (
    "action_type", "index", "x", "y", "text", "direction", "goal_status", "app_name", "keycode",
    "clear_text",
)


@dataclass
class BoundingBox:
    """Pixel rectangle, AndroidWorld's `BoundingBox` (x_min, x_max, y_min, y_max)."""

    x_min: float
    x_max: float
    y_min: float
    y_max: float

    @property
    def center(self) -> tuple[float, float]:
        return (self.x_min + self.x_max) / 2.0, (self.y_min + self.y_max) / 2.0

    @property
    def width(self) -> float:
        return self.x_max - self.x_min

    @property
    def height(self) -> float:
        return self.y_max - self.y_min

    @property
    def area(self) -> float:
        return self.width * self.height


@dataclass
class UIElement:
    """One on-screen element, AndroidWorld's `UIElement` (every field optional)."""

    text: str | None = None
    content_description: str | None = None
    class_name: str | None = None
    bbox: BoundingBox | None = None
    bbox_pixels: BoundingBox | None = None
    hint_text: str | None = None
    is_checked: bool | None = None
    is_checkable: bool | None = None
    is_clickable: bool | None = None
    is_editable: bool | None = None
    is_enabled: bool | None = None
    is_focused: bool | None = None
    is_focusable: bool | None = None
    is_long_clickable: bool | None = None
    is_scrollable: bool | None = None
    is_selected: bool | None = None
    is_visible: bool | None = None
    package_name: str | None = None
    resource_name: str | None = None
    tooltip: str | None = None
    resource_id: str | None = None
    metadata: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (bounding boxes as dicts)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UIElement:
        values = dict(data)
        for key in ("bbox", "bbox_pixels"):
            if isinstance(values.get(key), dict):
                values[key] = BoundingBox(**values[key])
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


@dataclass(frozen=True)
class State:
    """An observation of the device, AndroidWorld's `State(pixels, forest, ui_elements, auxiliaries)`."""

    pixels: np.ndarray | None
    forest: Any
    ui_elements: list[UIElement]
    auxiliaries: dict[str, Any] | None = None


@dataclass
class JSONAction:
    """An action in AndroidWorld's JSON action space, validated on construction.

    Validation follows android_world: a known action_type; index XOR (x, y); a known scroll direction;
    keycodes that start with ``KEYCODE_``. vera adds type checks so malformed input from a model gives a
    clear `ActionError` instead of a crash later.
    """

    action_type: str
    index: int | None = None
    x: int | None = None
    y: int | None = None
    text: str | None = None
    direction: str | None = None
    goal_status: str | None = None
    app_name: str | None = None
    keycode: str | None = None
    clear_text: bool | None = None
    extras: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.action_type not in ACTION_TYPES:
            raise ActionError(
                f"unknown action_type {self.action_type!r}; use one of: {', '.join(ACTION_TYPES)}"
            )
        for name in ("index", "x", "y"):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ActionError(f"{name} must be an integer, got {value!r}")
            if isinstance(value, float):
                if not value.is_integer():
                    raise ActionError(f"{name} must be an integer, got {value!r}")
                setattr(self, name, int(value))
        if self.index is not None and (self.x is not None or self.y is not None):
            raise ActionError("give either an element index or x/y coordinates, not both")
        if (self.x is None) != (self.y is None):
            raise ActionError("coordinates need both x and y")
        if self.index is not None and self.index < 0:
            raise ActionError(f"index must be >= 0, got {self.index}")
        if self.direction is not None and self.direction not in SCROLL_DIRECTIONS:
            raise ActionError(
                f"direction {self.direction!r} is not one of {', '.join(SCROLL_DIRECTIONS)}"
            )
        if self.text is not None and not isinstance(self.text, str):
            raise ActionError(f"text must be a string, got {type(self.text).__name__}: {self.text!r}")
        if self.app_name is not None and not isinstance(self.app_name, str):
            raise ActionError(f"app_name must be a string, got {self.app_name!r}")
        if self.keycode is not None and (
            not isinstance(self.keycode, str) or not self.keycode.startswith("KEYCODE_")
        ):
            raise ActionError(f"keycode must start with 'KEYCODE_', got {self.keycode!r}")
        if self.goal_status is not None and self.goal_status not in GOAL_STATUSES:
            raise ActionError(
                f"goal_status {self.goal_status!r} is not one of {', '.join(GOAL_STATUSES)}"
            )
        if self.action_type == INPUT_TEXT and self.text is None:
            raise ActionError("input_text needs a 'text' field")
        if self.action_type == OPEN_APP and not self.app_name:
            raise ActionError("open_app needs an 'app_name' field")
        if self.action_type == STATUS and self.goal_status is None:
            raise ActionError("status needs goal_status 'complete' or 'infeasible'")
        if self.action_type == ANSWER and self.text is None:
            raise ActionError("answer needs a 'text' field")

    # --- JSON round trip -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Non-None fields, in AndroidWorld's field order."""
        return {k: getattr(self, k) for k in _JSON_FIELDS if getattr(self, k) is not None}

    def json_str(self) -> str:
        """Compact JSON of the non-None fields, as android_world's `JSONAction.json_str()`."""
        return json.dumps(self.to_dict(), separators=(", ", ": "), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JSONAction:
        if not isinstance(data, dict):
            raise ActionError(f"an action must be a JSON object, got {type(data).__name__}")
        if "action_type" not in data:
            raise ActionError("the action has no 'action_type' field")
        unknown = sorted(set(data) - set(_JSON_FIELDS))
        if unknown:
            raise ActionError(f"unknown action field(s) {unknown}; allowed: {', '.join(_JSON_FIELDS)}")
        return cls(**data)

    @classmethod
    def from_json(cls, text: str) -> JSONAction:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, TypeError) as exc:
            raise ActionError(f"action is not valid JSON ({exc}); expected e.g. "
                              '{"action_type": "click", "index": 3}') from exc
        return cls.from_dict(data)

    @classmethod
    def coerce(cls, action: JSONAction | dict[str, Any] | str) -> JSONAction:
        """Accept a JSONAction, a dict or a JSON string."""
        if isinstance(action, JSONAction):
            return action
        if isinstance(action, str):
            return cls.from_json(action)
        return cls.from_dict(action)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, JSONAction):
            return NotImplemented
        for name in _JSON_FIELDS:
            a, b = getattr(self, name), getattr(other, name)
            if name in ("text", "app_name") and isinstance(a, str) and isinstance(b, str):
                a, b = a.lower(), b.lower()
            if a != b:
                return False
        return True

    def __hash__(self) -> int:
        return hash(self.json_str().lower())
