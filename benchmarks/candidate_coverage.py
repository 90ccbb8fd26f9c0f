"""Slot coverage of V-Droid's candidate set on SimDroid.

Walks every task's UI-only oracle (seeds 0..N-1) and counts the oracle steps whose action is in the
candidate set vera builds without an LLM (slots filled from the goal and the screen). Goal: 100%.

    python benchmarks/candidate_coverage.py --seeds 3 --json     (or: vera bench candidate_coverage --json)

Prints one JSON object as its last line: coverage overall and per task, candidate-set sizes, and the
missed actions.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict

from vera.agents.policy import VDroidPolicy
from vera.train.episodes import walk_oracle
from vera.verifier.candidates import find_candidate
from vera.verifier.prompt import CompactPrompt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--tasks", default="", help="comma-separated task names (default: all)")
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    args = parser.parse_args()

    from vera.env.android.sim.registry import task_classes

    names = [n for n in args.tasks.split(",") if n] or list(task_classes())
    policy = VDroidPolicy(scorer=None, style=CompactPrompt())  # type: ignore[arg-type]  # candidates only

    started = time.perf_counter()
    per_task: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    sizes: list[int] = []
    missed: list[dict[str, object]] = []
    walk_errors: list[dict[str, object]] = []
    for name in names:
        for seed in range(args.seeds):
            walk = walk_oracle(name, seed, policy)
            if walk.error:
                walk_errors.append({"task": name, "seed": seed, "error": walk.error})
            for step in walk.steps:
                cands = step.candidates or []
                sizes.append(len(cands))
                hit = find_candidate(cands, step.action) is not None
                per_task[name][0] += int(hit)
                per_task[name][1] += 1
                if not hit:
                    missed.append({"task": name, "seed": seed, "step": step.step,
                                   "action": step.action.json_str()})
    covered = sum(v[0] for v in per_task.values())
    total = sum(v[1] for v in per_task.values())
    result = {
        "benchmark": "candidate_coverage",
        "tasks": len(names), "seeds": args.seeds, "oracle_steps": total, "covered": covered,
        "coverage": round(covered / total, 4) if total else None,
        "candidates_per_step": {"median": statistics.median(sizes) if sizes else 0,
                                "max": max(sizes) if sizes else 0},
        "per_task": {k: round(v[0] / v[1], 4) for k, v in sorted(per_task.items()) if v[1]},
        "missed": missed[:50], "oracle_walk_errors": walk_errors[:20],
        "elapsed_s": round(time.perf_counter() - started, 2),
    }
    if not args.json:
        print(f"coverage {covered}/{total} = {result['coverage']}")
        for item in missed[:20]:
            print("missed:", item)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
