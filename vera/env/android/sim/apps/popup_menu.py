"""A popup (overflow) menu, as Android's ``PopupMenu`` shows it under a toolbar's "More options" button.

One widget for every app with an overflow menu (Tasks, Broccoli, and through `files_shared` Files,
Markor and Contacts, whose panel is wider). Screens keep a flag for whether the menu is open and, in
`build()`, wrap their content with `with_popup_menu`: the menu panel sits at the top right over a transparent full-screen scrim that
closes it when tapped outside (a scrim is decorative, so it is not in the UI dump). Each item is a
clickable row whose text view has the real menu's id ``title``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from vera.env.android.sim import layout as L
from vera.env.android.sim.toolkit.views import Column, FrameLayout, Spacer, TextView, View

MENU_WIDTH = 600


def with_popup_menu(
    content: View,
    items: Sequence[tuple[str, Callable[[], Any]]],
    on_dismiss: Callable[[], Any],
    *,
    width: int = MENU_WIDTH,
) -> View:
    """`content` with an open popup menu of `items` (label, handler) over it, `width` px wide."""
    rows = [
        TextView(
            label, id="title", height=L.ROW_HEIGHT - 24, padding=L.PADDING // 2, max_lines=1, on_click=handler
        )
        for label, handler in items
    ]
    panel = Column(
        *rows,
        id="popup_menu",
        width=width,
        height=len(rows) * (L.ROW_HEIGHT - 24) + 24,
        padding=12,
        gravity="top|end",
        background=(255, 255, 255),
    )
    scrim = Spacer(on_click=on_dismiss)
    return FrameLayout(children=[content, scrim, panel])
