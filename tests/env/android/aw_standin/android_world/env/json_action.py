"""`JSONAction` with AndroidWorld's fields and its main validation rules."""

from __future__ import annotations

import dataclasses
import json

_ACTION_TYPES = ("click", "double_tap", "scroll", "swipe", "input_text", "navigate_home", "navigate_back",
                 "keyboard_enter", "open_app", "status", "wait", "long_press", "answer", "unknown")


@dataclasses.dataclass()
class JSONAction:
    action_type: str | None = None
    index: str | int | None = None
    x: int | None = None
    y: int | None = None
    text: str | None = None
    direction: str | None = None
    goal_status: str | None = None
    app_name: str | None = None
    keycode: str | None = None
    clear_text: bool | None = None

    def __post_init__(self) -> None:
        if self.action_type not in _ACTION_TYPES:
            raise ValueError(f"Invalid action type: {self.action_type}")
        if self.index is not None:
            self.index = int(self.index)
            if self.x is not None or self.y is not None:
                raise ValueError("Either an index or a <x, y> should be provided.")

    def json_str(self) -> str:
        return json.dumps({k: v for k, v in dataclasses.asdict(self).items() if v is not None})
