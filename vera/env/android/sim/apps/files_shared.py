"""What Files, Markor and Audio Recorder share: the phone's storage, the clock in milliseconds, a popup
menu and a folder-picker screen.

Storage is one `FileSystem` per device (`device_storage`), created on first use with the standard
shared-storage folders, so a note Markor saves is a file the Files app lists.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from vera.env.android.sim import layout as L
from vera.env.android.sim.app import App, Screen
from vera.env.android.sim.apps import popup_menu
from vera.env.android.sim.apps.files_model import FileSystem, standard_storage
from vera.env.android.sim.toolkit.views import (
    Button,
    Column,
    ListItem,
    RecyclerView,
    Row,
    Spacer,
    TextView,
    Toolbar,
    View,
)

if TYPE_CHECKING:
    from vera.env.android.sim.device import SimDroid

_STORAGE_ATTR = "shared_storage"
MENU_WIDTH = 620
MUTED = (96, 96, 104)


def device_storage(device: SimDroid) -> FileSystem:
    """The device's shared storage (created with the standard folders on first use)."""
    fs = getattr(device, _STORAGE_ATTR, None)
    if fs is None:
        fs = standard_storage(mtime_ms=now_ms(device) - 30 * 86_400_000)
        setattr(device, _STORAGE_ATTR, fs)
    return fs


def now_ms(device: SimDroid) -> int:
    """The phone's wall-clock time (naive UTC) in epoch milliseconds."""
    return int(device.now.replace(tzinfo=UTC).timestamp() * 1000)


def date_label(ms: int) -> str:
    """``Oct 15, 2023, 3:34 PM``-style modification time."""
    when = datetime.fromtimestamp(ms / 1000, UTC)
    hour = when.hour % 12 or 12
    half = "AM" if when.hour < 12 else "PM"
    return f"{when.strftime('%b')} {when.day}, {when.year}, {hour}:{when.minute:02d} {half}"


def size_label(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} kB"
    return f"{size / (1024 * 1024):.1f} MB"


def with_popup_menu(
    content: View, items: Sequence[tuple[str, Callable[[], Any]]], on_dismiss: Callable[[], Any]
) -> View:
    """`content` with Android's overflow ``PopupMenu`` open at the top right (the Files-family width)."""
    return popup_menu.with_popup_menu(content, items, on_dismiss, width=MENU_WIDTH)


class FolderPickerScreen(Screen):
    """Choose a destination folder: browse down from ``root`` and confirm with ``confirm_label``.

    ``on_pick(path)`` runs with the folder shown when the user confirms; the picker then closes.
    """

    def __init__(
        self,
        app: App,
        root: str,
        root_title: str,
        title: str,
        confirm_label: str,
        on_pick: Callable[[str], Any],
        start: str | None = None,
    ) -> None:
        super().__init__(app)
        self.root = root
        self.root_title = root_title
        self.title = title
        self.confirm_label = confirm_label
        self.on_pick = on_pick
        self.path = start or root

    @property
    def fs(self) -> FileSystem:
        return device_storage(self.device)

    def _crumb(self) -> str:
        rel = posixpath.relpath(self.path, self.root)
        return self.root_title if rel == "." else f"{self.root_title} › " + " › ".join(rel.split("/"))

    def build(self) -> View:
        folders = [n for n in self.fs.listdir(self.path) if n.is_dir]
        rows: list[View] = []
        if self.path != self.root:
            rows.append(ListItem("..", "Parent folder", on_click=self.up, id="picker_item"))
        rows += [ListItem(n.name, "Folder", on_click=self._enter(n.name), id="picker_item") for n in folders]
        empty = TextView("No folders", id="empty", color=MUTED, padding=L.PADDING) if not folders else None
        buttons = Row(
            Spacer(),
            Button("Cancel", id="cancel", style="text", width=280, on_click=self.finish),
            Button(self.confirm_label, id="confirm", width=340, on_click=self.confirm),
            height=L.BUTTON_HEIGHT + 40,
            padding=20,
        )
        return Column(
            Toolbar(self.title, on_back=self.finish),
            TextView(
                self._crumb(), id="breadcrumb", size=L.SMALL_TEXT_SIZE, color=MUTED, padding=L.PADDING // 2
            ),
            empty,
            RecyclerView(*rows, id="picker_list"),
            buttons,
        )

    def _enter(self, name: str) -> Callable[[], None]:
        def enter_folder() -> None:
            self.path = posixpath.join(self.path, name)
            self.scroll.clear()

        return enter_folder

    def up(self) -> None:
        self.path = posixpath.dirname(self.path)
        self.scroll.clear()

    def on_back(self) -> bool:
        if self.path != self.root:
            self.branch("up")
            self.up()
            return True
        return False

    def confirm(self) -> None:
        path = self.path
        self.finish()
        self.on_pick(path)
