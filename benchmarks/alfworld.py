"""Speed of the fast ALFWorld engine against the real TextWorld env, side by side on the same games.

Both engines play the same command sequences (a seeded random walk of admissible commands per game,
recorded from the real env). Reported: steps/s (step time only), reset ms (a reset of a loaded game;
TextWorld's reset re-translates the PDDL), load ms, and their ratios. The fast engine replays each
sequence `--repeat` times for a stable figure; all of its steps are checked identical to the real ones.
Times are CPU seconds of this (single-threaded) process, so that other jobs on a shared machine do not
skew the ratio; wall-clock rates are reported beside.

    vera bench alfworld --json [--data DIR] [--split eval_in_distribution] [--games 4] [--steps 50]

Prints one JSON object as its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from pathlib import Path


def _data_dir(data: str | None) -> tuple[Path, str]:
    from vera.env.alfworld.data import resolve_data_dir

    root = resolve_data_dir(data)
    if root is not None:
        return root, "alfworld"
    from vera.env.alfworld.generate import default_games_dir

    return Path(default_games_dir(["valid_seen"])), "generated"


class Clock:
    """Accumulates CPU and wall time of the timed sections."""

    def __init__(self) -> None:
        self.cpu = 0.0
        self.wall = 0.0
        self._start = (0.0, 0.0)

    def __enter__(self) -> Clock:
        self._start = (time.process_time(), time.perf_counter())
        return self

    def __exit__(self, *exc: object) -> None:
        self.cpu += time.process_time() - self._start[0]
        self.wall += time.perf_counter() - self._start[1]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=None, help="ALFWorld data dir (default $ALFWORLD_DATA, else generated)")
    parser.add_argument("--split", default="eval_in_distribution")
    parser.add_argument("--games", type=int, default=4, help="games played by both engines")
    parser.add_argument("--steps", type=int, default=50, help="commands per game")
    parser.add_argument("--repeat", type=int, default=20, help="replays of each sequence by the fast engine")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print only the JSON line")
    args = parser.parse_args(argv)

    from vera.env.alfworld.data import find_games
    from vera.env.alfworld.engine import FastALFWorldEnv, load_game
    from vera.env.alfworld.textworld_env import TextWorldALFWorldEnv

    root, source = _data_dir(args.data)
    refs = find_games(root, args.split)
    refs = sorted(random.Random(args.seed).sample(refs, min(args.games, len(refs))), key=lambda r: r.name)
    rng = random.Random(args.seed)

    real_load, real_reset, real_step = Clock(), Clock(), Clock()
    real_steps = 0
    sequences: list[tuple[Path, list[str], list[tuple]]] = []
    for ref in refs:
        with real_load:
            env = TextWorldALFWorldEnv(ref.path)
        with real_reset:
            obs, infos = env.reset()
        commands, outputs = [], [(obs, infos["admissible_commands"], infos["won"])]
        for _ in range(args.steps):
            command = rng.choice(infos["admissible_commands"])
            with real_step:
                obs, score, done, infos = env.step(command)
            real_steps += 1
            commands.append(command)
            outputs.append((obs, infos["admissible_commands"], infos["won"]))
            if done:
                break
        sequences.append((ref.path, commands, outputs))

    fast_load, fast_reset, fast_step = Clock(), Clock(), Clock()
    fast_steps = fast_resets = 0
    identical = True
    for path, commands, outputs in sequences:
        with fast_load:
            game = load_game(path)
        env = FastALFWorldEnv(game)
        obs, infos = env.reset()  # checked once, then timed without per-step bookkeeping
        got = [(obs, infos["admissible_commands"], infos["won"])]
        for command in commands:
            obs, score, done, infos = env.step(command)
            got.append((obs, infos["admissible_commands"], infos["won"]))
        identical = identical and got == outputs
        with fast_reset:
            for _ in range(args.repeat):
                env.reset()
        fast_resets += args.repeat
        episode = Clock()
        with episode:
            for _ in range(args.repeat):
                env.reset()
                for command in commands:
                    env.step(command)
        fast_steps += args.repeat * len(commands)
        # step time = episode time minus the time of its resets (measured just above)
        fast_step.cpu += max(episode.cpu - fast_reset.cpu / fast_resets * args.repeat, 1e-9)
        fast_step.wall += max(episode.wall - fast_reset.wall / fast_resets * args.repeat, 1e-9)

    n = len(sequences)

    def figures(load: Clock, reset: Clock, step: Clock, steps: int, resets: int) -> dict:
        return {"steps_per_s": round(steps / step.cpu, 2) if step.cpu else None,
                "reset_ms": round(reset.cpu / resets * 1000, 3), "load_ms": round(load.cpu / n * 1000, 2),
                "steps": steps, "wall_steps_per_s": round(steps / step.wall, 2) if step.wall else None,
                "wall_reset_ms": round(reset.wall / resets * 1000, 3)}

    real = figures(real_load, real_reset, real_step, real_steps, n)
    fast = figures(fast_load, fast_reset, fast_step, fast_steps, fast_resets)
    speedup = round(fast["steps_per_s"] / real["steps_per_s"], 1) if real["steps_per_s"] else None
    result = {
        "benchmark": "alfworld",
        "data": source,
        "split": args.split,
        "games": n,
        "steps_per_game": args.steps,
        "clock": "process CPU time (wall_* keys: wall clock)",
        "real": real,
        "fast": fast,
        "speedup_steps": speedup,
        "speedup_reset": round(real["reset_ms"] / fast["reset_ms"], 1) if fast["reset_ms"] else None,
        "identical": identical,
        "goal_met": bool(speedup and speedup >= 200 and fast["reset_ms"] <= 10),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }
    if not args.json:
        print(f"real TextWorld: {result['real']}", file=sys.stderr)
        print(f"fast engine:    {result['fast']}", file=sys.stderr)
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
