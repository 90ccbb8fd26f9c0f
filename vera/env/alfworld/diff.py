"""Differential check: the fast engine against the real TextWorld env, step for step.

Each game is played by both engines with the same commands: the expert walkthrough, then `walks` random
walks of `steps` commands drawn uniformly (seeded) from the real env's admissible list. A step is
identical when the observation, the sorted admissible commands, `won`, `done` and the score all match.

`diff_game(..., record=True)` also keeps the real env's fingerprint of every step
(`vera.env.alfworld.fingerprint`), so that CI can later replay the fast engine against it without
TextWorld.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vera.env.alfworld.data import GAME_FILE, json_root, split_dir_name
from vera.env.alfworld.engine import MAX_STEPS, FastALFWorldEnv, load_game
from vera.env.alfworld.fingerprint import game_file_digest, outcome_hash, read_fingerprints, split_hashes
from vera.env.alfworld.textworld_env import TextWorldALFWorldEnv

Outcome = tuple  # (obs, infos) after reset, (obs, score, done, infos) after a step


@dataclass
class GameDiff:
    """Figures for one game (and, when recorded, the real env's fingerprint of every step)."""

    game: str
    episodes: int = 0
    steps: int = 0
    identical_steps: int = 0
    mismatches: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    fingerprint: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"game": self.game, "episodes": self.episodes, "steps": self.steps,
                "identical_steps": self.identical_steps, "mismatches": self.mismatches, "error": self.error}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GameDiff:
        return cls(game=data["game"], episodes=data["episodes"], steps=data["steps"],
                   identical_steps=data["identical_steps"], mismatches=list(data["mismatches"]),
                   error=data.get("error"))


def _walk_seed(game: str, walk: int, seed: int) -> int:
    digest = hashlib.sha256(f"{seed}:{walk}:{Path(game).parent.name}".encode()).hexdigest()
    return int(digest[:16], 16)


def episode_plans(path: str | Path, walkthrough: list[str], walks: int,
                  seed: int) -> list[tuple[str, list[str] | None, random.Random]]:
    """The episodes a game is checked with: (label, fixed commands or None for a random walk, its rng)."""
    plans: list[tuple[str, list[str] | None, random.Random]] = [
        ("walkthrough", list(walkthrough), random.Random(_walk_seed(str(path), -1, seed)))]
    plans += [(f"walk{w}", None, random.Random(_walk_seed(str(path), w, seed))) for w in range(walks)]
    return plans


def play_episode(env: Any, plan: list[str] | None, rng: random.Random,
                 steps: int) -> Iterator[tuple[str | None, Outcome]]:
    """Reset `env`, then play `plan` (all of it, also past `done`) or a random walk of up to `steps`
    commands chosen by `rng` from the admissible list, stopping at `done`.

    Yields (None, reset outcome), then (command, step outcome) for every step. This is the one place
    that decides which commands an episode plays; the differential check and the fingerprints use it.
    """
    out = env.reset()
    yield None, out
    count = len(plan) if plan is not None else steps
    for index in range(count):
        command = plan[index] if plan is not None else rng.choice(out[-1]["admissible_commands"])
        out = env.step(command)
        yield command, out
        if out[2] and plan is None:
            break


def _compare(where: dict[str, Any], real: tuple, fast: tuple) -> dict[str, Any] | None:
    fields = ("obs", "score", "done", "infos") if len(real) == 4 else ("obs", "infos")
    diffs: dict[str, Any] = {}
    for name, r, f in zip(fields, real, fast, strict=True):
        if name == "infos":
            for key in ("admissible_commands", "won"):
                if r[key] != f[key]:
                    diffs[key] = {"real": r[key], "fast": f[key]}
        elif r != f:
            diffs[name] = {"real": r, "fast": f}
    return {**where, **diffs} if diffs else None


def diff_game(path: str | Path, walks: int = 3, steps: int = MAX_STEPS, seed: int = 0,
              max_mismatches: int = 5, real_env: Callable[[str], Any] | None = None,
              record: bool = False, name: str | None = None) -> GameDiff:
    """Play the walkthrough and `walks` random walks in both engines and count identical steps.

    With `record`, `result.fingerprint` holds the real env's fingerprint of the game (see
    `vera.env.alfworld.fingerprint`), keyed by `name` (default: the path).
    """
    path = str(path)
    result = GameDiff(game=path)
    try:
        game = load_game(path)
        real = (real_env or TextWorldALFWorldEnv)(path)
    except Exception as exc:  # recorded, the sweep moves on
        result.error = f"{type(exc).__name__}: {exc}"
        if record:
            result.fingerprint = {"game": name or path, "error": result.error, "episodes": []}
        return result
    fast = FastALFWorldEnv(game)
    recorded: list[dict[str, Any]] = []
    for label, plan, rng in episode_plans(path, game.walkthrough, walks, seed):
        result.episodes += 1
        commands: list[str] = []
        hashes: list[str] = []
        for index, (command, real_out) in enumerate(play_episode(real, plan, rng, steps)):
            fast_out = fast.reset() if command is None else fast.step(command)
            if record:
                hashes.append(outcome_hash(real_out))
                if command is not None:
                    commands.append(command)
            result.steps += 1
            where = {"episode": label, "step": index, "command": command}
            bad = _compare(where, real_out, fast_out)
            if bad is None:
                result.identical_steps += 1
            elif len(result.mismatches) < max_mismatches:
                result.mismatches.append(bad)
        if record:
            recorded.append({"episode": label, "commands": commands, "hashes": "".join(hashes)})
    if record:
        result.fingerprint = {"game": name or path, "file": game_file_digest(path), "error": None,
                              "episodes": recorded}
    return result


def check_recorded(record: dict[str, Any], path: str | Path, max_mismatches: int = 5,
                   env: Callable[[str], Any] | None = None) -> GameDiff:
    """Replay a recorded game's commands in the fast engine (or `env`) and compare every step's hash
    with the real env's recorded one. A mismatch names the episode, the step, the command, both hashes
    and the fast engine's observation."""
    result = GameDiff(game=record["game"])
    if record.get("error"):
        result.error = f"the real env failed on this game when recorded: {record['error']}"
        return result
    try:
        if game_file_digest(path) != record["file"]:
            raise ValueError(f"{path} is not the game file that was recorded (its digest differs)")
        fast = env(str(path)) if env is not None else FastALFWorldEnv(load_game(path))
        for episode in record["episodes"]:
            expected = split_hashes(episode["hashes"])
            commands = episode["commands"]
            if len(expected) != len(commands) + 1:
                raise ValueError(f"episode {episode['episode']}: {len(expected)} hashes for "
                                 f"{len(commands)} commands (want one more hash than commands)")
            result.episodes += 1
            for index, want in enumerate(expected):
                command = commands[index - 1] if index else None
                out = fast.reset() if command is None else fast.step(command)
                got = outcome_hash(out)
                result.steps += 1
                if got == want:
                    result.identical_steps += 1
                elif len(result.mismatches) < max_mismatches:
                    result.mismatches.append({"episode": episode["episode"], "step": index, "command": command,
                                              "expected": want, "got": got, "obs": out[0]})
    except Exception as exc:  # recorded, the check moves on
        result.error = f"{type(exc).__name__}: {exc}"
    return result


def check_fingerprints(fingerprints: str | Path, root: Path, limit: int | None = None,
                       env: Callable[[str], Any] | None = None) -> tuple[dict[str, Any], list[GameDiff]]:
    """Check every game of a fingerprint file (or the first `limit`) against the data dir `root`:
    (the file's metadata, one GameDiff per game, sorted by name)."""
    meta, records, _ = read_fingerprints(fingerprints)
    base = json_root(root) / split_dir_name(meta["split"])
    names = sorted(records)[:limit] if limit is not None else sorted(records)
    results = [check_recorded(records[name], base / name / GAME_FILE, env=env) for name in names]
    return meta, results


def summarize(results: Iterable[GameDiff]) -> dict[str, Any]:
    """The JSON that `vera alfworld diff --json` prints."""
    results = list(results)
    steps = sum(r.steps for r in results)
    same = sum(r.identical_steps for r in results)
    return {
        "games": len(results),
        "episodes": sum(r.episodes for r in results),
        "steps": steps,
        "identical_steps": same,
        "identical_rate": (same / steps) if steps else 1.0,
        "mismatches": sum(r.steps - r.identical_steps for r in results),
        "games_with_mismatch": sum(1 for r in results if r.steps != r.identical_steps),
        "errors": [{"game": r.game, "error": r.error} for r in results if r.error],
        "examples": [m | {"game": r.game} for r in results for m in r.mismatches][:20],
    }
