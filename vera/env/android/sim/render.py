"""Render a laid-out frame with Pillow: the same views at the same bounds the UI dump reports.

Each view class has a painter (found along the class's MRO, so app-defined subclasses inherit one).
The status bar shows the virtual clock; the navigation bar has back, home and recents; the soft
keyboard is drawn over the bottom of the screen when it is up; dialogs dim the screen under them.
Fonts are Pillow's bundled default font at the sizes asked for (`ImageFont.load_default(size=...)`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from vera.env.android.sim import layout as L
from vera.env.android.sim.toolkit.views import (
    Button,
    CheckBox,
    EditText,
    ImageButton,
    ImageView,
    RadioButton,
    SeekBar,
    Switch,
    TextView,
    View,
    text_lines,
)

if TYPE_CHECKING:
    from vera.env.android.sim.device import Frame, SimDroid

RGB = tuple[int, int, int]
WHITE: RGB = (255, 255, 255)
SURFACE: RGB = (254, 251, 255)
INK: RGB = (28, 27, 31)
MUTED: RGB = (110, 108, 118)
PRIMARY: RGB = (103, 80, 164)
PRIMARY_LIGHT: RGB = (234, 221, 255)
OUTLINE: RGB = (121, 116, 126)
SELECTED: RGB = (232, 222, 248)


@functools.cache
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


@functools.cache
def _wallpaper() -> Image.Image:
    top = np.array([52, 72, 140], dtype=np.float32)
    bottom = np.array([150, 90, 150], dtype=np.float32)
    t = np.linspace(0.0, 1.0, L.SCREEN_HEIGHT, dtype=np.float32)[:, None]
    column = (top * (1 - t) + bottom * t).astype(np.uint8)
    rows = np.repeat(column[:, None, :], L.SCREEN_WIDTH, axis=1)
    return Image.fromarray(rows, "RGB")


@functools.cache
def _keyboard() -> Image.Image:
    """The soft keyboard, drawn from the same key rectangles taps are matched against."""
    image = Image.new("RGB", (L.SCREEN_WIDTH, L.KEYBOARD_HEIGHT), (232, 234, 237))
    draw = ImageDraw.Draw(image)
    for ch, (x1, y1, x2, y2) in L.keyboard_keys():
        box = (x1, y1 - L.KEYBOARD_TOP, x2, y2 - L.KEYBOARD_TOP)
        special = ch in (L.BACKSPACE, L.ENTER)
        draw.rounded_rectangle(box, 14, fill=(211, 227, 253) if special else WHITE)
        cx, cy = (box[0] + box[2]) // 2, (box[1] + box[3]) // 2
        if ch == L.BACKSPACE:
            draw.polygon([(cx - 40, cy), (cx - 15, cy - 25), (cx + 40, cy - 25), (cx + 40, cy + 25),
                          (cx - 15, cy + 25)], outline=INK, width=4)
        elif ch == L.ENTER:
            draw.line((cx + 30, cy - 25, cx + 30, cy + 5, cx - 30, cy + 5), fill=INK, width=5)
            draw.polygon([(cx - 40, cy + 5), (cx - 22, cy - 10), (cx - 22, cy + 20)], fill=INK)
        elif ch != L.SPACE:
            draw.text((cx, cy), ch, fill=INK, font=font(48), anchor="mm")
    return image


Painter = Callable[[ImageDraw.ImageDraw, View], None]


def _paint_text(draw: ImageDraw.ImageDraw, view: TextView, color: RGB | None = None,
                box: L.Box | None = None, text: str | None = None) -> None:
    if box is None and view.full_box != view.bounds:
        _paint_clipped_text(draw, view, color, text)
        return
    x1, y1, x2, y2 = box or view.bounds
    pad = view.padding
    content = view.text if text is None else text
    lines = text_lines(content, (x2 - x1) - 2 * pad, view.size, view.max_lines)
    if not lines:
        return
    line_h = int(view.size * 1.35)
    total = line_h * len(lines)
    y = y1 + max(pad, ((y2 - y1) - total) // 2)
    fnt = font(view.size)
    fill = color or view.color or INK
    for line in lines:
        if y + line_h > y2 + 2:
            break
        if view.align == "center":
            draw.text(((x1 + x2) // 2, y + line_h // 2), line, fill=fill, font=fnt, anchor="mm",
                      stroke_width=1 if view.bold else 0, stroke_fill=fill)
        else:
            draw.text((x1 + pad, y + line_h // 2), line, fill=fill, font=fnt, anchor="lm",
                      stroke_width=1 if view.bold else 0, stroke_fill=fill)
        y += line_h


def _paint_clipped_text(draw: ImageDraw.ImageDraw, view: TextView, color: RGB | None, text: str | None) -> None:
    """Text of a view cut by its scrolling parent: drawn whole on a layer, pasted inside the bounds."""
    fx1, fy1, fx2, fy2 = view.full_box
    bx1, by1, bx2, by2 = view.bounds
    if fx2 <= fx1 or fy2 <= fy1:
        return
    layer = Image.new("RGBA", (fx2 - fx1, fy2 - fy1), (0, 0, 0, 0))
    _paint_text(ImageDraw.Draw(layer), view, color, box=(0, 0, fx2 - fx1, fy2 - fy1), text=text)
    visible = layer.crop((bx1 - fx1, by1 - fy1, bx2 - fx1, by2 - fy1))
    draw._image.paste(visible, (bx1, by1), visible)  # ImageDraw keeps its image here


def paint_view(draw: ImageDraw.ImageDraw, view: View) -> None:
    if view.background is not None:
        draw.rectangle(_inclusive(view.bounds), fill=view.background)
    if view.selected:
        draw.rectangle(_inclusive(view.bounds), fill=SELECTED)


def paint_textview(draw: ImageDraw.ImageDraw, view: View) -> None:
    paint_view(draw, view)
    assert isinstance(view, TextView)
    _paint_text(draw, view)


def paint_button(draw: ImageDraw.ImageDraw, view: View) -> None:
    assert isinstance(view, Button)
    x1, y1, x2, y2 = view.bounds
    box = (x1 + 12, y1 + 16, x2 - 12, y2 - 16)
    radius = (box[3] - box[1]) // 2
    if view.style == "filled":
        draw.rounded_rectangle(box, radius, fill=PRIMARY if view.enabled else (200, 200, 204))
        _paint_text(draw, view, WHITE)
    elif view.style == "outlined":
        draw.rounded_rectangle(box, radius, outline=OUTLINE, width=3)
        _paint_text(draw, view, PRIMARY)
    else:
        if view.selected:  # a selected tab: a pill behind its label
            draw.rounded_rectangle(box, radius, fill=PRIMARY_LIGHT)
        _paint_text(draw, view, PRIMARY if view.enabled else MUTED)


def _glyph(draw: ImageDraw.ImageDraw, glyph: str, cx: int, cy: int, size: int, color: RGB) -> None:
    """Icons the default font may lack are drawn with primitives."""
    s = size // 2
    if glyph == "←":
        draw.line((cx - s, cy, cx + s, cy), fill=color, width=6)
        draw.line((cx - s, cy, cx - s // 2, cy - s // 2), fill=color, width=6)
        draw.line((cx - s, cy, cx - s // 2, cy + s // 2), fill=color, width=6)
    elif glyph in ("▲", "⌃"):
        draw.polygon([(cx - s, cy + s // 2), (cx + s, cy + s // 2), (cx, cy - s // 2)], fill=color)
    elif glyph == "▼":
        draw.polygon([(cx - s, cy - s // 2), (cx + s, cy - s // 2), (cx, cy + s // 2)], fill=color)
    elif glyph == "⌕":
        draw.ellipse((cx - s, cy - s, cx + s // 3, cy + s // 3), outline=color, width=6)
        draw.line((cx + s // 6, cy + s // 6, cx + s, cy + s), fill=color, width=7)
    elif glyph == "⋮":
        for dy in (-s // 1.5, 0, s // 1.5):
            draw.ellipse((cx - 6, cy + dy - 6, cx + 6, cy + dy + 6), fill=color)
    elif glyph == "+":
        draw.line((cx - s, cy, cx + s, cy), fill=color, width=7)
        draw.line((cx, cy - s, cx, cy + s), fill=color, width=7)
    elif glyph == "✓":
        draw.line((cx - s, cy, cx - s // 4, cy + s // 1.5, cx + s, cy - s // 1.5), fill=color, width=7)
    elif glyph == "⚙":
        draw.ellipse((cx - s, cy - s, cx + s, cy + s), outline=color, width=10)
        draw.ellipse((cx - s // 3, cy - s // 3, cx + s // 3, cy + s // 3), fill=color)
    elif glyph == "◷":
        draw.ellipse((cx - s, cy - s, cx + s, cy + s), outline=color, width=7)
        draw.line((cx, cy, cx, cy - int(s * 0.6)), fill=color, width=7)
        draw.line((cx, cy, cx + int(s * 0.45), cy), fill=color, width=7)
    elif glyph in ("▶", "►"):
        draw.polygon([(cx - s // 2, cy - s), (cx - s // 2, cy + s), (cx + s, cy)], fill=color)
    elif glyph == "❚❚":
        draw.rectangle((cx - s // 1.5, cy - s, cx - s // 5, cy + s), fill=color)
        draw.rectangle((cx + s // 5, cy - s, cx + s // 1.5, cy + s), fill=color)
    elif glyph == "●":
        draw.ellipse((cx - s, cy - s, cx + s, cy + s), fill=color)
    elif glyph == "■":
        draw.rectangle((cx - s, cy - s, cx + s, cy + s), fill=color)
    elif glyph in ("✕", "×"):
        draw.line((cx - s, cy - s, cx + s, cy + s), fill=color, width=7)
        draw.line((cx - s, cy + s, cx + s, cy - s), fill=color, width=7)
    elif glyph:
        draw.text((cx, cy), glyph[:2], fill=color, font=font(size), anchor="mm")


def paint_image(draw: ImageDraw.ImageDraw, view: View) -> None:
    assert isinstance(view, ImageView)
    paint_view(draw, view)
    x1, y1, x2, y2 = view.bounds
    size = min(x2 - x1, y2 - y1)
    cx, cy = (x1 + x2) // 2, (y1 + y2) // 2
    if isinstance(view, ImageButton) and view.width is not None and view.width == view.height and size >= 150:
        draw.ellipse((cx - size // 2 + 8, cy - size // 2 + 8, cx + size // 2 - 8, cy + size // 2 - 8),
                     fill=PRIMARY_LIGHT)  # a floating action button
    _glyph(draw, view.glyph, cx, cy, max(24, int(size * 0.42)), view.color or (73, 69, 79))


def paint_edittext(draw: ImageDraw.ImageDraw, view: View) -> None:
    assert isinstance(view, EditText)
    paint_view(draw, view)
    x1, y1, x2, y2 = view.bounds
    focused = view.is_focused
    draw.rounded_rectangle((x1 + 24, y1 + 12, x2 - 24, y2 - 12), 12,
                           outline=PRIMARY if focused else OUTLINE, width=6 if focused else 3,
                           fill=(250, 248, 252))
    inner = (x1 + 30, y1 + 12, x2 - 30, y2 - 12)
    if view.text:
        _paint_text(draw, view, INK, box=inner)
    elif view.hint:
        _paint_text(draw, view, MUTED, box=inner, text=view.hint)
    if focused:
        draw.line((x2 - 60, y1 + 40, x2 - 60, y2 - 40), fill=PRIMARY, width=4)


def paint_switch(draw: ImageDraw.ImageDraw, view: View) -> None:
    assert isinstance(view, Switch)
    paint_view(draw, view)
    x1, y1, x2, y2 = view.bounds
    _paint_text(draw, view, box=(x1, y1, x2 - 180, y2))
    cy = (y1 + y2) // 2
    track = (x2 - 190, cy - 42, x2 - 40, cy + 42)
    on = view.is_checked
    draw.rounded_rectangle(track, 42, fill=PRIMARY if on else (231, 224, 236), outline=None if on else OUTLINE,
                           width=4)
    tx = track[2] - 42 if on else track[0] + 42
    r = 30 if on else 22
    draw.ellipse((tx - r, cy - r, tx + r, cy + r), fill=WHITE if on else OUTLINE)


def paint_check(draw: ImageDraw.ImageDraw, view: View) -> None:
    assert isinstance(view, CheckBox | RadioButton)
    paint_view(draw, view)
    x1, y1, x2, y2 = view.bounds
    cy = (y1 + y2) // 2
    box = (x1 + 36, cy - 30, x1 + 96, cy + 30)
    if isinstance(view, RadioButton):
        draw.ellipse(box, outline=PRIMARY if view.is_checked else OUTLINE, width=6)
        if view.is_checked:
            draw.ellipse((box[0] + 16, box[1] + 16, box[2] - 16, box[3] - 16), fill=PRIMARY)
    else:
        if view.is_checked:
            draw.rounded_rectangle(box, 8, fill=PRIMARY)
            _glyph(draw, "✓", (box[0] + box[2]) // 2, cy, 40, WHITE)
        else:
            draw.rounded_rectangle(box, 8, outline=OUTLINE, width=6)
    _paint_text(draw, view, box=(x1 + 100, y1, x2, y2))


def paint_seekbar(draw: ImageDraw.ImageDraw, view: View) -> None:
    assert isinstance(view, SeekBar)
    x1, y1, x2, y2 = view.bounds
    cy = (y1 + y2) // 2
    start, end = x1 + 48, x2 - 48
    pos = start + int((end - start) * view.value / max(1, view.maximum))
    draw.rounded_rectangle((start, cy - 12, end, cy + 12), 12, fill=(231, 224, 236))
    draw.rounded_rectangle((start, cy - 12, max(start + 24, pos), cy + 12), 12, fill=PRIMARY)
    draw.ellipse((pos - 30, cy - 30, pos + 30, cy + 30), fill=PRIMARY)


def paint_app_icon(draw: ImageDraw.ImageDraw, view: View) -> None:
    from vera.env.android.sim.launcher import AppIcon

    assert isinstance(view, AppIcon)
    x1, y1, x2, y2 = view.bounds
    cx = (x1 + x2) // 2
    r = 80
    top = y1 + 30
    if y2 - y1 < 2 * r + 30:
        return
    draw.ellipse((cx - r, top, cx + r, top + 2 * r), fill=view.icon_color)
    _glyph(draw, view.glyph, cx, top + r, 72, WHITE)
    label = _ellipsize(view.text, font(view.size), (x2 - x1) - 16)
    draw.text((cx, top + 2 * r + 45), label, fill=WHITE, font=font(view.size), anchor="mm")


@functools.lru_cache(maxsize=1024)
def _ellipsize(text: str, fnt: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int) -> str:
    """`text` cut with an ellipsis to fit `width` pixels, as a launcher label."""
    if fnt.getlength(text) <= width:
        return text
    while text and fnt.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _painters() -> dict[type, Painter]:
    from vera.env.android.sim.launcher import AppIcon

    return {
        AppIcon: paint_app_icon, Switch: paint_switch, CheckBox: paint_check, RadioButton: paint_check,
        EditText: paint_edittext, Button: paint_button, ImageView: paint_image, SeekBar: paint_seekbar,
        TextView: paint_textview, View: paint_view,
    }


@functools.cache
def painter_for(cls: type) -> Painter:
    table = _painters()
    for base in cls.__mro__:
        if base in table:
            return table[base]
    return paint_view


def _inclusive(box: L.Box) -> tuple[int, int, int, int]:
    x1, y1, x2, y2 = box
    return x1, y1, max(x1, x2 - 1), max(y1, y2 - 1)


def paint_tree(draw: ImageDraw.ImageDraw, root: View) -> None:
    for view in root.walk():
        painter_for(type(view))(draw, view)


def _status_bar(draw: ImageDraw.ImageDraw, device: SimDroid, dark_text: bool) -> None:
    color = INK if dark_text else WHITE
    draw.text((60, L.STATUS_BAR_HEIGHT // 2), device.now.strftime("%H:%M"), fill=color, font=font(38), anchor="lm")
    x = L.SCREEN_WIDTH - 60
    draw.rounded_rectangle((x - 40, 26, x, 60), 5, outline=color, width=3)
    draw.rectangle((x - 36, 30, x - 4, 56), fill=color)
    draw.polygon([(x - 130, 60), (x - 70, 60), (x - 70, 24)], fill=color)
    x -= 170
    settings = device.apps.get("settings")
    state = settings.state if settings is not None else None
    if getattr(state, "wifi", False):  # a Wi-Fi fan
        draw.pieslice((x - 36, 22, x + 36, 94), 225, 315, fill=color)
        x -= 70
    if getattr(state, "bluetooth", False):  # the Bluetooth rune
        points = [(x - 10, 34), (x + 12, 52), (x, 62), (x, 22), (x + 12, 32), (x - 10, 50)]
        draw.line(points, fill=color, width=4)
        x -= 50
    if getattr(state, "airplane_mode", False):
        draw.text((x, L.STATUS_BAR_HEIGHT // 2), "✈", fill=color, font=font(38), anchor="mm")


# Dark theme: invert lightness and turn hue half way round the grey axis, which keeps hues:
# c' = 255 + c - 2/3 (r + g + b) (white -> black, the purple accent stays purple). One C-level pass.
_DARK_MATRIX = (1 / 3, -2 / 3, -2 / 3, 255, -2 / 3, 1 / 3, -2 / 3, 255, -2 / 3, -2 / 3, 1 / 3, 255)


def _dark(image: Image.Image, box: L.Box, radius: int = 0) -> None:
    """Recolour `box` of the image (its rounded shape with `radius`) in dark theme colours, in place."""
    mask = None
    if radius:
        mask = Image.new("L", (box[2] - box[0], box[3] - box[1]), 0)
        ImageDraw.Draw(mask).rounded_rectangle((0, 0, mask.width - 1, mask.height - 1), radius, fill=255)
    image.paste(image.crop(box).convert("RGB", _DARK_MATRIX), box, mask)


def _nav_bar(draw: ImageDraw.ImageDraw, dark: bool) -> None:
    top = L.APP_BOTTOM
    draw.rectangle((0, top, L.SCREEN_WIDTH - 1, L.SCREEN_HEIGHT - 1), fill=(20, 20, 24) if dark else (243, 237, 247))
    color = (230, 230, 230) if dark else (73, 69, 79)
    cy = top + L.NAV_BAR_HEIGHT // 2
    third = L.SCREEN_WIDTH // 3
    bx = third // 2
    draw.polygon([(bx + 22, cy - 26), (bx + 22, cy + 26), (bx - 24, cy)], outline=color, width=5)
    hx = third + third // 2
    draw.ellipse((hx - 28, cy - 28, hx + 28, cy + 28), outline=color, width=5)
    rx = 2 * third + third // 2
    draw.rounded_rectangle((rx - 24, cy - 24, rx + 24, cy + 24), 6, outline=color, width=5)


def render_frame(device: SimDroid, frame: Frame) -> np.ndarray:
    """The frame as an RGB array of shape (2400, 1080, 3)."""
    on_launcher = frame.owner is device.launcher or (frame.owner is None and device.foreground()
                                                     == device.launcher.package)
    settings = device.apps.get("settings")
    dark = not on_launcher and bool(getattr(settings.state if settings else None, "dark_theme", False))
    image = _wallpaper().copy() if on_launcher else Image.new("RGB", (L.SCREEN_WIDTH, L.SCREEN_HEIGHT), SURFACE)
    draw = ImageDraw.Draw(image)
    if frame.background is not None:  # the screen under a dialog: painted, themed, then dimmed
        paint_tree(draw, frame.background)
        _status_bar(draw, device, dark_text=not on_launcher)
        if dark:
            _dark(image, (0, 0, L.SCREEN_WIDTH, L.APP_BOTTOM))
        dimmed = (np.asarray(image, dtype=np.uint16) * 96 // 256).astype(np.uint8)
        image = Image.fromarray(dimmed, "RGB")
        draw = ImageDraw.Draw(image)
    for root, _ in frame.windows:
        if root is frame.toast:
            continue
        if frame.dialog_box is not None:
            draw.rounded_rectangle(frame.dialog_box, 40, fill=(244, 239, 248))
            root.background = None
        paint_tree(draw, root)
    if frame.background is None:
        _status_bar(draw, device, dark_text=not on_launcher)
    if dark:
        if frame.dialog_box is not None:
            _dark(image, frame.dialog_box, radius=40)
        else:
            _dark(image, (0, 0, L.SCREEN_WIDTH, L.APP_BOTTOM))
    if frame.keyboard_up:
        image.paste(_keyboard(), (0, L.KEYBOARD_TOP))
    if frame.toast is not None:
        x1, y1, x2, y2 = frame.toast.bounds
        draw.rounded_rectangle((x1, y1, x2, y2), (y2 - y1) // 2, fill=(50, 50, 54))
        _paint_text(draw, frame.toast, WHITE)
    _nav_bar(draw, dark=on_launcher or dark)
    return np.asarray(image)
