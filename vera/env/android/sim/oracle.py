"""Helpers for UI-only oracles.

An oracle is a generator ``def solve(self, ui) -> Iterator[JSONAction]``. Between two ``yield``s the
suite executes the action, so `ui` always shows the current screen. The oracle never touches app
state: it finds elements on screen (by text, resource id, content description, class), and emits
AndroidWorld JSONActions addressed by element index::

    def solve(self, ui):
        yield ui.open_app("Settings")
        yield ui.click(text="Network & internet")
        yield from ui.scroll_to(text="Wi-Fi")
        yield ui.click(text="Wi-Fi", cls="Switch")
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from vera.env.android.env import AndroidEnv
from vera.env.android.types import JSONAction, UIElement
from vera.errors import DeviceError, VeraError


class OracleError(VeraError):
    """The oracle could not find what it looked for on screen (a bug in the oracle or the app)."""


class UI:
    """The current screen as an oracle sees it (re-read after every action)."""

    def __init__(self, env: AndroidEnv) -> None:
        self.env = env

    @property
    def elements(self) -> list[UIElement]:
        """The current elements; a UI dump that fails once (a flaky device) is retried once."""
        try:
            return self.env.ui_elements()
        except DeviceError:
            return self.env.ui_elements()

    def texts(self) -> list[str]:
        """Every element's text, in screen order."""
        return [e.text for e in self.elements if e.text]

    # --- finding ---------------------------------------------------------------------------------------
    def matches(self, text: str | None = None, *, id: str | None = None, desc: str | None = None,
                cls: str | None = None, contains: str | None = None, checked: bool | None = None,
                ) -> list[int]:
        """Indices of the elements that satisfy every given condition.

        ``text`` and ``desc`` match exactly, ``contains`` is a case-insensitive substring of the text
        or content description, ``id`` matches the resource id's name (``"save"`` or the full
        ``"pkg:id/save"``), ``cls`` the end of the class name (``"Switch"``).
        """
        found = []
        for i, e in enumerate(self.elements):
            if text is not None and (e.text or "") != text:
                continue
            if desc is not None and (e.content_description or "") != desc:
                continue
            if contains is not None and contains.lower() not in (
                    (e.text or "") + "\n" + (e.content_description or "")).lower():
                continue
            if id is not None:
                rid = e.resource_id or ""
                if rid != id and not rid.endswith(":id/" + id):
                    continue
            if cls is not None and not (e.class_name or "").endswith(cls):
                continue
            if checked is not None and bool(e.is_checked) != checked:
                continue
            found.append(i)
        return found

    def has(self, text: str | None = None, **query: Any) -> bool:
        return bool(self.matches(text, **query))

    def find(self, text: str | None = None, *, nth: int = 0, **query: Any) -> int:
        """The index of the `nth` matching element; `OracleError` listing the screen if none."""
        found = self.matches(text, **query)
        if len(found) <= nth:
            shown = ", ".join(repr(t) for t in self.texts()[:40])
            raise OracleError(f"no element matches text={text!r} {query} (nth={nth}); screen shows: {shown}")
        return found[nth]

    def element(self, text: str | None = None, **query: Any) -> UIElement:
        return self.elements[self.find(text, **query)]

    # --- actions -----------------------------------------------------------------------------------------
    def click(self, text: str | None = None, **query: Any) -> JSONAction:
        return JSONAction(action_type="click", index=self.find(text, **query))

    def long_press(self, text: str | None = None, **query: Any) -> JSONAction:
        return JSONAction(action_type="long_press", index=self.find(text, **query))

    def type(self, value: str, text: str | None = None, *, clear: bool = True, **query: Any) -> JSONAction:
        """Type `value` into the matching field (tap, clear, type, Enter: AndroidWorld's input_text).

        Editable elements win when the query also matches other elements (a label with the same id).
        """
        editable = [i for i in self.matches(text, **query) if self.elements[i].is_editable]
        index = editable[0] if editable else self.find(text, **query)
        return JSONAction(action_type="input_text", index=index, text=value, clear_text=clear)

    def scroll(self, direction: str = "down", text: str | None = None, **query: Any) -> JSONAction:
        """Scroll the matching element (or the first scrollable one, or the screen)."""
        if text is not None or query:
            index = self.find(text, **query)
        else:
            scrollables = [i for i, e in enumerate(self.elements) if e.is_scrollable]
            index = scrollables[0] if scrollables else None
        return JSONAction(action_type="scroll", direction=direction, index=index)

    def scroll_to(self, text: str | None = None, *, direction: str = "down", limit: int = 30,
                  within: dict[str, Any] | None = None, **query: Any) -> Iterator[JSONAction]:
        """Scroll until an element matching the query is on screen (`OracleError` when the list ends)."""
        for _ in range(limit):
            if self.has(text, **query):
                return
            before = [(e.text, e.content_description) for e in self.elements]
            yield self.scroll(direction, **(within or {}))
            if [(e.text, e.content_description) for e in self.elements] == before:
                break
        if not self.has(text, **query):
            raise OracleError(f"scrolled {direction} to the end without finding text={text!r} {query}")

    def open_app(self, name: str) -> JSONAction:
        return JSONAction(action_type="open_app", app_name=name)

    def back(self) -> JSONAction:
        return JSONAction(action_type="navigate_back")

    def home(self) -> JSONAction:
        return JSONAction(action_type="navigate_home")

    def enter(self) -> JSONAction:
        return JSONAction(action_type="keyboard_enter")

    def wait(self) -> JSONAction:
        return JSONAction(action_type="wait")

    def answer(self, text: str) -> JSONAction:
        return JSONAction(action_type="answer", text=text)
