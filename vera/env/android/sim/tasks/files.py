"""Files tasks: AndroidWorld's FilesDeleteFile and FilesMoveFile, and a counting question."""

from __future__ import annotations

import posixpath
import random
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from vera.env.android.sim.apps.files_model import STANDARD_FOLDERS, STORAGE_LABEL, random_file_stem
from vera.env.android.sim.apps.files_shared import device_storage, now_ms
from vera.env.android.sim.task import Task
from vera.env.android.sim.tasks import files_rules as rules
from vera.env.android.sim.tasks.sms_rules import count_answer_ok, init_rng
from vera.env.android.types import JSONAction

if TYPE_CHECKING:
    from vera.env.android.sim.device import SimDroid
    from vera.env.android.sim.oracle import UI

TITLE = "item_title"


def open_storage_folder(ui: UI, folder: str) -> Iterator[JSONAction]:
    """From the app's first screen: the roots drawer, the device storage, then the folder."""
    yield ui.click(desc="Show roots")
    yield ui.click(text=STORAGE_LABEL, id="title")
    yield from ui.scroll_to(text=folder, id=TITLE)
    yield ui.click(text=folder, id=TITLE)


def write_file(device: SimDroid, folder: str, name: str, minutes_ago: int = 90) -> str:
    path = posixpath.join(rules.folder_path(folder), name)
    device_storage(device).write(
        path, f"<{name}>", mtime_ms=now_ms(device) - minutes_ago * 60_000, size=2048 + 37 * len(name)
    )
    return path


class FilesTask(Task):
    abstract = True
    app_names = ("files",)


class FilesDeleteFile(FilesTask):
    template = (
        "Delete the file {file_name} from the Android filesystem located in the {subfolder} folder within "
        "the sdk_gphone_x86_64 storage area."
    )
    complexity = 2.2
    difficulty = "medium"
    family = "files_manage"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return rules.delete_file_params(rng)

    def initialize(self, device: SimDroid) -> None:
        target = write_file(device, self.params["subfolder"], self.params["file_name"])
        self.others = [p for p in device_storage(device).walk_files("/") if p != target]

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(rules.delete_file_ok(device_storage(device), self.params, self.others))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Files")
        yield from open_storage_folder(ui, self.params["subfolder"])
        yield from ui.scroll_to(text=self.params["file_name"], id=TITLE)
        yield ui.long_press(text=self.params["file_name"], id=TITLE)
        yield ui.click(desc="Delete")
        yield ui.click(text="OK")


class FilesMoveFile(FilesTask):
    template = (
        "Move the file {file_name} from {source_folder} within the sdk_gphone_x86_64 storage area to the "
        "{destination_folder} within the same sdk_gphone_x86_64 storage area in the Android filesystem."
    )
    complexity = 2.0
    difficulty = "medium"
    family = "files_manage"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return rules.move_file_params(rng)

    def initialize(self, device: SimDroid) -> None:
        write_file(device, self.params["source_folder"], self.params["file_name"])

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(rules.move_file_ok(device_storage(device), self.params))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Files")
        yield from open_storage_folder(ui, self.params["source_folder"])
        yield from ui.scroll_to(text=self.params["file_name"], id=TITLE)
        yield ui.long_press(text=self.params["file_name"], id=TITLE)
        yield ui.click(desc="More options")
        yield ui.click(text="Move to…")
        yield from ui.scroll_to(text=self.params["destination_folder"])
        yield ui.click(text=self.params["destination_folder"])
        yield ui.click(text="Move", id="confirm")


class FilesCountInFolder(FilesTask):
    """vera: an information-retrieval question answered by browsing to a folder."""

    template = (
        "How many files are in the {folder} folder of the sdk_gphone_x86_64 storage area? Answer with a "
        "number."
    )
    complexity = 1.2
    difficulty = "easy"
    family = "files_lookup"
    tags = ("information_retrieval",)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return {"folder": rng.choice(rules.TASK_FOLDERS), "extra": rng.randint(0, 4)}

    def initialize(self, device: SimDroid) -> None:
        rng = init_rng(self.params)
        folder = self.params["folder"]
        extension = posixpath.splitext(STANDARD_FOLDERS[folder][0])[1]
        for i in range(self.params["extra"]):
            write_file(device, folder, random_file_stem(rng) + extension, minutes_ago=30 + i)
        if rng.random() < 0.5:  # a subfolder, which is not a file
            device_storage(device).mkdir(posixpath.join(rules.folder_path(folder), "Archive"))

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        fs = device_storage(device)
        return float(count_answer_ok(answer, len(fs.files(rules.folder_path(self.params["folder"])))))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Files")
        yield from open_storage_folder(ui, self.params["folder"])
        summaries = [e.text or "" for e in ui.elements if (e.resource_id or "").endswith("item_summary")]
        yield ui.answer(str(sum(1 for s in summaries if "item" not in s)))


class FilesRenameFile(FilesTask):
    """vera: rename a file through selection mode's menu."""

    template = (
        "Rename the file {file_name} in the {folder} folder of the sdk_gphone_x86_64 storage area to "
        "{new_name}."
    )
    complexity = 1.6
    difficulty = "medium"
    family = "files_rename"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        params = rules.delete_file_params(rng)
        extension = posixpath.splitext(params["file_name"])[1]
        params["folder"] = params.pop("subfolder")
        params["new_name"] = random_file_stem(rng) + extension
        while params["new_name"] == params["file_name"]:
            params["new_name"] = random_file_stem(rng) + extension
        return params

    def initialize(self, device: SimDroid) -> None:
        write_file(device, self.params["folder"], self.params["file_name"])

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        fs = device_storage(device)
        folder = rules.folder_path(self.params["folder"])
        renamed = fs.node(posixpath.join(folder, self.params["new_name"]))
        return float(
            renamed is not None
            and not renamed.is_dir
            and not fs.exists(posixpath.join(folder, self.params["file_name"]))
        )

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Files")
        yield from open_storage_folder(ui, self.params["folder"])
        yield from ui.scroll_to(text=self.params["file_name"], id=TITLE)
        yield ui.long_press(text=self.params["file_name"], id=TITLE)
        yield ui.click(desc="More options")
        yield ui.click(text="Rename")
        yield ui.type(self.params["new_name"], id="rename_name")
        yield ui.click(text="OK")
