"""View classes named after the Android widgets they stand for, with a small layout engine.

A screen's `build()` returns a fresh tree of these views on every change (declaratively, like
Compose); the device lays it out into pixel bounds, emits it as uiautomator XML, renders it with
Pillow and dispatches touches to the deepest enabled view under the finger. Views hold no app
state: handlers (``on_click``, ``on_change``, ...) are callables from the screen that change the
app's model.

Layout rules (enough for phone screens, cheap to compute):

* `LinearLayout` (``Column`` / ``Row``) stacks children; a child's ``height`` (column) or ``width``
  (row) is fixed when given, else measured; children with ``weight`` share the space left.
* `FrameLayout` gives every child the whole frame, except children with a ``gravity`` (for example
  ``"bottom|end"`` for a floating action button) and a fixed size, which sit in that corner.
* `ScrollView` / `RecyclerView` lay children out at their full height, shifted by the scroll
  offset, and only children that intersect the viewport are shown (their bounds clipped), as a
  real RecyclerView only has views for visible items.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from vera.env.android.sim import layout as L

Handler = Callable[..., Any]


class View:
    """``android.view.View``: a rectangle with an id, a content description and handlers."""

    class_name = "android.view.View"
    clickable_by_default = False
    focusable = False
    checkable = False
    scrollable = False
    decorative = False

    __slots__ = (
        "id", "desc", "text", "enabled", "selected", "on_click", "on_long_click", "height", "width",
        "weight", "gravity", "children", "bounds", "shown", "padding", "background", "key", "_measured",
        "full_box",
    )

    def __init__(
        self,
        *,
        id: str = "",
        desc: str = "",
        text: str = "",
        enabled: bool = True,
        selected: bool = False,
        on_click: Handler | None = None,
        on_long_click: Handler | None = None,
        height: int | None = None,
        width: int | None = None,
        weight: float = 0.0,
        gravity: str = "",
        padding: int = 0,
        background: tuple[int, int, int] | None = None,
        children: Sequence[View | None] = (),
    ) -> None:
        self.id = id
        self.desc = desc
        self.text = text
        self.enabled = enabled
        self.selected = selected
        self.on_click = on_click
        self.on_long_click = on_long_click
        self.height = height
        self.width = width
        self.weight = weight
        self.gravity = gravity
        self.padding = padding
        self.background = background
        self.children: list[View] = [c for c in children if c is not None] if children else []
        self.bounds: L.Box = (0, 0, 0, 0)  # on screen: clipped by scrolling parents
        self.full_box: L.Box = (0, 0, 0, 0)  # where the whole view lies (partly off-screen in a list)
        self.shown = False
        self.key = ""
        self._measured: tuple[int, int] = (-1, 0)

    # --- behaviour flags the XML and the touch dispatch read ---------------------------------------
    @property
    def clickable(self) -> bool:
        return self.on_click is not None or self.clickable_by_default

    @property
    def long_clickable(self) -> bool:
        return self.on_long_click is not None

    @property
    def checked(self) -> bool:
        return False

    @property
    def focused(self) -> bool:
        return False

    # --- layout ------------------------------------------------------------------------------------
    def measure(self, width: int) -> int:
        """Height this view wants at the given width."""
        if self.height is not None:
            return self.height
        measured_width, measured = self._measured
        if measured_width == width:
            return measured
        measured = self.content_height(width)
        self._measured = (width, measured)
        return measured

    def content_height(self, width: int) -> int:
        return 0

    def layout(self, box: L.Box, clip: L.Box) -> None:
        """Place this view at `box`; `clip` is the visible region (for scrolling parents)."""
        if clip[0] <= box[0] and clip[1] <= box[1] and box[2] <= clip[2] and box[3] <= clip[3]:
            visible: L.Box | None = box if box[0] < box[2] and box[1] < box[3] else None
        else:
            visible = L.intersect(box, clip)
        self.shown = visible is not None
        self.bounds = visible if visible is not None else box
        self.full_box = box
        if self.shown and self.children:
            self.layout_children(box, visible or clip)

    def layout_children(self, box: L.Box, clip: L.Box) -> None:
        inner = _pad(box, self.padding)
        for child in self.children:
            child.layout(inner, clip)

    def walk_all(self) -> Iterator[View]:
        """This view and every descendant, shown or not."""
        yield self
        for child in self.children:
            yield from child.walk_all()

    def walk(self) -> Iterator[View]:
        """This view and its shown descendants, in document order."""
        yield self
        for child in self.children:
            if child.shown:
                yield from child.walk()

    def __repr__(self) -> str:
        label = self.text or self.desc or self.id
        return f"{type(self).__name__}({label!r})"


def _pad(box: L.Box, padding: int) -> L.Box:
    if not padding:
        return box
    x1, y1, x2, y2 = box
    return x1 + padding, y1 + padding, max(x1 + padding, x2 - padding), max(y1 + padding, y2 - padding)


class FrameLayout(View):
    """``android.widget.FrameLayout``: children overlap; ``gravity`` pins fixed-size children."""

    class_name = "android.widget.FrameLayout"
    __slots__ = ()

    def content_height(self, width: int) -> int:
        inner = width - 2 * self.padding
        return max((c.measure(inner) for c in self.children if not c.gravity), default=0) + 2 * self.padding

    def layout_children(self, box: L.Box, clip: L.Box) -> None:
        x1, y1, x2, y2 = _pad(box, self.padding)
        for child in self.children:
            if not child.gravity:
                child.layout((x1, y1, x2, y2), clip)
                continue
            w = child.width or (x2 - x1)
            h = child.height or child.measure(w)
            margin = L.PADDING
            cx = x2 - margin - w if "end" in child.gravity else (
                x1 + margin if "start" in child.gravity else (x1 + x2 - w) // 2)
            cy = y2 - margin - h if "bottom" in child.gravity else (
                y1 + margin if "top" in child.gravity else (y1 + y2 - h) // 2)
            child.layout((cx, cy, cx + w, cy + h), clip)


class LinearLayout(View):
    """``android.widget.LinearLayout``, vertical or horizontal."""

    class_name = "android.widget.LinearLayout"
    __slots__ = ("vertical", "spacing")

    def __init__(self, *children: View | None, vertical: bool = True, spacing: int = 0, **kw: Any) -> None:
        kw.setdefault("children", children)
        super().__init__(**kw)
        self.vertical = vertical
        self.spacing = spacing

    def content_height(self, width: int) -> int:
        inner = width - 2 * self.padding
        if self.vertical:
            total = sum(c.measure(inner) for c in self.children)
            total += self.spacing * max(0, len(self.children) - 1)
            return total + 2 * self.padding
        widths = self._row_widths(inner)
        return max((c.measure(w) for c, w in zip(self.children, widths, strict=True)), default=0) \
            + 2 * self.padding

    def _row_widths(self, inner: int) -> list[int]:
        fixed = sum(c.width or 0 for c in self.children) + self.spacing * max(0, len(self.children) - 1)
        flexible = [c for c in self.children if c.width is None]
        weights = sum(c.weight or 1.0 for c in flexible)
        left = max(0, inner - fixed)
        return [c.width if c.width is not None else int(left * (c.weight or 1.0) / weights)
                for c in self.children]

    def layout_children(self, box: L.Box, clip: L.Box) -> None:
        x1, y1, x2, y2 = _pad(box, self.padding)
        if self.vertical:
            inner = x2 - x1
            heights = [None if c.weight else c.measure(inner) for c in self.children]
            fixed = sum(h for h in heights if h is not None) + self.spacing * max(0, len(self.children) - 1)
            weights = sum(c.weight for c in self.children if c.weight)
            left = max(0, (y2 - y1) - fixed)
            y = y1
            for child, h in zip(self.children, heights, strict=True):
                height = h if h is not None else int(left * child.weight / weights)
                cw = child.width or inner
                cx = x1 + (inner - cw) // 2 if child.gravity == "center" else x1
                child.layout((cx, y, cx + cw, y + height), clip)
                y += height + self.spacing
        else:
            x = x1
            for child, w in zip(self.children, self._row_widths(x2 - x1), strict=True):
                if child.height is not None and child.height < (y2 - y1):
                    cy = y1 + ((y2 - y1) - child.height) // 2
                    child.layout((x, cy, x + w, cy + child.height), clip)
                else:
                    child.layout((x, y1, x + w, y2), clip)
                x += w + self.spacing


def Column(*children: View | None, **kw: Any) -> LinearLayout:
    """A vertical LinearLayout."""
    return LinearLayout(*children, vertical=True, **kw)


def Row(*children: View | None, **kw: Any) -> LinearLayout:
    """A horizontal LinearLayout."""
    return LinearLayout(*children, vertical=False, **kw)


class ScrollView(View):
    """``android.widget.ScrollView``: a vertically scrolling column; ``id`` keys its scroll offset."""

    class_name = "android.widget.ScrollView"
    scrollable = True
    __slots__ = ("offset", "max_offset", "spacing")

    def __init__(self, *children: View | None, spacing: int = 0, **kw: Any) -> None:
        kw.setdefault("children", children)
        kw.setdefault("weight", 1.0)
        super().__init__(**kw)
        self.offset = 0
        self.max_offset = 0
        self.spacing = spacing

    def content_height(self, width: int) -> int:
        return sum(c.measure(width) for c in self.children) + 2 * self.padding

    def layout_children(self, box: L.Box, clip: L.Box) -> None:
        x1, y1, x2, y2 = box
        inner = _pad(box, self.padding)
        heights = [c.measure(inner[2] - inner[0]) for c in self.children]
        total = sum(heights) + self.spacing * max(0, len(heights) - 1) + 2 * self.padding
        self.max_offset = max(0, total - (y2 - y1))
        self.offset = min(max(0, self.offset), self.max_offset)
        viewport = L.intersect(box, clip) or box
        y = inner[1] - self.offset
        for child, h in zip(self.children, heights, strict=True):
            child.layout((inner[0], y, inner[2], y + h), viewport)
            y += h + self.spacing

    @property
    def can_scroll_down(self) -> bool:
        return self.offset < self.max_offset

    @property
    def can_scroll_up(self) -> bool:
        return self.offset > 0


class RecyclerView(ScrollView):
    """``androidx.recyclerview.widget.RecyclerView``: a scrolling list of rows."""

    class_name = "androidx.recyclerview.widget.RecyclerView"
    __slots__ = ()


class TextView(View):
    """``android.widget.TextView``: text that wraps to the view's width."""

    class_name = "android.widget.TextView"
    __slots__ = ("size", "bold", "color", "max_lines", "align")

    def __init__(self, text: str = "", *, size: int = L.TEXT_SIZE, bold: bool = False,
                 color: tuple[int, int, int] | None = None, max_lines: int = 3, align: str = "start",
                 **kw: Any) -> None:
        super().__init__(text=text, **kw)
        self.size = size
        self.bold = bold
        self.color = color
        self.max_lines = max_lines
        self.align = align

    def content_height(self, width: int) -> int:
        lines = text_lines(self.text, width - 2 * self.padding, self.size, self.max_lines)
        return max(1, len(lines)) * int(self.size * 1.35) + 2 * self.padding + 12


def char_width(size: int) -> float:
    """Average advance of the default font, used to wrap text in layout and rendering alike."""
    return size * 0.55


@functools.lru_cache(maxsize=8192)
def text_lines(text: str, width: int, size: int, max_lines: int) -> tuple[str, ...]:
    """Greedy word wrap by the font's average advance (shared by layout and rendering); cached."""
    return tuple(_wrap(text, width, size, max_lines))


def _wrap(text: str, width: int, size: int, max_lines: int) -> list[str]:
    if not text:
        return []
    per_line = max(1, int(width / char_width(size)))
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words = paragraph.split(" ")
        line = ""
        for word in words:
            candidate = word if not line else f"{line} {word}"
            if len(candidate) <= per_line:
                line = candidate
                continue
            if line:
                lines.append(line)
            while len(word) > per_line:
                lines.append(word[:per_line])
                word = word[per_line:]
            line = word
        lines.append(line)
        if len(lines) >= max_lines:
            break
    if len(lines) > max_lines:
        lines = lines[:max_lines]
    if len(lines) == max_lines and sum(len(x) for x in lines) < len(text.replace("\n", "")):
        last = lines[-1]
        lines[-1] = (last[: max(0, per_line - 1)] + "…") if len(last) >= per_line else last + "…"
    return lines


class Button(TextView):
    """``android.widget.Button``: a tappable text button."""

    class_name = "android.widget.Button"
    clickable_by_default = True
    __slots__ = ("style",)

    def __init__(self, text: str = "", *, style: str = "filled", **kw: Any) -> None:
        kw.setdefault("height", L.BUTTON_HEIGHT)
        kw.setdefault("align", "center")
        super().__init__(text, **kw)
        self.style = style  # "filled", "outlined" or "text"


class ImageView(View):
    """``android.widget.ImageView``: an icon drawn from a glyph (one or two characters)."""

    class_name = "android.widget.ImageView"
    __slots__ = ("glyph", "color")

    def __init__(self, glyph: str = "", *, color: tuple[int, int, int] | None = None, **kw: Any) -> None:
        kw.setdefault("height", L.ICON_BUTTON_SIZE)
        super().__init__(**kw)
        self.glyph = glyph
        self.color = color


class ImageButton(ImageView):
    """``android.widget.ImageButton``: an icon button; ``desc`` is what screen readers (and agents) see."""

    class_name = "android.widget.ImageButton"
    clickable_by_default = True
    __slots__ = ()

    def __init__(self, glyph: str = "", **kw: Any) -> None:
        kw.setdefault("width", L.ICON_BUTTON_SIZE)
        super().__init__(glyph, **kw)


class EditText(TextView):
    """``android.widget.EditText``. With ``value=None`` the text lives in the screen's ``form[id]``."""

    class_name = "android.widget.EditText"
    clickable_by_default = True
    focusable = True
    __slots__ = ("hint", "value", "on_change", "on_submit", "multiline", "password", "is_focused", "replace")

    def __init__(self, *, id: str, hint: str = "", value: str | None = None,
                 on_change: Handler | None = None, on_submit: Handler | None = None,
                 multiline: bool = False, password: bool = False, replace: bool = False, **kw: Any) -> None:
        kw.setdefault("max_lines", 8 if multiline else 1)
        super().__init__("", id=id, **kw)
        self.hint = hint
        self.value = value
        self.on_change = on_change
        self.on_submit = on_submit
        self.multiline = multiline
        self.password = password
        self.replace = replace  # typing replaces the whole value (a picker's selected-on-focus text)
        self.is_focused = False

    @property
    def long_clickable(self) -> bool:
        return True

    @property
    def focused(self) -> bool:
        return self.is_focused

    def content_height(self, width: int) -> int:
        if not self.multiline:
            return L.EDIT_HEIGHT
        lines = text_lines(self.text or self.hint, width - 60, self.size, self.max_lines)
        return max(L.EDIT_HEIGHT, max(1, len(lines)) * int(self.size * 1.35) + 60)


class CompoundButton(TextView):
    """A checkable widget with a label: tapping it calls ``on_change(not checked)``."""

    checkable = True
    clickable_by_default = True
    focusable = True
    __slots__ = ("is_checked", "on_change")

    def __init__(self, text: str = "", *, checked: bool = False, on_change: Handler | None = None,
                 **kw: Any) -> None:
        kw.setdefault("height", L.ROW_HEIGHT)
        super().__init__(text, **kw)
        self.is_checked = checked
        self.on_change = on_change

    @property
    def checked(self) -> bool:
        return self.is_checked


class Switch(CompoundButton):
    """``android.widget.Switch``: label on the left, track and thumb on the right."""

    class_name = "android.widget.Switch"
    __slots__ = ()


class CheckBox(CompoundButton):
    """``android.widget.CheckBox``: a box before the label."""

    class_name = "android.widget.CheckBox"
    __slots__ = ()


class RadioButton(CompoundButton):
    """``android.widget.RadioButton``: a circle before the label."""

    class_name = "android.widget.RadioButton"
    __slots__ = ()


class SeekBar(View):
    """``android.widget.SeekBar``: tapping or dragging sets the value where the finger ends."""

    class_name = "android.widget.SeekBar"
    clickable_by_default = True
    focusable = True
    __slots__ = ("value", "maximum", "on_change")

    def __init__(self, *, value: int, maximum: int, on_change: Handler | None = None, **kw: Any) -> None:
        kw.setdefault("height", 120)
        super().__init__(**kw)
        self.value = value
        self.maximum = maximum
        self.on_change = on_change

    def value_at(self, x: int) -> int:
        """The value a touch at x sets (the track spans the view minus 48 px on each side)."""
        x1, _, x2, _ = self.bounds
        start, end = x1 + 48, x2 - 48
        fraction = min(1.0, max(0.0, (x - start) / max(1, end - start)))
        return int(round(fraction * self.maximum))


class Divider(View):
    """A 3 px line between sections (decorative: not in the UI dump)."""

    decorative = True
    __slots__ = ()

    def __init__(self, **kw: Any) -> None:
        kw.setdefault("height", 3)
        kw.setdefault("background", (224, 224, 228))
        super().__init__(**kw)


class Spacer(View):
    """Empty space: fixed ``height`` or a ``weight`` share (decorative: not in the UI dump)."""

    decorative = True
    __slots__ = ()


# --- composite widgets (functions returning view trees) -----------------------------------------------
def Toolbar(title: str, *, on_back: Handler | None = None, actions: Sequence[View] = (),
            id: str = "toolbar") -> View:
    """An app bar: optional "Navigate up" arrow, the title, then action buttons."""
    parts: list[View] = []
    if on_back is not None:
        parts.append(ImageButton("←", desc="Navigate up", on_click=on_back))
    parts.append(TextView(title, size=L.TITLE_SIZE - 8, bold=True, id="toolbar_title", height=L.TOOLBAR_HEIGHT,
                          padding=L.PADDING - 10 if on_back is None else 12))
    parts.extend(actions)
    return Row(*parts, id=id, height=L.TOOLBAR_HEIGHT, background=(243, 237, 247))


def ListItem(title: str, subtitle: str = "", *, on_click: Handler | None = None,
             on_long_click: Handler | None = None, trailing: View | None = None, id: str = "",
             selected: bool = False, title_id: str = "title", subtitle_id: str = "summary") -> View:
    """A clickable row with a title, an optional summary line and an optional trailing widget."""
    texts: list[View] = [TextView(title, id=title_id, max_lines=1, padding=0)]
    if subtitle:
        texts.append(TextView(subtitle, id=subtitle_id, size=L.SMALL_TEXT_SIZE, color=(96, 96, 104),
                              max_lines=2))
    if trailing is None:  # one clickable column: fewer nodes, as Android's preference rows
        row = Column(*texts, id=id, padding=L.PADDING // 2, on_click=on_click, on_long_click=on_long_click,
                     selected=selected)
    else:
        row = Row(Column(*texts, padding=0), trailing, id=id, padding=L.PADDING // 2,
                  on_click=on_click, on_long_click=on_long_click, selected=selected)
    row.height = max(L.ROW_HEIGHT, row.content_height(L.SCREEN_WIDTH))
    return row


def NumberPicker(*, id: str, label: str, value: int, minimum: int, maximum: int,
                 on_change: Handler, wrap: bool = True, width: int | None = None, fmt: str = "{:02d}") -> View:
    """``android.widget.NumberPicker``: "Increase"/"Decrease" buttons around an editable value.

    Typing a number into the value field (``input_text``) sets it directly; the buttons step by one,
    wrapping around when ``wrap`` is set.
    """
    span = maximum - minimum + 1

    def step(delta: int) -> Callable[[], None]:
        def apply() -> None:
            new = value + delta
            if wrap:
                new = minimum + (new - minimum) % span
            on_change(min(maximum, max(minimum, new)))
        return apply

    def typed(text: str) -> None:
        digits = "".join(ch for ch in text if ch.isdigit())
        if digits:
            on_change(min(maximum, max(minimum, int(digits[-4:]))))

    picker = Column(
        ImageButton("▲", desc=f"Increase {label}", on_click=step(+1), width=None, height=120),
        EditText(id=f"{id}_input", value=fmt.format(value), on_change=typed, replace=True, size=L.TITLE_SIZE,
                 align="center", desc=label),
        ImageButton("▼", desc=f"Decrease {label}", on_click=step(-1), width=None, height=120),
        id=id, width=width,
    )
    picker.key = "NumberPicker"
    return picker


def grid_rows(items: Sequence[View], columns: int) -> list[View]:
    """Arrange views in rows of `columns` (the launcher's icon grid)."""
    rows = []
    for start in range(0, len(items), columns):
        chunk = list(items[start : start + columns])
        chunk += [Spacer() for _ in range(columns - len(chunk))]
        rows.append(Row(*chunk))
    return rows


def count_lines(text: str, width: int, size: int) -> int:
    return max(1, math.ceil(len(text) * char_width(size) / max(1, width)))
