"""A seedable fault plan for tests: injected latency, a transient ANR dialog, a UI dump that times out.

`FaultPlan` draws every decision from its own `random.Random(seed)`, one draw per event, so the same
seed and the same event sequence give the same faults. The device asks it before every input event
(`before_event`) and before every UI dump (`before_dump`).

* latency: with probability ``latency_p`` an input event costs ``latency_s`` extra virtual seconds
  (and, with ``real_sleep=True``, the same wall-clock time);
* ANR: with probability ``anr_p`` the event is handled, then the next look at the screen (dump or
  screenshot) finds the foreground app showing "<App> isn't responding" with the buttons "Close app"
  and "Wait" until one of them is tapped (BACK also waits): one agent action is never cut in half;
* timeout: with probability ``timeout_p`` a UI dump raises `DeviceError` once; the next dump succeeds.
Events listed in ``anr_at`` / ``timeout_at`` (0-based event counts) fault deterministically.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field


@dataclass
class FaultPlan:
    seed: int = 0
    latency_p: float = 0.0
    latency_s: float = 2.0
    real_sleep: bool = False
    anr_p: float = 0.0
    timeout_p: float = 0.0
    anr_at: tuple[int, ...] = ()
    timeout_at: tuple[int, ...] = ()
    log: list[tuple[int, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._events = 0
        self._dumps = 0

    def before_event(self) -> tuple[float, bool]:
        """(extra latency seconds, show an ANR dialog) for the next input event."""
        index = self._events
        self._events += 1
        latency = self.latency_s if self._rng.random() < self.latency_p else 0.0
        anr = index in self.anr_at or self._rng.random() < self.anr_p
        if latency:
            self.log.append((index, "latency"))
            if self.real_sleep:
                time.sleep(latency)
        if anr:
            self.log.append((index, "anr"))
        return latency, anr

    def before_dump(self) -> bool:
        """True when this UI dump should time out."""
        index = self._dumps
        self._dumps += 1
        timeout = index in self.timeout_at or self._rng.random() < self.timeout_p
        if timeout:
            self.log.append((index, "timeout"))
        return timeout
