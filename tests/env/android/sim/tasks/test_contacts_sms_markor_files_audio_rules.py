"""Unit tests for the parameter generators and success rules of the Contacts/SMS/Markor/Files/Audio tasks."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from vera.env.android.sim.apps import audio_recorder_model as am
from vera.env.android.sim.apps import markor_model as mm
from vera.env.android.sim.apps.contacts_model import ContactsBook
from vera.env.android.sim.apps.files_model import FileSystem, standard_storage
from vera.env.android.sim.apps.sms_model import SmsStore
from vera.env.android.sim.tasks import files_rules as fr
from vera.env.android.sim.tasks import markor_rules as mr
from vera.env.android.sim.tasks import sms_rules as sr

seeds = st.integers(min_value=0, max_value=2**32 - 1)


@settings(max_examples=30)
@given(seeds)
def test_params_are_deterministic_per_seed(seed: int) -> None:
    for make in (
        mr.create_note_params,
        mr.merge_notes_params,
        mr.edit_note_params,
        mr.move_note_params,
        sr.send_params,
        sr.received_address_params,
        fr.move_file_params,
        fr.delete_file_params,
    ):
        assert make(random.Random(seed)) == make(random.Random(seed))


@settings(max_examples=30)
@given(seeds)
def test_param_invariants(seed: int) -> None:
    merge = mr.merge_notes_params(random.Random(seed))
    assert len({merge["file1_name"], merge["file2_name"], merge["file3_name"]}) == 3
    move = mr.move_note_params(random.Random(seed))
    assert move["source_folder"] != move["destination_folder"]
    header = mr.add_header_params(random.Random(seed))
    assert header["original_name"] != header["new_name"]
    addr = sr.received_address_params(random.Random(seed))
    assert addr["name1"] != addr["name2"]
    assert sr.draft_params(random.Random(seed))["phone_label"] in ("Home", "Work")


def test_create_note_rule_needs_name_and_content() -> None:
    params = {"file_name": "wise_yacht.md", "text": "Ignorance is bliss."}
    fs = FileSystem()
    assert not mr.create_note_ok(fs, params)
    fs.write(mm.note_path("wise_yacht.md"), "Ignorance is bliss")
    assert mr.create_note_ok(fs, params)
    fs.write(mm.note_path("wise_yacht.md"), "Something else entirely")
    assert not mr.create_note_ok(fs, params)


def test_edit_note_expected_content_per_edit_type() -> None:
    base = {"file_name": "n.md", "original_content": "Body."}
    assert mr.edit_note_expected({**base, "edit_type": "header", "header": "Top"}) == "Top\nBody."
    assert mr.edit_note_expected({**base, "edit_type": "footer", "footer": "End"}) == "Body.\nEnd"
    fs = FileSystem()
    fs.write(mm.note_path("n.md"), "Top\nBody.\n")
    assert mr.edit_note_ok(fs, {**base, "edit_type": "header", "header": "Top"})
    assert not mr.edit_note_ok(fs, {**base, "edit_type": "replace", "replace_text": "x\ny\nz"})


def test_add_header_rule_is_exact_and_requires_rename() -> None:
    params = {"original_name": "a.md", "new_name": "b.txt", "original_content": "Body", "header": "HEAD"}
    fs = FileSystem()
    fs.write(mm.note_path("b.txt"), "HEAD\n\nBody\n")
    assert mr.add_header_ok(fs, params)
    fs.write(mm.note_path("a.md"), "Body")
    assert not mr.add_header_ok(fs, params)
    fs.delete(mm.note_path("a.md"))
    fs.write(mm.note_path("b.txt"), "HEAD\nBody\n")
    assert not mr.add_header_ok(fs, params)


def test_delete_newest_rule_rejects_other_deletions_and_edits() -> None:
    fs = FileSystem()
    for i, name in enumerate(("a.md", "b.md", "c.md")):
        fs.write(mm.note_path(name), name, mtime_ms=[30, 10, 20][i])
    before = [(p, fs.node(p).mtime_ms) for p in mm.all_notes(fs)]
    assert not mr.delete_newest_ok(fs, before)
    fs.delete(mm.note_path("b.md"))
    assert not mr.delete_newest_ok(fs, before)
    fs.write(mm.note_path("b.md"), "b.md", mtime_ms=10)
    fs.delete(mm.note_path("a.md"))
    assert mr.delete_newest_ok(fs, before)


def test_merge_rule_wants_blank_lines_between_contents() -> None:
    params = mr.merge_notes_params(random.Random(3))
    fs = FileSystem()
    fs.write(mm.note_path(params["new_file_name"] + ".md"), mr.merge_expected(params) + "\n")
    assert mr.merge_notes_ok(fs, params)
    joined = "\n".join(params[f"file{i}_content"] for i in (1, 2, 3))
    fs.write(mm.note_path(params["new_file_name"] + ".md"), joined)
    assert not mr.merge_notes_ok(fs, params)


def test_move_rules() -> None:
    params = mr.move_note_params(random.Random(1))
    fs = FileSystem()
    fs.write(mm.note_path(params["file_name"], params["source_folder"]), params["content"])
    fs.mkdir(mm.note_path(params["destination_folder"]))
    assert not mr.move_note_ok(fs, params)
    fs.move(
        mm.note_path(params["file_name"], params["source_folder"]), mm.note_path(params["destination_folder"])
    )
    assert mr.move_note_ok(fs, params)

    files = fr.move_file_params(random.Random(2))
    storage = standard_storage(random.Random(2))
    src = fr.folder_path(files["source_folder"]) + "/" + files["file_name"]
    storage.write(src, "data")
    assert not fr.move_file_ok(storage, files)
    storage.move(src, fr.folder_path(files["destination_folder"]))
    assert fr.move_file_ok(storage, files)


def test_delete_file_rule_protects_other_files() -> None:
    params = fr.delete_file_params(random.Random(5))
    fs = standard_storage(random.Random(5))
    target = fr.folder_path(params["subfolder"]) + "/" + params["file_name"]
    fs.write(target, "x")
    others = [p for p in fs.walk_files("/") if p != target]
    fs.delete(others[0])
    fs.delete(target)
    assert not fr.delete_file_ok(fs, params, others)


def test_sms_rules() -> None:
    params = sr.send_params(random.Random(0))
    store = SmsStore()
    store.send(params["number"], params["message"], date_ms=1_000)
    assert sr.sent_ok(store, params, now_ms=2_000, foreground=sr.SMS_PACKAGE)
    assert not sr.sent_ok(store, params, now_ms=2_000, foreground="com.android.launcher3")
    resend = SmsStore()
    resend.send("+15550001111", "Hello there", 1)
    resend.receive("+15550001111", "what?", 2)
    assert not sr.resend_ok(resend, {}, sent_before=1)
    resend.send("+15550001111", "Hello there", 3)
    assert sr.resend_ok(resend, {}, sent_before=1)


def test_contact_and_count_rules() -> None:
    params = sr.add_contact_params(random.Random(0))
    book = ContactsBook()
    assert not sr.add_contact_ok(book, params)
    book.add_full_name(params["name"], params["number"])
    assert sr.add_contact_ok(book, params)
    assert sr.count_answer_ok("There are 7 contacts.", 7)
    assert (
        sr.count_answer_ok("7", 7) and not sr.count_answer_ok("seven", 7) and not sr.count_answer_ok(None, 7)
    )


def test_recording_rules() -> None:
    fs = FileSystem()
    before = fr.recording_snapshot(fs)
    assert not fr.one_new_recording_ok(fs, before)
    am.save_recording(fs, "", 3_000, now_ms=10)
    assert fr.one_new_recording_ok(fs, before)
    am.save_recording(fs, "", 3_000, now_ms=20)
    assert not fr.one_new_recording_ok(fs, before)
    params = fr.recording_name_params(random.Random(0))
    assert not fr.named_recording_ok(fs, params)
    am.save_recording(fs, params["file_name"], 1_000, now_ms=30)
    assert fr.named_recording_ok(fs, params)
