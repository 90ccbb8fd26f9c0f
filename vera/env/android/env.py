"""`AndroidEnv`: execute AndroidWorld JSONActions on any `Device`.

Semantics follow android_world's `actuation.execute_adb_action`: an index means the centre of
``ui_elements[index].bbox_pixels`` of the current state; ``input_text`` taps the field (when one is
given), optionally clears it, types, then presses Enter; ``scroll`` swipes from the centre of the
element (or screen) towards the edge opposite to the direction, so ``down`` reveals content below;
``swipe`` moves the finger in the given direction; ``answer`` is stored in `interaction_cache`;
``status`` changes nothing on the device.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from vera.env.android import types as T
from vera.env.android.device import (
    KEYCODE_BACK,
    KEYCODE_DEL,
    KEYCODE_ENTER,
    KEYCODE_HOME,
    KEYCODE_MOVE_END,
    Device,
)
from vera.env.android.types import BoundingBox, JSONAction, State, UIElement
from vera.env.android.uitree import parse_ui_xml
from vera.errors import ActionError


@runtime_checkable
class SupportsSleep(Protocol):
    """Devices with their own clock (SimDroid) advance it instead of sleeping for real."""

    def sleep(self, seconds: float) -> None: ...


class AndroidEnv:
    """AndroidWorld's AsyncEnv surface over a `Device`: reset, get_state, execute_action."""

    def __init__(
        self,
        device: Device,
        *,
        with_screenshot: bool = False,
        wait_seconds: float = 1.0,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.device = device
        self.with_screenshot = with_screenshot
        self.wait_seconds = wait_seconds
        if sleep is None:
            sleep = device.sleep if isinstance(device, SupportsSleep) else time.sleep
        self._sleep = sleep
        self.interaction_cache: str = ""
        self._elements: list[UIElement] | None = None
        self._size = device.size()

    # --- observation -----------------------------------------------------------------------------
    @property
    def screen_size(self) -> tuple[int, int]:
        return self._size

    def reset(self, go_home: bool = False) -> State:
        """Clear the answer cache and, with ``go_home``, press HOME; return the new state."""
        self.interaction_cache = ""
        if go_home:
            self.device.key(KEYCODE_HOME)
        self._elements = None
        return self.get_state()

    def ui_elements(self) -> list[UIElement]:
        """The current UI elements (cached until the next action)."""
        if self._elements is None:
            self._elements = parse_ui_xml(self.device.ui_xml(), screen_size=self._size)
        return self._elements

    def get_state(self, with_screenshot: bool | None = None) -> State:
        shot = self.with_screenshot if with_screenshot is None else with_screenshot
        elements = self.ui_elements()
        pixels = self.device.screenshot() if shot else None
        return State(pixels=pixels, forest=None, ui_elements=elements,
                     auxiliaries={"foreground": self.device.foreground()})

    # --- actions ---------------------------------------------------------------------------------
    def execute_action(self, action: JSONAction | dict[str, Any] | str) -> None:
        """Execute one action; raise `ActionError` with a reason if it is malformed or impossible."""
        act = JSONAction.coerce(action)
        try:
            self._execute(act)
        finally:
            self._elements = None

    def _element(self, index: int) -> UIElement:
        elements = self.ui_elements()
        if index >= len(elements):
            raise ActionError(
                f"index {index} is out of range: the screen has {len(elements)} elements (0-{len(elements) - 1})"
            )
        return elements[index]

    def _check_point(self, x: int, y: int) -> tuple[int, int]:
        width, height = self._size
        if not (0 <= x < width and 0 <= y < height):
            raise ActionError(f"point ({x}, {y}) is off the {width}x{height} screen")
        return x, y

    def _target(self, act: JSONAction) -> tuple[int, int] | None:
        """The point an action addresses: the element's centre, or x/y, or None."""
        if act.index is not None:
            box = self._element(act.index).bbox_pixels
            if box is None:
                raise ActionError(f"element {act.index} has no bounds and cannot be tapped")
            cx, cy = box.center
            return self._check_point(int(cx), int(cy))
        if act.x is not None and act.y is not None:
            return self._check_point(act.x, act.y)
        return None

    def _execute(self, act: JSONAction) -> None:
        kind = act.action_type
        device = self.device
        if kind in (T.CLICK, T.DOUBLE_TAP, T.LONG_PRESS):
            point = self._target(act)
            if point is None:
                raise ActionError(f"{kind} needs an element index or x/y coordinates")
            if kind == T.LONG_PRESS:
                device.long_press(*point)
            else:
                device.tap(*point)
                if kind == T.DOUBLE_TAP:
                    device.tap(*point)
        elif kind == T.INPUT_TEXT:
            point = self._target(act)
            if point is not None:
                device.tap(*point)
            if act.clear_text:
                self._clear_focused_field(act.index)
            device.input_text(act.text or "")
            device.key(KEYCODE_ENTER)
        elif kind == T.KEYBOARD_ENTER:
            device.key(KEYCODE_ENTER)
        elif kind == T.NAVIGATE_HOME:
            device.key(KEYCODE_HOME)
        elif kind == T.NAVIGATE_BACK:
            device.key(KEYCODE_BACK)
        elif kind == T.SCROLL:
            if act.direction is None:
                raise ActionError("scroll needs a direction: up, down, left or right")
            region = self._scroll_region(act)
            device.swipe(*_scroll_path(region, act.direction))
        elif kind == T.SWIPE:
            if act.direction is None:
                raise ActionError("swipe needs a direction: up, down, left or right")
            width, height = self._size
            screen = BoundingBox(0, width - 1, 0, height - 1)
            device.swipe(*_swipe_path(screen, act.direction))
        elif kind == T.OPEN_APP:
            device.start_app(act.app_name or "")
        elif kind == T.WAIT:
            self._sleep(self.wait_seconds)
        elif kind == T.ANSWER:
            self.interaction_cache = act.text or ""
        elif kind in (T.STATUS, T.UNKNOWN):
            return
        else:  # pragma: no cover - JSONAction validates action_type
            raise ActionError(f"unsupported action {kind!r}")

    def _scroll_region(self, act: JSONAction) -> BoundingBox:
        # AndroidWorld quirk kept on purpose: `if action.index:` makes index 0 scroll the whole screen.
        if act.index:
            box = self._element(act.index).bbox_pixels
            if box is not None:
                return box
        width, height = self._size
        return BoundingBox(0, width - 1, 0, height - 1)

    def _clear_focused_field(self, index: int | None) -> None:
        """Move to the end of the field and delete every character it holds."""
        if index is not None:
            field = self._element(index)
        else:
            focused = [e for e in self.ui_elements() if e.is_focused and e.is_editable]
            field = focused[0] if focused else None
        length = len(field.text or "") if field is not None else 0
        self.device.key(KEYCODE_MOVE_END)
        for _ in range(length):
            self.device.key(KEYCODE_DEL)


def _scroll_path(box: BoundingBox, direction: str) -> tuple[int, int, int, int]:
    """Swipe for a scroll: from the centre towards the edge, finger moving opposite to `direction`."""
    cx, cy = (int(v) for v in box.center)
    if direction == "down":
        return cx, cy, cx, int(box.y_min)
    if direction == "up":
        return cx, cy, cx, int(box.y_max)
    if direction == "right":
        return cx, cy, int(box.x_min), cy
    return cx, cy, int(box.x_max), cy  # left


def _swipe_path(box: BoundingBox, direction: str) -> tuple[int, int, int, int]:
    """A full-screen swipe with the finger moving in `direction`."""
    cx, cy = (int(v) for v in box.center)
    if direction == "up":
        return cx, int(box.y_max * 0.8), cx, int(box.y_max * 0.2)
    if direction == "down":
        return cx, int(box.y_max * 0.2), cx, int(box.y_max * 0.8)
    if direction == "left":
        return int(box.x_max * 0.8), cy, int(box.x_max * 0.2), cy
    return int(box.x_max * 0.2), cy, int(box.x_max * 0.8), cy  # right
