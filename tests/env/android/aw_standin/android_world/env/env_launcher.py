"""`load_and_setup_env`: here, SimDroid behind vera's AsyncEnv (AndroidWorld connects to an emulator)."""

from __future__ import annotations

from typing import Any

CALLS: list[dict[str, Any]] = []


def load_and_setup_env(console_port: int = 5554, emulator_setup: bool = False, freeze_datetime: bool = True,
                       adb_path: str = "adb", grpc_port: int = 8554) -> Any:
    from vera.env.android.androidworld import SimDroidAsyncEnv

    CALLS.append({"console_port": console_port, "emulator_setup": emulator_setup, "adb_path": adb_path})
    return SimDroidAsyncEnv()
