"""Markor (net.gsantner.markor): a plain-text notes editor over the phone's storage.

The flow follows the real app: the file browser lists folders then notes of ``Documents/Markor``;
the "+" button opens the "New file" dialog (name, extension, and a Folder button to create a folder
instead); tapping a note opens the editor, which saves on Save and when you leave it; long-pressing an
entry starts selection mode, whose toolbar has Delete and a "More options" menu with Select all,
Rename and Move (a folder picker).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass

from vera.env.android.sim import layout as L
from vera.env.android.sim.app import AlertDialog, App, Screen
from vera.env.android.sim.apps import markor_model as mm
from vera.env.android.sim.apps.files_model import FileSystem, FileSystemError
from vera.env.android.sim.apps.files_shared import (
    MUTED,
    FolderPickerScreen,
    date_label,
    device_storage,
    now_ms,
    with_popup_menu,
)
from vera.env.android.sim.toolkit.views import (
    Column,
    EditText,
    FrameLayout,
    ImageButton,
    ListItem,
    RecyclerView,
    ScrollView,
    TextView,
    Toolbar,
    View,
)

ACCENT = (25, 118, 210)
_KNOWN_EXTENSIONS = (".md", ".txt", ".markdown", ".todo.txt")


@dataclass
class MarkorPrefs:
    """The app's own settings (its notes live in the shared storage)."""

    default_extension: str = ".md"


class MarkorApp(App):
    name = "markor"
    label = "Markor"
    package = "net.gsantner.markor"
    pattern = r"markor"
    glyph = "M"
    color = ACCENT

    def create_state(self) -> MarkorPrefs:
        return MarkorPrefs()

    @property
    def fs(self) -> FileSystem:
        if self.device is None:
            raise RuntimeError("Markor is not installed on a device")
        return device_storage(self.device)

    def main_screen(self) -> Screen:
        return MarkorBrowserScreen(self)


def _file_name(name: str, extension: str) -> str:
    """The real dialog's rule: a name that already ends in a known extension is kept as typed."""
    name = name.strip()
    if any(name.lower().endswith(ext) for ext in _KNOWN_EXTENSIONS):
        return name
    extension = extension.strip()
    if extension and not extension.startswith("."):
        extension = "." + extension
    return name + extension


class MarkorBrowserScreen(Screen):
    """The file browser: folders then notes; selection mode on long press."""

    app: MarkorApp

    def __init__(self, app: MarkorApp) -> None:
        super().__init__(app)
        self.folder = ""  # relative to Markor's root
        self.selected: list[str] = []
        self.menu_open = False

    @property
    def fs(self) -> FileSystem:
        return self.app.fs

    @property
    def path(self) -> str:
        return posixpath.join(mm.MARKOR_ROOT, self.folder) if self.folder else mm.MARKOR_ROOT

    # --- view ------------------------------------------------------------------------------------------
    def build(self) -> View:
        self.fs.mkdir(self.path)
        entries = self.fs.listdir(self.path)
        names = {n.name for n in entries}
        self.selected = [s for s in self.selected if s in names]
        rows = []
        for node in entries:
            subtitle = "Folder" if node.is_dir else date_label(node.mtime_ms)
            rows.append(
                ListItem(
                    node.name,
                    subtitle,
                    id="ui__filesystem_item",
                    selected=node.name in self.selected,
                    title_id="ui__filesystem_item__title",
                    subtitle_id="ui__filesystem_item__description",
                    on_click=self._tap(node.name, node.is_dir),
                    on_long_click=self._hold(node.name),
                )
            )
        empty = None
        if not rows:
            empty = TextView("This folder is empty", id="empty_hint", color=MUTED, padding=L.PADDING)
        if self.selected:
            toolbar = Toolbar(
                f"{len(self.selected)} selected",
                on_back=self.clear_selection,
                actions=[
                    ImageButton("✕", desc="Delete", id="action_delete", on_click=self.ask_delete),
                    ImageButton("⋮", desc="More options", id="action_more", on_click=self.open_menu),
                ],
            )
        else:
            title = posixpath.basename(self.folder) if self.folder else "Markor"
            toolbar = Toolbar(
                title,
                on_back=self.up if self.folder else None,
                actions=[
                    ImageButton("⋮", desc="More options", id="action_more", on_click=self.open_menu),
                ],
            )
        content = Column(toolbar, empty, RecyclerView(*rows, id="ui__filesystem_dialog__list"))
        fab = ImageButton(
            "+",
            desc="Create a new file or folder",
            id="fab_add_new_item",
            on_click=self.ask_new,
            width=170,
            height=170,
            gravity="bottom|end",
        )
        root = FrameLayout(children=[content, fab])
        if self.menu_open:
            return with_popup_menu(root, self._menu_items(), self.close_menu)
        return root

    def _menu_items(self) -> list[tuple[str, Callable[[], None]]]:
        if not self.selected:
            return [("Sort by name", self.close_menu), ("Refresh", self.close_menu)]
        items = [("Select all", self.select_all)]
        if len(self.selected) == 1:
            items.append(("Rename", self.ask_rename))
        items.append(("Move", self.move_selected))
        return items

    # --- browsing and selection --------------------------------------------------------------------------
    def _tap(self, name: str, is_dir: bool) -> Callable[[], None]:
        def open_entry() -> None:
            if self.selected:
                self.branch("toggle")
                if name in self.selected:
                    self.selected.remove(name)
                else:
                    self.selected.append(name)
            elif is_dir:
                self.branch("folder")
                self.folder = posixpath.join(self.folder, name) if self.folder else name
                self.scroll.clear()
            else:
                self.branch("note")
                self.push(MarkorEditorScreen(self.app, posixpath.join(self.path, name)))

        return open_entry

    def _hold(self, name: str) -> Callable[[], None]:
        def select_entry() -> None:
            if name not in self.selected:
                self.selected.append(name)

        return select_entry

    def clear_selection(self) -> None:
        self.selected = []

    def select_all(self) -> None:
        self.menu_open = False
        self.selected = [n.name for n in self.fs.listdir(self.path)]

    def up(self) -> None:
        self.folder = posixpath.dirname(self.folder)
        self.scroll.clear()

    def on_back(self) -> bool:
        if self.menu_open:
            self.close_menu()
            return True
        if self.selected:
            self.branch("clear_selection")
            self.clear_selection()
            return True
        if self.folder:
            self.branch("up")
            self.up()
            return True
        return False

    def open_menu(self) -> None:
        self.menu_open = True

    def close_menu(self) -> None:
        self.menu_open = False

    # --- new file / folder -------------------------------------------------------------------------------
    def ask_new(self) -> None:
        self.form["new_file_dialog__name"] = ""
        self.form["new_file_dialog__ext"] = self.app.state.default_extension
        self.show_dialog(
            AlertDialog(
                "New file",
                content=[
                    EditText(id="new_file_dialog__name", hint="Name"),
                    EditText(id="new_file_dialog__ext", hint="Extension"),
                ],
                buttons=[("Folder", self.create_folder), ("Cancel", None), ("OK", self.create_file)],
            )
        )

    def create_file(self) -> None:
        name = self.form.get("new_file_dialog__name", "").strip()
        if not name:
            self.branch("empty_name")
            self.toast("Please enter a name")
            return
        path = posixpath.join(self.path, _file_name(name, self.form.get("new_file_dialog__ext", "")))
        if self.fs.is_dir(path):
            self.branch("is_folder")
            self.toast("A folder with this name exists")
            return
        if not self.fs.exists(path):
            self.fs.write(path, "", mtime_ms=now_ms(self.device))
        self.push(MarkorEditorScreen(self.app, path))

    def create_folder(self) -> None:
        name = self.form.get("new_file_dialog__name", "").strip()
        if not name or "/" in name:
            self.branch("bad_name")
            self.toast("Please enter a valid folder name")
            return
        self.fs.mkdir(posixpath.join(self.path, name), mtime_ms=now_ms(self.device))

    # --- delete / rename / move ------------------------------------------------------------------------
    def ask_delete(self) -> None:
        names = ", ".join(self.selected)
        self.show_dialog(
            AlertDialog(
                "Delete",
                f"Do you really want to delete: {names}?",
                buttons=[("Cancel", None), ("OK", self.delete_selected)],
            )
        )

    def delete_selected(self) -> None:
        for name in self.selected:
            self.fs.delete(posixpath.join(self.path, name))
        self.selected = []

    def ask_rename(self) -> None:
        self.menu_open = False
        self.form["rename_name"] = self.selected[0]
        self.show_dialog(
            AlertDialog(
                "Rename",
                content=[EditText(id="rename_name", hint="Name")],
                buttons=[("Cancel", None), ("OK", self.rename_selected)],
            )
        )

    def rename_selected(self) -> None:
        new_name = self.form.get("rename_name", "").strip()
        old = self.selected[0]
        if not new_name or "/" in new_name:
            self.branch("bad_name")
            self.toast("Invalid name")
            return
        try:
            self.fs.rename(posixpath.join(self.path, old), new_name)
        except FileSystemError:
            self.branch("exists")
            self.toast("A file with this name already exists")
            return
        self.selected = []

    def move_selected(self) -> None:
        self.menu_open = False
        chosen = list(self.selected)
        source = self.path

        def move_here(target: str) -> None:
            moved = 0
            for name in chosen:
                if target == source or target.startswith(posixpath.join(source, name) + "/"):
                    continue
                try:
                    self.fs.move(posixpath.join(source, name), target)
                    moved += 1
                except FileSystemError:
                    self.toast(f"{name} already exists there")
            self.selected = []
            if moved:
                self.toast(f"Moved {moved} item(s)")

        self.push(
            FolderPickerScreen(
                self.app, mm.MARKOR_ROOT, "Markor", "Select folder", "OK", move_here, start=mm.MARKOR_ROOT
            )
        )


class MarkorEditorScreen(Screen):
    """The note editor: the whole text in one field; Save, and saving when you leave."""

    app: MarkorApp

    def __init__(self, app: MarkorApp, path: str) -> None:
        super().__init__(app)
        self.path = path
        self.form["document__fragment__edit__highlighting_editor"] = app.fs.read(path)
        self.saved_text = self.form["document__fragment__edit__highlighting_editor"]

    @property
    def text(self) -> str:
        return self.form.get("document__fragment__edit__highlighting_editor", "")

    def build(self) -> View:
        name = posixpath.basename(self.path)
        toolbar = Toolbar(
            name,
            on_back=self.leave,
            actions=[
                ImageButton("✓", desc="Save", id="action_save", on_click=self.save),
            ],
        )
        editor = EditText(
            id="document__fragment__edit__highlighting_editor", hint="", multiline=True, max_lines=40
        )
        return Column(
            toolbar, ScrollView(editor, id="document__fragment__edit__content_editor__scrolling_parent")
        )

    def save(self) -> None:
        if self.text == self.saved_text and self.app.fs.exists(self.path):
            self.branch("unchanged")
            return
        self.app.fs.write(self.path, self.text, mtime_ms=now_ms(self.device))
        self.saved_text = self.text

    def leave(self) -> None:
        self.save()
        self.finish()

    def on_back(self) -> bool:
        self.save()
        return False
