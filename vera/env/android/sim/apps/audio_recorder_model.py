"""Audio Recorder's state: a recorder driven by the virtual clock, and recordings saved as ``.m4a`` files."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from vera.env.android.sim.apps.files_model import STORAGE_ROOT, FileSystem, Node

RECORDINGS_DIR = posixpath.join(STORAGE_ROOT, "Recordings")
EXTENSION = ".m4a"
BYTES_PER_SECOND = 16_000  # AAC at 128 kbit/s


@dataclass
class Recorder:
    """Idle -> recording (-> paused -> recording)* -> stopped; time comes from the caller's clock."""

    started_ms: int | None = None
    paused_at_ms: int | None = None
    paused_total_ms: int = 0

    @property
    def recording(self) -> bool:
        return self.started_ms is not None

    @property
    def paused(self) -> bool:
        return self.paused_at_ms is not None

    def start(self, now_ms: int) -> None:
        self.started_ms, self.paused_at_ms, self.paused_total_ms = now_ms, None, 0

    def pause(self, now_ms: int) -> None:
        if self.recording and not self.paused:
            self.paused_at_ms = now_ms

    def resume(self, now_ms: int) -> None:
        if self.paused_at_ms is not None:
            self.paused_total_ms += now_ms - self.paused_at_ms
            self.paused_at_ms = None

    def elapsed_ms(self, now_ms: int) -> int:
        """Recorded time so far (pauses excluded)."""
        if self.started_ms is None:
            return 0
        end = self.paused_at_ms if self.paused_at_ms is not None else now_ms
        return max(0, end - self.started_ms - self.paused_total_ms)

    def stop(self, now_ms: int) -> int:
        """Stop and return the recorded duration in milliseconds."""
        duration = self.elapsed_ms(now_ms)
        self.started_ms, self.paused_at_ms, self.paused_total_ms = None, None, 0
        return duration


def recordings(fs: FileSystem) -> list[Node]:
    """Saved recordings, newest first."""
    if not fs.is_dir(RECORDINGS_DIR):
        return []
    return sorted(fs.files(RECORDINGS_DIR), key=lambda n: (-n.mtime_ms, n.name))


def next_default_name(fs: FileSystem) -> str:
    """``Record-N`` for the smallest N not taken, as the app names new recordings."""
    taken = {n.name for n in recordings(fs)}
    n = 1
    while f"Record-{n}{EXTENSION}" in taken:
        n += 1
    return f"Record-{n}"


def save_recording(fs: FileSystem, stem: str, duration_ms: int, now_ms: int) -> str:
    """Write a recording file of a size matching its duration; returns its path.

    Like the real app, the extension is always appended to the name the user typed (so typing
    ``talk.m4a`` saves ``talk.m4a.m4a``, which is what AndroidWorld's check expects).
    """
    path = posixpath.join(RECORDINGS_DIR, (stem.strip() or next_default_name(fs)) + EXTENSION)
    size = max(1, duration_ms * BYTES_PER_SECOND // 1000)
    fs.write(path, content=f"<audio {duration_ms} ms>", mtime_ms=now_ms, size=size)
    return path


def format_duration(ms: int) -> str:
    """``mm:ss`` as the recorder's timer shows it."""
    seconds = ms // 1000
    return f"{seconds // 60:02d}:{seconds % 60:02d}"
