"""Markor's view of storage: plain-text notes (``.md``/``.txt``) and folders under `MARKOR_ROOT`."""

from __future__ import annotations

import posixpath
import random

from vera.env.android.sim.apps.files_model import STORAGE_ROOT, FileSystem, Node, random_file_stem
from vera.env.android.sim.apps.sms_model import SENTENCES

MARKOR_ROOT = posixpath.join(STORAGE_ROOT, "Documents", "Markor")
NOTE_EXTENSIONS = (".md", ".txt")

# Folder names AndroidWorld's MarkorMoveNote draws from.
NOTE_FOLDERS = (
    "BookNotes",
    "CodeSnippets",
    "DailyNotes",
    "FitnessPlans",
    "MeetingMinutes",
    "PersonalJournal",
    "RecipeCollections",
    "StudyGuides",
    "TravelItineraries",
    "WorkProjects",
)

# Titles of the background notes that make a notes list look lived-in.
NOISE_TITLES = (
    "grocery_list_weekly.md",
    "meeting_notes_project_team.md",
    "personal_goals_2024.md",
    "reading_list_2024.md",
    "research_paper_summary.md",
    "summer_vacation_plans.md",
    "budget_home_renovation.md",
    "april_workout_routine.md",
    "birthday_gift_ideas_mom.md",
    "recipe_homemade_pizza.md",
    "weekend_todo_list.md",
    "insurance_plan_comparison.md",
    "art_project_sketches.md",
    "python_learning_goals.md",
    "trip_reflections_recent.md",
    "startup_ideas_launch.md",
)


def random_note_name(rng: random.Random) -> str:
    return random_file_stem(rng) + rng.choice(NOTE_EXTENSIONS)


def random_sentence(rng: random.Random) -> str:
    return rng.choice(SENTENCES)


def note_path(name: str, folder: str = "") -> str:
    """Absolute path of a note (``folder`` relative to Markor's root)."""
    return posixpath.join(MARKOR_ROOT, folder, name) if folder else posixpath.join(MARKOR_ROOT, name)


def add_noise_notes(
    fs: FileSystem, rng: random.Random, count: int, mtime_ms: int, avoid: tuple[str, ...] = ()
) -> list[str]:
    """Write ``count`` background notes with distinct titles not in ``avoid``; returns their names."""
    pool = [t for t in NOISE_TITLES if t not in avoid]
    names = rng.sample(pool, k=min(count, len(pool)))
    for offset, name in enumerate(names):
        fs.write(note_path(name), random_sentence(rng), mtime_ms=mtime_ms - 60_000 * (offset + 1))
    return names


def entries(fs: FileSystem, folder: str = "") -> list[Node]:
    """What Markor's file browser lists in a folder (relative to its root): folders, then notes."""
    path = posixpath.join(MARKOR_ROOT, folder) if folder else MARKOR_ROOT
    fs.mkdir(path)
    return fs.listdir(path)


def all_notes(fs: FileSystem) -> list[str]:
    """Paths of every file under Markor's root."""
    return fs.walk_files(MARKOR_ROOT) if fs.exists(MARKOR_ROOT) else []


def newest_note(fs: FileSystem) -> str | None:
    """Path of the most recently modified note at Markor's root."""
    notes = fs.files(MARKOR_ROOT) if fs.exists(MARKOR_ROOT) else []
    if not notes:
        return None
    return note_path(max(notes, key=lambda n: n.mtime_ms).name)
