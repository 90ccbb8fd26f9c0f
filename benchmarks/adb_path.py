"""SimDroid over the adb protocol vs native: oracle episodes, per-step latency, agreement.

Serves SimDroid phones with `vera.env.android.adb_server` on 127.0.0.1 and runs the oracle on every task
(or --tasks) twice, natively and through the real adb path (AdbDevice over adbutils: uiautomator dump +
sync pull, input, am start, dumpsys), checking that both give the same success, steps and answers.

    python benchmarks/adb_path.py --json          (or: vera bench adb_path --json)

Prints one JSON object as its last line.
"""

from __future__ import annotations

import argparse
import json
import time

from vera.env.android.adb_server import serve_simdroid
from vera.env.android.sim.suite import SimDroidSuite


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default="", help="comma-separated task names (default: all)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    args = parser.parse_args()

    native = SimDroidSuite()
    names = [n for n in args.tasks.split(",") if n] or [t.name for t in native.tasks()]
    with serve_simdroid(1, port=0) as server:
        remote = SimDroidSuite(device="adb", adb_port=server.port, device_serial="emulator-5554")
        native_s = adb_s = 0.0
        steps = 0
        mismatches = []
        successes = 0
        for name in names:
            t0 = time.perf_counter()
            a = native.run_episode(name, args.seed, "oracle")
            t1 = time.perf_counter()
            b = remote.run_episode(name, args.seed, "oracle")
            t2 = time.perf_counter()
            native_s += t1 - t0
            adb_s += t2 - t1
            steps += b.steps
            successes += int(b.success >= 1.0)
            if (a.success, a.done, a.steps, a.extra["answer"]) != (b.success, b.done, b.steps, b.extra["answer"]):
                mismatches.append(name)
            if not args.json:
                print(f"{name:<40} native={a.success} adb={b.success} steps={b.steps}")
        commands = len(server.devices["emulator-5554"].commands)
        unsafe = len(server.devices["emulator-5554"].unsafe)
    print(json.dumps({
        "benchmark": "adb_path", "tasks": len(names), "seed": args.seed, "adb_successes": successes,
        "mismatches": mismatches, "steps": steps, "shell_commands": commands, "refused_commands": unsafe,
        "native_s": round(native_s, 3), "adb_s": round(adb_s, 3),
        "adb_ms_per_step": round(1000 * adb_s / max(steps, 1), 2),
        "native_ms_per_step": round(1000 * native_s / max(steps, 1), 3),
    }))


if __name__ == "__main__":
    main()
