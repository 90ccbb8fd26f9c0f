"""Fingerprints of the real ALFWorld env: a short hash of every step, recorded once, replayed in CI.

The real TextWorld env costs about 15 CPU-seconds per game for the walkthrough and 3 random walks, too
slow to run over hundreds of games in CI. `vera alfworld diff --record FILE` therefore keeps, per game
and per episode (the walkthrough, then walk 0..K-1, chosen as `vera.env.alfworld.diff` chooses them),
the commands played and, per step, a hash of what the real env returned. `vera alfworld fingerprint
check` (and the CI test) replays the same commands in the fast engine and compares hashes, so the fast
engine is checked against the real env over all recorded games in seconds.

A file holds hashes and commands only, never ALFWorld's text. Format: JSON lines, gzip-compressed when
the name ends in `.gz` (one gzip member per line while recording, so a killed run loses at most the line
being written and resumes). Line 1 is the metadata (`META_KEY`); every other line is one game:
``{"game": "<task dir>/<trial dir>", "file": <digest of game.tw-pddl>, "error": null | str,
"episodes": [{"episode": "walkthrough" | "walkN", "commands": [...], "hashes": "<HASH_CHARS per step>"}]}``
where ``hashes`` has one hash for the reset and one per command.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import zlib
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from vera.errors import DataError

FORMAT = "vera-alfworld-fingerprints/1"
META_KEY = "fingerprints"
HASH_CHARS = 10
HASH_SCHEME = ("blake2b(digest_size=5) hex of the UTF-8 JSON [obs, admissible_commands, won, done, score] "
               "(json.dumps, ensure_ascii=False, separators=(',', ':'); score as float; reset: done false, "
               "score 0.0)")
FILE_SCHEME = "blake2b(digest_size=8) hex of the game.tw-pddl bytes"
# Settings that must match for a resumed recording to append to an existing file.
_RUN_KEYS = ("format", "split", "walks", "steps", "seed", "hash")


def step_hash(obs: str, admissible: Iterable[str], won: bool, done: bool, score: float) -> str:
    """The fingerprint of one outcome (see HASH_SCHEME)."""
    text = json.dumps([obs, list(admissible), bool(won), bool(done), float(score)], ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=HASH_CHARS // 2).hexdigest()


def outcome_hash(out: tuple) -> str:
    """The fingerprint of a reset outcome (obs, infos) or a step outcome (obs, score, done, infos)."""
    infos = out[-1]
    done, score = (out[2], out[1]) if len(out) == 4 else (False, 0.0)
    return step_hash(out[0], infos["admissible_commands"], infos["won"], done, score)


def split_hashes(hashes: str) -> list[str]:
    """'aaaaabbbbb...' -> ['aaaaa', 'bbbbb', ...] in HASH_CHARS pieces."""
    if len(hashes) % HASH_CHARS:
        raise DataError(f"fingerprint hashes of length {len(hashes)} are not a multiple of {HASH_CHARS}")
    return [hashes[i:i + HASH_CHARS] for i in range(0, len(hashes), HASH_CHARS)]


def game_file_digest(path: str | os.PathLike[str]) -> str:
    """A digest of the game file, so that a check on other data says so instead of reporting mismatches."""
    return hashlib.blake2b(Path(path).read_bytes(), digest_size=8).hexdigest()


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def make_meta(split: str, walks: int, steps: int, seed: int, games: list[str]) -> dict[str, Any]:
    """The metadata line of a fingerprint file recorded with these settings."""
    return {META_KEY: {
        "format": FORMAT, "split": split, "walks": walks, "steps": steps, "seed": seed,
        "hash": HASH_SCHEME, "hash_chars": HASH_CHARS, "file_digest": FILE_SCHEME,
        "walk_choice": "vera.env.alfworld.diff.episode_plans / play_episode",
        "versions": {name: _version(name) for name in ("alfworld", "textworld", "fast_downward_textworld")},
        "games": sorted(games),
    }}


def _open(path: Path, mode: str) -> Any:
    if path.suffix == ".gz":
        return gzip.open(path, mode + "t", encoding="utf-8")
    return open(path, mode, encoding="utf-8")


def read_fingerprints(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, dict[str, Any]], bool]:
    """(metadata, game name -> record, complete). A torn last line (a killed recording) is dropped and
    `complete` is False then; anything else unreadable is a DataError naming the file."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"fingerprint file {path} does not exist; record one with "
                        "`vera alfworld diff --record FILE`")
    lines: list[str] = []
    complete = True
    try:
        with _open(path, "r") as handle:
            for line in handle:
                lines.append(line)
    except (EOFError, OSError, zlib.error):
        complete = False  # a gzip member cut short: keep the whole lines read so far
    meta: dict[str, Any] | None = None
    records: dict[str, dict[str, Any]] = {}
    for number, line in enumerate(lines, 1):
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            if number == len(lines):
                complete = False
                break
            raise DataError(f"{path}, line {number}: not JSON") from None
        if META_KEY in data:
            meta = data[META_KEY]
        elif "game" in data and "episodes" in data:
            records[data["game"]] = data
        else:
            raise DataError(f"{path}, line {number}: neither metadata nor a game record")
    if meta is None or meta.get("format") != FORMAT:
        raise DataError(f"{path} is not a {FORMAT} file (no metadata line)")
    return meta, records, complete


def write_fingerprints(path: str | os.PathLike[str], meta: dict[str, Any],
                       records: Iterable[dict[str, Any]]) -> None:
    """Write a whole file (metadata, then the records sorted by game), deterministically."""
    path = Path(path)
    ordered = sorted(records, key=lambda r: r["game"])
    text = "".join(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n"
                   for item in [{META_KEY: meta}, *ordered])
    tmp = path.with_name(path.name + ".tmp")
    if path.suffix == ".gz":
        with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle:
            handle.write(text.encode("utf-8"))
    else:
        tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def start_recording(path: str | os.PathLike[str], meta: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Open a recording: a new file gets `meta`; an existing one (a resumed run) must have the same
    settings, is repaired if its last line was torn, and its games are returned (they are skipped)."""
    path = Path(path)
    new = meta[META_KEY]
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_fingerprints(path, new, [])
        return {}
    old, records, complete = read_fingerprints(path)
    differing = [key for key in _RUN_KEYS if old.get(key) != new.get(key)]
    if differing:
        raise DataError(f"{path} was recorded with other settings ({', '.join(differing)}); "
                        "use another file or the same settings to resume")
    merged = old | {"games": sorted(set(old["games"]) | set(new["games"]))}
    if not complete or merged != old:
        write_fingerprints(path, merged, records.values())
    return records


def append_record(path: str | os.PathLike[str], record: dict[str, Any]) -> None:
    """Append one game's record (its own gzip member for .gz files), flushed when this returns."""
    path = Path(path)
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
    if path.suffix == ".gz":
        with open(path, "ab") as raw:
            raw.write(gzip.compress(line.encode("utf-8"), mtime=0))
    else:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line)


def compact(path: str | os.PathLike[str]) -> None:
    """Rewrite a recording as one sorted member (what gets committed)."""
    meta, records, _ = read_fingerprints(path)
    write_fingerprints(path, meta, records.values())
