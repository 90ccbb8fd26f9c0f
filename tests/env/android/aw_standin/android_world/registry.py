"""`TaskRegistry().get_registry(family)` -> {task name: TaskEval subclass}, as android_world.registry."""

from __future__ import annotations

from android_world.task_evals.task_eval import simdroid_task_eval


class TaskRegistry:
    ANDROID_WORLD_FAMILY = "android_world"
    ANDROID_FAMILY = "android"
    INFORMATION_RETRIEVAL_FAMILY = "information_retrieval"
    NAMES = ("SystemWifiTurnOff", "ExpenseAddSingle", "TasksDueOnDate", "SystemBluetoothTurnOn")

    def get_registry(self, family: str) -> dict[str, type]:
        if family != self.ANDROID_WORLD_FAMILY:
            raise ValueError(f"Unsupported family: {family}")
        return {name: simdroid_task_eval(name) for name in self.NAMES}
