"""Audio Recorder (com.dimowner.audiorecorder): record, pause, stop and name recordings; a records list.

As in the real app: one big Record button (it becomes Pause while recording, with a Stop button
beside it), the running time in ``mm:ss`` from the phone's virtual clock, Android's microphone
permission prompt before the first recording, a naming dialog after Stop (the recording is already
saved under its default ``Record-N`` name; Save renames it, the extension ``.m4a`` is always added),
and a records list where a long press offers Rename and Delete.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field

from vera.env.android.sim import layout as L
from vera.env.android.sim.app import AlertDialog, App, Screen
from vera.env.android.sim.apps import audio_recorder_model as am
from vera.env.android.sim.apps.files_model import FileSystem, FileSystemError
from vera.env.android.sim.apps.files_shared import date_label, device_storage, now_ms, size_label
from vera.env.android.sim.toolkit.views import (
    Button,
    Column,
    EditText,
    ImageButton,
    ListItem,
    RecyclerView,
    Row,
    Spacer,
    TextView,
    Toolbar,
    View,
)

ACCENT = (0, 150, 136)
PACKAGE = "com.dimowner.audiorecorder"
_DIM = (110, 120, 125)


@dataclass
class RecorderState:
    """The app's state: the recorder and whether the microphone permission was granted."""

    recorder: am.Recorder = field(default_factory=am.Recorder)
    mic_allowed: bool = False
    recording_name: str = ""  # the default name of the recording in progress


class AudioRecorderApp(App):
    name = "audio recorder"
    label = "Audio Recorder"
    package = PACKAGE
    pattern = r"audio recorder|audiorecorder|voice recorder|recorder"
    glyph = "●"
    color = ACCENT

    def create_state(self) -> RecorderState:
        return RecorderState()

    @property
    def fs(self) -> FileSystem:
        if self.device is None:
            raise RuntimeError("Audio Recorder is not installed on a device")
        return device_storage(self.device)

    def main_screen(self) -> Screen:
        return RecorderScreen(self)


class RecorderScreen(Screen):
    """The recording screen (live: its timer shows the running clock)."""

    app: AudioRecorderApp
    live = True

    @property
    def recorder(self) -> am.Recorder:
        return self.app.state.recorder

    def build(self) -> View:
        now = now_ms(self.device)
        rec = self.recorder
        fs = self.app.fs
        if rec.recording:
            status = "Paused" if rec.paused else "Recording…"
            name = self.app.state.recording_name
        else:
            status = "Tap the button to start recording"
            name = am.next_default_name(fs)
        record_button = (
            ImageButton("●", desc="Record", id="btn_record", on_click=self.record, width=240, height=240)
            if not rec.recording or rec.paused
            else ImageButton("❚❚", desc="Pause", id="btn_record", on_click=self.pause, width=240, height=240)
        )
        controls = Row(
            ImageButton(
                "=", desc="Records", id="btn_records_list", on_click=self.open_list, width=160, height=160
            ),
            Spacer(weight=1),
            record_button,
            Spacer(weight=1),
            ImageButton(
                "■",
                desc="Stop recording",
                id="btn_record_stop",
                on_click=self.stop,
                enabled=rec.recording,
                width=160,
                height=160,
            ),
            height=260,
            padding=30,
        )
        return Column(
            Toolbar(
                "Audio Recorder",
                actions=[ImageButton("⚙", desc="Settings", id="btn_settings", on_click=self.settings)],
            ),
            Spacer(height=120),
            TextView(name, id="txt_name", align="center", size=L.TITLE_SIZE, bold=True),
            TextView(
                am.format_duration(rec.elapsed_ms(now)),
                id="txt_progress",
                align="center",
                size=140,
                height=260,
            ),
            TextView(status, id="txt_status", align="center", color=_DIM),
            Spacer(weight=1),
            controls,
            Spacer(height=60),
        )

    # --- recording -------------------------------------------------------------------------------------
    def record(self) -> None:
        if not self.app.state.mic_allowed:
            self.branch("ask_permission")
            choices = [
                ("While using the app", self.allow_and_record),
                ("Only this time", self.allow_and_record),
                ("Don't allow", self.deny),
            ]
            # Android's permission prompt stacks its three choices vertically.
            self.show_dialog(
                AlertDialog(
                    "Allow Audio Recorder to record audio?",
                    buttons=(),
                    content=[
                        Button(
                            label,
                            id=f"permission_{i}",
                            style="text",
                            height=L.BUTTON_HEIGHT,
                            on_click=self._choose(handler),
                        )
                        for i, (label, handler) in enumerate(choices)
                    ],
                )
            )
            return
        now = now_ms(self.device)
        if self.recorder.paused:
            self.branch("resume")
            self.recorder.resume(now)
            return
        self.app.state.recording_name = am.next_default_name(self.app.fs)
        self.recorder.start(now)

    def _choose(self, handler: Callable[[], None]) -> Callable[[], None]:
        def permission_choice() -> None:
            self.dismiss_dialog()
            handler()

        return permission_choice

    def allow_and_record(self) -> None:
        self.app.state.mic_allowed = True
        self.record()

    def deny(self) -> None:
        self.toast("Audio Recorder needs the microphone to record")

    def pause(self) -> None:
        self.recorder.pause(now_ms(self.device))

    def stop(self) -> None:
        if not self.recorder.recording:
            return
        now = now_ms(self.device)
        duration = self.recorder.stop(now)
        path = am.save_recording(self.app.fs, self.app.state.recording_name, duration, now)
        stem = posixpath.basename(path)[: -len(am.EXTENSION)]
        self.form["input_name"] = stem
        self.show_dialog(
            AlertDialog(
                "Record name",
                content=[EditText(id="input_name", hint="Name")],
                buttons=[("Cancel", None), ("Save", self._rename(path))],
            )
        )

    def _rename(self, path: str) -> Callable[[], None]:
        def save_name() -> None:
            stem = self.form.get("input_name", "").strip()
            rename_recording(self, path, stem)

        return save_name

    def open_list(self) -> None:
        self.push(RecordsScreen(self.app))

    def settings(self) -> None:
        self.toast("Settings: format M4A, 44.1 kHz, stereo")


def rename_recording(screen: Screen, path: str, stem: str) -> None:
    """Rename a recording to ``stem`` + ``.m4a`` (the app always adds the extension)."""
    fs = device_storage(screen.device)
    if not stem or "/" in stem:
        screen.branch("bad_name")
        screen.toast("Name is empty")
        return
    new_name = stem + am.EXTENSION
    if new_name == posixpath.basename(path):
        return
    try:
        fs.rename(path, new_name)
    except FileSystemError:
        screen.branch("exists")
        screen.toast("A record with this name already exists")


class RecordsScreen(Screen):
    """Saved recordings, newest first; long press to rename or delete."""

    app: AudioRecorderApp

    def build(self) -> View:
        rows = []
        for node in am.recordings(self.app.fs):
            seconds = node.byte_size // am.BYTES_PER_SECOND
            length = f"{seconds // 60:02d}:{seconds % 60:02d}"
            info = f"{length} · {size_label(node.byte_size)} · {date_label(node.mtime_ms)}"
            path = posixpath.join(am.RECORDINGS_DIR, node.name)
            rows.append(
                ListItem(
                    node.name,
                    info,
                    id="list_item",
                    title_id="list_item_name",
                    subtitle_id="list_item_info",
                    on_click=self._play(node.name),
                    on_long_click=self._options(path),
                )
            )
        if not rows:
            rows = [TextView("No records", id="txt_empty", color=_DIM, align="center", padding=L.PADDING * 2)]
        return Column(Toolbar("Records", on_back=self.finish), RecyclerView(*rows, id="recycler_view"))

    def _play(self, name: str) -> Callable[[], None]:
        def play() -> None:
            self.toast(f"Playing {name}")

        return play

    def _options(self, path: str) -> Callable[[], None]:
        def record_options() -> None:
            self.show_dialog(
                AlertDialog(
                    posixpath.basename(path),
                    buttons=[
                        ("Delete", self._delete(path)),
                        ("Rename", self._ask_rename(path)),
                        ("Cancel", None),
                    ],
                )
            )

        return record_options

    def _delete(self, path: str) -> Callable[[], None]:
        def delete_record() -> None:
            self.app.fs.delete(path)
            self.toast("Record deleted")

        return delete_record

    def _ask_rename(self, path: str) -> Callable[[], None]:
        def ask_rename() -> None:
            self.form["input_name"] = posixpath.basename(path)[: -len(am.EXTENSION)]
            self.show_dialog(
                AlertDialog(
                    "Rename",
                    content=[EditText(id="input_name", hint="Name")],
                    buttons=[("Cancel", None), ("Save", self._rename(path))],
                )
            )

        return ask_rename

    def _rename(self, path: str) -> Callable[[], None]:
        def save_name() -> None:
            rename_recording(self, path, self.form.get("input_name", "").strip())

        return save_name
