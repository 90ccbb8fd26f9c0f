"""Markor's screens driven through the device: create, edit, rename, move, delete; dialogs and BACK."""

from __future__ import annotations

import pytest

from vera.env.android.env import AndroidEnv
from vera.env.android.sim.apps import markor_model as mm
from vera.env.android.sim.apps.files_shared import device_storage, now_ms
from vera.env.android.sim.apps.markor import MarkorApp, MarkorEditorScreen
from vera.env.android.sim.device import SimDroid
from vera.env.android.sim.oracle import UI

EDITOR = "document__fragment__edit__highlighting_editor"


@pytest.fixture
def phone() -> tuple[SimDroid, AndroidEnv, UI]:
    device = SimDroid([MarkorApp])
    fs = device_storage(device)
    fs.write(mm.note_path("old.md"), "first line", mtime_ms=now_ms(device) - 60_000)
    fs.mkdir(mm.note_path("Work"))
    env = AndroidEnv(device)
    device.start_app("Markor")
    return device, env, UI(env)


def test_browser_lists_folders_then_notes(phone) -> None:
    _, _, ui = phone
    titles = [e.text for e in ui.elements if (e.resource_id or "").endswith("ui__filesystem_item__title")]
    assert titles == ["Work", "old.md"]
    assert ui.element(id="fab_add_new_item").content_description == "Create a new file or folder"


def test_new_note_dialog_creates_and_saves_a_note(phone) -> None:
    device, env, ui = phone
    env.execute_action(ui.click(desc="Create a new file or folder"))
    env.execute_action(ui.type("plan", id="new_file_dialog__name"))
    env.execute_action(ui.click(text="OK"))
    assert isinstance(device.screen(), MarkorEditorScreen)
    env.execute_action(ui.type("Buy milk", id=EDITOR))
    env.execute_action(ui.back())  # closes the keyboard
    env.execute_action(ui.back())  # leaves the editor, which saves
    assert device_storage(device).read(mm.note_path("plan.md")).strip() == "Buy milk"
    assert ui.has(text="plan.md")


def test_typed_extension_is_kept_and_folder_button_makes_a_folder(phone) -> None:
    device, env, ui = phone
    env.execute_action(ui.click(desc="Create a new file or folder"))
    env.execute_action(ui.type("notes.txt", id="new_file_dialog__name"))
    env.execute_action(ui.click(text="OK"))
    assert device_storage(device).exists(mm.note_path("notes.txt"))
    env.execute_action(ui.click(desc="Navigate up"))
    env.execute_action(ui.click(desc="Create a new file or folder"))
    env.execute_action(ui.type("Ideas", id="new_file_dialog__name"))
    env.execute_action(ui.click(text="Folder"))
    assert device_storage(device).is_dir(mm.note_path("Ideas"))


def test_back_dismisses_the_new_file_dialog_without_creating(phone) -> None:
    device, env, ui = phone
    env.execute_action(ui.click(desc="Create a new file or folder"))
    assert ui.has(text="New file")
    env.execute_action(ui.back())
    assert not ui.has(text="New file")
    assert len(mm.all_notes(device_storage(device))) == 1


def test_edit_updates_content_and_modification_time(phone) -> None:
    device, env, ui = phone
    before = device_storage(device).node(mm.note_path("old.md")).mtime_ms
    env.execute_action(ui.click(text="old.md"))
    assert ui.element(id=EDITOR).text == "first line"
    env.execute_action(ui.type("Header\nfirst line", id=EDITOR))
    env.execute_action(ui.click(desc="Save"))
    node = device_storage(device).node(mm.note_path("old.md"))
    assert node.content.strip() == "Header\nfirst line" and node.mtime_ms > before


def test_rename_move_and_delete_through_selection_mode(phone) -> None:
    device, env, ui = phone
    fs = device_storage(device)
    env.execute_action(ui.long_press(text="old.md"))
    assert ui.has(text="1 selected")
    env.execute_action(ui.click(desc="More options"))
    env.execute_action(ui.click(text="Rename"))
    env.execute_action(ui.type("new.md", id="rename_name"))
    env.execute_action(ui.click(text="OK"))
    assert fs.exists(mm.note_path("new.md")) and not fs.exists(mm.note_path("old.md"))
    env.execute_action(ui.long_press(text="new.md"))
    env.execute_action(ui.click(desc="More options"))
    env.execute_action(ui.click(text="Move"))
    env.execute_action(ui.click(text="Work"))
    env.execute_action(ui.click(text="OK", id="confirm"))
    assert fs.exists(mm.note_path("new.md", "Work"))
    env.execute_action(ui.click(text="Work"))
    env.execute_action(ui.long_press(text="new.md"))
    env.execute_action(ui.click(desc="Delete"))
    env.execute_action(ui.click(text="Cancel"))
    assert fs.exists(mm.note_path("new.md", "Work"))
    env.execute_action(ui.click(desc="Delete"))
    env.execute_action(ui.click(text="OK"))
    assert mm.all_notes(fs) == []
    env.execute_action(ui.back())  # up from Work to the root
    assert ui.has(text="Markor")


def test_handlers_and_branches_are_counted(phone) -> None:
    device, env, ui = phone
    env.execute_action(ui.click(desc="Create a new file or folder"))
    env.execute_action(ui.click(text="OK"))  # empty name
    hits = device.coverage()
    assert "markor:MarkorBrowserScreen.ask_new" in hits
    assert any("create_file" in h and "empty_name" in h for h in hits), sorted(hits)
