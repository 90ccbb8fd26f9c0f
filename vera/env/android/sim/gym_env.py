"""`SimDroidGymEnv`: a SimDroid task as a Gymnasium environment (``gymnasium.make("vera/SimDroid-v0")``).

Observation (a `Dict` of `Text` spaces; `SyncVectorEnv` works as is, `AsyncVectorEnv` with
``shared_memory=False``, because gymnasium 1.4 reads `Text` back from shared memory as character 0
in every slot, for any env):

* ``goal``: the task's goal;
* ``html``: the UI elements as HTML, one element per line, ``<button id="3" ...>Save</button>``;
* ``elements``: the same elements as a JSON list in AndroidWorld M3A's compact form
  (``{"index": 3, "text": "Save", "is_clickable": true, ...}``);
* ``foreground``: the foreground package;
* ``screenshot`` (only with ``screenshot=True``): the 2400x1080x3 screen.

Characters outside `CHARSET` (rare symbols) are replaced by ``?`` so observations stay in the space.
The action is a JSONAction as a dict or a JSON string (the action space is `Text`). A malformed action
counts as a step, changes nothing and is reported in ``info["error"]``. ``status`` ends the episode
(terminated) with reward = the task's success; running out of the step budget truncates it with reward 0.
"""

from __future__ import annotations

import json
import random
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from vera.env.android import types as T
from vera.env.android.env import AndroidEnv
from vera.env.android.sim.device import SimDroid
from vera.env.android.sim.layout import SCREEN_HEIGHT, SCREEN_WIDTH
from vera.env.android.sim.registry import get_task_class, task_classes
from vera.env.android.sim.task import Task
from vera.env.android.types import JSONAction, UIElement

CHARSET = "".join(
    [chr(c) for c in range(32, 127)] + ["\n", "\t"] + [chr(c) for c in range(0xA0, 0x180)]
    + list("–—‘’“”•…€←↑→↓▲▼⌃⌕⋮✓⚙▶❚●■✕◷°·×÷")
)
_ALLOWED = frozenset(CHARSET)
MAX_GOAL = 1000
MAX_HTML = 24000
MAX_ACTION = 2000


def clean(text: str, limit: int) -> str:
    """Keep `text` inside the Text space: known characters only, at most `limit` of them."""
    if not all(ch in _ALLOWED for ch in text):
        text = "".join(ch if ch in _ALLOWED else "?" for ch in text)
    return text[:limit]


def _tag(element: UIElement) -> str:
    cls = (element.class_name or "").rsplit(".", 1)[-1]
    if element.is_editable:
        return "input"
    if cls in ("Button", "ImageButton") or (element.is_clickable and cls != "TextView"):
        return "button"
    if cls in ("Switch", "CheckBox", "RadioButton"):
        return "checkbox"
    if element.is_scrollable:
        return "scroll"
    return "img" if cls == "ImageView" else "p"


def element_html(index: int, element: UIElement) -> str:
    """One element as HTML, the way LLM agents for AndroidWorld usually see it."""
    tag = _tag(element)
    attrs = [f'id="{index}"']
    if element.resource_name:
        attrs.append(f'class="{element.resource_name.rsplit("/", 1)[-1]}"')
    if element.content_description:
        attrs.append(f'alt="{element.content_description}"')
    if element.hint_text:
        attrs.append(f'placeholder="{element.hint_text}"')
    if element.is_checkable:
        attrs.append("checked" if element.is_checked else "unchecked")
    if element.is_clickable and tag in ("p", "img"):
        attrs.append("clickable")
    return f"<{tag} {' '.join(attrs)}>{element.text or ''}</{tag}>"


def element_json(index: int, element: UIElement) -> dict[str, Any]:
    data: dict[str, Any] = {"index": index}
    for key, value in (("text", element.text), ("content_description", element.content_description),
                       ("hint_text", element.hint_text)):
        if value:
            data[key] = value
    data.update(is_clickable=bool(element.is_clickable), is_long_clickable=bool(element.is_long_clickable),
                is_editable=bool(element.is_editable), is_checked=bool(element.is_checked))
    if element.is_scrollable:
        data["is_scrollable"] = True
    return data


class SimDroidGymEnv(gym.Env[dict[str, Any], str]):
    metadata = {"render_modes": ["rgb_array"], "render_fps": 2}

    def __init__(self, task: str | None = None, seed: int | None = None, render_mode: str | None = None,
                 screenshot: bool = False) -> None:
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode {render_mode!r} is not supported; use 'rgb_array' or None")
        self.task_name = task
        if task is not None:
            get_task_class(task)  # fail early on an unknown name
        self.default_seed = seed
        self.render_mode = render_mode
        self.screenshot = screenshot
        text = {"goal": spaces.Text(MAX_GOAL, min_length=0, charset=CHARSET),
                "html": spaces.Text(MAX_HTML, min_length=0, charset=CHARSET),
                "elements": spaces.Text(MAX_HTML * 2, min_length=0, charset=CHARSET),
                "foreground": spaces.Text(200, min_length=0, charset=CHARSET)}
        if screenshot:
            text["screenshot"] = spaces.Box(0, 255, (SCREEN_HEIGHT, SCREEN_WIDTH, 3), np.uint8)
        self.observation_space = spaces.Dict(text)
        self.action_space = spaces.Text(MAX_ACTION, min_length=1, charset=CHARSET)
        self.device: SimDroid | None = None
        self.env: AndroidEnv | None = None
        self.task: Task | None = None
        self.steps = 0

    # --- gymnasium API ---------------------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None,
              ) -> tuple[dict[str, Any], dict[str, Any]]:
        super().reset(seed=seed)
        options = options or {}
        if seed is None:
            seed = self.default_seed if self.default_seed is not None and self.task is None else \
                int(self.np_random.integers(0, 2**31 - 1))
        name = options.get("task") or self.task_name
        if name is None:
            name = random.Random(seed).choice(sorted(task_classes()))
        self.task = get_task_class(name).from_seed(seed)
        self.device = SimDroid()
        self.task.initialize(self.device)
        self.device.go_home_and_reset()
        self.env = AndroidEnv(self.device)
        self.env.reset(go_home=True)
        self.steps = 0
        return self._observation(), {"task": name, "seed": seed, "goal": self.task.goal,
                                     "max_steps": self.task.max_steps()}

    def step(self, action: str | dict[str, Any] | JSONAction) -> tuple[dict[str, Any], float, bool, bool,
                                                                       dict[str, Any]]:
        if self.env is None or self.task is None or self.device is None:
            raise gym.error.ResetNeeded("call reset() before step()")
        self.steps += 1
        info: dict[str, Any] = {"step": self.steps}
        terminated = False
        reward = 0.0
        try:
            act = JSONAction.coerce(action)
            info["action"] = act.to_dict()
            self.env.execute_action(act)
            if act.action_type == T.STATUS:
                terminated = True
                reward = float(self.task.is_successful(self.device, self.env.interaction_cache))
                info["success"] = reward
        except Exception as exc:  # malformed or impossible actions never end the episode
            info["error"] = f"{type(exc).__name__}: {exc}"
        truncated = not terminated and self.steps >= self.task.max_steps()
        return self._observation(), reward, terminated, truncated, info

    def render(self) -> np.ndarray | None:
        if self.render_mode != "rgb_array" or self.device is None:
            return None
        return self.device.screenshot()

    # --- observation -------------------------------------------------------------------------------------
    def _observation(self) -> dict[str, Any]:
        assert self.env is not None and self.task is not None and self.device is not None
        try:
            elements = self.env.ui_elements()
        except Exception:  # a flaky dump (fault injection): an empty screen this step
            elements = []
        html = "\n".join(element_html(i, e) for i, e in enumerate(elements))
        items = [element_json(i, e) for i, e in enumerate(elements)]
        listing = json.dumps(items, ensure_ascii=False)
        while len(listing) > MAX_HTML * 2 and items:  # too long: drop the last elements, keep valid JSON
            items = items[: len(items) * 3 // 4]
            listing = json.dumps(items, ensure_ascii=False)
        obs: dict[str, Any] = {
            "goal": clean(self.task.goal, MAX_GOAL),
            "html": clean(html, MAX_HTML),
            "elements": clean(listing, MAX_HTML * 2),
            "foreground": clean(self.device.foreground(), 200),
        }
        if self.screenshot:
            obs["screenshot"] = self.device.screenshot()
        return obs
