"""Emit a laid-out view tree as `uiautomator dump` XML.

The attribute set and order are uiautomator's: ``index text resource-id class package content-desc
checkable checked clickable enabled focusable focused scrollable long-clickable password selected
bounds`` (plus ``hint`` on text fields that have one, as newer uiautomator versions add). Only views
that are shown (inside their scrolling parent's viewport) are emitted, with their clipped bounds;
decorative spacers and dividers are left out, and so are plain layout containers that carry nothing
for accessibility (no text, description, click, check or scroll), their children taking their place:
the compressed hierarchy of ``uiautomator dump --compressed``. The AndroidWorld element list is the
same either way (it keeps leaves, described and scrollable nodes).
"""

from __future__ import annotations

import functools
from xml.sax.saxutils import quoteattr

from vera.env.android.sim.layout import Box
from vera.env.android.sim.toolkit.views import EditText, View
from vera.env.android.types import BoundingBox, UIElement

_BOOL = ("false", "true")


_SPECIAL = frozenset('&<>"\n\r\t')


def _q(text: str) -> str:
    if not text:
        return '""'
    if _SPECIAL.isdisjoint(text):
        return f'"{text}"'
    return quoteattr(text, {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


@functools.lru_cache(maxsize=4096)
def resource_id(package: str, view_id: str) -> str:
    """``"title"`` -> ``"com.android.settings:id/title"``; ids with a colon are kept (``android:id/..``)."""
    if not view_id:
        return ""
    return view_id if ":" in view_id else f"{package}:id/{view_id}"


def _important(view: View) -> bool:
    return bool(view.text or view.desc or view.scrollable or view.checkable or view.focusable
                or view.on_click is not None or view.on_long_click is not None or view.clickable_by_default)


def emitted_children(view: View) -> list[View]:
    """The children a dump shows under `view`: shown, not decorative, unimportant layouts flattened."""
    out: list[View] = []
    for child in view.children:
        if not child.shown or child.decorative:
            continue
        if child.children and not _important(child):
            out.extend(emitted_children(child))
        else:
            out.append(child)
    return out


def node_xml(view: View, index: int, package: str, out: list[str]) -> None:
    """Append `view` (and its shown children) as <node> elements."""
    x1, y1, x2, y2 = view.bounds
    hint = ""
    password = False
    if isinstance(view, EditText):
        hint = view.hint
        password = view.password
    enabled = view.enabled
    out.append(
        f'<node index="{index}" text={_q(view.text)} resource-id={_q(resource_id(package, view.id))} '
        f'class="{view.class_name}" package="{package}" content-desc={_q(view.desc)} '
        f'checkable="{_BOOL[view.checkable]}" checked="{_BOOL[view.checked]}" '
        f'clickable="{_BOOL[enabled and view.clickable]}" enabled="{_BOOL[enabled]}" '
        f'focusable="{_BOOL[view.focusable]}" focused="{_BOOL[view.focused]}" '
        f'scrollable="{_BOOL[view.scrollable]}" long-clickable="{_BOOL[enabled and view.long_clickable]}" '
        f'password="{_BOOL[password]}" selected="{_BOOL[view.selected]}" '
        f'{f"hint={_q(hint)} " if hint else ""}bounds="[{x1},{y1}][{x2},{y2}]"'
    )
    children = emitted_children(view) if view.children else ()
    if not children:
        out.append(" />")
        return
    out.append(">")
    for i, child in enumerate(children):
        node_xml(child, i, package, out)
    out.append("</node>")


def hierarchy_xml(windows: list[tuple[View, str]], screen: Box) -> str:
    """The whole dump: a screen-sized decor FrameLayout per window holding its content tree."""
    out = ['<?xml version=\'1.0\' encoding=\'UTF-8\' standalone=\'yes\' ?><hierarchy rotation="0">']
    x1, y1, x2, y2 = screen
    for root, package in windows:
        out.append(
            f'<node index="0" text="" resource-id="" class="android.widget.FrameLayout" package="{package}" '
            'content-desc="" checkable="false" checked="false" clickable="false" enabled="true" '
            'focusable="false" focused="false" scrollable="false" long-clickable="false" password="false" '
            f'selected="false" bounds="[{x1},{y1}][{x2},{y2}]">'
        )
        node_xml(root, 0, package, out)
        out.append("</node>")
    out.append("</hierarchy>")
    return "".join(out)


def hierarchy_elements(windows: list[tuple[View, str]], screen: Box) -> list[UIElement]:
    """What `parse_ui_xml(hierarchy_xml(windows, screen), screen_size=...)` returns, without the XML.

    The fast path for explorers that step SimDroid millions of times; `test_xml.py` checks that both
    paths agree element for element.
    """
    width, height = screen[2] - screen[0], screen[3] - screen[1]
    elements: list[UIElement] = []
    for root, package in windows:
        _collect(root, package, False, elements, width, height)
    return elements


def _collect(view: View, package: str, inside: bool, out: list[UIElement], width: int, height: int) -> None:
    children = emitted_children(view) if view.children else ()
    enabled = view.enabled
    clickable = enabled and view.clickable
    long_clickable = enabled and view.long_clickable
    checkable = view.checkable
    desc = view.desc or None
    scrollable = view.scrollable
    if not children or desc or scrollable:
        x1, y1, x2, y2 = view.bounds
        resource = resource_id(package, view.id) or None
        out.append(UIElement(
            view.text or None, desc, view.class_name,
            BoundingBox(x1 / width, x2 / width, y1 / height, y2 / height), BoundingBox(x1, x2, y1, y2),
            (view.hint or None) if isinstance(view, EditText) else None,
            view.checked, checkable, clickable, isinstance(view, EditText), enabled, view.focused,
            view.focusable, long_clickable, scrollable, view.selected, True, package, resource, None, resource,
            {"clickable_ancestor": True} if inside else None,
        ))
    if children:
        marks = inside or clickable or long_clickable or checkable
        for child in children:
            _collect(child, package, marks, out, width, height)
