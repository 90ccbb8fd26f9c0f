"""Multi-selection on a list screen, shared by the expense, tasks, recipes and calendar day screens.

The Android pattern: a long press on a row starts selection, a tap on a row toggles it while anything is
selected (instead of opening it), back clears the selection, and the action bar's trash asks before
deleting every selected row. A screen mixes `MultiSelection` in before `Screen`, sets
``self.selected = []`` in ``__init__``, and implements `delete_item` (plus `on_selection_deleted` for a
toast). Coverage keys stay the screen's own (``"<Screen>.select"``, ``"dialog:<Screen>.delete_selected"``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vera.env.android.sim.app import AlertDialog

if TYPE_CHECKING:
    from vera.env.android.sim.app import Screen

    _Base = Screen
else:
    _Base = object


class MultiSelection(_Base):
    """Mixin for a `Screen` whose rows can be selected (ids in `selected`, in selection order)."""

    selected: list[int]

    def select(self, item_id: int) -> None:
        """Toggle one row (a long press on a row calls this)."""
        if item_id in self.selected:
            self.selected.remove(item_id)
        else:
            self.selected.append(item_id)

    def tap_selects(self, item_id: int) -> bool:
        """While selecting, a tap toggles the row (branch ``toggle-selection``); True if it did."""
        if not self.selected:
            return False
        self.branch("toggle-selection")
        self.select(item_id)
        return True

    def clear_selection(self) -> None:
        self.selected = []

    def drop_selection(self) -> bool:
        """Back while selecting clears the selection; True if there was one."""
        if not self.selected:
            return False
        self.selected = []
        return True

    def confirm_delete_selected(
        self, title: str, message: str, *, cancel: str = "Cancel", confirm: str = "Delete"
    ) -> None:
        """Show the confirmation dialog whose confirm button runs `delete_selected`."""

        def delete_selected() -> None:
            self.delete_selected()

        # Dialog buttons are keyed by their handler's qualname: keep "dialog:<Screen>.delete_selected",
        # the key each screen had when it defined the method itself (not "MultiSelection.delete_selected").
        delete_selected.__qualname__ = f"{type(self).__name__}.delete_selected"
        self.show_dialog(AlertDialog(title, message, buttons=((cancel, None), (confirm, delete_selected))))

    def delete_selected(self) -> None:
        for item_id in self.selected:
            self.delete_item(item_id)
        self.selected = []
        self.on_selection_deleted()

    def delete_item(self, item_id: int) -> None:
        """Delete one selected row from the app's state."""
        raise NotImplementedError

    def on_selection_deleted(self) -> None:
        """After a bulk delete (a toast, say); nothing by default."""
