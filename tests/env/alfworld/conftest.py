"""Fixtures for the ALFWorld tests: the real data, unpacked once into a cache outside the repository.

The archives live in ``shared/data/alfworld`` beside the repository (``<repo>/../shared``) or under
``$VERA_SHARED``; they are extracted into ``$VERA_CACHE/alfworld`` (default ``~/.cache/vera/alfworld``),
keyed by archive size and mtime, so later runs reuse the files. Tests that need the data skip when the
archives are absent (a checkout without shared/).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vera.env.alfworld.data import extract_archive

REPO = Path(__file__).resolve().parents[3]


def shared_dir() -> Path:
    return Path(os.environ.get("VERA_SHARED") or REPO.parent / "shared")


def cache_dir() -> Path:
    base = os.environ.get("VERA_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "vera")
    return Path(base) / "alfworld"


def _extract(name: str) -> Path:
    archive = shared_dir() / "data" / "alfworld" / f"alfworld-{name}.tar.xz"
    if not archive.exists():
        pytest.skip(f"ALFWorld archive {archive} not available")
    return extract_archive(archive, cache_dir())


@pytest.fixture(scope="session")
def alfworld_valid_seen() -> Path:
    """An ALFWorld data dir holding json_2.1.1/valid_seen (140 games)."""
    return _extract("valid_seen")


@pytest.fixture(scope="session")
def alfworld_data(alfworld_valid_seen: Path) -> Path:
    """An ALFWorld data dir holding valid_seen, train and valid_train."""
    return _extract("train")
