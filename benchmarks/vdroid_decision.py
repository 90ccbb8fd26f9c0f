"""Decision latency of the V-Droid agent with the shipped default verifier on SimDroid (CPU).

A decision is everything between a screen and the chosen action: candidate extraction (slots filled),
the screen's HTML, the prompt, and verifier scoring (MiniLM embeddings cached by text + the head).
The agent plays each task on its own (real on-policy screens, in order, so the embedding cache sees
the re-use a real episode offers); the first decision of the process (cold cache) is reported apart.

    python benchmarks/vdroid_decision.py --json        (or: vera bench vdroid_decision --json)
    python benchmarks/vdroid_decision.py --baseline encoder:OLD.safetensors --json   # side by side, one process

Goal: median <= 150 ms on this machine. Prints one JSON object as its last line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

DEFAULT_TASKS = "SystemWifiTurnOn,ContactsAddContact,ExpenseAddSingle,SimpleCalendarAddOneEvent,TasksDueOnDate"


def measure(spec: str, tasks: list[str], seed: int) -> dict[str, Any]:
    """Play `tasks` with the verifier agent over `spec`; decision latencies and candidate-set sizes."""
    import torch

    from vera.agents.policy import VDroidPolicy, build_scorer
    from vera.env.android import types as T
    from vera.memory.working import RuleSummarizer, StepOutcome, WorkingMemory
    from vera.train.episodes import start_episode
    from vera.verifier.encoder import encoder_members

    started = time.perf_counter()
    scorer, style = build_scorer(spec)
    load_s = time.perf_counter() - started
    times: list[float] = []
    sizes: list[int] = []
    per_task: dict[str, dict[str, float]] = {}
    for name in tasks:
        episode = start_episode(name, seed)
        policy = VDroidPolicy(scorer, style, app_names=list(episode.app_names))
        memory, summarizer, answer, success = WorkingMemory(), RuleSummarizer(), "", 0.0
        task_times = []
        for _ in range(episode.max_steps):
            elements = list(episode.env.ui_elements())
            t0 = time.perf_counter()
            decision = policy.decide(episode.goal, memory, elements)
            task_times.append((time.perf_counter() - t0) * 1000)
            sizes.append(len(decision.candidates))
            action = decision.chosen.action
            error = None
            try:
                episode.env.execute_action(action)
            except Exception as exc:  # recorded, the agent goes on
                error = str(exc)
            if action is not None and action.action_type == T.ANSWER:
                answer = action.text or ""
            if action is not None and action.action_type == T.STATUS:
                success = episode.success(answer)
                break
            after = list(episode.env.ui_elements())
            memory.add(decision.chosen.text,
                       summarizer.summarize(StepOutcome(episode.goal, decision.chosen, elements, after, error)))
        times.extend(task_times)
        per_task[name] = {"decisions": len(task_times), "median_ms": round(statistics.median(task_times), 1),
                          "success": success}
    warm = times[1:] or times
    ordered = sorted(warm)
    stats = getattr(getattr(scorer, "embedder", None), "stats", None)
    heads = [m.head for m in encoder_members(scorer)]  # an ensemble's heads, one head, or none
    head = heads[0] if heads else None
    return {
        "scorer": spec, "decisions": len(times),
        "median_ms": round(statistics.median(warm), 1), "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 1),
        "mean_ms": round(statistics.mean(warm), 1), "first_decision_ms": round(times[0], 1),
        "candidates_per_decision": {"median": statistics.median(sizes), "max": max(sizes)},
        "load_s": round(load_s, 2), "torch_threads": torch.get_num_threads(), "per_task": per_task,
        "embedding_cache": dict(stats) if stats else None,
        "head": {"text_form": head.config.text_form, "features": head.config.features, "heads": len(heads)}
        if head is not None else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default=DEFAULT_TASKS)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scorer", default="encoder")
    parser.add_argument("--baseline", default="",
                        help="another scorer spec measured in the same process (e.g. encoder:OLD.safetensors)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    tasks = [t for t in args.tasks.split(",") if t]
    result: dict[str, Any] = {"benchmark": "vdroid_decision", **measure(args.scorer, tasks, args.seed),
                              "goal_median_ms": 150}
    if args.baseline:
        result["baseline"] = measure(args.baseline, tasks, args.seed)
        result["speedup_median"] = round(result["baseline"]["median_ms"] / max(result["median_ms"], 1e-9), 2)
    if not args.json:
        print(f"median decision {result['median_ms']} ms over {result['decisions'] - 1} decisions "
              f"(p90 {result['p90_ms']} ms)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
