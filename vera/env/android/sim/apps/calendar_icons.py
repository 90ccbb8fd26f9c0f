"""Toolbar icons the renderer's glyph set lacks (trash can, pencil, star, calendar), drawn from rectangles.

`IconButton` is an ``ImageButton`` (same class name, content-desc and touch behaviour in the dump)
whose picture is made of decorative `Spacer` rectangles placed at fractions of its square, so the
icon shows in screenshots without adding nodes to the UI dump.
"""

from __future__ import annotations

from typing import Any

from vera.env.android.sim import layout as L
from vera.env.android.sim.toolkit.views import ImageButton, ImageView, Spacer, View

Rect = tuple[float, float, float, float]
INK = (73, 69, 79)
PAPER = (243, 237, 247)  # the toolbar's background, used for cut-outs

SHAPES: dict[str, list[tuple[Rect, tuple[int, int, int]]]] = {
    "trash": [
        ((0.40, 0.16, 0.60, 0.22), INK),
        ((0.22, 0.22, 0.78, 0.29), INK),
        ((0.28, 0.32, 0.72, 0.82), INK),
        ((0.39, 0.40, 0.44, 0.74), PAPER),
        ((0.56, 0.40, 0.61, 0.74), PAPER),
    ],
    "pencil": [((0.22 + 0.09 * k, 0.70 - 0.09 * k, 0.34 + 0.09 * k, 0.82 - 0.09 * k), INK) for k in range(6)],
    "star": [
        ((0.46, 0.18, 0.54, 0.36), INK),
        ((0.18, 0.36, 0.82, 0.46), INK),
        ((0.30, 0.46, 0.70, 0.62), INK),
        ((0.24, 0.62, 0.42, 0.80), INK),
        ((0.58, 0.62, 0.76, 0.80), INK),
    ],
    "star_outline": [
        ((0.46, 0.18, 0.54, 0.36), INK),
        ((0.18, 0.36, 0.82, 0.46), INK),
        ((0.30, 0.46, 0.70, 0.62), INK),
        ((0.24, 0.62, 0.42, 0.80), INK),
        ((0.58, 0.62, 0.76, 0.80), INK),
        ((0.40, 0.40, 0.60, 0.56), PAPER),
    ],
    "calendar": [
        ((0.22, 0.25, 0.78, 0.80), INK),
        ((0.27, 0.38, 0.73, 0.75), PAPER),
        ((0.33, 0.17, 0.39, 0.30), INK),
        ((0.61, 0.17, 0.67, 0.30), INK),
        ((0.36, 0.48, 0.50, 0.62), INK),
    ],
    "keyboard": [((0.15, 0.30, 0.85, 0.72), INK)]
    + [((0.21 + 0.13 * k, 0.37, 0.29 + 0.13 * k, 0.45), PAPER) for k in range(5)]
    + [((0.21 + 0.13 * k, 0.50, 0.29 + 0.13 * k, 0.58), PAPER) for k in range(5)]
    + [((0.32, 0.62, 0.68, 0.67), PAPER)],
    "clock": [
        ((0.20, 0.20, 0.80, 0.80), INK),
        ((0.26, 0.26, 0.74, 0.74), PAPER),
        ((0.47, 0.32, 0.53, 0.53), INK),
        ((0.47, 0.47, 0.66, 0.53), INK),
    ],
}


class _ShapeLayout:
    """Mixin: lay the children out at fractional rectangles of a centred square."""

    children: list[View]
    rects: list[Rect]

    def layout_children(self, box: L.Box, clip: L.Box) -> None:
        x1, y1, x2, y2 = box
        side = min(x2 - x1, y2 - y1, 120)
        ox, oy = (x1 + x2 - side) // 2, (y1 + y2 - side) // 2
        for child, (a, b, c, d) in zip(self.children, self.rects, strict=True):
            child.layout(
                (ox + int(a * side), oy + int(b * side), ox + int(c * side), oy + int(d * side)), clip
            )


class IconButton(_ShapeLayout, ImageButton):
    """An ``ImageButton`` showing one of `SHAPES` (``desc`` is what agents read)."""

    __slots__ = ("rects",)

    def __init__(self, shape: str, **kw: Any) -> None:
        super().__init__("", **kw)
        parts = SHAPES[shape]
        self.rects = [rect for rect, _ in parts]
        self.children = [Spacer(background=color) for _, color in parts]


class IconView(_ShapeLayout, ImageView):
    """A decorative ``ImageView`` showing one of `SHAPES`."""

    __slots__ = ("rects",)

    def __init__(self, shape: str, **kw: Any) -> None:
        super().__init__("", **kw)
        parts = SHAPES[shape]
        self.rects = [rect for rect, _ in parts]
        self.children = [Spacer(background=color) for _, color in parts]
