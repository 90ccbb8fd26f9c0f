"""The Contacts / SMS / Markor / Files / Audio Recorder tasks: registration, budgets, and success rules
that reject near misses (oracle success on seeds 0..2 is covered by tests/env/android/sim/test_oracles.py)."""

from __future__ import annotations

import pytest

from vera.env.android.env import AndroidEnv
from vera.env.android.sim.apps import audio_recorder_model as am
from vera.env.android.sim.apps import markor_model as mm
from vera.env.android.sim.apps.files_shared import device_storage, now_ms
from vera.env.android.sim.oracle import UI
from vera.env.android.sim.registry import task_classes
from vera.env.android.sim.splits import HELDOUT, split_of
from vera.env.android.sim.suite import SimDroidSuite
from vera.env.android.sim.task import Task

# AndroidWorld's step budgets (int(10 * complexity), from its task metadata) for the tasks named after it.
ANDROIDWORLD_BUDGETS = {
    "ContactsAddContact": 12,
    "ContactsNewContactDraft": 12,
    "SimpleSmsSend": 12,
    "SimpleSmsReply": 12,
    "SimpleSmsReplyMostRecent": 12,
    "SimpleSmsResend": 12,
    "SimpleSmsSendReceivedAddress": 18,
    "MarkorCreateNote": 16,
    "MarkorCreateFolder": 10,
    "MarkorDeleteNote": 10,
    "MarkorDeleteNewestNote": 10,
    "MarkorDeleteAllNotes": 14,
    "MarkorEditNote": 12,
    "MarkorAddNoteHeader": 12,
    "MarkorChangeNoteContent": 12,
    "MarkorMoveNote": 14,
    "MarkorMergeNotes": 78,
    "MarkorCreateNoteAndSms": 18,
    "FilesDeleteFile": 22,
    "FilesMoveFile": 20,
    "AudioRecorderRecordAudio": 12,
    "AudioRecorderRecordAudioWithFileName": 20,
}
VERA_TASKS = (
    "ContactsCountLastName",
    "ContactsTextContact",
    "SimpleSmsLastMessageFrom",
    "FilesCountInFolder",
    "ContactsDeleteContact",
    "ContactsPhoneNumberLookup",
    "SimpleSmsDeleteConversation",
    "FilesRenameFile",
    "MarkorReadNote",
    "AudioRecorderRenameRecording",
)
SUITE = SimDroidSuite()


def start(name: str, seed: int = 0) -> tuple[Task, object]:
    instance = task_classes()[name].from_seed(seed)
    device = SUITE.make_device(seed)
    instance.initialize(device)
    device.go_home_and_reset()
    return instance, device


def test_tasks_are_registered_with_androidworld_budgets_and_families() -> None:
    classes = task_classes()
    for name, budget in ANDROIDWORLD_BUDGETS.items():
        assert classes[name].max_steps() == budget, name
    for name in (*ANDROIDWORLD_BUDGETS, *VERA_TASKS):
        cls = classes[name]
        assert cls.family and cls.task_difficulty() in ("easy", "medium", "hard"), name
        assert cls.from_seed(7).goal == cls.from_seed(7).goal and "{" not in cls.from_seed(7).goal
    assert {classes[n].task_difficulty() for n in ANDROIDWORLD_BUDGETS} == {"easy", "medium", "hard"}
    assert (
        split_of(
            classes["AudioRecorderRecordAudio"].task_family(), classes["AudioRecorderRecordAudio"].app_names
        )
        == HELDOUT
    )


def test_sms_send_needs_right_number_body_and_the_app_in_front() -> None:
    task, device = start("SimpleSmsSend")
    store = device.app("simple sms messenger").state
    store.send("+19999999999", task.params["message"], now_ms(device))
    device.start_app("SMS Messenger")
    assert task.is_successful(device) == 0.0
    store.send(task.params["number"], task.params["message"], now_ms(device))
    assert task.is_successful(device) == 1.0
    device.key("KEYCODE_HOME")
    assert task.is_successful(device) == 0.0  # AndroidWorld also wants SMS Messenger in front


def test_resend_wants_exactly_one_more_copy_of_the_last_message() -> None:
    task, device = start("SimpleSmsResend")
    store = device.app("simple sms messenger").state
    device.start_app("SMS Messenger")
    store.send(task.params["number"], "something else entirely, not the same", now_ms(device))
    assert task.is_successful(device) == 0.0
    task, device = start("SimpleSmsResend")
    device.start_app("SMS Messenger")
    device.app("simple sms messenger").state.send(
        task.params["number"], task.params["message"], now_ms(device)
    )
    assert task.is_successful(device) == 1.0


def test_new_contact_draft_fails_once_saved() -> None:
    task, device = start("ContactsNewContactDraft", seed=1)
    env = AndroidEnv(device)
    ui = UI(env)
    for action in task.solve(ui):
        env.execute_action(action)
    assert task.is_successful(device) == 1.0
    env.execute_action(ui.click(text="Save"))
    assert task.is_successful(device) == 0.0


def test_markor_create_note_and_sms_scores_each_half() -> None:
    task, device = start("MarkorCreateNoteAndSms")
    device_storage(device).write(mm.note_path(task.params["file_name"]), task.params["text"])
    assert task.is_successful(device) == 0.5


def test_delete_newest_fails_when_another_note_is_deleted() -> None:
    task, device = start("MarkorDeleteNewestNote", seed=2)
    fs = device_storage(device)
    oldest = min(task.before, key=lambda item: item[1])[0]
    fs.delete(oldest)
    assert task.is_successful(device) == 0.0


def test_recording_tasks_count_new_files_and_names() -> None:
    task, device = start("AudioRecorderRecordAudio")
    fs = device_storage(device)
    am.save_recording(fs, "", 3_000, now_ms(device))
    assert task.is_successful(device) == 1.0
    am.save_recording(fs, "", 3_000, now_ms(device) + 1)
    assert task.is_successful(device) == 0.0
    named, device = start("AudioRecorderRecordAudioWithFileName")
    am.save_recording(device_storage(device), named.params["file_name"].removesuffix(".m4a"), 3_000, 0)
    assert named.is_successful(device) == 0.0  # AndroidWorld wants "<name as given>.m4a"


def test_deleting_the_wrong_item_fails() -> None:
    task, device = start("ContactsDeleteContact")
    contacts = device.app("contacts").state
    contacts.delete(contacts.by_name(task.others[0])[0].id)
    contacts.delete(contacts.by_name(task.params["name"])[0].id)
    assert task.is_successful(device) == 0.0
    task, device = start("SimpleSmsDeleteConversation")
    device.app("simple sms messenger").state.delete_conversation(task.others[0])
    assert task.is_successful(device) == 0.0
    device.app("simple sms messenger").state.delete_conversation(task.params["number"])
    assert task.is_successful(device) == 0.0


@pytest.mark.parametrize(
    "name",
    [
        "ContactsCountLastName",
        "FilesCountInFolder",
        "SimpleSmsLastMessageFrom",
        "ContactsPhoneNumberLookup",
        "MarkorReadNote",
    ],
)
def test_questions_reject_wrong_answers(name: str) -> None:
    task, device = start(name)
    assert task.is_successful(device, "") == 0.0
    assert task.is_successful(device, "12345 is surely wrong") == 0.0
