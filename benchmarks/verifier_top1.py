"""Step accuracy of a verifier on SimDroid: how often the oracle's action scores highest among all candidates.

Walks the UI-only oracle of every task of a split at the given seeds (the P3 trainer uses seeds 0..N-1,
so pick others for unseen instances) and, in each oracle state whose action is in the candidate set,
scores the whole candidate set as the agent would. A task of k steps is solved end to end only if
about all k decisions are right, so this is the figure that bounds task success. With ``--baseline``
a second scorer is measured on the same states in the same process.

    python benchmarks/verifier_top1.py --split train --seeds 100 --json
    python benchmarks/verifier_top1.py --split heldout --seeds 100 --baseline encoder:OLD.safetensors --json
    (or: vera bench verifier_top1 --json)

Prints one JSON object as its last line: states, top-1 accuracy overall and by the oracle's action
type, the commonest confusions (oracle type -> chosen type), and per-task accuracy.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from typing import Any

from vera.agents.policy import VDroidPolicy, build_scorer
from vera.memory.working import WorkingMemory
from vera.train.episodes import OracleStep
from vera.train.p3 import oracle_steps
from vera.verifier.candidates import find_candidate
from vera.verifier.prompt import CompactPrompt, build_prompts


def measure(spec: str, states: list[OracleStep]) -> dict[str, Any]:
    scorer, style = build_scorer(spec)
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    per_task: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    confusions: Counter[str] = Counter()
    started = time.perf_counter()
    for step in states:
        cands = step.candidates or []
        positive = find_candidate(cands, step.action)
        if positive is None:
            continue  # not coverable: candidate_coverage counts these
        context, texts = build_prompts(style, step.goal, style.history(WorkingMemory(step.memory)),
                                       step.elements, cands)
        scores = scorer.score(context, texts)
        chosen = cands[max(range(len(cands)), key=scores.__getitem__)]
        right = chosen.text == positive.text
        totals[positive.kind] += 1
        hits[positive.kind] += int(right)
        per_task[step.task][0] += int(right)
        per_task[step.task][1] += 1
        if not right:
            confusions[f"{positive.kind} -> {chosen.kind}"] += 1
    n = sum(totals.values())
    return {
        "scorer": spec, "states": n, "top1": round(sum(hits.values()) / max(n, 1), 4),
        "by_action": {k: {"states": totals[k], "top1": round(hits[k] / totals[k], 4)} for k in sorted(totals)},
        "confusions": dict(confusions.most_common(10)),
        "per_task": {t: round(v[0] / v[1], 3) for t, v in sorted(per_task.items())},
        "elapsed_s": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="train", help="train, heldout or all")
    parser.add_argument("--seeds", default="100", help="comma-separated instance seeds (default 100: unseen "
                                                     "by the shipped recipe, which trains on 0..9)")
    parser.add_argument("--scorer", default="encoder", help="scorer spec, as `vera run -o scorer=`")
    parser.add_argument("--baseline", default="", help="a second scorer spec, measured on the same states")
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    args = parser.parse_args()

    from vera.env.android.sim.suite import SimDroidSuite

    tasks = [t.name for t in SimDroidSuite().tasks(args.split)]
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    candidates_only = VDroidPolicy(scorer=None, style=CompactPrompt())  # type: ignore[arg-type]
    states = oracle_steps(tasks, seeds, candidates_only)  # with the candidate sets an agent would see
    result: dict[str, Any] = {"benchmark": "verifier_top1", "split": args.split, "seeds": seeds,
                              "tasks": len(tasks), **measure(args.scorer, states)}
    if args.baseline:
        result["baseline"] = measure(args.baseline, states)
    if not args.json:
        print(f"{args.scorer}: top-1 {result['top1']:.3f} over {result['states']} oracle states")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
