"""Parse `uiautomator dump` XML into AndroidWorld `UIElement`s.

Every real device produces this format (``<hierarchy rotation="0"><node index=".." text=".."
resource-id=".." class=".." package=".." content-desc=".." checkable="false" ... bounds="[x1,y1][x2,y2]">``).
SimDroid emits it too, so the same parser serves every backend.
"""

from __future__ import annotations

import gc
import re
import xml.etree.ElementTree as ElementTree
from typing import Literal

from vera.env.android.types import BoundingBox, UIElement
from vera.errors import ParseError

_BOUNDS = re.compile(r"^\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]$")
ElementFilter = Literal["androidworld", "all"]


def _extract_document(xml: str) -> str:
    """Cut the hierarchy out of surrounding noise (``uiautomator dump /dev/tty`` appends a status line)."""
    start = xml.find("<hierarchy")
    if start < 0:
        stripped = xml.strip()
        hint = stripped[:80] + ("..." if len(stripped) > 80 else "")
        raise ParseError(
            "no <hierarchy> element in the UI dump; expected `uiautomator dump` XML, got: "
            f"{hint!r}. If the device returned an error, retry the dump once the screen is idle."
        )
    end = xml.rfind("</hierarchy>")
    if end < 0:
        raise ParseError(
            f"the UI dump is truncated ({len(xml)} characters, no closing </hierarchy>); "
            "dump again, and check that the transfer was not cut off"
        )
    return xml[start : end + len("</hierarchy>")]


def parse_bounds(text: str) -> BoundingBox:
    """``"[x1,y1][x2,y2]"`` -> BoundingBox."""
    match = _BOUNDS.match(text.strip())
    if match is None:
        raise ParseError(f"malformed bounds {text!r}; expected the form '[x1,y1][x2,y2]'")
    x1, y1, x2, y2 = (int(v) for v in match.groups())
    return BoundingBox(x_min=x1, x_max=x2, y_min=y1, y_max=y2)


def _bounds_fast(text: str) -> BoundingBox:
    """Bounds without a regex for the common well-formed case; falls back to `parse_bounds`."""
    try:
        left, right = text[1:-1].split("][")
        x1, y1 = left.split(",")
        x2, y2 = right.split(",")
        return BoundingBox(int(x1), int(x2), int(y1), int(y2))
    except ValueError:
        return parse_bounds(text)


def _collect_nodes(document: str) -> tuple[str, list[tuple[dict[str, str], bool, bool]]]:
    """(root tag, [(attributes, is_leaf, inside_clickable)] for every <node> in document order).

    ElementTree's C parser builds the tree without a Python call per element, which is what keeps a
    10,000-node dump fast; leaves are nodes without children. ``inside_clickable`` marks nodes below a
    clickable, long-clickable or checkable container: the AndroidWorld filter drops such containers, so
    their leaves inherit the click (V-Droid's candidate rule).
    """
    try:
        root = ElementTree.fromstring(document)
    except ElementTree.ParseError as exc:
        raise ParseError(
            f"the UI dump is not well-formed XML ({exc}); dump again or check the device output"
        ) from exc
    nodes: list[tuple[dict[str, str], bool, bool]] = []
    append = nodes.append
    # One pre-order walk (document order, as root.iter) carrying "below a clickable container" down.
    stack: list[tuple[ElementTree.Element, bool]] = [(child, False) for child in reversed(root)]
    pop, extend = stack.pop, stack.extend
    while stack:
        node, inside = pop()
        attrib = node.attrib
        if node.tag != "node":
            continue
        if len(node) == 0:
            append((attrib, True, inside))
            continue
        append((attrib, False, inside))
        get = attrib.get
        below = inside or get("clickable") == "true" or get("long-clickable") == "true" \
            or get("checkable") == "true"
        extend([(child, below) for child in reversed(node)])
    return root.tag, nodes


def parse_ui_xml(
    xml: str,
    *,
    element_filter: ElementFilter = "androidworld",
    screen_size: tuple[int, int] | None = None,
) -> list[UIElement]:
    """Parse a uiautomator dump into UIElements.

    ``element_filter="androidworld"`` keeps what AndroidWorld keeps from an accessibility tree: leaves,
    nodes with a content description, and scrollable nodes. ``"all"`` keeps every node. With
    ``screen_size`` the normalized ``bbox`` is filled in as well.
    """
    if not isinstance(xml, str):
        raise ParseError(f"a UI dump must be text, got {type(xml).__name__}")
    if element_filter not in ("androidworld", "all"):
        raise ParseError(f"unknown element_filter {element_filter!r}; use 'androidworld' or 'all'")
    document = _extract_document(xml)
    # Everything built below is acyclic (dicts, dataclasses): pausing the cyclic GC saves the repeated
    # young-generation scans that thousands of allocations would trigger (~15% of a 10,000-node parse).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_elements(document, element_filter, screen_size)
    finally:
        if gc_was_enabled:
            gc.enable()


def _build_elements(
    document: str, element_filter: ElementFilter, screen_size: tuple[int, int] | None
) -> list[UIElement]:
    root, nodes = _collect_nodes(document)
    if root != "hierarchy":
        raise ParseError(f"the UI dump's root is <{root}>, expected <hierarchy>")
    keep_all = element_filter == "all"
    width, height = screen_size if screen_size else (0, 0)
    elements: list[UIElement] = []
    append = elements.append
    for attrib, is_leaf, inside_clickable in nodes:
        get = attrib.get
        desc = get("content-desc") or None
        scrollable = get("scrollable") == "true"
        if not (keep_all or is_leaf or desc or scrollable):
            continue
        bounds_text = get("bounds")
        if bounds_text is None:
            raise ParseError(
                f"node {get('class', '?')} (resource-id {get('resource-id', '')!r}) has no bounds attribute"
            )
        bbox_pixels = _bounds_fast(bounds_text)
        bbox = None
        if width and height:
            bbox = BoundingBox(
                bbox_pixels.x_min / width, bbox_pixels.x_max / width,
                bbox_pixels.y_min / height, bbox_pixels.y_max / height,
            )
        resource = get("resource-id") or None
        append(UIElement(
            get("text") or None,  # text
            desc,  # content_description
            get("class") or None,  # class_name
            bbox,
            bbox_pixels,
            get("hint") or None,  # hint_text
            get("checked") == "true",  # is_checked
            get("checkable") == "true",  # is_checkable
            get("clickable") == "true",  # is_clickable
            _is_editable(attrib),  # is_editable
            get("enabled", "true") == "true",  # is_enabled
            get("focused") == "true",  # is_focused
            get("focusable") == "true",  # is_focusable
            get("long-clickable") == "true",  # is_long_clickable
            scrollable,  # is_scrollable
            get("selected") == "true",  # is_selected
            True,  # is_visible
            get("package") or None,  # package_name
            resource,  # resource_name
            get("tooltip-text") or None,  # tooltip
            resource,  # resource_id
            {"clickable_ancestor": True} if inside_clickable else None,  # metadata
        ))
    return elements


def _is_editable(attrib: dict[str, str]) -> bool:
    """uiautomator has no `editable` attribute on older Android: fall back to the EditText class."""
    explicit = attrib.get("editable")
    if explicit is not None:
        return explicit == "true"
    return "EditText" in attrib.get("class", "")


def is_element_visible(element: UIElement, screen_size: tuple[int, int]) -> bool:
    """AndroidWorld's `validate_ui_element`: visible and with its box inside the screen."""
    if element.is_visible is False or element.bbox_pixels is None:
        return False
    box = element.bbox_pixels
    width, height = screen_size
    return (
        0 <= box.x_min < box.x_max <= width
        and 0 <= box.y_min < box.y_max <= height
    )
