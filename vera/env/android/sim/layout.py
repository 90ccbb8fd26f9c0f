"""Screen geometry of the simulated phone (a 1080x2400 Pixel-like device) and shared sizes.

The screen is split into the status bar (top), the app window (middle) and the navigation bar
(bottom). When the soft keyboard is up, the app window shrinks above it (``adjustResize``), so the
views the agent can reach are exactly the ones it can see.
"""

from __future__ import annotations

SCREEN_WIDTH = 1080
SCREEN_HEIGHT = 2400
STATUS_BAR_HEIGHT = 84
NAV_BAR_HEIGHT = 126
KEYBOARD_HEIGHT = 780

APP_TOP = STATUS_BAR_HEIGHT
APP_BOTTOM = SCREEN_HEIGHT - NAV_BAR_HEIGHT
KEYBOARD_TOP = APP_BOTTOM - KEYBOARD_HEIGHT

# Typical sizes (pixels at 420 dpi: 1 dp = 2.625 px).
TEXT_SIZE = 42
TITLE_SIZE = 60
SMALL_TEXT_SIZE = 34
TOOLBAR_HEIGHT = 168
ROW_HEIGHT = 168
BUTTON_HEIGHT = 132
EDIT_HEIGHT = 150
ICON_BUTTON_SIZE = 132
PADDING = 42

Box = tuple[int, int, int, int]
"""A pixel rectangle ``(x1, y1, x2, y2)``, right and bottom exclusive, as uiautomator's bounds."""


def app_window(keyboard_up: bool) -> Box:
    """The rectangle the foreground app (or launcher) lays out into."""
    bottom = KEYBOARD_TOP if keyboard_up else APP_BOTTOM
    return 0, APP_TOP, SCREEN_WIDTH, bottom


def contains(box: Box, x: int, y: int) -> bool:
    return box[0] <= x < box[2] and box[1] <= y < box[3]


def intersect(a: Box, b: Box) -> Box | None:
    x1, y1 = max(a[0], b[0]), max(a[1], b[1])
    x2, y2 = min(a[2], b[2]), min(a[3], b[3])
    if x1 >= x2 or y1 >= y2:
        return None
    return x1, y1, x2, y2


# --- the soft keyboard: key rectangles relative to the keyboard's top-left corner ---------------------
KEY_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
KEY_WIDTH, KEY_HEIGHT, KEY_GAP, KEY_ROW_GAP, KEY_TOP = 96, 118, 12, 22, 36
BACKSPACE, ENTER, SPACE = "\b", "\n", " "


def keyboard_keys() -> list[tuple[str, Box]]:
    """Every key of the soft keyboard as (character, box in screen pixels); drawn and hit-tested alike."""
    keys: list[tuple[str, Box]] = []
    y = KEYBOARD_TOP + KEY_TOP
    for letters in KEY_ROWS:
        x = (SCREEN_WIDTH - len(letters) * (KEY_WIDTH + KEY_GAP)) // 2
        for ch in letters:
            keys.append((ch, (x, y, x + KEY_WIDTH, y + KEY_HEIGHT)))
            x += KEY_WIDTH + KEY_GAP
        y += KEY_HEIGHT + KEY_ROW_GAP
    y_last = KEYBOARD_TOP + KEY_TOP + (len(KEY_ROWS) - 1) * (KEY_HEIGHT + KEY_ROW_GAP)
    keys.append((BACKSPACE, (SCREEN_WIDTH - 150, y_last, SCREEN_WIDTH - 20, y_last + KEY_HEIGHT)))
    keys.append((SPACE, (240, y, 840, y + KEY_HEIGHT)))
    keys.append((ENTER, (870, y, 1040, y + KEY_HEIGHT)))
    return keys


def key_at(x: int, y: int) -> str | None:
    for ch, box in keyboard_keys():
        if contains(box, x, y):
            return ch
    return None
