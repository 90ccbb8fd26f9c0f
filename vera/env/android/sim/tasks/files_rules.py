"""Files and Audio Recorder tasks' parameters and success rules as pure functions over the file system."""

from __future__ import annotations

import posixpath
import random
from typing import Any

from vera.env.android.sim.apps import audio_recorder_model as am
from vera.env.android.sim.apps.files_model import (
    STANDARD_FOLDERS,
    STORAGE_ROOT,
    FileSystem,
    random_file_stem,
    random_string,
)

Params = dict[str, Any]

# Folders whose files make sense to delete or move (Recordings belongs to the recorder app).
TASK_FOLDERS = tuple(f for f in STANDARD_FOLDERS if f != "Recordings")


def folder_path(folder: str) -> str:
    return posixpath.join(STORAGE_ROOT, folder)


def delete_file_params(rng: random.Random) -> Params:
    subfolder = rng.choice(TASK_FOLDERS)
    extension = posixpath.splitext(STANDARD_FOLDERS[subfolder][0])[1]
    return {"file_name": random_file_stem(rng) + extension, "subfolder": subfolder}


def delete_file_ok(fs: FileSystem, params: Params, others: list[str]) -> bool:
    """The file is gone; every other file that was there at the start still is."""
    target = posixpath.join(folder_path(params["subfolder"]), params["file_name"])
    return not fs.exists(target) and all(fs.exists(p) for p in others)


def move_file_params(rng: random.Random) -> Params:
    source, destination = rng.sample(TASK_FOLDERS, k=2)
    stem, extension = posixpath.splitext(rng.choice(STANDARD_FOLDERS[destination]))
    return {
        "file_name": f"{stem}_{random_string(rng, 4)}{extension}",
        "source_folder": source,
        "destination_folder": destination,
    }


def move_file_ok(fs: FileSystem, params: Params) -> bool:
    source = posixpath.join(folder_path(params["source_folder"]), params["file_name"])
    destination = posixpath.join(folder_path(params["destination_folder"]), params["file_name"])
    return not fs.exists(source) and fs.exists(destination) and not fs.is_dir(destination)


RECORDING_WORDS = (
    "interview",
    "meeting",
    "lecture",
    "session",
    "note",
    "conference",
    "webinar",
    "workshop",
    "seminar",
    "briefing",
    "discussion",
    "talk",
    "presentation",
    "training",
    "memo",
    "narration",
    "journal",
    "diary",
    "debate",
    "review",
)


def recording_name_params(rng: random.Random) -> Params:
    return {"file_name": f"{rng.choice(RECORDING_WORDS)}_{random_string(rng, 4)}.m4a"}


def recording_snapshot(fs: FileSystem) -> set[tuple[str, int, int]]:
    """(name, size, mtime) of every recording, to tell new or changed files apart."""
    return {(n.name, n.byte_size, n.mtime_ms) for n in am.recordings(fs)}


def one_new_recording_ok(fs: FileSystem, before: set[tuple[str, int, int]]) -> bool:
    """Exactly one non-empty recording is new or changed since ``before``."""
    changed = [item for item in recording_snapshot(fs) if item[1] > 0 and item not in before]
    return len(changed) == 1


def named_recording_ok(fs: FileSystem, params: Params) -> bool:
    """AndroidWorld's rule: ``<file_name>.m4a`` exists in the recordings folder (the app appends the
    extension to whatever name was typed)."""
    return fs.exists(posixpath.join(am.RECORDINGS_DIR, params["file_name"] + am.EXTENSION))
