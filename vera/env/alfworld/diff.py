"""Differential check: the fast engine against the real TextWorld env, step for step.

Each game is played by both engines with the same commands: the expert walkthrough, then `walks` random
walks of `steps` commands drawn uniformly (seeded) from the admissible list. A step is identical when the
observation, the sorted admissible commands, `won`, `done` and the score all match.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vera.env.alfworld.engine import MAX_STEPS, FastALFWorldEnv, load_game
from vera.env.alfworld.textworld_env import TextWorldALFWorldEnv


@dataclass
class GameDiff:
    """Figures for one game."""

    game: str
    episodes: int = 0
    steps: int = 0
    identical_steps: int = 0
    mismatches: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"game": self.game, "episodes": self.episodes, "steps": self.steps,
                "identical_steps": self.identical_steps, "mismatches": self.mismatches, "error": self.error}


def _walk_seed(game: str, walk: int, seed: int) -> int:
    digest = hashlib.sha256(f"{seed}:{walk}:{Path(game).parent.name}".encode()).hexdigest()
    return int(digest[:16], 16)


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
              max_mismatches: int = 5, real_env: Callable[[str], Any] | None = None) -> GameDiff:
    """Play the walkthrough and `walks` random walks in both engines and count identical steps."""
    path = str(path)
    result = GameDiff(game=path)
    try:
        game = load_game(path)
        real = (real_env or TextWorldALFWorldEnv)(path)
    except Exception as exc:  # recorded, the sweep moves on
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    fast = FastALFWorldEnv(game)
    plans: list[tuple[str, list[str] | None]] = [("walkthrough", list(game.walkthrough))]
    plans += [(f"walk{w}", None) for w in range(walks)]
    for label, plan in plans:
        rng = random.Random(_walk_seed(path, int(label[4:]) if plan is None else -1, seed))
        real_out = real.reset()
        fast_out = fast.reset()
        result.episodes += 1
        result.steps += 1
        bad = _compare({"episode": label, "step": 0, "command": None}, real_out, fast_out)
        if bad is None:
            result.identical_steps += 1
        elif len(result.mismatches) < max_mismatches:
            result.mismatches.append(bad)
        count = len(plan) if plan is not None else steps
        for index in range(count):
            admissible = real_out[-1]["admissible_commands"]
            command = plan[index] if plan is not None else rng.choice(admissible)
            real_out = real.step(command)
            fast_out = fast.step(command)
            result.steps += 1
            bad = _compare({"episode": label, "step": index + 1, "command": command}, real_out, fast_out)
            if bad is None:
                result.identical_steps += 1
            elif len(result.mismatches) < max_mismatches:
                result.mismatches.append(bad)
            if real_out[2] and plan is None:
                break
    return result


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
