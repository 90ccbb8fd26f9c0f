"""Markor tasks' parameters and success rules as pure functions over the file-system model.

Each ``*_params(rng)`` draws a task's parameters from a seeded `random.Random`; each ``*_ok(fs, params)``
says whether the file system is in the goal state. The Task classes in `markor` wire them to the device.
Rules follow AndroidWorld's Markor tasks (exact content where it compares exactly, fuzzy where it is fuzzy).
"""

from __future__ import annotations

import random
from typing import Any

from vera.env.android.sim.apps import markor_model as mm
from vera.env.android.sim.apps.files_model import FileSystem, random_string
from vera.env.android.sim.apps.sms_model import fuzzy_match
from vera.env.android.sim.tasks.sms_rules import init_rng

Params = dict[str, Any]
__all__ = ["init_rng"]  # re-exported for the Markor tasks' background data


def _distinct_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = mm.random_note_name(rng)
        if name not in names and name not in mm.NOISE_TITLES:
            names.append(name)
    return names


def content_matches(found: str, expected: str) -> bool:
    """Fuzzy match of whole note contents, ignoring surrounding whitespace."""
    return fuzzy_match(found.strip(), expected.strip())


# -- create ------------------------------------------------------------------------------------------------
def create_note_params(rng: random.Random) -> Params:
    return {"file_name": _distinct_names(rng, 1)[0], "text": mm.random_sentence(rng)}


def create_note_ok(fs: FileSystem, params: Params) -> bool:
    path = mm.note_path(params["file_name"])
    return fs.exists(path) and not fs.is_dir(path) and content_matches(fs.read(path), params["text"])


def create_folder_params(rng: random.Random) -> Params:
    day = f"2023{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    stamp = f"{day}_{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}"
    return {"folder_name": f"folder_{stamp}{rng.randint(0, 59):02d}"}


def create_folder_ok(fs: FileSystem, params: Params) -> bool:
    return fs.is_dir(mm.note_path(params["folder_name"]))


# -- delete ------------------------------------------------------------------------------------------------
def delete_note_params(rng: random.Random) -> Params:
    return {"file_name": _distinct_names(rng, 1)[0]}


def delete_note_ok(fs: FileSystem, params: Params, others: list[str]) -> bool:
    """The named note is gone and the ``others`` (paths) are all still there."""
    return not fs.exists(mm.note_path(params["file_name"])) and all(fs.exists(p) for p in others)


def delete_newest_ok(fs: FileSystem, before: list[tuple[str, int]]) -> bool:
    """Exactly the newest of ``before`` ((path, mtime) pairs) is gone; the rest are unchanged."""
    newest = max(before, key=lambda item: item[1])[0]
    now = {p: fs.node(p).mtime_ms for p in mm.all_notes(fs)}  # type: ignore[union-attr]
    expected = {p: t for p, t in before if p != newest}
    return now == expected


def delete_all_ok(fs: FileSystem) -> bool:
    return not mm.all_notes(fs)


# -- edit --------------------------------------------------------------------------------------------------
def edit_note_params(rng: random.Random) -> Params:
    edit_type = rng.choice(("header", "footer", "replace"))
    params: Params = {
        "file_name": f"note_{random_string(rng, 5)}{rng.choice(mm.NOTE_EXTENSIONS)}",
        "edit_type": edit_type,
        "original_content": mm.random_sentence(rng),
    }
    if edit_type == "replace":
        params["replace_text"] = "\n".join(rng.sample(mm.SENTENCES, k=3))
    else:
        params[edit_type] = rng.choice([s for s in mm.SENTENCES if s != params["original_content"]])
    return params


def edit_note_expected(params: Params) -> str:
    if params["edit_type"] == "header":
        return params["header"] + "\n" + params["original_content"]
    if params["edit_type"] == "footer":
        return params["original_content"] + "\n" + params["footer"]
    return params["replace_text"]


def edit_note_ok(fs: FileSystem, params: Params) -> bool:
    path = mm.note_path(params["file_name"])
    return fs.exists(path) and content_matches(fs.read(path), edit_note_expected(params))


def add_header_params(rng: random.Random) -> Params:
    original, new = _distinct_names(rng, 2)
    return {
        "original_name": original,
        "new_name": new,
        "original_content": mm.random_sentence(rng),
        "header": random_string(rng, 20),
    }


def add_header_ok(fs: FileSystem, params: Params) -> bool:
    """Renamed, and the content is exactly header, a blank line, the original content (trailing newline
    optional)."""
    if fs.exists(mm.note_path(params["original_name"])):
        return False
    path = mm.note_path(params["new_name"])
    if not fs.exists(path):
        return False
    expected = params["header"] + "\n\n" + params["original_content"]
    return fs.read(path).rstrip("\n") == expected


def change_content_params(rng: random.Random) -> Params:
    original, new = _distinct_names(rng, 2)
    return {
        "original_name": original,
        "new_name": new,
        "updated_content": random_string(rng, 20),
        "original_content": random_string(rng, 20),
    }


def change_content_ok(fs: FileSystem, params: Params) -> bool:
    if fs.exists(mm.note_path(params["original_name"])):
        return False
    path = mm.note_path(params["new_name"])
    return fs.exists(path) and fs.read(path).strip() == params["updated_content"]


# -- move and merge ----------------------------------------------------------------------------------------
def move_note_params(rng: random.Random) -> Params:
    source, destination = rng.sample(mm.NOTE_FOLDERS, k=2)
    return {
        "file_name": _distinct_names(rng, 1)[0],
        "source_folder": source,
        "destination_folder": destination,
        "content": mm.random_sentence(rng),
    }


def move_note_ok(fs: FileSystem, params: Params) -> bool:
    moved = mm.note_path(params["file_name"], params["destination_folder"])
    return (
        not fs.exists(mm.note_path(params["file_name"], params["source_folder"]))
        and fs.exists(moved)
        and fs.read(moved) == params["content"]
    )


def merge_notes_params(rng: random.Random) -> Params:
    names = _distinct_names(rng, 3)
    params: Params = {f"file{i + 1}_name": name for i, name in enumerate(names)}
    params["new_file_name"] = random_string(rng, 8)
    for i in range(3):
        params[f"file{i + 1}_content"] = random_string(rng, 20)
    return params


def merge_expected(params: Params) -> str:
    return "\n\n".join(params[f"file{i}_content"] for i in (1, 2, 3))


def merge_notes_ok(fs: FileSystem, params: Params) -> bool:
    """A note named exactly ``new_file_name`` (any or no extension accepted as in the real app's saving of
    ``.md`` by default) holds the three contents in order, a blank line between each."""
    name = params["new_file_name"]
    for candidate in (name, name + ".md", name + ".txt"):
        path = mm.note_path(candidate)
        if fs.exists(path) and not fs.is_dir(path):
            lines = fs.read(path).strip().split("\n")
            return lines == merge_expected(params).split("\n")
    return False
