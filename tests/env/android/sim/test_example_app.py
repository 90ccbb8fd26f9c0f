"""The APPS.md example works as documented: through the device, and as a task with its oracle."""

from __future__ import annotations

import random

from tests.env.android.sim.example_app import BookmarksAddBookmark, BookmarksApp
from vera.env.android.env import AndroidEnv
from vera.env.android.sim.device import SimDroid
from vera.env.android.sim.oracle import UI


def test_save_adds_bookmark() -> None:
    device = SimDroid([BookmarksApp])
    env = AndroidEnv(device)
    device.start_app("Bookmarks")
    ui = UI(env)
    env.execute_action(ui.click(desc="Add bookmark"))
    env.execute_action(ui.type("Mail", id="title"))
    env.execute_action(ui.click(text="Save"))
    assert device.app("bookmarks").state.titles == ["Mail"]
    assert "bookmarks:EditBookmark.save" in device.coverage()


def test_empty_title_is_a_branch_and_keeps_the_editor() -> None:
    device = SimDroid([BookmarksApp])
    env = AndroidEnv(device)
    device.start_app("bookmark app")  # the AndroidWorld-style alias pattern
    ui = UI(env)
    env.execute_action(ui.click(desc="Add bookmark"))
    env.execute_action(ui.click(text="Save"))
    assert "bookmarks:EditBookmark.save#empty" in device.coverage()
    assert ui.has(text="Title is empty")
    assert type(device.screen()).__name__ == "EditBookmark"


def test_long_press_delete_through_dialog() -> None:
    device = SimDroid([BookmarksApp])
    device.app("bookmarks").state.titles = ["Maps", "Mail"]
    env = AndroidEnv(device)
    device.start_app("Bookmarks")
    ui = UI(env)
    env.execute_action(ui.long_press(text="Maps"))
    assert ui.has(text="Delete bookmark?")
    env.execute_action(ui.click(text="Delete"))
    assert device.app("bookmarks").state.titles == ["Mail"]
    assert not ui.has(text="Delete bookmark?")


def test_task_oracle_solves_it() -> None:
    task = BookmarksAddBookmark.from_seed(3)
    assert task.params == {**BookmarksAddBookmark.generate_random_params(random.Random(3)), "seed": 3}
    device = SimDroid([BookmarksApp])
    task.initialize(device)
    device.go_home_and_reset()
    env = AndroidEnv(device)
    for action in task.solve(UI(env)):
        env.execute_action(action)
    assert task.is_successful(device) == 1.0
    assert len(device.app("bookmarks").state.titles) == 3
