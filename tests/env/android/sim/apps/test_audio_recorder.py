"""Audio Recorder driven through the device: permission prompt, virtual-clock timing, naming, records list."""

from __future__ import annotations

import pytest

from vera.env.android.env import AndroidEnv
from vera.env.android.sim.apps import audio_recorder_model as am
from vera.env.android.sim.apps.audio_recorder import AudioRecorderApp
from vera.env.android.sim.apps.files_shared import device_storage
from vera.env.android.sim.device import SimDroid
from vera.env.android.sim.oracle import UI


@pytest.fixture
def phone() -> tuple[SimDroid, AndroidEnv, UI]:
    device = SimDroid([AudioRecorderApp])
    env = AndroidEnv(device)
    device.start_app("Audio Recorder")
    return device, env, UI(env)


def names(device: SimDroid) -> list[str]:
    return [n.name for n in am.recordings(device_storage(device))]


def test_denying_the_microphone_records_nothing(phone) -> None:
    device, env, ui = phone
    env.execute_action(ui.click(desc="Record"))
    env.execute_action(ui.click(text="Don't allow"))
    assert not device.app("audio recorder").state.recorder.recording
    assert ui.has(desc="Record") and not ui.has(desc="Pause")


def test_recording_length_follows_the_virtual_clock(phone) -> None:
    device, env, ui = phone
    env.execute_action(ui.click(desc="Record"))
    env.execute_action(ui.click(text="While using the app"))
    assert ui.has(desc="Pause") and ui.has(text="Recording…")
    device.sleep(64)
    env.execute_action(ui.wait())  # one more second, and a fresh observation
    assert ui.has(text="01:05", id="txt_progress")
    env.execute_action(ui.click(desc="Pause"))
    device.sleep(100)  # paused time is not recorded
    env.execute_action(ui.click(desc="Record"))
    env.execute_action(ui.click(desc="Stop recording"))
    assert ui.has(text="Record name")
    node = device_storage(device).node(f"{am.RECORDINGS_DIR}/Record-1.m4a")
    seconds = node.byte_size // am.BYTES_PER_SECOND
    assert 66 <= seconds <= 70


def test_naming_dialog_renames_and_cancel_keeps_the_default(phone) -> None:
    device, env, ui = phone
    env.execute_action(ui.click(desc="Record"))
    env.execute_action(ui.click(text="Only this time"))
    env.execute_action(ui.click(desc="Stop recording"))
    env.execute_action(ui.type("interview_ab12", id="input_name"))
    env.execute_action(ui.click(text="Save"))
    env.execute_action(ui.click(desc="Record"))  # permission now granted: records at once
    env.execute_action(ui.click(desc="Stop recording"))
    env.execute_action(ui.click(text="Cancel"))
    assert sorted(names(device)) == ["Record-1.m4a", "interview_ab12.m4a"]


def test_records_list_renames_and_deletes(phone) -> None:
    device, env, ui = phone
    am.save_recording(device_storage(device), "memo", 3_000, now_ms=1)
    env.execute_action(ui.click(desc="Records"))
    assert ui.has(text="memo.m4a")
    env.execute_action(ui.long_press(text="memo.m4a"))
    env.execute_action(ui.click(text="Rename"))
    env.execute_action(ui.type("memo2", id="input_name"))
    env.execute_action(ui.click(text="Save"))
    assert names(device) == ["memo2.m4a"]
    env.execute_action(ui.long_press(text="memo2.m4a"))
    env.execute_action(ui.click(text="Delete"))
    assert names(device) == [] and ui.has(text="No records")
