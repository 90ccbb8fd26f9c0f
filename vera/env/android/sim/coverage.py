"""Coverage of app behaviour: which event handlers and branches ran (a deterministic novelty signal).

Every callback the device dispatches (a tap's ``on_click``, a switch's ``on_change``, a dialog button,
...) is counted under a stable key ``"<app>:<Owner>.<function>"``; inside a handler, `Screen.branch`
adds ``"<handler key>#<label>"`` for the path taken. Framework events (launcher, keys, keyboard,
scrolling) are counted as ``"system:<event>"``. `Coverage.hits` is the set; adding is one set insert.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any


def handler_key(fn: Callable[..., Any]) -> str:
    """A stable name for a callback: ``Owner.method`` for bound methods, the qualname otherwise."""
    while isinstance(fn, functools.partial):
        fn = fn.func
    owner = getattr(fn, "__self__", None)
    name = getattr(fn, "__name__", type(fn).__name__)
    if owner is not None:
        return f"{type(owner).__name__}.{name}"
    qualname = getattr(fn, "__qualname__", name).replace(".<locals>", "")
    if "<lambda>" in qualname:
        code = getattr(fn, "__code__", None)
        if code is not None:
            qualname += f"@{code.co_firstlineno}"
    return qualname


class Coverage:
    """The set of hit keys, plus the handler currently running (for branch marks)."""

    __slots__ = ("hits", "current")

    def __init__(self) -> None:
        self.hits: set[str] = set()
        self.current = ""

    def hit(self, key: str) -> None:
        self.hits.add(key)

    def call(self, app_name: str, fn: Callable[..., Any], *args: Any) -> Any:
        """Run a handler, counting it (and any branches it marks) under the app's name."""
        key = f"{app_name}:{handler_key(fn)}"
        self.hits.add(key)
        previous, self.current = self.current, key
        try:
            return fn(*args)
        finally:
            self.current = previous

    def branch(self, label: str) -> None:
        self.hits.add(f"{self.current or 'system'}#{label}")

    def snapshot(self) -> frozenset[str]:
        return frozenset(self.hits)
