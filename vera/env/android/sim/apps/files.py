"""Files (com.google.android.documentsui): Android's file manager over the phone's shared storage.

As in the real app: it opens on "Recent"; the "Show roots" drawer lists Recent, the Images / Videos /
Audio / Documents categories, Downloads and the device storage (``sdk_gphone_x86_64``); folders open
in place (BACK goes up); long-pressing an item starts selection mode with Delete and a "More options"
menu (Select all, Copy to…, Move to…, Rename); moving and copying pick the destination folder in a
browser with a Move / Copy button. "New folder" is in the menu when nothing is selected.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass

from vera.env.android.sim import layout as L
from vera.env.android.sim.app import AlertDialog, App, Screen
from vera.env.android.sim.apps.files_model import (
    STORAGE_LABEL,
    STORAGE_ROOT,
    FileSystem,
    FileSystemError,
    Node,
)
from vera.env.android.sim.apps.files_shared import (
    MUTED,
    FolderPickerScreen,
    date_label,
    device_storage,
    now_ms,
    size_label,
    with_popup_menu,
)
from vera.env.android.sim.toolkit.views import (
    Column,
    EditText,
    FrameLayout,
    ImageButton,
    ListItem,
    RecyclerView,
    Spacer,
    TextView,
    Toolbar,
    View,
)

ACCENT = (26, 115, 232)
PACKAGE = "com.google.android.documentsui"
DRAWER_WIDTH = 780

# Category roots: label -> file extensions they collect from the whole storage.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "Images": (".jpg", ".jpeg", ".png", ".gif", ".webp"),
    "Videos": (".mp4", ".mov", ".mkv", ".webm"),
    "Audio": (".mp3", ".ogg", ".m4a", ".m4b", ".flac", ".wav"),
    "Documents": (".pdf", ".doc", ".docx", ".txt", ".md", ".csv", ".xlsx"),
}
RECENT = "Recent"
DOWNLOADS = "Downloads"
ROOTS = (RECENT, *CATEGORIES, DOWNLOADS, STORAGE_LABEL)


@dataclass
class FilesPrefs:
    """The app's own settings (its files are the shared storage)."""

    show_hidden: bool = False


class FilesApp(App):
    name = "files"
    label = "Files"
    package = PACKAGE
    pattern = r"files?( app)?$|file manager|files by google|documentsui"
    glyph = "F"
    color = ACCENT

    def create_state(self) -> FilesPrefs:
        return FilesPrefs()

    @property
    def fs(self) -> FileSystem:
        if self.device is None:
            raise RuntimeError("Files is not installed on a device")
        return device_storage(self.device)

    def main_screen(self) -> Screen:
        return FilesBrowserScreen(self)


class FilesBrowserScreen(Screen):
    """One window onto storage: a root (Recent, a category, Downloads) or a folder of the device storage."""

    app: FilesApp

    def __init__(self, app: FilesApp) -> None:
        super().__init__(app)
        self.root = RECENT
        self.path: str | None = None  # the folder shown, for Downloads and the device storage
        self.selected: list[str] = []  # absolute paths
        self.drawer_open = False
        self.menu_open = False

    @property
    def fs(self) -> FileSystem:
        return self.app.fs

    # --- what is listed --------------------------------------------------------------------------------
    def entries(self) -> list[tuple[str, Node]]:
        """(absolute path, node) of the items shown."""
        fs = self.fs
        if self.path is not None:
            return [(posixpath.join(self.path, n.name), n) for n in fs.listdir(self.path)]
        if self.root in CATEGORIES:
            exts = CATEGORIES[self.root]
            paths = [p for p in fs.walk_files(STORAGE_ROOT) if p.lower().endswith(exts)]
            return sorted(((p, fs.node(p)) for p in paths), key=lambda item: -item[1].mtime_ms)  # type: ignore
        return []  # Recent: nothing opened recently on a fresh phone

    def title(self) -> str:
        if self.path is None:
            return self.root
        if self.path == STORAGE_ROOT:
            return STORAGE_LABEL
        if self.root == DOWNLOADS and self.path == posixpath.join(STORAGE_ROOT, "Download"):
            return DOWNLOADS
        return posixpath.basename(self.path)

    def build(self) -> View:
        entries = self.entries()
        present = {p for p, _ in entries}
        self.selected = [p for p in self.selected if p in present]
        rows = []
        for path, node in entries:
            if node.is_dir:
                count = len(node.children)
                summary = f"{count} item{'s' if count != 1 else ''}"
            else:
                summary = f"{size_label(node.byte_size)} · {date_label(node.mtime_ms)}"
            rows.append(
                ListItem(
                    node.name,
                    summary,
                    id="item_root",
                    title_id="item_title",
                    subtitle_id="item_summary",
                    selected=path in self.selected,
                    on_click=self._tap(path, node.is_dir),
                    on_long_click=self._hold(path),
                )
            )
        if not rows:
            rows = [
                TextView("No items", id="empty_message", color=MUTED, align="center", padding=L.PADDING * 2)
            ]
        if self.selected:
            toolbar = Toolbar(
                f"{len(self.selected)} selected",
                on_back=self.clear_selection,
                actions=[
                    ImageButton("✕", desc="Delete", id="action_menu_delete", on_click=self.ask_delete),
                    ImageButton("⋮", desc="More options", id="action_more", on_click=self.open_menu),
                ],
            )
        else:
            toolbar = Toolbar(
                self.title(),
                actions=[
                    ImageButton("⋮", desc="More options", id="action_more", on_click=self.open_menu),
                ],
            )
            toolbar.children.insert(
                0, ImageButton("=", desc="Show roots", id="show_roots", on_click=self.open_drawer)
            )
        crumb = None
        if self.path is not None and self.path.startswith(STORAGE_ROOT) and self.root == STORAGE_LABEL:
            rel = posixpath.relpath(self.path, STORAGE_ROOT)
            trail = STORAGE_LABEL if rel == "." else STORAGE_LABEL + " › " + " › ".join(rel.split("/"))
            crumb = TextView(
                trail, id="breadcrumb", size=L.SMALL_TEXT_SIZE, color=MUTED, padding=L.PADDING // 2
            )
        content: View = Column(toolbar, crumb, RecyclerView(*rows, id="dir_list"))
        if self.drawer_open:
            content = self._with_drawer(content)
        elif self.menu_open:
            content = with_popup_menu(content, self._menu_items(), self.close_menu)
        return content

    def _with_drawer(self, content: View) -> View:
        rows = [
            ListItem(
                root,
                "",
                id="roots_item",
                title_id="title",
                selected=root == self.root,
                on_click=self._go_root(root),
            )
            for root in ROOTS
        ]
        panel = Column(
            TextView("Files", size=L.TITLE_SIZE, bold=True, padding=L.PADDING, height=L.TOOLBAR_HEIGHT),
            RecyclerView(*rows, id="roots_list"),
            width=DRAWER_WIDTH,
            height=L.SCREEN_HEIGHT,
            gravity="top|start",
            background=(255, 255, 255),
            id="drawer_roots",
        )
        return FrameLayout(children=[content, Spacer(on_click=self.close_drawer), panel])

    def _menu_items(self) -> list[tuple[str, Callable[[], None]]]:
        if not self.selected:
            items: list[tuple[str, Callable[[], None]]] = []
            if self.path is not None:
                items.append(("New folder", self.ask_new_folder))
            items.append(("Select all", self.select_all))
            return items
        items = [
            ("Select all", self.select_all),
            ("Copy to…", self.copy_selected),
            ("Move to…", self.move_selected),
        ]
        if len(self.selected) == 1:
            items.append(("Rename", self.ask_rename))
        return items

    # --- navigation ------------------------------------------------------------------------------------
    def open_drawer(self) -> None:
        self.drawer_open = True

    def close_drawer(self) -> None:
        self.drawer_open = False

    def open_menu(self) -> None:
        self.menu_open = True

    def close_menu(self) -> None:
        self.menu_open = False

    def _go_root(self, root: str) -> Callable[[], None]:
        def go_to_root() -> None:
            self.drawer_open = False
            self.root = root
            self.selected = []
            self.scroll.clear()
            if root == STORAGE_LABEL:
                self.path = STORAGE_ROOT
            elif root == DOWNLOADS:
                self.path = posixpath.join(STORAGE_ROOT, "Download")
            else:
                self.path = None

        return go_to_root

    def _tap(self, path: str, is_dir: bool) -> Callable[[], None]:
        def open_item() -> None:
            if self.selected:
                self.branch("toggle")
                if path in self.selected:
                    self.selected.remove(path)
                else:
                    self.selected.append(path)
            elif is_dir:
                self.branch("folder")
                self.path = path
                self.scroll.clear()
            else:
                self.branch("file")
                self.toast(f"No app can open {posixpath.basename(path)}")

        return open_item

    def _hold(self, path: str) -> Callable[[], None]:
        def select_item() -> None:
            if path not in self.selected:
                self.selected.append(path)

        return select_item

    def clear_selection(self) -> None:
        self.selected = []

    def select_all(self) -> None:
        self.menu_open = False
        self.selected = [p for p, _ in self.entries()]

    def _top(self) -> str | None:
        """The folder BACK stops at for the current root."""
        if self.root == STORAGE_LABEL:
            return STORAGE_ROOT
        if self.root == DOWNLOADS:
            return posixpath.join(STORAGE_ROOT, "Download")
        return None

    def on_back(self) -> bool:
        if self.drawer_open or self.menu_open:
            self.drawer_open = self.menu_open = False
            return True
        if self.selected:
            self.branch("clear_selection")
            self.clear_selection()
            return True
        if self.path is not None and self.path != self._top():
            self.branch("up")
            self.path = posixpath.dirname(self.path)
            self.scroll.clear()
            return True
        return False

    # --- operations ------------------------------------------------------------------------------------
    def ask_delete(self) -> None:
        what = "this file" if len(self.selected) == 1 else f"{len(self.selected)} items"
        self.show_dialog(
            AlertDialog(f"Delete {what}?", buttons=[("Cancel", None), ("OK", self.delete_selected)])
        )

    def delete_selected(self) -> None:
        for path in self.selected:
            self.fs.delete(path)
        self.toast(f"Deleted {len(self.selected)} item{'s' if len(self.selected) != 1 else ''}")
        self.selected = []

    def ask_rename(self) -> None:
        self.menu_open = False
        self.form["rename_name"] = posixpath.basename(self.selected[0])
        self.show_dialog(
            AlertDialog(
                "Rename",
                content=[EditText(id="rename_name", hint="Name")],
                buttons=[("Cancel", None), ("OK", self.rename_selected)],
            )
        )

    def rename_selected(self) -> None:
        new_name = self.form.get("rename_name", "").strip()
        if not new_name or "/" in new_name:
            self.branch("bad_name")
            self.toast("Invalid name")
            return
        try:
            self.fs.rename(self.selected[0], new_name)
        except FileSystemError:
            self.branch("exists")
            self.toast("A file with this name already exists")
            return
        self.selected = []

    def ask_new_folder(self) -> None:
        self.menu_open = False
        self.form["new_folder_name"] = ""
        self.show_dialog(
            AlertDialog(
                "New folder",
                content=[EditText(id="new_folder_name", hint="Folder name")],
                buttons=[("Cancel", None), ("OK", self.create_folder)],
            )
        )

    def create_folder(self) -> None:
        name = self.form.get("new_folder_name", "").strip()
        if not name or "/" in name or self.path is None:
            self.branch("bad_name")
            self.toast("Invalid name")
            return
        self.fs.mkdir(posixpath.join(self.path, name), mtime_ms=now_ms(self.device))

    def _transfer(self, copy: bool) -> None:
        self.menu_open = False
        chosen = list(self.selected)

        def transfer_here(target: str) -> None:
            done = 0
            for path in chosen:
                name = posixpath.basename(path)
                if posixpath.dirname(path) == target or target.startswith(path + "/"):
                    continue
                if self.fs.exists(posixpath.join(target, name)):
                    self.toast(f"{name} already exists in the destination")
                    continue
                if copy:
                    node = self.fs.node(path)
                    if node is None or node.is_dir:
                        continue
                    self.fs.write(
                        posixpath.join(target, name),
                        node.content,
                        mtime_ms=now_ms(self.device),
                        size=node.size,
                    )
                else:
                    self.fs.move(path, target)
                done += 1
            self.selected = []
            if done:
                self.toast(f"{'Copied' if copy else 'Moved'} {done} item{'s' if done != 1 else ''}")

        label = "Copy" if copy else "Move"
        self.push(
            FolderPickerScreen(self.app, STORAGE_ROOT, STORAGE_LABEL, f"{label} to…", label, transfer_here)
        )

    def copy_selected(self) -> None:
        self._transfer(copy=True)

    def move_selected(self) -> None:
        self._transfer(copy=False)
