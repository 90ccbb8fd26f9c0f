"""The screen as V-Droid's HTML description (research notes section 1.3, `turn_tree_to_html_input`).

Each kept element gets its display id, which is its index in the `UIElement` list (the index
`AndroidEnv.execute_action` uses). Per element:

- editable: ``<input id=N text='desc'>text</input>`` (the hint is shown when the field is empty);
- checkable: ``<checkbox id=N checked=True text='desc'>text</checkbox>``;
- clickable, or inside a clickable ancestor (``metadata["clickable_ancestor"]``, set by the uitree
  parser): ``<button id=N text='desc'>text</button>``; with neither text nor description, the tail of
  the resource id (``sd_main_fab`` -> ``sd main fab``);
- any other element with text: ``<p id=N text='desc'>text</p>``;
- pure scrollable containers and elements without text or description: not printed.

vera's parser yields a flat element list, so elements are printed one per line instead of V-Droid's
nested ``<div>``s (the nesting carries no ids and the flat form keeps the prompt short).
"""

from __future__ import annotations

from vera.env.android.types import UIElement

KEYBOARD_PACKAGES: tuple[str, ...] = ("com.google.android.inputmethod", "com.android.inputmethod")


def is_keyboard(element: UIElement) -> bool:
    """Elements of the soft keyboard window, which V-Droid skips."""
    package = element.package_name or ""
    return any(package.startswith(prefix) for prefix in KEYBOARD_PACKAGES)


def inside_clickable(element: UIElement) -> bool:
    """True when a clickable/checkable ancestor makes this leaf clickable (V-Droid's inherited click)."""
    return bool(element.metadata and element.metadata.get("clickable_ancestor"))


def resource_tail(element: UIElement) -> str:
    """``com.app:id/sd_main_fab`` -> ``sd main fab``."""
    name = element.resource_name or element.resource_id or ""
    tail = name.rsplit("/", 1)[-1]
    return tail.replace("_", " ").strip()


def _escape(text: str) -> str:
    return text.replace("\n", " ").replace("'", "\u2019").strip()


def element_tag(element: UIElement) -> str | None:
    """The HTML tag V-Droid uses for an element, or None when it is not printed."""
    text = element.text or ""
    desc = element.content_description or ""
    if element.is_editable:
        return "input"
    if element.is_checkable:
        return "checkbox"
    if element.is_clickable or element.is_long_clickable or inside_clickable(element):
        return "button"
    if element.is_scrollable and not text and not desc:
        return None
    if not text and not desc:
        return None
    return "p"


def element_html(index: int, element: UIElement) -> str | None:
    """One element in V-Droid's form, or None when V-Droid would not print it."""
    tag = element_tag(element)
    if tag is None:
        return None
    text = _escape(element.text or "")
    desc = _escape(element.content_description or "")
    attrs = [f"id={index}"]
    if tag == "checkbox":
        attrs.append(f"checked={bool(element.is_checked)}")
    if desc:
        attrs.append(f"text='{desc}'")
    if tag == "input" and element.hint_text:
        attrs.append(f"hint='{_escape(element.hint_text)}'")
    if tag == "button" and not text and not desc:
        text = resource_tail(element)
    return f"<{tag} {' '.join(attrs)}>{text}</{tag}>"


def element_label(element: UIElement) -> str:
    """A short human label: text, else description, else hint, else resource tail."""
    for value in (element.text, element.content_description, element.hint_text):
        if value and value.strip():
            return _escape(value)
    return resource_tail(element) or (element.class_name or "element").rsplit(".", 1)[-1]


def field_name(element: UIElement) -> str:
    """What a text field is for: its hint, description or resource id, whatever it holds now."""
    for value in (element.hint_text, element.content_description):
        if value and value.strip():
            return _escape(value)
    return resource_tail(element) or "text field"


def screen_html(elements: list[UIElement]) -> str:
    """The whole screen, one printed element per line."""
    lines = []
    for index, element in enumerate(elements):
        if is_keyboard(element) or element.is_visible is False:
            continue
        line = element_html(index, element)
        if line is not None:
            lines.append(line)
    return "\n".join(lines) if lines else "<p>(empty screen)</p>"
