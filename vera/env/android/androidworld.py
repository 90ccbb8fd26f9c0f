"""The AndroidWorld bridge, both ways.

**vera agents on AndroidWorld** (`run_androidworld`): with the ``android_world`` package installed (and an
emulator it can reach), build AndroidWorld's suite from its registry (``TaskRegistry().get_registry(family)``,
``suite_utils.create_suite(registry, n_task_combinations, seed, tasks)``), and run a vera agent under
AndroidWorld's rules: ``initialize_task(env)``, a budget of ``int(10 * complexity)`` actions, success only
when the agent emitted ``status`` (``is_successful(env)`` otherwise scores 0), then ``tear_down(env)``.
The agent sees AndroidWorld's env through `AndroidWorldEnv`, which has the surface of vera's `AndroidEnv`
(``reset``, ``get_state``, ``ui_elements``, ``execute_action``, ``interaction_cache``), converting
State, UIElement and JSONAction both ways. Results are vera `EpisodeResult` lines appended (fsynced) to
``results.jsonl``; a re-run skips finished instances; the summary is AndroidWorld's success rate (mean of
per-task means, errored episodes left out), computed by `vera.eval.runner.summarize`.

**AndroidWorld agents on SimDroid** (`SimDroidAsyncEnv`): any vera `Device` (SimDroid, an adb phone)
behind AndroidWorld's ``AsyncEnv`` interface (``reset(go_home)``, ``get_state(wait_to_stabilize)``,
``execute_action``, ``interaction_cache``, ``foreground_activity_name``, ``device_screen_size``,
``logical_screen_size``, ``orientation``, ``physical_frame_boundary``, ``close``, ...), returning
AndroidWorld's own ``State``/``UIElement`` objects when ``android_world`` is importable (vera's
field-for-field twins otherwise), so T3A/M3A-style agents run unchanged.
"""

from __future__ import annotations

import dataclasses
import importlib
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from vera.env.android.device import KEYCODE_HOME, Device
from vera.env.android.env import AndroidEnv
from vera.env.android.types import BoundingBox, JSONAction, State, UIElement
from vera.env.suite import EpisodeResult
from vera.errors import ActionError, ConfigError, VeraError
from vera.trajectory import append_jsonl, read_jsonl

INSTALL_HINT = (
    "the android_world package is not installed. Install it from source (it is not on PyPI): "
    "`git clone https://github.com/google-research/android_world && pip install -e ./android_world` "
    "(Python >= 3.11; it pulls android_env, absl, protobuf), then start an emulator as its README says "
    "(`emulator -avd AndroidWorldAvd -no-snapshot -grpc 8554`) and run once with emulator_setup=True. "
    "Without an emulator, evaluate on SimDroid instead: `vera eval --env simdroid`."
)
RESULTS_FILE = "results.jsonl"
ENV_NAME = "androidworld"


def import_android_world() -> dict[str, ModuleType]:
    """AndroidWorld's modules the bridge uses, or a `ConfigError` saying how to install them."""
    names = {
        "registry": "android_world.registry",
        "suite_utils": "android_world.suite_utils",
        "interface": "android_world.env.interface",
        "json_action": "android_world.env.json_action",
        "representation_utils": "android_world.env.representation_utils",
    }
    modules: dict[str, ModuleType] = {}
    for key, name in names.items():
        try:
            modules[key] = importlib.import_module(name)
        except ImportError as exc:
            raise ConfigError(f"{INSTALL_HINT} (import of {name} failed: {exc})") from exc
    return modules


def _optional_android_world() -> dict[str, ModuleType] | None:
    try:
        return import_android_world()
    except ConfigError:
        return None


# --- conversions -------------------------------------------------------------------------------------
def _fields(obj: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    return dict(vars(obj))


def _box_to(box: Any, cls: type) -> Any:
    if box is None:
        return None
    return cls(x_min=box.x_min, x_max=box.x_max, y_min=box.y_min, y_max=box.y_max)


def element_to_vera(element: Any) -> UIElement:
    """An AndroidWorld ``representation_utils.UIElement`` as a vera `UIElement` (same fields)."""
    values = _fields(element)
    known = {f.name for f in dataclasses.fields(UIElement)}
    kept = {k: v for k, v in values.items() if k in known}
    kept["bbox"] = _box_to(values.get("bbox"), BoundingBox)
    kept["bbox_pixels"] = _box_to(values.get("bbox_pixels"), BoundingBox)
    return UIElement(**kept)


def element_to_androidworld(element: UIElement, representation_utils: ModuleType) -> Any:
    """A vera `UIElement` as AndroidWorld's ``UIElement`` (fields it does not have are dropped)."""
    cls = representation_utils.UIElement
    box_cls = representation_utils.BoundingBox
    names = {f.name for f in dataclasses.fields(cls)}
    values = {k: v for k, v in _fields(element).items() if k in names}
    values["bbox"] = _box_to(element.bbox, box_cls)
    values["bbox_pixels"] = _box_to(element.bbox_pixels, box_cls)
    return cls(**{k: v for k, v in values.items() if k in names})


def action_to_vera(action: Any) -> JSONAction:
    """AndroidWorld's ``json_action.JSONAction`` (or a dict / JSON string) as a vera `JSONAction`."""
    if isinstance(action, JSONAction):
        return action
    if isinstance(action, dict | str):
        return JSONAction.coerce(action)
    values = {k: v for k, v in _fields(action).items() if v is not None}
    return JSONAction.from_dict(values)


def action_to_androidworld(action: JSONAction, json_action: ModuleType) -> Any:
    """A vera `JSONAction` as AndroidWorld's ``json_action.JSONAction``."""
    return json_action.JSONAction(**action.to_dict())


def state_to_vera(state: Any) -> State:
    return State(pixels=getattr(state, "pixels", None), forest=getattr(state, "forest", None),
                 ui_elements=[element_to_vera(e) for e in state.ui_elements],
                 auxiliaries=getattr(state, "auxiliaries", None))


def state_to_androidworld(state: State, modules: dict[str, ModuleType]) -> Any:
    elements = [element_to_androidworld(e, modules["representation_utils"]) for e in state.ui_elements]
    return modules["interface"].State(pixels=state.pixels, forest=state.forest, ui_elements=elements,
                                      auxiliaries=state.auxiliaries)


# --- AndroidWorld's env seen by vera agents ----------------------------------------------------------
class BudgetExhausted(VeraError):
    """The agent tried to act after spending AndroidWorld's step budget."""


class AndroidWorldEnv:
    """AndroidWorld's AsyncEnv with vera's `AndroidEnv` surface, counting steps against a budget.

    ``steps`` counts executed actions (``status`` included, as AndroidWorld counts agent steps);
    ``done`` becomes True when the agent emits ``status``, which is the only way an episode can score.
    """

    def __init__(self, env: Any, modules: dict[str, ModuleType], *, max_steps: int | None = None,
                 with_screenshot: bool = False, wait_to_stabilize: bool = True) -> None:
        self.aw_env = env
        self.modules = modules
        self.max_steps = max_steps
        self.with_screenshot = with_screenshot
        # AndroidWorld's run.py observes after each action with get_state(wait_to_stabilize=True).
        self.wait_to_stabilize = wait_to_stabilize
        self.steps = 0
        self.done = False
        self.goal_status: str | None = None
        self._elements: list[UIElement] | None = None
        self.actions: list[dict[str, Any]] = []

    @property
    def device(self) -> Any:
        """AndroidWorld's controller (for SimDroidAsyncEnv, the vera device behind it)."""
        return self.aw_env.controller

    @property
    def interaction_cache(self) -> str:
        return self.aw_env.interaction_cache

    @interaction_cache.setter
    def interaction_cache(self, value: str) -> None:
        self.aw_env.interaction_cache = value

    @property
    def screen_size(self) -> tuple[int, int]:
        return tuple(self.aw_env.logical_screen_size)  # type: ignore[return-value]

    def reset(self, go_home: bool = False) -> State:
        self._elements = None
        return state_to_vera(self.aw_env.reset(go_home=go_home))

    def get_state(self, with_screenshot: bool | None = None) -> State:
        state = state_to_vera(self.aw_env.get_state(wait_to_stabilize=self.wait_to_stabilize))
        self._elements = state.ui_elements
        if not (self.with_screenshot if with_screenshot is None else with_screenshot):
            state = dataclasses.replace(state, pixels=None)
        return state

    def ui_elements(self) -> list[UIElement]:
        if self._elements is None:
            self.get_state()
        assert self._elements is not None
        return self._elements

    def execute_action(self, action: JSONAction | dict[str, Any] | str) -> None:
        """Count the step, then execute; a malformed action still spends its step (as in AndroidWorld)."""
        if self.done:
            raise BudgetExhausted("the agent already sent status; the episode is over")
        if self.max_steps is not None and self.steps >= self.max_steps:
            raise BudgetExhausted(f"step budget of {self.max_steps} spent (int(10 x complexity))")
        self.steps += 1
        self._elements = None
        act = action_to_vera(action)
        self.actions.append(act.to_dict())
        if act.action_type == "status":
            self.done = True
            self.goal_status = act.goal_status
            return
        try:
            self.aw_env.execute_action(action_to_androidworld(act, self.modules["json_action"]))
        except (ValueError, IndexError) as exc:  # AndroidWorld's actuation raises these for bad input
            raise ActionError(f"AndroidWorld could not execute {act.json_str()}: {exc}") from exc


class EpisodeAgent(Protocol):
    """A vera agent that runs a whole episode on an env (e.g. `vera.agents.droid.DroidAgent`)."""

    def run(self, goal: str, max_steps: int) -> Any: ...


class StepAgent(Protocol):
    """A vera agent that picks one action per state (the SimDroid suite's agents: oracle, random, vdroid)."""

    def act(self, goal: str, state: State) -> JSONAction | dict[str, Any] | str: ...


# (env the agent acts on, AndroidWorld's TaskEval instance) -> agent. Agents should only read the goal;
# the task is passed for oracles, logging and task-specific options.
AgentFactory = Callable[[AndroidWorldEnv, Any], Any]


class _TaskView:
    """An AndroidWorld TaskEval with the bits vera's agent factories read (``max_steps()``, ``goal``)."""

    def __init__(self, task: Any) -> None:
        self._task = task

    def max_steps(self) -> int:
        return int(10 * self._task.complexity)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._task, name)


def vera_agent(name: str, options: dict[str, Any] | None = None, seed: int = 0) -> AgentFactory:
    """An `AgentFactory` for a vera agent by name (``random``, ``vdroid``, ...; see `vera tasks`' agents).

    Agents that need SimDroid's own task objects (``oracle`` plays a task's scripted solution) cannot run
    on AndroidWorld's tasks.
    """
    import random

    from vera.env.android.sim.agents import get_agent_factory

    make = get_agent_factory(name)

    def factory(env: AndroidWorldEnv, task: Any) -> Any:
        params = getattr(task, "params", {}) or {}
        rng = random.Random(int(params.get("seed") or seed))
        return make(_TaskView(task), env, rng, dict(options or {}))

    return factory


def _drive(agent: Any, env: AndroidWorldEnv, goal: str, max_steps: int) -> list[str]:
    """Run `agent` until it sends status or spends the budget; return the per-step errors.

    An agent with ``action_result(error)`` (the vdroid agent) is told how each action went, as the SimDroid
    suite tells it: None, or the reason the action could not be carried out."""
    errors: list[str] = []
    report = getattr(agent, "action_result", None)
    try:
        if hasattr(agent, "act"):
            while not env.done and env.steps < max_steps:
                try:
                    env.execute_action(agent.act(goal, env.get_state()))
                except BudgetExhausted:
                    raise
                except (ActionError, VeraError) as exc:  # a bad action spends its step, never ends the run
                    errors.append(f"step {env.steps}: {type(exc).__name__}: {exc}")
                    if report is not None:
                        report(f"{type(exc).__name__}: {exc}")
                else:
                    if report is not None:
                        report(None)
        else:
            agent.run(goal, max_steps)
    except BudgetExhausted:
        pass
    end_episode = getattr(agent, "end_episode", None)
    if end_episode is not None:  # the episode ended: the agent may drop its resume state
        end_episode()
    return errors


def _groups(task: Any) -> dict[str, str]:
    apps = getattr(task, "app_names", ()) or ()
    groups = {"app": str(apps[0]) if apps else "", "complexity": str(getattr(task, "complexity", ""))}
    return groups


def run_androidworld(
    agent_factory: AgentFactory,
    *,
    out_dir: str | Path,
    env: Any = None,
    family: str = "android_world",
    n_task_combinations: int = 1,
    seed: int = 30,
    tasks: Iterable[str] | None = None,
    agent_name: str = "vera",
    env_options: dict[str, Any] | None = None,
    on_result: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Evaluate a vera agent on AndroidWorld's suite with AndroidWorld's rules; resumable.

    ``env`` is an AndroidWorld AsyncEnv; when None, ``env_launcher.load_and_setup_env(**env_options)``
    connects to the emulator (``console_port=5554``, ``adb_path=...``, ``emulator_setup=False``).
    """
    from vera.eval.runner import summarize

    modules = import_android_world()
    if env is None:
        launcher = importlib.import_module("android_world.env.env_launcher")
        env = launcher.load_and_setup_env(**(env_options or {}))
    task_registry = modules["registry"].TaskRegistry()
    registry = task_registry.get_registry(family)
    selected = list(tasks) if tasks is not None else None
    suite = modules["suite_utils"].create_suite(registry, n_task_combinations=n_task_combinations, seed=seed,
                                                tasks=selected)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    results_path = out / RESULTS_FILE
    finished = {(r["task"], r["extra"].get("instance")) for r in read_jsonl(results_path)
                if r.get("error") is None and r.get("agent") == agent_name}
    for name, instances in suite.items():
        for instance_id, task in enumerate(instances):
            if (name, instance_id) in finished:
                continue
            record = _run_instance(task, name, instance_id, env, modules, agent_factory, agent_name)
            append_jsonl(results_path, record)
            if on_result is not None:
                on_result(record)
    latest: dict[tuple[str, Any], dict[str, Any]] = {}
    for r in read_jsonl(results_path):
        if r.get("agent") != agent_name or r["task"] not in suite:
            continue
        key = (r["task"], r["extra"].get("instance"))
        if key not in latest or latest[key].get("error") is not None:
            latest[key] = r
    summary = summarize(list(latest.values()))
    summary.update({"env": ENV_NAME, "agent": agent_name, "family": family, "seed": seed,
                    "n_task_combinations": n_task_combinations, "results_file": str(results_path)})
    return summary


def _run_instance(task: Any, name: str, instance_id: int, env: Any, modules: dict[str, ModuleType],
                  agent_factory: AgentFactory, agent_name: str) -> dict[str, Any]:
    started = time.perf_counter()
    max_steps = int(10 * task.complexity)
    params = getattr(task, "params", {}) or {}
    result = EpisodeResult(env=ENV_NAME, task=name, seed=int(params.get("seed") or 0), agent=agent_name,
                           max_steps=max_steps, groups=_groups(task), extra={"instance": instance_id})
    initialized = False
    try:
        task.initialize_task(env)
        initialized = True
        result.goal = task.goal
        view = AndroidWorldEnv(env, modules, max_steps=max_steps)
        view.reset(go_home=bool(getattr(task, "start_on_home_screen", True)))
        step_errors = _drive(agent_factory(view, task), view, task.goal, max_steps)
        task_successful = float(task.is_successful(env))
        result.done = view.done
        result.steps = view.steps
        result.success = task_successful if view.done else 0.0
        result.extra.update({"task_successful": task_successful, "goal_status": view.goal_status,
                             "actions": view.actions, "action_errors": step_errors})
    except Exception as exc:  # AndroidWorld records the exception and leaves the episode out of the tally
        result.error = f"{type(exc).__name__}: {exc}"
    finally:
        if initialized:
            try:
                task.tear_down(env)
            except Exception as exc:
                result.extra["tear_down_error"] = f"{type(exc).__name__}: {exc}"
    result.duration_s = round(time.perf_counter() - started, 4)
    return result.to_dict()


# --- vera devices seen by AndroidWorld agents --------------------------------------------------------
class SimDroidAsyncEnvBase:
    """AndroidWorld's AsyncEnv interface over any vera `Device` (SimDroid, adb, Appium)."""

    def __init__(self, device: Device, *, modules: dict[str, ModuleType] | None = None,
                 stabilize_checks: int = 3, stabilize_interval_s: float = 0.5,
                 stabilize_timeout_s: float = 6.0) -> None:
        self.device = device
        self.modules = modules
        self._env = AndroidEnv(device, with_screenshot=True)
        self.stabilize_checks = stabilize_checks
        self.stabilize_interval_s = stabilize_interval_s
        self.stabilize_timeout_s = stabilize_timeout_s
        self._closed = False

    # AndroidWorld agents read and write this (answers of information-retrieval tasks).
    @property
    def interaction_cache(self) -> str:
        return self._env.interaction_cache

    @interaction_cache.setter
    def interaction_cache(self, value: str) -> None:
        self._env.interaction_cache = value

    @property
    def controller(self) -> Device:
        """AndroidWorld exposes its AndroidWorldController here; vera exposes the Device."""
        return self.device

    def _state(self, state: State) -> Any:
        return state_to_androidworld(state, self.modules) if self.modules else state

    def reset(self, go_home: bool = False) -> Any:
        """Press HOME when asked, clear the interaction cache, return the state."""
        self._check_open()
        return self._state(self._env.reset(go_home=go_home))

    def get_state(self, wait_to_stabilize: bool = False) -> Any:
        """The state; with ``wait_to_stabilize``, wait until successive element lists agree."""
        self._check_open()
        if wait_to_stabilize:
            self._wait_to_stabilize()
        self._env._elements = None
        return self._state(self._env.get_state())

    def _wait_to_stabilize(self) -> None:
        sleep = getattr(self.device, "sleep", None) or time.sleep
        deadline = time.monotonic() + self.stabilize_timeout_s
        previous = self.device.ui_xml()
        same = 1
        while same < self.stabilize_checks and time.monotonic() < deadline:
            sleep(self.stabilize_interval_s)
            current = self.device.ui_xml()
            same = same + 1 if current == previous else 1
            previous = current

    def execute_action(self, action: Any) -> None:
        """Execute an AndroidWorld (or vera) JSONAction against the current state's element indices."""
        self._check_open()
        self._env.execute_action(action_to_vera(action))

    def display_message(self, message: str, header: str = "") -> None:
        """AndroidWorld shows a toast-like overlay; vera has none, so this only validates input."""
        if not isinstance(message, str):
            raise ActionError("display_message takes a string")

    def ask_question(self, question: str, timeout_seconds: float = -1.0) -> str | None:
        raise NotImplementedError("AndroidWorld's AsyncAndroidEnv does not implement ask_question either")

    @property
    def foreground_activity_name(self) -> str:
        from vera.env.android.apps import find_app

        package = self.device.foreground()
        entry = find_app(package)
        if entry is not None and entry.package == package:
            return entry.component.replace("/.", "/" + entry.package + ".")
        return f"{package}/{package}.MainActivity"

    @property
    def device_screen_size(self) -> tuple[int, int]:
        return self.device.size()

    @property
    def logical_screen_size(self) -> tuple[int, int]:
        return self.device.size()

    @property
    def orientation(self) -> int:
        return 0

    @property
    def physical_frame_boundary(self) -> tuple[int, int, int, int]:
        width, height = self.device.size()
        return 0, 0, width, height

    def hide_automation_ui(self) -> None:
        """Nothing to hide: vera draws no automation overlay."""

    def go_home(self) -> None:
        self.device.key(KEYCODE_HOME)

    def close(self) -> None:
        self._closed = True

    def _check_open(self) -> None:
        if self._closed:
            raise VeraError("this env was closed; build a new SimDroidAsyncEnv")


def SimDroidAsyncEnv(device: Device | None = None, **options: Any) -> Any:  # noqa: N802 - a class factory
    """A vera device (a fresh SimDroid when None) as an AndroidWorld ``AsyncEnv``.

    When ``android_world`` is importable the object is an instance of its ``interface.AsyncEnv`` (so
    isinstance checks in AndroidWorld code pass) and returns its ``State``/``UIElement`` types.
    """
    if device is None:
        from vera.env.android.sim.device import SimDroid

        device = SimDroid()
    modules = _optional_android_world()
    if modules is None:
        return SimDroidAsyncEnvBase(device, **options)
    base = modules["interface"].AsyncEnv
    cls = type("SimDroidAsyncEnv", (SimDroidAsyncEnvBase, base), {"__module__": __name__})
    return cls(device, modules=modules, **options)
