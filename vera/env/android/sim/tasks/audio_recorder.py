"""Audio Recorder tasks: AndroidWorld's AudioRecorderRecordAudio and AudioRecorderRecordAudioWithFileName.

Recording time comes from the phone's virtual clock (each input event is one second; ``wait`` adds more).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from vera.env.android.sim.apps import audio_recorder_model as am
from vera.env.android.sim.apps.files_shared import device_storage, now_ms
from vera.env.android.sim.task import Task
from vera.env.android.sim.tasks import files_rules as rules
from vera.env.android.sim.tasks.sms_rules import init_rng
from vera.env.android.types import JSONAction

if TYPE_CHECKING:
    from vera.env.android.sim.device import SimDroid
    from vera.env.android.sim.oracle import UI


def record_clip(ui: UI) -> Iterator[JSONAction]:
    """Start recording (granting the microphone when asked), let time pass, stop."""
    yield ui.click(desc="Record")
    if ui.has(text="While using the app"):
        yield ui.click(text="While using the app")
    yield ui.wait()
    yield ui.click(desc="Stop recording")


class AudioRecorderTask(Task):
    abstract = True
    app_names = ("audio recorder",)
    family = "audio_record"

    def initialize(self, device: SimDroid) -> None:
        rng = init_rng(self.params)
        fs = device_storage(device)
        for i in range(rng.randint(0, 2)):  # earlier recordings
            am.save_recording(fs, "", rng.randint(5_000, 90_000), now_ms(device) - (i + 1) * 86_400_000)
        self.before = rules.recording_snapshot(fs)


class AudioRecorderRecordAudio(AudioRecorderTask):
    template = "Record an audio clip using Audio Recorder app and save it."
    complexity = 1.2
    difficulty = "easy"

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(rules.one_new_recording_ok(device_storage(device), self.before))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Audio Recorder")
        yield from record_clip(ui)
        yield ui.click(text="Save")


class AudioRecorderRecordAudioWithFileName(AudioRecorderTask):
    template = 'Record an audio clip and save it with name "{file_name}" using Audio Recorder app.'
    complexity = 2.0
    difficulty = "easy"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        return rules.recording_name_params(rng)

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        return float(rules.named_recording_ok(device_storage(device), self.params))

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Audio Recorder")
        yield from record_clip(ui)
        yield ui.type(self.params["file_name"], id="input_name")
        yield ui.click(text="Save")


class AudioRecorderRenameRecording(AudioRecorderTask):
    """vera: rename a saved recording from the records list."""

    template = 'Rename the recording {old_name} to "{new_stem}" in the Audio Recorder app.'
    complexity = 1.4
    difficulty = "easy"
    family = "audio_manage"

    @classmethod
    def generate_random_params(cls, rng: random.Random) -> dict[str, Any]:
        new = rules.recording_name_params(rng)["file_name"].removesuffix(am.EXTENSION)
        return {"old_name": f"Record-{rng.randint(1, 3)}{am.EXTENSION}", "new_stem": new}

    def initialize(self, device: SimDroid) -> None:
        rng = init_rng(self.params)
        fs = device_storage(device)
        count = int(self.params["old_name"].split("-")[1].split(".")[0])
        for i in range(1, count + 2):
            am.save_recording(fs, f"Record-{i}", rng.randint(5_000, 90_000), now_ms(device) - i * 86_400_000)

    def is_successful(self, device: SimDroid, answer: str = "") -> float:
        fs = device_storage(device)
        return float(
            fs.exists(f"{am.RECORDINGS_DIR}/{self.params['new_stem']}{am.EXTENSION}")
            and not fs.exists(f"{am.RECORDINGS_DIR}/{self.params['old_name']}")
        )

    def solve(self, ui: UI) -> Iterator[JSONAction]:
        yield ui.open_app("Audio Recorder")
        yield ui.click(desc="Records")
        yield from ui.scroll_to(text=self.params["old_name"])
        yield ui.long_press(text=self.params["old_name"])
        yield ui.click(text="Rename")
        yield ui.type(self.params["new_stem"], id="input_name")
        yield ui.click(text="Save")
