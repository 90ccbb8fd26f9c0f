"""Speed of the fast ALFWorld engine against the real TextWorld env, side by side on the same games.

Both engines play the same command sequences (a seeded random walk of admissible commands per game,
recorded from the real env). Reported: steps/s (step time only), reset ms (a reset of a loaded game;
TextWorld's reset re-translates the PDDL), load ms, and their ratios. The fast engine replays each
sequence `--repeat` times for a stable figure; all of its steps are checked identical to the real ones.

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

    real_load = real_reset = real_step = 0.0
    real_steps = 0
    sequences: list[tuple[Path, list[str], list[tuple]]] = []
    for ref in refs:
        t0 = time.perf_counter()
        env = TextWorldALFWorldEnv(ref.path)
        real_load += time.perf_counter() - t0
        t0 = time.perf_counter()
        obs, infos = env.reset()
        real_reset += time.perf_counter() - t0
        commands, outputs = [], [(obs, infos["admissible_commands"], infos["won"])]
        for _ in range(args.steps):
            command = rng.choice(infos["admissible_commands"])
            t0 = time.perf_counter()
            obs, score, done, infos = env.step(command)
            real_step += time.perf_counter() - t0
            real_steps += 1
            commands.append(command)
            outputs.append((obs, infos["admissible_commands"], infos["won"]))
            if done:
                break
        sequences.append((ref.path, commands, outputs))

    fast_load = fast_reset = fast_step = 0.0
    fast_steps = fast_resets = 0
    identical = True
    for path, commands, outputs in sequences:
        t0 = time.perf_counter()
        game = load_game(path)
        fast_load += time.perf_counter() - t0
        env = FastALFWorldEnv(game)
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            obs, infos = env.reset()
            fast_reset += time.perf_counter() - t0
            fast_resets += 1
            got = [(obs, infos["admissible_commands"], infos["won"])]
            for command in commands:
                t0 = time.perf_counter()
                obs, score, done, infos = env.step(command)
                fast_step += time.perf_counter() - t0
                fast_steps += 1
                got.append((obs, infos["admissible_commands"], infos["won"]))
            identical = identical and got == outputs

    real_sps = real_steps / real_step if real_step else 0.0
    fast_sps = fast_steps / fast_step if fast_step else 0.0
    n = len(sequences)
    result = {
        "benchmark": "alfworld",
        "data": source,
        "split": args.split,
        "games": n,
        "steps_per_game": args.steps,
        "real": {"steps_per_s": round(real_sps, 2), "reset_ms": round(real_reset / n * 1000, 2),
                 "load_ms": round(real_load / n * 1000, 2), "steps": real_steps},
        "fast": {"steps_per_s": round(fast_sps, 1), "reset_ms": round(fast_reset / fast_resets * 1000, 3),
                 "load_ms": round(fast_load / n * 1000, 2), "steps": fast_steps},
        "speedup_steps": round(fast_sps / real_sps, 1) if real_sps else None,
        "speedup_reset": round((real_reset / n) / (fast_reset / fast_resets), 1) if fast_resets else None,
        "identical": identical,
        "goal_met": bool(real_sps and fast_sps / real_sps >= 200 and fast_reset / fast_resets <= 0.010),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }
    if not args.json:
        print(f"real TextWorld: {result['real']}", file=sys.stderr)
        print(f"fast engine:    {result['fast']}", file=sys.stderr)
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
