"""`SimDroidSuite`: SimDroid as a `vera.env.suite.Suite` (tasks, agents, one episode end to end).

An episode follows AndroidWorld's protocol: a fresh phone, the task's params from
``random.Random(seed)``, `initialize`, HOME, then up to ``max_steps`` agent steps; it succeeds only
if the agent sent ``status`` within the budget and the task's check passes. A malformed or impossible
action is recorded in the step's ``info`` (``error`` with the reason), counts as a step and never
ends the episode early.

Besides ``act``, an agent may implement these optional hooks (`vera.agents.droid.SuiteDroid` does):

- ``episode_info() -> dict``: fields for the trajectory's episode record (e.g. ``run_id``);
- ``resume_episode(goal, recorded_steps) -> int``: with the ``resume`` agent option, bring the fresh
  device to where the killed run left it and return the index of the next step (``recorded_steps`` are
  the step records already in the trajectory being continued); step indices go on from there and the
  budget is the task's, not a new one;
- ``step_record() -> dict``: what the agent adds to the step just decided: ``candidates`` (the scored
  candidates), ``info`` (merged into the step's info) and ``action`` (shown when no action came out);
- ``action_result(error)``: the outcome of the step (None, or why it failed), before the next ``act``.
"""

from __future__ import annotations

import hashlib
import random
import time
from typing import TYPE_CHECKING, Any

from vera.env.android import types as T
from vera.env.android.env import AndroidEnv
from vera.env.android.sim.agents import agent_names, get_agent_factory
from vera.env.android.sim.device import SimDroid
from vera.env.android.sim.faults import FaultPlan
from vera.env.android.sim.registry import get_task_class, task_classes
from vera.env.android.sim.splits import SPLITS, split_of
from vera.env.android.sim.task import Task
from vera.env.android.types import JSONAction, State
from vera.env.suite import EpisodeResult, TaskInfo
from vera.errors import ConfigError

if TYPE_CHECKING:
    from vera.trajectory import TrajectoryRecorder


def task_info(cls: type[Task]) -> TaskInfo:
    family = cls.task_family()
    return TaskInfo(
        name=cls.task_name(), split=split_of(family, cls.app_names), max_steps=cls.max_steps(),
        groups={"app": cls.app_names[0] if cls.app_names else "", "difficulty": cls.task_difficulty(),
                "family": family},
        template=cls.template,
    )


def observation_digest(state: State, device: SimDroid) -> dict[str, Any]:
    """A compact record of what the agent saw (the full tree is re-creatable from the seed)."""
    elements = [
        {k: v for k, v in (("text", e.text), ("desc", e.content_description),
                           ("class", (e.class_name or "").rsplit(".", 1)[-1]),
                           ("bounds", [int(e.bbox_pixels.x_min), int(e.bbox_pixels.y_min),
                                       int(e.bbox_pixels.x_max), int(e.bbox_pixels.y_max)]
                            if e.bbox_pixels else None)) if v}
        for e in state.ui_elements
    ]
    digest = hashlib.sha1(repr(elements).encode()).hexdigest()[:16]
    return {"foreground": device.foreground(), "n_elements": len(elements), "digest": digest,
            "elements": elements}


class SimDroidSuite:
    """The SimDroid benchmark; ``faults`` (a FaultPlan's keyword arguments) makes the phone flaky."""

    name = "simdroid"

    def __init__(self, device: str | None = None, faults: dict[str, Any] | None = None,
                 adb_port: int | None = None, device_serial: str | None = None, **_: Any) -> None:
        if device not in (None, "sim", "adb"):
            raise ConfigError(f"the simdroid suite runs on the simulated phone (--device sim) or on SimDroid "
                              f"served over adb (--device adb, see `vera sim adb`), not --device {device!r}")
        self.faults = faults
        self.remote = None  # device="adb": a SimDroid behind an adb server, driven by the real adb path
        if device == "adb":
            from vera.env.android.adb_server import SimDroidOverAdb

            self.remote = SimDroidOverAdb(device_serial, port=adb_port)

    def tasks(self, split: str | None = None) -> list[TaskInfo]:
        if split is not None and split not in SPLITS:
            raise ConfigError(f"unknown split {split!r}; use one of: {', '.join(SPLITS)}")
        infos = [task_info(cls) for cls in task_classes().values()]
        return [i for i in infos if split is None or i.split == split]

    def agent_names(self) -> list[str]:
        return agent_names()

    def make_device(self, seed: int) -> SimDroid:
        faults = FaultPlan(seed=seed, **self.faults) if self.faults else None
        return SimDroid(faults=faults)

    def run_episode(
        self,
        task: str,
        seed: int,
        agent: str,
        *,
        recorder: TrajectoryRecorder | None = None,
        agent_options: dict[str, Any] | None = None,
    ) -> EpisodeResult:
        cls = get_task_class(task)
        factory = get_agent_factory(agent)
        info = task_info(cls)
        started = time.perf_counter()
        instance = cls.from_seed(seed)
        result = EpisodeResult(env=self.name, task=info.name, seed=seed, agent=agent, goal=instance.goal,
                               max_steps=info.max_steps, groups=dict(info.groups))
        device = self.make_device(seed) if self.remote is None else self.remote
        if self.remote is None:
            instance.initialize(device)
            device.go_home_and_reset()
        else:
            self.remote.init_task(info.name, seed)  # `simdroid task init` on the served phone
        env = AndroidEnv(device)
        faults = getattr(device, "faults", None)
        if faults is not None:
            device.faults = None  # faults hit the agent's episode, not the set-up
        env.reset(go_home=True)
        if faults is not None:
            device.faults = faults
        options = dict(agent_options or {})
        player = factory(instance, env, random.Random(seed), options)
        first, prior_errors = self._resume_point(player, agent, instance.goal, options, recorder)
        shots = recorder is not None and recorder.screenshots
        episode_info = dict(player.episode_info()) if hasattr(player, "episode_info") else {}
        if recorder is not None and recorder.resuming:
            recorder.resume_at(first, task=info.name, seed=seed,
                               run_id=str(episode_info.get("run_id") or options["resume"]))
        elif recorder is not None:
            recorder.start(env=self.name, task=info.name, seed=seed, goal=instance.goal, agent=agent,
                           params=instance.params, max_steps=info.max_steps, groups=info.groups,
                           **episode_info, **({"first_step": first} if first else {}))
        step_record = getattr(player, "step_record", None)
        action_result = getattr(player, "action_result", None)
        done = False
        errors = prior_errors
        result.steps = first
        for step in range(first, info.max_steps):
            t0 = time.perf_counter()
            step_info: dict[str, Any] = {}
            try:
                state = env.get_state(with_screenshot=shots)
            except Exception as exc:  # a flaky dump: record it, the step still counts
                step_info["error"] = f"observation failed: {exc}"
                state = State(pixels=None, forest=None, ui_elements=[], auxiliaries={})
            observation = observation_digest(state, device)
            action_record: Any = None
            failure: str | None = None
            try:
                raw = player.act(instance.goal, state)
                action_record = raw.to_dict() if isinstance(raw, JSONAction) else raw
                action = JSONAction.coerce(raw)
                action_record = action.to_dict()
                env.execute_action(action)
                if action.action_type == T.STATUS:
                    done = True
                    step_info["goal_status"] = action.goal_status
            except Exception as exc:  # malformed or impossible: reported, counted, never fatal
                errors += 1
                failure = step_info["error"] = f"{type(exc).__name__}: {exc}"
            details = step_record() if step_record is not None else {}
            if action_record is None and details.get("action") is not None:
                action_record = details["action"]
            for key, value in (details.get("info") or {}).items():
                step_info.setdefault(key, value)
            if action_result is not None:
                action_result(failure)
            result.steps = step + 1
            if recorder is not None:
                recorder.step(index=step, observation=observation, action=action_record, info=step_info,
                              candidates=details.get("candidates"), screenshot=state.pixels,
                              duration_s=round(time.perf_counter() - t0, 6))
            if done:
                break
        result.done = done
        answer = env.interaction_cache
        check = instance.is_successful if self.remote is None else self.remote.check_task_of(instance)
        result.success = float(check(device, answer)) if done else 0.0
        result.duration_s = round(time.perf_counter() - started, 6)
        result.extra = {"action_errors": errors, "answer": answer, "coverage": len(device.coverage())}
        if recorder is not None:
            recorder.finish({"success": result.success, "done": done, "steps": result.steps,
                             "answer": answer, "action_errors": errors})
        end_episode = getattr(player, "end_episode", None)
        if end_episode is not None:  # after the outcome is on disk: the agent may drop its resume state
            end_episode()
        return result

    @staticmethod
    def _resume_point(player: Any, agent: str, goal: str, options: dict[str, Any],
                      recorder: TrajectoryRecorder | None) -> tuple[int, int]:
        """(index of the first step to run, action errors already recorded) for a resumed run."""
        if not options.get("resume"):
            return 0, 0
        resume = getattr(player, "resume_episode", None)
        if resume is None:
            raise ConfigError(f"agent {agent!r} cannot resume a run (--resume); run the episode again "
                              "without it")
        recorded = list(recorder.recorded_steps) if recorder is not None else []
        first = int(resume(goal, recorded))
        return first, sum(1 for r in recorded if (r.get("info") or {}).get("error"))
