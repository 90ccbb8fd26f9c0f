"""The Files app driven through the device: roots drawer, browsing, delete, move, copy, rename, BACK."""

from __future__ import annotations

import posixpath

import pytest

from vera.env.android.env import AndroidEnv
from vera.env.android.sim.apps.files import FilesApp
from vera.env.android.sim.apps.files_model import STORAGE_ROOT
from vera.env.android.sim.apps.files_shared import device_storage
from vera.env.android.sim.device import SimDroid
from vera.env.android.sim.oracle import UI


def path(*parts: str) -> str:
    return posixpath.join(STORAGE_ROOT, *parts)


@pytest.fixture
def phone() -> tuple[SimDroid, AndroidEnv, UI]:
    device = SimDroid([FilesApp])
    device_storage(device).write(path("Download", "report.pdf"), "pdf", size=4096)
    env = AndroidEnv(device)
    device.start_app("Files")
    return device, env, UI(env)


def open_folder(env: AndroidEnv, ui: UI, folder: str) -> None:
    env.execute_action(ui.click(desc="Show roots"))
    env.execute_action(ui.click(text="sdk_gphone_x86_64", id="title"))
    env.execute_action(ui.click(text=folder, id="item_title"))


def test_opens_on_recent_and_the_drawer_lists_the_roots(phone) -> None:
    _, env, ui = phone
    assert ui.has(text="Recent") and ui.has(text="No items")
    env.execute_action(ui.click(desc="Show roots"))
    for root in ("Images", "Audio", "Downloads", "sdk_gphone_x86_64"):
        assert ui.has(text=root, id="title")
    env.execute_action(ui.back())
    assert not ui.has(text="sdk_gphone_x86_64", id="title")


def test_category_root_collects_files_by_type(phone) -> None:
    _, env, ui = phone
    env.execute_action(ui.click(desc="Show roots"))
    env.execute_action(ui.click(text="Documents", id="title"))
    titles = {e.text for e in ui.elements if (e.resource_id or "").endswith("item_title")}
    assert "report.pdf" in titles and all(
        t.endswith((".pdf", ".txt", ".docx", ".csv", ".md")) for t in titles
    )


def test_delete_asks_then_removes_only_that_file(phone) -> None:
    device, env, ui = phone
    fs = device_storage(device)
    before = set(fs.walk_files("/"))
    open_folder(env, ui, "Download")
    env.execute_action(ui.long_press(text="report.pdf"))
    env.execute_action(ui.click(desc="Delete"))
    assert ui.has(text="Delete this file?")
    env.execute_action(ui.click(text="OK"))
    assert set(fs.walk_files("/")) == before - {path("Download", "report.pdf")}


def test_move_to_picks_a_destination_folder(phone) -> None:
    device, env, ui = phone
    open_folder(env, ui, "Download")
    env.execute_action(ui.long_press(text="report.pdf"))
    env.execute_action(ui.click(desc="More options"))
    env.execute_action(ui.click(text="Move to…"))
    env.execute_action(ui.click(text="Documents"))
    assert ui.has(text="sdk_gphone_x86_64 › Documents")
    env.execute_action(ui.click(text="Move", id="confirm"))
    fs = device_storage(device)
    assert fs.exists(path("Documents", "report.pdf")) and not fs.exists(path("Download", "report.pdf"))


def test_copy_and_rename(phone) -> None:
    device, env, ui = phone
    fs = device_storage(device)
    open_folder(env, ui, "Download")
    env.execute_action(ui.long_press(text="report.pdf"))
    env.execute_action(ui.click(desc="More options"))
    env.execute_action(ui.click(text="Copy to…"))
    env.execute_action(ui.click(text="Pictures"))
    env.execute_action(ui.click(text="Copy", id="confirm"))
    assert fs.exists(path("Pictures", "report.pdf")) and fs.exists(path("Download", "report.pdf"))
    env.execute_action(ui.long_press(text="report.pdf"))
    env.execute_action(ui.click(desc="More options"))
    env.execute_action(ui.click(text="Rename"))
    env.execute_action(ui.type("q3.pdf", id="rename_name"))
    env.execute_action(ui.click(text="OK"))
    assert fs.exists(path("Download", "q3.pdf")) and not fs.exists(path("Download", "report.pdf"))


def test_back_goes_up_to_the_storage_root_then_leaves(phone) -> None:
    device, env, ui = phone
    open_folder(env, ui, "Music")
    env.execute_action(ui.back())
    assert ui.element(id="breadcrumb").text == "sdk_gphone_x86_64" and ui.has(text="Music", id="item_title")
    env.execute_action(ui.back())
    assert device.foreground() != "com.google.android.documentsui"
