"""SimDroid episodes for training and measuring the V-Droid agent: oracle walks and agent runs.

`walk_oracle` plays a task's UI-only oracle on a fresh SimDroid and returns every state it passed
through (goal, working memory, screen elements, the oracle's action). Those states are what P3 pairs
and the candidate-coverage figure are made of. `run_policy` lets a `VDroidPolicy` act on its own
(optionally with the oracle annotating each state it reaches in lockstep, for joint-annotation rounds).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from vera.env.android import types as T
from vera.env.android.env import AndroidEnv
from vera.env.android.types import JSONAction, UIElement
from vera.errors import VeraError
from vera.memory.working import RuleSummarizer, StepOutcome, WorkingMemory
from vera.verifier.candidates import Candidate, find_candidate

STATUS_COMPLETE = JSONAction(T.STATUS, goal_status="complete")


@dataclass
class OracleStep:
    """One state on a trajectory and the annotator's (oracle's) action there."""

    task: str
    seed: int
    step: int
    goal: str
    memory: list[dict[str, Any]]
    elements: list[UIElement]
    action: JSONAction
    app_names: tuple[str, ...] = ()
    candidates: list[Candidate] | None = None  # the policy's candidate set in this state, if computed


@dataclass
class Episode:
    """A SimDroid episode: the device, the task instance and the env over the device."""

    task_name: str
    seed: int
    device: Any
    task: Any
    env: AndroidEnv

    @property
    def goal(self) -> str:
        return self.task.goal

    @property
    def max_steps(self) -> int:
        return int(self.task.max_steps())

    @property
    def app_names(self) -> tuple[str, ...]:
        return device_app_names(self.device)

    def success(self, answer: str = "") -> float:
        return float(self.task.is_successful(self.device, answer))


def device_app_names(device: Any) -> tuple[str, ...]:
    """Installed apps by label and by name (``SMS Messenger`` and ``Simple Sms Messenger``)."""
    names: dict[str, str] = {}
    for app in getattr(device, "apps", {}).values():
        for value in (app.label, str(app.name).title()):
            names.setdefault(value.lower(), value)
    return tuple(names.values())


def start_episode(task_name: str, seed: int) -> Episode:
    """A fresh SimDroid with the task initialized and the home screen shown, as `SimDroidSuite` starts one."""
    from vera.env.android.sim.registry import task_classes
    from vera.env.android.sim.suite import SimDroidSuite

    classes = task_classes()
    if task_name not in classes:
        raise VeraError(f"unknown SimDroid task {task_name!r}; see `vera tasks --env simdroid`")
    task = classes[task_name].from_seed(seed)
    device = SimDroidSuite().make_device(seed)
    task.initialize(device)
    device.go_home_and_reset()  # the suite's episode start, step for step
    env = AndroidEnv(device)
    env.reset(go_home=True)
    return Episode(task_name, seed, device, task, env)


def oracle_actions(episode: Episode) -> Iterator[JSONAction]:
    """The oracle's actions for the current screen, then ``status complete`` (the suite's rule)."""
    from vera.env.android.sim.oracle import UI

    yield from episode.task.solve(UI(episode.env))
    yield STATUS_COMPLETE


def action_candidate(action: JSONAction, candidates: Iterable[Candidate]) -> Candidate:
    """The candidate for an executed action (a bare one when the candidate set lacks it)."""
    found = find_candidate(list(candidates), action)
    if found is not None:
        return found
    return Candidate(action.action_type, action.json_str(), action, action.index)


@dataclass
class WalkResult:
    steps: list[OracleStep] = field(default_factory=list)
    success: float = 0.0
    error: str | None = None


def walk_oracle(task_name: str, seed: int, policy: Any = None) -> WalkResult:
    """Play the oracle; with a `VDroidPolicy`, each state also gets the policy's candidate set (in
    trajectory order, so the policy's memory of texts seen earlier is what an agent would have)."""
    episode = start_episode(task_name, seed)
    if policy is not None:
        policy.start_episode(episode.app_names)
    memory = WorkingMemory()
    summarizer = RuleSummarizer()
    result = WalkResult()
    answer = ""
    actions = oracle_actions(episode)
    try:
        for step in range(episode.max_steps + 1):
            elements = list(episode.env.ui_elements())
            action = next(actions)
            cands = policy.candidates(episode.goal, elements) if policy is not None else []
            result.steps.append(OracleStep(task_name, seed, step, episode.goal, memory.to_list(), elements,
                                           action, episode.app_names, cands if policy is not None else None))
            if action.action_type == T.STATUS:
                break
            episode.env.execute_action(action)
            if action.action_type == T.ANSWER:
                answer = action.text or ""
            chosen = action_candidate(action, cands)
            after = list(episode.env.ui_elements())
            memory.add(chosen.text, summarizer.summarize(StepOutcome(episode.goal, chosen, elements, after)))
    except (VeraError, StopIteration) as exc:
        result.error = f"{type(exc).__name__}: {exc}"
    result.success = episode.success(answer)
    return result


def simdroid_decisions(tasks: Iterable[str] = ("SystemWifiTurnOn", "ContactsAddContact", "ExpenseAddSingle",
                                                "SimpleCalendarAddOneEvent", "TasksDueOnDate"),
                       seed: int = 0) -> list[tuple[str, list[str]]]:
    """Real (context, candidates) decisions in the order an agent meets them: the states of the oracle
    walks of `tasks`, written in the embedded verifier's prompt style."""
    from vera.agents.policy import VDroidPolicy
    from vera.verifier.prompt import CompactPrompt, build_prompts

    style = CompactPrompt()
    policy = VDroidPolicy(scorer=None, style=style)  # type: ignore[arg-type]  # candidates only
    decisions = []
    for name in tasks:
        for step in walk_oracle(name, seed, policy).steps:
            memory = WorkingMemory(step.memory)
            decisions.append(build_prompts(style, step.goal, style.history(memory), step.elements,
                                           step.candidates or []))
    return decisions
