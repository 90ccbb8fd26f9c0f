"""Markor tasks (AndroidWorld names, templates and step budgets), with UI-only oracles.

Parameters and success rules live in `markor_rules` (pure functions over the file-system model);
these classes set up the phone's storage and drive Markor's screens.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from vera.env.android.sim.apps import markor_model as mm
from vera.env.android.sim.apps.files_shared import device_storage, now_ms
from vera.env.android.sim.task import Task
from vera.env.android.sim.tasks import markor_rules as rules
from vera.env.android.types import JSONAction

if TYPE_CHECKING:
    from vera.env.android.sim.device import SimDroid
    from vera.env.android.sim.oracle import UI

EDITOR = "document__fragment__edit__highlighting_editor"
NAME_FIELD = "new_file_dialog__name"
ROW_TITLE = "ui__filesystem_item__title"
ROW_DATE = "ui__filesystem_item__description"
NEW_ITEM = "Create a new file or folder"


# --- oracle building blocks (UI only) -----------------------------------------------------------------------
def open_entry(ui: UI, name: str) -> Iterator[JSONAction]:
    """Scroll the browser to an entry and tap it."""
    yield from ui.scroll_to(text=name, id=ROW_TITLE)
    yield ui.click(text=name, id=ROW_TITLE)


def select_entry(ui: UI, name: str) -> Iterator[JSONAction]:
    yield from ui.scroll_to(text=name, id=ROW_TITLE)
    yield ui.long_press(text=name, id=ROW_TITLE)


def create_note(ui: UI, name: str, text: str) -> Iterator[JSONAction]:
    """From the browser: new file dialog, name, OK, type the text, Save, back to the browser."""
    yield ui.click(desc=NEW_ITEM)
    yield ui.type(name, id=NAME_FIELD)
    yield ui.click(text="OK")
    yield ui.type(text, id=EDITOR)
    yield ui.click(desc="Save")


def rename_selected(ui: UI, new_name: str) -> Iterator[JSONAction]:
    yield ui.click(desc="More options")
    yield ui.click(text="Rename")
    yield ui.type(new_name, id="rename_name")
    yield ui.click(text="OK")


def editor_text(ui: UI) -> str:
    return ui.element(id=EDITOR).text or ""


class MarkorTask(Task):
    """Base: Markor's folder starts empty (the real tasks clear it); subclasses add notes."""

    abstract = True
    app_names = ("markor",)

    def storage_now(self, device: SimDroid) -> int:
        return now_ms(device)

    def write_note(
        self, device: SimDroid, name: str, content: str, minutes_ago: int = 60, folder: str = ""
    ) -> str:
        path = mm.note_path(name, folder)
        device_storage(device).write(path, content, mtime_ms=now_ms(device) - minutes_ago * 60_000)
        return path

    def noise(self, device: SimDroid, avoid: tuple[str, ...] = (), count: int | None = None) -> list[str]:
        rng = rules.init_rng(self.params)
        n = count if count is not None else rng.randint(2, 5)
        return mm.add_noise_notes(device_storage(device), rng, n, now_ms(device) - 3_600_000, avoid=avoid)


class MarkorCreateNote(MarkorTask):
    template = "Create a new note in Markor named {file_name} with the following text: {text}"
    complexity = 1.6
    difficulty = "medium"
    family = "markor_create"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return rules.create_note_params(rng)

    def initialize(self, device: SimDroid) -> None:
        self.noise(device, avoid=(self.params["file_name"],))

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(rules.create_note_ok(device_storage(device), self.params))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Markor")
        yield from create_note(ui, self.params["file_name"], self.params["text"])


class MarkorCreateFolder(MarkorTask):
    template = "Create a new folder in Markor named {folder_name}."
    complexity = 1.0
    difficulty = "easy"
    family = "markor_create"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return rules.create_folder_params(rng)

    def initialize(self, device: SimDroid) -> None:
        self.noise(device)

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(rules.create_folder_ok(device_storage(device), self.params))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Markor")
        yield ui.click(desc=NEW_ITEM)
        yield ui.type(self.params["folder_name"], id=NAME_FIELD)
        yield ui.click(text="Folder")


class MarkorDeleteNote(MarkorTask):
    template = "Delete the note in Markor named {file_name}."
    complexity = 1.0
    difficulty = "easy"
    family = "markor_delete"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return rules.delete_note_params(rng)

    def initialize(self, device: SimDroid) -> None:
        rng = rules.init_rng(self.params)
        self.write_note(device, self.params["file_name"], mm.random_sentence(rng))
        self.others = [mm.note_path(n) for n in self.noise(device, avoid=(self.params["file_name"],))]

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(rules.delete_note_ok(device_storage(device), self.params, self.others))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Markor")
        yield from select_entry(ui, self.params["file_name"])
        yield ui.click(desc="Delete")
        yield ui.click(text="OK")


class MarkorDeleteNewestNote(MarkorTask):
    template = "Delete the newest note in Markor."
    complexity = 1.0
    difficulty = "easy"
    family = "markor_delete"

    def initialize(self, device: SimDroid) -> None:
        rng = rules.init_rng(self.params)
        fs = device_storage(device)
        count = rng.randint(2, 6)
        names = rules._distinct_names(rng, count)
        offsets = rng.sample(range(-500, 500), k=count)  # distinct minutes, as the real task spaces them
        base = now_ms(device) - 600 * 60_000
        for name, offset in zip(names, offsets, strict=True):
            fs.write(mm.note_path(name), mm.random_sentence(rng), mtime_ms=base + offset * 60_000)
        self.before = [(p, fs.node(p).mtime_ms) for p in mm.all_notes(fs)]  # type: ignore[union-attr]

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(rules.delete_newest_ok(device_storage(device), self.before))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Markor")
        newest = max(listed_notes(ui), key=lambda item: item[1])[0]
        yield from select_entry(ui, newest)
        yield ui.click(desc="Delete")
        yield ui.click(text="OK")


def listed_notes(ui: UI) -> list[tuple[str, datetime]]:
    """(name, modification time) of the notes the browser shows, read from the row texts."""
    out = []
    pending: str | None = None
    for element in ui.elements:
        rid = element.resource_id or ""
        if rid.endswith(ROW_TITLE):
            pending = element.text
        elif rid.endswith(ROW_DATE) and pending is not None:
            if element.text != "Folder":
                out.append((pending, datetime.strptime(element.text or "", "%b %d, %Y, %I:%M %p")))
            pending = None
    return out


class MarkorDeleteAllNotes(MarkorTask):
    template = "Delete all my notes in Markor."
    complexity = 1.4
    difficulty = "easy"
    family = "markor_delete"

    def initialize(self, device: SimDroid) -> None:
        self.noise(device, count=rules.init_rng(self.params).randint(2, 6))

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(rules.delete_all_ok(device_storage(device)))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Markor")
        yield ui.long_press(id=ROW_TITLE)
        yield ui.click(desc="More options")
        yield ui.click(text="Select all")
        yield ui.click(desc="Delete")
        yield ui.click(text="OK")


class MarkorEditNote(MarkorTask):
    complexity = 1.2
    difficulty = "easy"
    family = "markor_edit"
    # AndroidWorld picks the template by edit type; `goal` below does the same.
    template = "Edit {file_name} in Markor. Add to the top of the note {header}"
    templates = {
        "header": "Edit {file_name} in Markor. Add to the top of the note {header}",
        "footer": "Edit {file_name} in Markor. Add to the bottom of the note {footer}",
        "replace": "Edit {file_name} in Markor. Replace the text with {replace_text}",
    }

    @property
    def goal(self) -> str:
        return self.templates[self.params["edit_type"]].format(**self.params)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return rules.edit_note_params(rng)

    def initialize(self, device: SimDroid) -> None:
        self.write_note(device, self.params["file_name"], self.params["original_content"])
        self.noise(device, avoid=(self.params["file_name"],))

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(rules.edit_note_ok(device_storage(device), self.params))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Markor")
        yield from open_entry(ui, self.params["file_name"])
        current = editor_text(ui).rstrip("\n")
        kind = self.params["edit_type"]
        if kind == "header":
            new = self.params["header"] + "\n" + current
        elif kind == "footer":
            new = current + "\n" + self.params["footer"]
        else:
            new = self.params["replace_text"]
        yield ui.type(new, id=EDITOR)
        yield ui.click(desc="Save")


class MarkorAddNoteHeader(MarkorTask):
    template = (
        "Update the Markor note {original_name} by adding the following text, along with a new blank "
        'line before the existing content: "{header}", and rename it to {new_name}.'
    )
    complexity = 1.2
    difficulty = "medium"
    family = "markor_edit_rename"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return rules.add_header_params(rng)

    def initialize(self, device: SimDroid) -> None:
        self.write_note(device, self.params["original_name"], self.params["original_content"])
        self.noise(device, avoid=(self.params["original_name"], self.params["new_name"]))

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(rules.add_header_ok(device_storage(device), self.params))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Markor")
        yield from open_entry(ui, self.params["original_name"])
        current = editor_text(ui).rstrip("\n")
        yield ui.type(self.params["header"] + "\n\n" + current, id=EDITOR)
        yield ui.click(desc="Save")
        yield ui.click(desc="Navigate up")
        yield from select_entry(ui, self.params["original_name"])
        yield from rename_selected(ui, self.params["new_name"])


class MarkorChangeNoteContent(MarkorTask):
    template = (
        'Update the content of {original_name} to "{updated_content}" in Markor'
        " and change its name to {new_name}."
    )
    complexity = 1.2
    difficulty = "medium"
    family = "markor_edit_rename"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return rules.change_content_params(rng)

    def initialize(self, device: SimDroid) -> None:
        self.write_note(device, self.params["original_name"], self.params["original_content"])
        self.noise(device, avoid=(self.params["original_name"], self.params["new_name"]))

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(rules.change_content_ok(device_storage(device), self.params))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Markor")
        yield from open_entry(ui, self.params["original_name"])
        yield ui.type(self.params["updated_content"], id=EDITOR)
        yield ui.click(desc="Save")
        yield ui.click(desc="Navigate up")
        yield from select_entry(ui, self.params["original_name"])
        yield from rename_selected(ui, self.params["new_name"])


class MarkorMoveNote(MarkorTask):
    template = "In Markor, move the note {file_name} from {source_folder} to {destination_folder}."
    complexity = 1.4
    difficulty = "medium"
    family = "markor_move"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return rules.move_note_params(rng)

    def initialize(self, device: SimDroid) -> None:
        rng = rules.init_rng(self.params)
        fs = device_storage(device)
        folders = {self.params["source_folder"], self.params["destination_folder"]}
        folders |= set(rng.sample(mm.NOTE_FOLDERS, k=3))
        for folder in folders:
            fs.mkdir(mm.note_path(folder), mtime_ms=now_ms(device) - 86_400_000)
        self.write_note(
            device, self.params["file_name"], self.params["content"], folder=self.params["source_folder"]
        )
        for name in rng.sample(mm.NOISE_TITLES, k=2):
            self.write_note(device, name, mm.random_sentence(rng), folder=self.params["source_folder"])
        self.noise(device)

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(rules.move_note_ok(device_storage(device), self.params))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Markor")
        yield from open_entry(ui, self.params["source_folder"])
        yield from select_entry(ui, self.params["file_name"])
        yield ui.click(desc="More options")
        yield ui.click(text="Move")
        yield from ui.scroll_to(text=self.params["destination_folder"])
        yield ui.click(text=self.params["destination_folder"])
        yield ui.click(text="OK", id="confirm")


class MarkorMergeNotes(MarkorTask):
    template = (
        "Merge the contents of Markor notes {file1_name}, {file2_name} and {file3_name} (in the same "
        "order) into a new Markor note named {new_file_name} and save it. Add a new line between the "
        "content of each note."
    )
    complexity = 7.8
    difficulty = "hard"
    family = "markor_merge"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return rules.merge_notes_params(rng)

    def initialize(self, device: SimDroid) -> None:
        for i in (1, 2, 3):
            self.write_note(
                device, self.params[f"file{i}_name"], self.params[f"file{i}_content"], minutes_ago=10 * i
            )
        self.noise(device, avoid=tuple(self.params[f"file{i}_name"] for i in (1, 2, 3)))

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(rules.merge_notes_ok(device_storage(device), self.params))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Markor")
        contents = []
        for i in (1, 2, 3):
            yield from open_entry(ui, self.params[f"file{i}_name"])
            contents.append(editor_text(ui).strip())
            yield ui.click(desc="Navigate up")
        yield from create_note(ui, self.params["new_file_name"], "\n\n".join(contents))


class MarkorReadNote(MarkorTask):
    """vera: an information-retrieval question answered by opening a note."""

    template = "What is written in my Markor note {file_name}? Answer with the note's text only."
    complexity = 1.0
    difficulty = "easy"
    family = "markor_read"
    tags = ("information_retrieval",)

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return rules.create_note_params(rng)

    def initialize(self, device: SimDroid) -> None:
        self.write_note(device, self.params["file_name"], self.params["text"])
        self.noise(device, avoid=(self.params["file_name"],))

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(bool(answer) and rules.content_matches(answer, self.params["text"]))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Markor")
        yield from open_entry(ui, self.params["file_name"])
        yield ui.answer(editor_text(ui).strip())
