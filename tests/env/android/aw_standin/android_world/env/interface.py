"""`State` and the abstract `AsyncEnv`, with AndroidWorld's names and signatures."""

from __future__ import annotations

import abc
import dataclasses
from typing import Any


@dataclasses.dataclass(frozen=True)
class State:
    pixels: Any
    forest: Any
    ui_elements: list
    auxiliaries: dict | None = None


class AsyncEnv(abc.ABC):
    @property
    @abc.abstractmethod
    def controller(self) -> Any: ...

    @abc.abstractmethod
    def reset(self, go_home: bool = False) -> State: ...

    @abc.abstractmethod
    def get_state(self, wait_to_stabilize: bool = False) -> State: ...

    @abc.abstractmethod
    def display_message(self, message: str, header: str = "") -> None: ...

    @abc.abstractmethod
    def ask_question(self, question: str, timeout_seconds: float = -1.0) -> str | None: ...

    @abc.abstractmethod
    def execute_action(self, action: Any) -> None: ...

    @property
    @abc.abstractmethod
    def foreground_activity_name(self) -> str: ...

    @property
    @abc.abstractmethod
    def device_screen_size(self) -> tuple[int, int]: ...

    @property
    @abc.abstractmethod
    def logical_screen_size(self) -> tuple[int, int]: ...

    @property
    @abc.abstractmethod
    def orientation(self) -> int: ...

    @property
    @abc.abstractmethod
    def physical_frame_boundary(self) -> tuple[int, int, int, int]: ...

    @abc.abstractmethod
    def close(self) -> None: ...

    @abc.abstractmethod
    def hide_automation_ui(self) -> None: ...

    @property
    def interaction_cache(self) -> str:
        return ""
