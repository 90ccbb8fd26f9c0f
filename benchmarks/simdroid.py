"""SimDroid throughput on one core: steps/s through AndroidEnv with UI-tree observations, steps/s
with a 1080x2400 screenshot every step, and reset time. Prints one JSON object as its last line.

A step is what an agent loop does: observe (uiautomator XML -> parse -> UIElements, plus the
screenshot in the second measurement) and execute one JSONAction. Actions come from each task's
UI-only oracle followed by AndroidWorld's random agent, cycling over every registered task, so screens
change on most steps (no free cache hits). Reset = fresh phone + task initialize + HOME + first
observation.

Rates are per CPU-second of this process (`time.process_time`), i.e. what one dedicated core does,
so other work on a shared machine does not distort them; the wall-clock rates are reported beside.

    vera bench simdroid --json [--seconds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from collections.abc import Iterator

from vera.env.android.env import AndroidEnv
from vera.env.android.sim.agents import RandomAgent
from vera.env.android.sim.device import SimDroid
from vera.env.android.sim.oracle import UI
from vera.env.android.sim.registry import task_classes
from vera.env.android.types import JSONAction


def _pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        except OSError:
            pass


def _episode(name: str, seed: int) -> tuple[AndroidEnv, Iterator[JSONAction]]:
    task = task_classes()[name].from_seed(seed)
    device = SimDroid()
    task.initialize(device)
    device.go_home_and_reset()
    env = AndroidEnv(device)
    env.reset(go_home=True)

    def actions() -> Iterator[JSONAction]:
        yield from task.solve(UI(env))
        rng = random.Random(seed)
        agent = RandomAgent(rng)
        for _ in range(10):
            act = agent.act(task.goal, env.get_state())
            if act.action_type != "status":
                yield act

    return env, actions()


def measure_steps(seconds: float, screenshot: bool) -> dict[str, float]:
    names = sorted(task_classes())
    steps = 0
    busy = 0.0
    wall = 0.0
    episode = 0
    deadline = time.process_time() + seconds
    while time.process_time() < deadline:
        name = names[episode % len(names)]
        env, actions = _episode(name, episode)
        episode += 1
        while True:
            t0, w0 = time.process_time(), time.perf_counter()
            env.get_state(with_screenshot=screenshot)
            try:
                action = next(actions)
            except StopIteration:
                busy += time.process_time() - t0
                wall += time.perf_counter() - w0
                break
            try:
                env.execute_action(action)
            except Exception:  # random actions may be impossible (unknown app, bad index)
                pass
            busy += time.process_time() - t0
            wall += time.perf_counter() - w0
            steps += 1
    return {"steps": steps, "cpu_seconds": round(busy, 3), "steps_per_s": round(steps / busy, 1),
            "wall_steps_per_s": round(steps / wall, 1), "episodes": episode}


def measure_reset(rounds: int) -> dict[str, float]:
    names = sorted(task_classes())
    times = []
    walls = []
    for i in range(rounds):
        name = names[i % len(names)]
        t0, w0 = time.process_time(), time.perf_counter()
        task = task_classes()[name].from_seed(i)
        device = SimDroid()
        task.initialize(device)
        device.go_home_and_reset()
        env = AndroidEnv(device)
        env.reset(go_home=True)
        times.append((time.process_time() - t0) * 1000)
        walls.append((time.perf_counter() - w0) * 1000)
    return {"reset_ms_median": round(statistics.median(times), 3), "reset_ms_mean": round(statistics.mean(times), 3),
            "reset_ms_p95": round(sorted(times)[int(0.95 * (len(times) - 1))], 3), "resets": rounds,
            "wall_reset_ms_median": round(statistics.median(walls), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0, help="CPU seconds per step measurement")
    parser.add_argument("--resets", type=int, default=300)
    parser.add_argument("--json", action="store_true", help="print only the JSON line")
    args = parser.parse_args()
    _pin_one_core()
    measure_steps(0.5, False)  # warm caches (fonts, imports)
    tree = measure_steps(args.seconds, screenshot=False)
    shots = measure_steps(args.seconds, screenshot=True)
    reset = measure_reset(args.resets)
    result = {
        "benchmark": "simdroid", "tasks": len(task_classes()),
        "tree_steps_per_s": tree["steps_per_s"], "screenshot_steps_per_s": shots["steps_per_s"],
        "reset_ms": reset["reset_ms_median"], "tree": tree, "screenshot": shots, "reset": reset,
        "goals": {"tree_steps_per_s": 2000, "screenshot_steps_per_s": 30, "reset_ms": 5},
    }
    result["meets_goals"] = (result["tree_steps_per_s"] >= 2000 and result["screenshot_steps_per_s"] >= 30
                             and result["reset_ms"] <= 5)
    if not args.json:
        for key in ("tree_steps_per_s", "screenshot_steps_per_s", "reset_ms"):
            print(f"{key}: {result[key]}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
