"""ALFWorld data: where it lives, its splits, and the games of a split.

Layout (ALFWorld's own): ``$ALFWORLD_DATA/json_2.1.1/<split>/<task>-<Obj>-<Mrecep>-<Recep>-<scene>/<trial>/
game.tw-pddl`` (+ ``traj_data.json``, optional here). Splits are named as ALFWorld names them.
"""

from __future__ import annotations

import json
import os
import random
import tarfile
from dataclasses import dataclass
from pathlib import Path

from vera.errors import ConfigError, DataError

DATA_VERSION_DIR = "json_2.1.1"
GAME_FILE = "game.tw-pddl"

SPLITS: dict[str, str] = {
    "train": "train",
    "eval_in_distribution": "valid_seen",
    "eval_out_of_distribution": "valid_unseen",
    "valid_train": "valid_train",
}
"""vera/ALFWorld split name -> directory under json_2.1.1."""

TASK_TYPES = ("pick_and_place_simple", "look_at_obj_in_light", "pick_clean_then_place_in_recep",
              "pick_heat_then_place_in_recep", "pick_cool_then_place_in_recep", "pick_two_obj_and_place")

NO_DATA_HINT = ("set ALFWORLD_DATA (or pass --data) to an ALFWorld data dir, or run `alfworld-download`; "
                "generated games work offline: `vera alfworld generate --n N --seed S --out DIR`, and the "
                "alfworld suite uses generated games when no data is given")


@dataclass(frozen=True)
class GameRef:
    """One game of a split."""

    name: str  # "<task dir>/<trial dir>", unique within a data dir
    split: str
    path: Path
    task_type: str


def split_dir_name(split: str) -> str:
    if split in SPLITS:
        return SPLITS[split]
    if split in SPLITS.values():
        return split
    raise ConfigError(f"unknown ALFWorld split {split!r}; choose one of: {', '.join(SPLITS)}")


# alfworld.info sets $ALFWORLD_DATA to this default when it is imported; it is not a user's choice.
ALFWORLD_DEFAULT_DATA = Path("~/.cache/alfworld").expanduser()


def resolve_data_dir(data: str | os.PathLike[str] | None = None) -> Path | None:
    """The data dir from `data` or $ALFWORLD_DATA (None when neither is set).

    alfworld's default (~/.cache/alfworld, which importing alfworld puts into $ALFWORLD_DATA) counts as
    unset while it holds no games, so that generated games remain the default.
    """
    raw = os.fspath(data) if data is not None else os.environ.get("ALFWORLD_DATA")
    if not raw:
        return None
    root = Path(raw).expanduser()
    if data is None and root == ALFWORLD_DEFAULT_DATA and not (root / DATA_VERSION_DIR).is_dir():
        return None
    if not root.is_dir():
        raise DataError(f"ALFWorld data dir {root} does not exist; {NO_DATA_HINT}")
    return root


def json_root(root: Path) -> Path:
    if (root / DATA_VERSION_DIR).is_dir():
        return root / DATA_VERSION_DIR
    if any((root / d).is_dir() for d in SPLITS.values()):
        return root
    raise DataError(f"{root} has no {DATA_VERSION_DIR}/ folder of ALFWorld games; {NO_DATA_HINT}")


def task_type_of(task_dir: str) -> str:
    """'pick_heat_then_place_in_recep-Apple-None-DiningTable-26' -> 'pick_heat_then_place_in_recep'."""
    return task_dir.split("-", 1)[0]


def find_games(root: Path, split: str) -> list[GameRef]:
    """Games of a split, sorted by name; skips what ALFWorld skips (dirs with 'movable' or 'Sliced')."""
    folder = split_dir_name(split)
    split_name = next((k for k, v in SPLITS.items() if v == folder), folder)
    base = json_root(root) / folder
    if not base.is_dir():
        raise DataError(f"split {split_name} ({base}) is missing; {NO_DATA_HINT}")
    games: list[GameRef] = []
    for path in sorted(base.glob(f"*/*/{GAME_FILE}")):
        trial, task = path.parent.name, path.parent.parent.name
        if "movable" in str(path.parent) or "Sliced" in str(path.parent):
            continue
        games.append(GameRef(name=f"{task}/{trial}", split=split_name, path=path, task_type=task_type_of(task)))
    return games


def sample_games(games: list[GameRef], n: int, seed: int) -> list[GameRef]:
    """A fixed seeded sample of `n` games, sorted by name (e.g. the 300-game train sample that CI checks:
    `sample_games(find_games(root, "train"), 300, seed=0)`)."""
    picked = random.Random(seed).sample(games, min(n, len(games)))
    return sorted(picked, key=lambda g: g.name)


def is_solvable(path: Path) -> bool:
    """The game file's `solvable` flag (ALFWorld skips unsolvable games)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return bool(json.load(handle).get("solvable", True))
    except (OSError, json.JSONDecodeError):
        return True  # a broken file is reported when it is played


def extract_archive(archive: str | os.PathLike[str], cache_dir: str | os.PathLike[str]) -> Path:
    """Unpack an ALFWorld .tar.xz into `cache_dir` once (keyed by archive size and mtime); return cache_dir."""
    archive = Path(archive)
    cache = Path(cache_dir)
    stat = archive.stat()
    stamp = cache / f".{archive.name}.{stat.st_size}.{int(stat.st_mtime)}.done"
    if stamp.exists():
        return cache
    cache.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:*") as tar:
        tar.extractall(cache, filter="data")
    stamp.write_text("ok\n")
    return cache
