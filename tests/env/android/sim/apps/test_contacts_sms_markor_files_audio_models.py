"""Unit tests for the pure state models of Contacts, SMS, Markor, Files and Audio Recorder."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vera.env.android.sim.apps import audio_recorder_model as audio
from vera.env.android.sim.apps import markor_model as markor
from vera.env.android.sim.apps.contacts_model import ContactsBook, digits, random_number, same_number
from vera.env.android.sim.apps.files_model import STORAGE_ROOT, FileSystem, FileSystemError, standard_storage
from vera.env.android.sim.apps.sms_model import SmsStore, fuzzy_match


def test_phone_numbers_compare_by_digits_and_optional_country_code() -> None:
    assert digits("+1 (392) 074-1751") == "13920741751"
    assert same_number("+13920741751", "392-074-1751")
    assert same_number("799-802-1530", "7998021530")
    assert not same_number("+13920741751", "+13920741752")
    assert not same_number("", "")


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_random_numbers_are_e164_us_numbers(seed: int) -> None:
    number = random_number(random.Random(seed))
    assert number.startswith("+1") and len(number) == 12 and number[2] not in "01"


def test_contacts_book_finds_by_name_and_number() -> None:
    book = ContactsBook()
    book.add_full_name("Hugo Pereira", "+13920741751")
    book.add("Grace", "Taylor", "799-802-1530", "Work")
    assert book.has("hugo  pereira", "392-074-1751")
    assert not book.has("Hugo Pereira", "+13920741750")
    assert book.name_for("+17998021530") == "Grace Taylor"
    assert book.name_for("+15550000000") == "+15550000000"
    assert [c.display_name for c in book.sorted()] == ["Grace Taylor", "Hugo Pereira"]
    book.delete(book.by_name("Grace Taylor")[0].id)
    assert len(book.contacts) == 1


def test_sms_conversations_are_grouped_and_most_recent_first() -> None:
    store = SmsStore()
    store.receive("+15551112222", "hi", 1_000)
    store.receive("+15553334444", "yo", 2_000)
    store.send("5551112222", "hello back", 3_000)
    convs = store.conversations()
    assert [c.address for c in convs] == ["+15551112222", "+15553334444"]
    assert [m.body for m in convs[0].messages] == ["hi", "hello back"]
    assert store.sent()[0].body == "hello back"
    assert store.was_sent("+15551112222", "Hello back", now_ms=3_000 + 60_000)
    assert not store.was_sent("+15551112222", "Hello back", now_ms=3_000 + 6 * 60_000)
    assert not store.was_sent("+15553334444", "hello back", now_ms=3_000)


def test_fuzzy_match_tolerates_small_differences_only() -> None:
    assert fuzzy_match("A quick brown fox.", "a quick brown fox")
    assert not fuzzy_match("A quick brown fox.", "A slow green turtle.")


def test_file_system_create_move_rename_delete() -> None:
    fs = FileSystem()
    fs.write("/a/b/note.md", "text", mtime_ms=5)
    assert fs.read("/a/b/note.md") == "text" and fs.is_dir("/a/b")
    fs.mkdir("/a/c")
    assert fs.move("/a/b/note.md", "/a/c") == "/a/c/note.md"
    assert fs.rename("/a/c/note.md", "n2.txt") == "/a/c/n2.txt"
    assert [n.name for n in fs.listdir("/a")] == ["b", "c"]
    fs.delete("/a/c/n2.txt")
    assert fs.walk_files("/a") == []
    with pytest.raises(FileSystemError, match="no file"):
        fs.read("/a/c/n2.txt")
    with pytest.raises(FileSystemError, match="mkdir"):
        fs.listdir("/nope")


def test_standard_storage_has_the_android_folders() -> None:
    fs = standard_storage(random.Random(0))
    names = [n.name for n in fs.listdir(STORAGE_ROOT)]
    assert {"DCIM", "Download", "Music", "Podcasts", "Recordings"} <= set(names)
    assert all(fs.files(f"{STORAGE_ROOT}/{name}") for name in names if name != "Recordings")
    assert fs.files(f"{STORAGE_ROOT}/Recordings") == []  # the recorder's folder starts empty


def test_markor_newest_note_uses_modification_time() -> None:
    fs = FileSystem()
    fs.write(markor.note_path("old.md"), "x", mtime_ms=10)
    fs.write(markor.note_path("new.txt"), "y", mtime_ms=20)
    fs.write(markor.note_path("inner.md", "Folder"), "z", mtime_ms=30)
    assert markor.newest_note(fs) == markor.note_path("new.txt")
    assert [n.name for n in markor.entries(fs)] == ["Folder", "new.txt", "old.md"]
    assert len(markor.all_notes(fs)) == 3


def test_recorder_measures_virtual_time_without_pauses() -> None:
    rec = audio.Recorder()
    rec.start(1_000)
    rec.pause(4_000)
    rec.resume(10_000)
    assert rec.elapsed_ms(12_000) == 5_000
    assert audio.format_duration(rec.elapsed_ms(12_000)) == "00:05"
    assert rec.stop(12_000) == 5_000 and not rec.recording


def test_recordings_get_default_names_and_the_extension_appended() -> None:
    fs = FileSystem()
    assert audio.next_default_name(fs) == "Record-1"
    path = audio.save_recording(fs, "", 2_000, now_ms=50)
    assert path.endswith("Record-1.m4a") and fs.node(path).byte_size == 32_000
    assert audio.next_default_name(fs) == "Record-2"
    assert audio.save_recording(fs, "talk.m4a", 1_000, now_ms=60).endswith("talk.m4a.m4a")
    assert [n.name for n in audio.recordings(fs)] == ["talk.m4a.m4a", "Record-1.m4a"]
