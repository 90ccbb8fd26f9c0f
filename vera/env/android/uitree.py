"""Parse `uiautomator dump` XML into AndroidWorld `UIElement`s.

Every real device produces this format (``<hierarchy rotation="0"><node index=".." text=".."
resource-id=".." class=".." package=".." content-desc=".." checkable="false" ... bounds="[x1,y1][x2,y2]">``).
SimDroid emits it too, so the same parser serves every backend.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
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


def _iter_nodes(root: ElementTree.Element) -> Iterator[tuple[ElementTree.Element, bool, bool]]:
    """Yield (node, is_leaf, inside_clickable) for every <node> below the hierarchy, in document order.

    ``inside_clickable`` is true when some ancestor is clickable, long-clickable or checkable: the
    AndroidWorld filter drops such containers, so their leaves inherit the click (V-Droid's rule).
    """
    stack: list[tuple[ElementTree.Element, bool]] = [(child, False) for child in reversed(root)]
    while stack:
        node, inside = stack.pop()
        if node.tag != "node":
            continue
        attrib = node.attrib
        actionable = inside or any(
            attrib.get(key) == "true" for key in ("clickable", "long-clickable", "checkable"))
        stack.extend((child, actionable) for child in reversed(node))
        yield node, len(node) == 0, inside


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
    document = _extract_document(xml)
    try:
        root = ElementTree.fromstring(document)
    except ElementTree.ParseError as exc:
        raise ParseError(
            f"the UI dump is not well-formed XML ({exc}); dump again or check the device output"
        ) from exc
    if root.tag != "hierarchy":
        raise ParseError(f"the UI dump's root is <{root.tag}>, expected <hierarchy>")
    keep_all = element_filter == "all"
    if element_filter not in ("androidworld", "all"):
        raise ParseError(f"unknown element_filter {element_filter!r}; use 'androidworld' or 'all'")
    width, height = screen_size if screen_size else (0, 0)
    elements: list[UIElement] = []
    append = elements.append
    for node, is_leaf, inside_clickable in _iter_nodes(root):
        attrib = node.attrib
        desc = attrib.get("content-desc") or None
        scrollable = attrib.get("scrollable") == "true"
        if not (keep_all or is_leaf or desc or scrollable):
            continue
        bounds_text = attrib.get("bounds")
        if bounds_text is None:
            raise ParseError(
                f"node {attrib.get('class', '?')} (resource-id {attrib.get('resource-id', '')!r}) "
                "has no bounds attribute"
            )
        bbox_pixels = parse_bounds(bounds_text)
        bbox = None
        if width and height:
            bbox = BoundingBox(
                bbox_pixels.x_min / width, bbox_pixels.x_max / width,
                bbox_pixels.y_min / height, bbox_pixels.y_max / height,
            )
        element = UIElement(
            text=attrib.get("text") or None,
            content_description=desc,
            class_name=attrib.get("class") or None,
            bbox=bbox,
            bbox_pixels=bbox_pixels,
            hint_text=attrib.get("hint") or None,
            is_checked=attrib.get("checked") == "true",
            is_checkable=attrib.get("checkable") == "true",
            is_clickable=attrib.get("clickable") == "true",
            is_editable=_is_editable(attrib),
            is_enabled=attrib.get("enabled", "true") == "true",
            is_focused=attrib.get("focused") == "true",
            is_focusable=attrib.get("focusable") == "true",
            is_long_clickable=attrib.get("long-clickable") == "true",
            is_scrollable=scrollable,
            is_selected=attrib.get("selected") == "true",
            is_visible=True,
            package_name=attrib.get("package") or None,
            resource_name=attrib.get("resource-id") or None,
            tooltip=attrib.get("tooltip-text") or None,
            resource_id=attrib.get("resource-id") or None,
            metadata={"clickable_ancestor": True} if inside_clickable else None,
        )
        append(element)
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
