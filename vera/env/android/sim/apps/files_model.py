"""A small in-memory file system: the shared storage that Files, Markor and Audio Recorder read and write.

Paths are POSIX strings rooted at ``/``; the phone's user storage is `STORAGE_ROOT`
(``/storage/emulated/0``, shown as "sdk_gphone_x86_64" in the Files app, as on AndroidWorld's emulator).
Every file carries a modification time in virtual-clock milliseconds, so "newest" is well defined.
"""

from __future__ import annotations

import posixpath
import random
from dataclasses import dataclass, field

from vera.errors import VeraError

STORAGE_ROOT = "/storage/emulated/0"
STORAGE_LABEL = "sdk_gphone_x86_64"

# The standard top-level folders of Android shared storage, each with names of files that typically live
# there (used as noise files and as task targets).
STANDARD_FOLDERS: dict[str, tuple[str, ...]] = {
    "Alarms": ("morning_chime.mp3", "gentle_wake.ogg", "rooster_call.mp3", "soft_bells.ogg"),
    "Audiobooks": ("the_long_road_ch1.mp3", "sea_stories_part2.m4b", "mystery_manor.mp3", "history_101.m4b"),
    "DCIM": ("IMG_20230412_101500.jpg", "holiday_photos.jpg", "beach_sunset.jpg", "VID_20230501_1830.mp4"),
    "Documents": ("tax_summary_2022.pdf", "lease_agreement.pdf", "project_plan.docx", "notes_backup.txt"),
    "Download": ("invoice_3321.pdf", "app_manual.pdf", "wallpaper_hd.png", "dataset_sample.csv"),
    "Movies": ("family_trip.mp4", "birthday_party.mp4", "drone_footage.mov", "graduation.mp4"),
    "Music": ("summer_hits.mp3", "jazz_evening.flac", "road_trip_mix.mp3", "piano_focus.mp3"),
    "Notifications": ("ping_short.mp3", "ding_soft.ogg", "chirp_alert.mp3", "bubble_pop.ogg"),
    "Pictures": ("screenshot_0412.png", "cat_portrait.jpg", "mountain_view.jpg", "receipt_scan.png"),
    "Podcasts": ("tech_talk_ep12.mp3", "daily_news_0930.mp3", "science_hour_ep4.mp3", "cooking_show.mp3"),
    "Recordings": (),  # the recorder's folder starts empty
    "Ringtones": ("classic_ring.mp3", "marimba_loop.ogg", "retro_phone.mp3", "calm_tone.ogg"),
}

_ADJECTIVES = (
    "bold",
    "brave",
    "busy",
    "calm",
    "clever",
    "eager",
    "fair",
    "fancy",
    "gentle",
    "happy",
    "jolly",
    "kind",
    "lively",
    "lucky",
    "neat",
    "proud",
    "quick",
    "quiet",
    "shy",
    "silly",
    "smart",
    "strong",
    "swift",
    "tough",
    "wise",
    "witty",
    "zesty",
)
_NOUNS = (
    "ant",
    "banana",
    "cat",
    "dolphin",
    "eagle",
    "fox",
    "giraffe",
    "hat",
    "jacket",
    "kangaroo",
    "king",
    "koala",
    "lion",
    "moon",
    "owl",
    "panda",
    "penguin",
    "river",
    "tiger",
    "umbrella",
    "wolf",
    "yacht",
    "zebra",
)
_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class FileSystemError(VeraError):
    """A file operation named a path that does not exist or already exists."""


def random_string(rng: random.Random, length: int) -> str:
    """Letters and digits, like AndroidWorld's random strings."""
    return "".join(rng.choice(_ALNUM) for _ in range(length))


def random_file_stem(rng: random.Random) -> str:
    """A readable file name stem in one of AndroidWorld's shapes: ``wise_yacht_2023_01_26``, ``2023_01_26_
    wise_yacht``, ``bold_king_edited``, ``shy_king_copy``, ``fair_ant_XOdi``."""
    base = f"{rng.choice(_ADJECTIVES)}_{rng.choice(_NOUNS)}"
    date = f"2023_{rng.randint(1, 12):02d}_{rng.randint(1, 28):02d}"
    shape = rng.randrange(5)
    if shape == 0:
        return f"{date}_{base}"
    if shape == 1:
        return f"{base}_{date}"
    if shape == 2:
        return f"{base}_{rng.choice(('edited', 'copy', 'final', 'draft'))}"
    if shape == 3:
        return f"{base}_{random_string(rng, 4)}"
    return base


@dataclass
class Node:
    """A file or folder. Folders keep their children by name; files keep text content."""

    name: str
    is_dir: bool
    mtime_ms: int = 0
    content: str = ""
    size: int | None = None  # bytes; None means len(content.encode())
    children: dict[str, Node] = field(default_factory=dict)

    @property
    def byte_size(self) -> int:
        if self.is_dir:
            return 0
        return self.size if self.size is not None else len(self.content.encode())


def split(path: str) -> tuple[str, str]:
    """(parent folder, base name) of a normalized path."""
    path = posixpath.normpath(path)
    return posixpath.dirname(path), posixpath.basename(path)


class FileSystem:
    """An in-memory tree of folders and text files with modification times."""

    def __init__(self) -> None:
        self.root = Node("", is_dir=True)

    # -- lookup -------------------------------------------------------------------------------------------
    def node(self, path: str) -> Node | None:
        """The node at ``path``, or None."""
        current = self.root
        for part in [p for p in posixpath.normpath(path).split("/") if p]:
            if not current.is_dir or part not in current.children:
                return None
            current = current.children[part]
        return current

    def exists(self, path: str) -> bool:
        return self.node(path) is not None

    def is_dir(self, path: str) -> bool:
        found = self.node(path)
        return found is not None and found.is_dir

    def _dir(self, path: str) -> Node:
        found = self.node(path)
        if found is None or not found.is_dir:
            raise FileSystemError(f"no folder {path!r}; create it first with mkdir")
        return found

    def listdir(self, path: str) -> list[Node]:
        """Children of a folder: folders first, then files, each alphabetically (case-insensitive)."""
        children = list(self._dir(path).children.values())
        return sorted(children, key=lambda n: (not n.is_dir, n.name.lower()))

    def files(self, path: str) -> list[Node]:
        """The plain files directly inside a folder."""
        return [n for n in self.listdir(path) if not n.is_dir]

    def walk_files(self, path: str) -> list[str]:
        """Paths of every file below a folder, depth first."""
        out: list[str] = []
        for child in self.listdir(path):
            child_path = posixpath.join(path, child.name)
            out.extend(self.walk_files(child_path) if child.is_dir else [child_path])
        return out

    def read(self, path: str) -> str:
        found = self.node(path)
        if found is None or found.is_dir:
            raise FileSystemError(f"no file {path!r}")
        return found.content

    # -- changes ------------------------------------------------------------------------------------------
    def mkdir(self, path: str, mtime_ms: int = 0) -> Node:
        """Create a folder and any missing parents; an existing folder is returned unchanged."""
        current = self.root
        for part in [p for p in posixpath.normpath(path).split("/") if p]:
            child = current.children.get(part)
            if child is None:
                child = current.children[part] = Node(part, is_dir=True, mtime_ms=mtime_ms)
            elif not child.is_dir:
                raise FileSystemError(f"{part!r} in {path!r} is a file, not a folder")
            current = child
        return current

    def write(self, path: str, content: str = "", mtime_ms: int = 0, size: int | None = None) -> Node:
        """Create or overwrite a file (its folder must exist or is created)."""
        parent, name = split(path)
        folder = self.mkdir(parent)
        existing = folder.children.get(name)
        if existing is not None and existing.is_dir:
            raise FileSystemError(f"{path!r} is a folder; pick another file name")
        node = Node(name, is_dir=False, mtime_ms=mtime_ms, content=content, size=size)
        folder.children[name] = node
        return node

    def delete(self, path: str) -> None:
        """Remove a file or a whole folder."""
        parent, name = split(path)
        folder = self._dir(parent)
        if name not in folder.children:
            raise FileSystemError(f"no file or folder {path!r} to delete")
        del folder.children[name]

    def move(self, path: str, dest_dir: str) -> str:
        """Move a file or folder into another folder; returns the new path."""
        parent, name = split(path)
        source = self._dir(parent)
        target = self._dir(dest_dir)
        if name not in source.children:
            raise FileSystemError(f"no file or folder {path!r} to move")
        if name in target.children:
            raise FileSystemError(f"{dest_dir!r} already has {name!r}; rename one of them first")
        target.children[name] = source.children.pop(name)
        return posixpath.join(dest_dir, name)

    def rename(self, path: str, new_name: str, mtime_ms: int | None = None) -> str:
        """Rename in place; returns the new path."""
        parent, name = split(path)
        folder = self._dir(parent)
        if name not in folder.children:
            raise FileSystemError(f"no file or folder {path!r} to rename")
        if new_name != name and new_name in folder.children:
            raise FileSystemError(f"{parent!r} already has {new_name!r}")
        node = folder.children.pop(name)
        node.name = new_name
        if mtime_ms is not None:
            node.mtime_ms = mtime_ms
        folder.children[new_name] = node
        return posixpath.join(parent, new_name)


def standard_storage(rng: random.Random | None = None, mtime_ms: int = 0) -> FileSystem:
    """A file system with the standard shared-storage folders, each holding a few typical files."""
    fs = FileSystem()
    for folder, names in STANDARD_FOLDERS.items():
        fs.mkdir(posixpath.join(STORAGE_ROOT, folder), mtime_ms=mtime_ms)
        chosen = names if rng is None or not names else rng.sample(names, k=rng.randint(1, len(names)))
        for age, name in enumerate(chosen):  # a day apart, so the files do not all share one time
            fs.write(
                posixpath.join(STORAGE_ROOT, folder, name),
                size=1024 * (1 + len(name)),
                mtime_ms=mtime_ms - age * 86_400_000 - 3_600_000 * (len(name) % 9),
            )
    return fs
