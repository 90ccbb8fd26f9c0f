"""The V-Droid agent as a LangGraph graph: observe -> propose -> verify -> complete -> act -> memorize.

Every step runs the six nodes once; the graph ends when the agent sends ``status`` or spends its step
budget. The typed state (`DroidState`) holds only plain JSON data (goal, memory, executed actions, the
chosen candidate), and a SQLite checkpointer (langgraph-checkpoint-sqlite) writes it after every node,
so a killed run continues from its last completed node: ``vera run ... --resume RUN_ID``. On a fresh
simulated device the executed actions are replayed, so the device is where the run left it, and the
step numbers (and the trajectory of ``--record``) go on where they stopped.

Bad input never stops a run: a candidate that fails to execute is recorded with its reason (in the
working memory and the trajectory) and the agent goes on; an abstract action whose LLM completion is
unparseable is kept abstract, as V-Droid does, and the trajectory says so.
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypedDict

from vera.env.android import types as T
from vera.env.android.env import AndroidEnv
from vera.env.android.types import JSONAction, UIElement
from vera.errors import ActionError, ConfigError, VeraError
from vera.memory.working import LLMSummarizer, RuleSummarizer, StepOutcome, Summarizer, WorkingMemory
from vera.verifier.candidates import Candidate, complete_candidate
from vera.verifier.html import screen_html

DEFAULT_CHECKPOINTS = Path("runs") / "vdroid-checkpoints.sqlite"

COMPLETION_PROMPT = (
    "You are an agent who operates an Android phone on behalf of a user. Actions are JSON objects: "
    '{{"action_type": "input_text", "text": <text>, "index": <index>}}, '
    '{{"action_type": "open_app", "app_name": <name>}}, {{"action_type": "answer", "text": <answer>}}.\n'
    "The (overall) user goal/request is: {goal}\n"
    "You may have tried some actions already; here is a history of what you did:\n{history}\n"
    "The UI elements of the current screen:\n{screen}\n"
    "This is the action you select: {action}, which lacks some key information. Complete it and reply "
    "in the correct JSON format.\nAction: "
)


class DroidState(TypedDict, total=False):
    """What the checkpointer stores after every node (plain JSON only)."""

    goal: str
    run_id: str
    step: int
    max_steps: int
    memory: list[dict[str, Any]]
    executed: list[dict[str, Any]]
    screen: str
    chosen: dict[str, Any] | None
    ranked: list[dict[str, Any]]
    decision_ms: float
    n_candidates: int
    error: str | None
    notes: list[str]
    before_label: str
    done: bool
    status: str | None
    answer: str | None


def candidate_from_dict(data: dict[str, Any]) -> Candidate:
    action = data.get("action")
    return Candidate(kind=data["kind"], text=data["text"],
                     action=JSONAction.from_dict(action) if action else None, index=data.get("index"),
                     slot=data.get("slot"), target=data.get("target"), value=data.get("value"),
                     label=data.get("label"))


def _candidate_dict(candidate: Candidate) -> dict[str, Any]:
    return {**candidate.to_dict(), "value": candidate.value, "label": candidate.label}


# --- how the agent sees and acts: over its own env, or through a loop that owns the env -----------
class Actuator(Protocol):
    """Carries out a chosen action; returns an error message or None."""

    def execute(self, action: JSONAction) -> str | None: ...

    def unexecutable(self, reason: str) -> None:
        """The chosen action cannot be carried out (an abstract action kept abstract); `reason` says why."""


class Observer(Protocol):
    """The current screen's elements (`state`: the graph state of the node asking)."""

    def elements(self, state: Mapping[str, Any] | None = None) -> list[UIElement]: ...


@dataclass
class EnvIO:
    """The agent drives an `AndroidEnv` itself (`DroidAgent.run`)."""

    env: AndroidEnv

    def elements(self, state: Mapping[str, Any] | None = None) -> list[UIElement]:
        return list(self.env.get_state().ui_elements)

    def execute(self, action: JSONAction) -> str | None:
        try:
            self.env.execute_action(action)
        except VeraError as exc:
            return f"{type(exc).__name__}: {exc}"
        return None

    def unexecutable(self, reason: str) -> None:
        """Nothing to do: the agent records the reason and spends the step."""


@dataclass
class ExternalIO:
    """A loop outside the graph (the SimDroid suite) observes and executes: the ``act`` node hands the
    action out with a LangGraph ``interrupt`` and resumes when the loop calls back with the next screen.

    While a killed run is resumed, `sync` (set by `SuiteDroid`) brings the fresh device up to the
    actions the asking node's state has executed, and the screen is read from the device itself.
    """

    latest: list[UIElement] = field(default_factory=list)
    sync: Callable[[Sequence[dict[str, Any]]], list[UIElement]] | None = None

    def elements(self, state: Mapping[str, Any] | None = None) -> list[UIElement]:
        if self.sync is not None:
            return self.sync((state or {}).get("executed", []))
        return list(self.latest)

    def execute(self, action: JSONAction) -> str | None:
        from langgraph.types import interrupt

        reply = interrupt({"action": action.to_dict()})
        return reply.get("error") if isinstance(reply, dict) else None

    def unexecutable(self, reason: str) -> None:
        """Hand the step out anyway (with no action), so the loop spends and records it."""
        from langgraph.types import interrupt

        interrupt({"action": None, "error": reason})


@dataclass
class DroidRunResult:
    run_id: str
    state: dict[str, Any]
    resumed: bool = False

    @property
    def steps(self) -> int:
        return int(self.state.get("step", 0))

    @property
    def status(self) -> str | None:
        return self.state.get("status")


ProgressCallback = Callable[[str, dict[str, Any]], None]


def open_checkpointer(path: Path | str | None) -> tuple[Any, sqlite3.Connection | None]:
    """A SQLite checkpointer at `path` (WAL, shared by processes), or an in-memory one for None."""
    if path is None:
        from langgraph.checkpoint.memory import InMemorySaver

        return InMemorySaver(), None
    from langgraph.checkpoint.sqlite import SqliteSaver

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=60)
    conn.execute("PRAGMA journal_mode=WAL")
    return SqliteSaver(conn), conn


@dataclass
class DroidAgent:
    """V-Droid's loop as a LangGraph graph; one pass of the six nodes per step.

    `policy` is a `vera.agents.policy.VDroidPolicy`; `io` observes and acts (`EnvIO` or `ExternalIO`);
    `llm` (optional) completes abstract actions and writes the summaries; `recorder` (a
    `TrajectoryRecorder`, optional) gets one record per step with the scored candidates.
    """

    policy: Any
    io: Any
    llm: Any = None
    recorder: Any = None
    summarizer: Summarizer | None = None
    on_progress: ProgressCallback | None = None
    top_k_recorded: int = 10
    _elements: list[UIElement] | None = field(default=None, init=False, repr=False)
    _before: list[UIElement] | None = field(default=None, init=False, repr=False)
    _candidates: list[Candidate] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.summarizer is None:
            self.summarizer = LLMSummarizer(self.llm) if self.llm is not None else RuleSummarizer()

    # --- nodes -------------------------------------------------------------------------------------
    def _observe_elements(self, state: Mapping[str, Any]) -> list[UIElement]:
        self._elements = self.io.elements(state)
        self._candidates = None
        return self._elements

    def observe(self, state: DroidState) -> dict[str, Any]:
        elements = self._observe_elements(state)
        return {"screen": screen_html(elements), "error": None, "notes": []}

    def propose(self, state: DroidState) -> dict[str, Any]:
        elements = self._elements if self._elements is not None else self._observe_elements(state)
        self._candidates = self.policy.candidates(state["goal"], elements)
        return {"n_candidates": len(self._candidates)}

    def verify(self, state: DroidState) -> dict[str, Any]:
        if self._candidates is None or self._elements is None:  # resumed between nodes
            self.propose(state)
        assert self._elements is not None and self._candidates is not None
        memory = WorkingMemory(state.get("memory", []))
        decision = self.policy.decide(state["goal"], memory, self._elements, self._candidates)
        return {"chosen": _candidate_dict(decision.chosen), "ranked": decision.ranked(self.top_k_recorded),
                "decision_ms": round(decision.latency_s * 1000, 3)}

    def complete(self, state: DroidState) -> dict[str, Any]:
        chosen = candidate_from_dict(state["chosen"] or {})
        if not chosen.is_abstract:
            return {}
        notes = list(state.get("notes", []))
        if self.llm is None:
            notes.append(f"no LLM configured to fill {chosen.slot}; abstract action kept")
            return {"notes": notes}
        memory = WorkingMemory(state.get("memory", []))
        prompt = COMPLETION_PROMPT.format(goal=state["goal"], history=memory.render(),
                                          screen=state.get("screen", ""), action=chosen.text)
        try:
            completion = self.llm.generate(prompt, max_new_tokens=96)
        except Exception as exc:  # the model failing must not end the run
            notes.append(f"LLM completion failed ({exc}); abstract action kept")
            return {"notes": notes}
        filled, problem = complete_candidate(chosen, completion)
        if problem:
            notes.append(problem)
        return {"chosen": _candidate_dict(filled), "notes": notes}

    def act(self, state: DroidState) -> dict[str, Any]:
        chosen = candidate_from_dict(state["chosen"] or {})
        self._before = self._elements
        if chosen.action is None:
            reason = f"abstract action {chosen.text} cannot be executed ({chosen.slot} unfilled)"
            self.io.unexecutable(reason)
            return {"error": reason}
        action = chosen.action
        error = self.io.execute(action)
        if error:
            return {"error": error}
        update: dict[str, Any] = {"executed": [*state.get("executed", []), action.to_dict()]}
        if action.action_type == T.STATUS:
            update.update(done=True, status=action.goal_status)
        elif action.action_type == T.ANSWER:
            update["answer"] = action.text
        return update

    def memorize(self, state: DroidState) -> dict[str, Any]:
        chosen = candidate_from_dict(state["chosen"] or {})
        after = self.io.elements(state)
        before = self._before if self._before is not None else after
        assert self.summarizer is not None
        summary = self.summarizer.summarize(StepOutcome(state["goal"], chosen, before, after, state.get("error")))
        memory = WorkingMemory(state.get("memory", []))
        memory.add(chosen.text, summary)
        step = int(state.get("step", 0)) + 1
        done = bool(state.get("done"))
        status = state.get("status")
        if not done and step >= int(state["max_steps"]):
            done, status = True, "budget"
        if self.recorder is not None:
            info = {"error": state.get("error"), "notes": state.get("notes", []), "summary": summary,
                    "decision_ms": state.get("decision_ms"), "run_id": state.get("run_id")}
            self.recorder.step(index=step - 1, observation={"screen": state.get("screen", "")},
                               action=chosen.action.to_dict() if chosen.action else chosen.text, info=info,
                               candidates=state.get("ranked"))
        self._elements = after
        self._candidates = None
        return {"memory": memory.to_list(), "step": step, "done": done, "status": status}

    def _record_start(self, goal: str, run_id: str, task: str, seed: int | None, resume_step: int | None) -> None:
        """The trajectory's episode record, or its ``resume`` record for a run it already holds."""
        if self.recorder is None:
            return
        if resume_step is None:
            self.recorder.start(env="android", task=task, seed=seed, goal=goal, agent="vdroid", run_id=run_id)
        elif self.recorder.resuming:
            header = self.recorder.header or {}
            self.recorder.resume_at(resume_step, task=str(header.get("task")), seed=header.get("seed"),
                                    run_id=run_id)
        else:
            raise ConfigError(f"resuming run {run_id!r} with a recorder that does not hold its trajectory; "
                              f"record into the directory the run was recorded in (TrajectoryRecorder(DIR, "
                              f"resume={run_id!r}))")

    # --- graph -------------------------------------------------------------------------------------
    def build_graph(self, checkpointer: Any) -> Any:
        from langgraph.graph import END, START, StateGraph

        graph = StateGraph(DroidState)
        for name in NODES:
            graph.add_node(name, getattr(self, name))
        graph.add_edge(START, NODES[0])
        for a, b in zip(NODES, NODES[1:], strict=False):
            graph.add_edge(a, b)
        graph.add_conditional_edges("memorize", lambda s: END if s.get("done") else "observe",
                                    {END: END, "observe": "observe"})
        return graph.compile(checkpointer=checkpointer)

    def run(self, goal: str, max_steps: int, *, checkpoint_db: Path | str | None = DEFAULT_CHECKPOINTS,
            run_id: str | None = None, resume: str | None = None, replay: Callable[[JSONAction], None] | None = None,
            fail_after_steps: int | None = None, keep_checkpoints: bool = False, task: str = "",
            seed: int | None = None) -> DroidRunResult:
        """Run (or, with ``resume``, continue) an episode with `EnvIO` until status or budget.

        On resume, `replay` (e.g. ``env.execute_action``) re-executes the run's actions first, for a
        fresh simulated device; ``fail_after_steps`` raises after that many steps (kill tests). A run
        that ends leaves no checkpoints behind unless ``keep_checkpoints`` (a killed one keeps them).
        With a `recorder`, the trajectory gets the episode record (`task`, `seed`, the goal and run id)
        first, or a ``resume`` record when continuing the run it holds, and the outcome when the run ends.
        """
        checkpointer, conn = open_checkpointer(checkpoint_db)
        try:
            graph = self.build_graph(checkpointer)
            run_id = resume or run_id or new_run_id()
            config = graph_config(run_id, max_steps)
            payload: DroidState | None = initial_state(goal, run_id, max_steps)
            if resume:
                snapshot = load_snapshot(graph, config, resume, goal, checkpoint_db)
                if replay is not None:  # what the graph has executed (finished nodes are not run again)
                    for action in snapshot.values.get("executed", []):
                        replay(JSONAction.from_dict(action))
                payload = None  # from the last checkpoint; an ended graph streams nothing
            self._record_start(goal, run_id, task, seed, int(snapshot.values.get("step", 0)) if resume else None)
            started = time.perf_counter()
            for update in graph.stream(payload, config, stream_mode="updates", durability="sync"):
                for node, values in update.items():
                    if self.on_progress is not None:
                        self.on_progress(node, dict(values or {}))
                    if (node == "memorize" and fail_after_steps is not None and values
                            and values.get("step", 0) >= fail_after_steps and not values.get("done")):
                        raise RuntimeError(f"killed after {fail_after_steps} steps (test hook)")
            snapshot = graph.get_state(config)
            final = dict(snapshot.values)
            final["elapsed_s"] = round(time.perf_counter() - started, 4)
            if run_has_ended(snapshot):
                if self.recorder is not None:
                    self.recorder.finish({"done": bool(final.get("done")), "status": final.get("status"),
                                          "steps": int(final.get("step", 0)), "answer": final.get("answer")})
                if conn is not None and not keep_checkpoints:
                    checkpointer.delete_thread(run_id)
            return DroidRunResult(run_id, final, resumed=resume is not None)
        finally:
            if conn is not None:
                conn.close()


NODES = ("observe", "propose", "verify", "complete", "act", "memorize")


def new_run_id() -> str:
    return f"vdroid-{uuid.uuid4().hex[:12]}"


def graph_config(run_id: str, max_steps: int) -> dict[str, Any]:
    return {"configurable": {"thread_id": run_id}, "recursion_limit": 6 * max_steps + 20}


def initial_state(goal: str, run_id: str, max_steps: int) -> DroidState:
    return {"goal": goal, "run_id": run_id, "step": 0, "max_steps": max_steps, "memory": [], "executed": [],
            "notes": [], "done": False, "status": None, "answer": None}


def load_snapshot(graph: Any, config: dict[str, Any], run_id: str, goal: str, db: Any) -> Any:
    snapshot = graph.get_state(config)
    if not snapshot.values:
        raise ConfigError(f"no V-Droid run {run_id!r} in {db}; pass the RUN_ID of a run that was killed "
                          "before it ended (`vera runs list` shows them; a run's checkpoints are deleted when it "
                          "ends) and the same -o checkpoint_db=...")
    if snapshot.values.get("goal") != goal:
        raise ConfigError(f"run {run_id!r} was for the goal {snapshot.values.get('goal')!r}, not {goal!r}; "
                          "resume it with the same task and seed")
    return snapshot


def pending_handout(snapshot: Any) -> dict[str, Any] | None:
    """What an interrupted ``act`` node was handing out (``{"action": dict | None, ...}``), if the run
    stopped there."""
    for task in getattr(snapshot, "tasks", ()) or ():
        for item in getattr(task, "interrupts", ()) or ():
            value = getattr(item, "value", None)
            if isinstance(value, dict) and "action" in value:
                return value
    return None


def run_has_ended(snapshot: Any) -> bool:
    """True when a run has nothing left to resume: its graph reached the end, or its ``act`` node was
    handing out ``status`` or the last step of the budget (the loop that owns the device ends the
    episode there)."""
    if not snapshot.values:
        return False
    if not snapshot.next:
        return True
    pending = pending_handout(snapshot)
    if pending is None:
        return False
    last_step = int(snapshot.values.get("step", 0)) + 1 >= int(snapshot.values.get("max_steps") or 0)
    return last_step or (pending.get("action") or {}).get("action_type") == T.STATUS


def delete_run(checkpoint_db: Path | str | None, run_id: str) -> None:
    """Delete a run's checkpoints (every step of every episode is checkpointed: kept for finished runs,
    they grow the database by about a megabyte an episode and serve nothing)."""
    if checkpoint_db is None or not Path(checkpoint_db).exists():
        return
    checkpointer, conn = open_checkpointer(checkpoint_db)
    try:
        checkpointer.delete_thread(run_id)
    finally:
        if conn is not None:
            conn.close()


@dataclass(frozen=True)
class RunInfo:
    """One run in a checkpoint database, as `list_runs` reads it."""

    run_id: str
    goal: str
    step: int
    ended: bool

    def to_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "goal": self.goal, "step": self.step, "ended": self.ended}


def list_runs(checkpoint_db: Path | str) -> list[RunInfo]:
    """The runs in a checkpoint database, oldest first: ended ones, and killed ones that ``--resume`` continues."""
    path = Path(checkpoint_db)
    if not path.is_file():
        raise ConfigError(f"no checkpoint database at {str(path)!r}; V-Droid runs write "
                          f"{DEFAULT_CHECKPOINTS} unless -o checkpoint_db=PATH says otherwise")
    checkpointer, conn = open_checkpointer(path)
    assert conn is not None
    try:
        try:
            rows = conn.execute("SELECT thread_id, MIN(rowid) FROM checkpoints GROUP BY thread_id "
                                "ORDER BY MIN(rowid)").fetchall()
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"{str(path)!r} is not a V-Droid checkpoint database ({exc})") from exc
        graph = DroidAgent(None, None).build_graph(checkpointer)
        runs = []
        for (run_id, _) in rows:
            snapshot = graph.get_state(graph_config(str(run_id), 1))
            values = snapshot.values or {}
            runs.append(RunInfo(str(run_id), str(values.get("goal", "")), int(values.get("step", 0)),
                                run_has_ended(snapshot)))
        return runs
    finally:
        conn.close()


def prune_runs(checkpoint_db: Path | str, *, keep_killed: bool = True) -> dict[str, Any]:
    """Delete the checkpoints of runs that ended (all runs with ``keep_killed=False``) and compact the file;
    returns what was deleted and kept, and the file's size before and after."""
    path = Path(checkpoint_db)
    runs = list_runs(path)
    doomed = [r.run_id for r in runs if r.ended or not keep_killed]
    before = _db_bytes(path)
    checkpointer, conn = open_checkpointer(path)
    assert conn is not None
    try:
        for run_id in doomed:
            checkpointer.delete_thread(run_id)
        conn.commit()
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    deleted = set(doomed)
    return {"checkpoint_db": str(path), "deleted": len(doomed),
            "kept": [r.run_id for r in runs if r.run_id not in deleted],
            "bytes_before": before, "bytes_after": _db_bytes(path)}


def _db_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def progress_printer(console: Any) -> ProgressCallback:
    """Streamed progress: one line per finished step (and the closing ``status``, which is not memorized)."""
    def show(node: str, values: dict[str, Any]) -> None:
        if node == "memorize" and values.get("memory"):
            entry = values["memory"][-1]
            console.print(f"[dim]vdroid step {entry['step']}:[/] {entry['action']} -- {entry['summary']}")
        elif node == "finish":
            console.print(f"[dim]vdroid step {values['step']}:[/] {values['action']} -- the run ends")
    return show


# --- the SimDroid suite's agent ------------------------------------------------------------------------
OPTION_KEYS = ("scorer", "llm", "checkpoint_db", "keep_checkpoints", "run_id", "resume", "progress",
               "exit_after_steps", "mode", "dtype", "device", "model")


class UnexecutableAction(ActionError):
    """The chosen action cannot be carried out (an abstract action whose slot stayed empty)."""


class SuiteDroid:
    """Adapts the graph to a loop that owns the device (``act(goal, state) -> action``).

    Each call resumes the graph until its ``act`` node hands out the next action (a LangGraph
    interrupt), so the graph keeps its shape and its checkpoints while the suite executes and records.
    It implements the SimDroid suite's optional hooks (`vera.env.android.sim.suite`): the scored
    candidates of every step (`step_record`), the outcome of every action fed back to the graph
    (`action_result`), the run id in the trajectory (`episode_info`), resuming a killed run at its
    next step (`resume_episode`) and deleting the run's checkpoints once the episode has ended and its
    outcome is recorded (`end_episode`; kept with ``keep_checkpoints``).
    """

    def __init__(self, agent: DroidAgent, env: AndroidEnv, max_steps: int, *, checkpoint_db: Any,
                 run_id: str | None, resume: str | None, exit_after_steps: int | None = None,
                 announce: Callable[[str], None] | None = None, keep_checkpoints: bool = False) -> None:
        self.agent = agent
        self.env = env
        self.max_steps = max_steps
        self.checkpoint_db = checkpoint_db
        self.run_id = resume or run_id or new_run_id()
        self.resume = resume
        self.exit_after_steps = exit_after_steps
        self.announce = announce
        self.keep_checkpoints = keep_checkpoints
        self._graph: Any = None
        self._conn: sqlite3.Connection | None = None
        self._config = graph_config(self.run_id, max_steps)
        self._final: dict[str, Any] | None = None
        self._started = False  # the graph has a thread (a fresh run started, or a resumed one loaded)
        self._handout: dict[str, Any] | None = None  # reached while resuming: the next act hands it out
        self._last_error: str | None = None
        self._record: dict[str, Any] = {}
        self._replayed = -1  # executed actions replayed on this device while resuming (-1: none yet)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __del__(self) -> None:  # the suite has no end-of-episode hook
        self.close()

    # --- the suite's optional hooks -------------------------------------------------------------------
    def episode_info(self) -> dict[str, Any]:
        return {"run_id": self.run_id}

    def step_record(self) -> dict[str, Any]:
        """The step just handed out: its scored candidates (best first) and the agent's notes."""
        return self._record

    def end_episode(self) -> None:
        """The loop ended the episode (status, its budget, or the graph's) and recorded the outcome: the run
        has nothing left to resume, so its checkpoints are deleted unless ``keep_checkpoints``."""
        self.close()
        if not self.keep_checkpoints and self._started:
            delete_run(self.checkpoint_db, self.run_id)

    def action_result(self, error: str | None) -> None:
        """The outcome of the handed-out action; the graph's ``act`` node gets it on the next call."""
        self._last_error = error

    def resume_episode(self, goal: str, recorded_steps: Sequence[dict[str, Any]] = ()) -> int:
        """Continue the killed run on this (fresh) device up to its next hand-out; return that step's index.

        The graph goes on from its last checkpoint with LangGraph's own resume (nodes that had finished
        are not run again); while it does, the device replays the actions the graph's state says were
        executed, just before a node reads the screen. A run killed while ``act`` was handing an action
        out either recorded that step (then its outcome is given back from the record and the run goes
        on with the next step) or not (then the same action is handed out again as that step). So no
        step is recorded twice or lost, wherever the kill came.
        """
        self._open()
        snapshot = load_snapshot(self._graph, self._config, self.run_id, goal, self.checkpoint_db)
        self._started = True
        pending = pending_handout(snapshot)
        payload: Any = None
        if pending is not None:
            step = int(snapshot.values.get("step", 0))
            recorded = next((r for r in recorded_steps if int(r.get("index", -1)) == step), None)
            if recorded is None:
                self._sync(snapshot.values.get("executed", []))
                self._handout = pending
                return step
            from langgraph.types import Command

            payload = Command(resume={"error": (recorded.get("info") or {}).get("error")})
        self.agent.io.sync = self._sync
        try:
            self._handout = self._advance(payload)
        finally:
            self.agent.io.sync = None
        values = (self._final or {}) if self._handout is None else self._graph.get_state(self._config).values
        self._sync(values.get("executed", []))  # no node may have read the screen on the way
        return int(values.get("step", 0))

    def _sync(self, executed: Sequence[dict[str, Any]]) -> list[UIElement]:
        """Replay the executed actions this device has not seen yet; the screen it then shows."""
        if self._replayed < 0:
            self._observe_for_policy()
            self._replayed = 0
        for action in executed[self._replayed:]:
            self.agent._before = list(self.env.get_state().ui_elements)  # for memorize's summary
            try:
                self.env.execute_action(JSONAction.from_dict(action))
            except VeraError:  # executed once, so it should again; if not, go on with the screen we have
                pass
            self._observe_for_policy()
        self._replayed = max(self._replayed, len(executed))
        return list(self.env.get_state().ui_elements)

    def _observe_for_policy(self) -> None:
        """Show the policy each replayed screen, as the killed run did (app names, texts read earlier)."""
        observe = getattr(self.agent.policy, "observe", None)
        if observe is not None:
            observe(self.env.get_state().ui_elements)

    # --- the graph --------------------------------------------------------------------------------------
    def _open(self) -> None:
        if self._graph is not None:
            return
        checkpointer, self._conn = open_checkpointer(self.checkpoint_db)
        self._graph = self.agent.build_graph(checkpointer)
        if self.announce is not None:
            verb = "resuming" if self.resume else "starting"
            self.announce(f"vdroid {verb} run {self.run_id} (checkpoints: {self.checkpoint_db}; "
                          f"continue a killed run with --resume {self.run_id})")

    def _details(self, handout: dict[str, Any]) -> dict[str, Any]:
        values = self._graph.get_state(self._config).values
        chosen = values.get("chosen") or {}
        info = {"run_id": self.run_id, "chosen": chosen.get("text"), "n_candidates": values.get("n_candidates"),
                "decision_ms": values.get("decision_ms"), "notes": list(values.get("notes") or [])}
        record: dict[str, Any] = {"candidates": values.get("ranked"), "info": info}
        if handout.get("action") is None:
            record["action"] = chosen.get("text")
        return record

    def _hand(self, handout: dict[str, Any]) -> JSONAction:
        self._record = self._details(handout)
        if handout.get("action") is None:
            raise UnexecutableAction(handout.get("error") or "the agent chose no executable action")
        action = JSONAction.from_dict(handout["action"])
        if action.action_type == T.STATUS and self.agent.on_progress is not None:  # never memorized
            step = int(self._graph.get_state(self._config).values.get("step", 0)) + 1
            self.agent.on_progress("finish", {"step": step, "action": self._record["info"]["chosen"]})
        return action

    def _advance(self, payload: Any) -> dict[str, Any] | None:
        """Stream the graph until its ``act`` node hands out an action (returned), or until it ends (None).

        LangGraph writes the interrupt (what ``act`` hands out) to the checkpointer only when the stream
        is closed, so it is closed before the action leaves: a kill after that finds it in SQLite.
        """
        stream = self._graph.stream(payload, self._config, stream_mode="updates", durability="sync")
        handout: dict[str, Any] | None = None
        try:
            for update in stream:
                for node, values in update.items():
                    if node == "__interrupt__":
                        handout = values[0].value
                        break
                    if self.agent.on_progress is not None:
                        self.agent.on_progress(node, dict(values or {}))
                    if (node == "memorize" and self.exit_after_steps is not None and values
                            and values.get("step", 0) >= self.exit_after_steps):
                        os._exit(137)  # a real kill, for resume tests: checkpoints are already synced
                if handout is not None:
                    break
        finally:
            stream.close()
        if handout is None:
            self._final = dict(self._graph.get_state(self._config).values)
            self.close()
        return handout

    def _terminal_action(self) -> JSONAction:
        self._record = {}
        final = self._final or {}
        if final.get("status") in ("complete", "infeasible"):
            return JSONAction(T.STATUS, goal_status=final["status"])
        return JSONAction(T.STATUS, goal_status="infeasible")  # budget spent in the graph

    def act(self, goal: str, state: Any) -> JSONAction:
        self._record = {}
        if self._graph is None and self.resume:  # a loop without the resume hook (AndroidWorld's)
            self.resume_episode(goal)
        self.agent.io.latest = list(state.ui_elements)
        if self._handout is not None:
            handout, self._handout = self._handout, None
            return self._hand(handout)
        if self._final is not None:
            return self._terminal_action()
        self._open()
        if not self._started:
            self._started = True
            handout = self._advance(initial_state(goal, self.run_id, self.max_steps))
        else:
            from langgraph.types import Command

            error, self._last_error = self._last_error, None
            handout = self._advance(Command(resume={"error": error}))
        return self._hand(handout) if handout is not None else self._terminal_action()


def make_simdroid_agent(task: Any, env: AndroidEnv, rng: Any, options: dict[str, Any]) -> SuiteDroid:
    """The ``vdroid`` agent of the SimDroid suite (options: scorer, llm, checkpoint_db, keep_checkpoints,
    run_id, resume, progress, mode/dtype/device for hf scorers)."""
    from vera.agents.policy import VDroidPolicy, build_llm, check_llm_spec
    from vera.train.episodes import device_app_names

    unknown = sorted(set(options) - set(OPTION_KEYS))
    if unknown:
        raise ConfigError(f"unknown vdroid option(s) {unknown}; known: {', '.join(OPTION_KEYS)} (the verifier "
                          "is -o scorer=encoder[:PATH], hf:MODEL_DIR or http:URL; the LLM -o llm=hf:DIR)")
    check_llm_spec(options.get("llm"))
    scorer, style = cached_scorer(options.get("scorer"), options)
    llm = build_llm(options.get("llm"), options)
    apps = list(device_app_names(env.device))
    policy = VDroidPolicy(scorer, style, fill_slots=llm is None, app_names=apps)
    announce = None
    progress = None
    if options.get("progress", True):
        from rich.console import Console

        console = Console(stderr=True)
        announce = console.print
        progress = progress_printer(console)
    agent = DroidAgent(policy, ExternalIO(), llm=llm, on_progress=progress)
    db = options.get("checkpoint_db", str(DEFAULT_CHECKPOINTS))
    return SuiteDroid(agent, env, int(task.max_steps()), checkpoint_db=db if db else None,
                      run_id=options.get("run_id"), resume=options.get("resume"),
                      exit_after_steps=options.get("exit_after_steps"), announce=announce,
                      keep_checkpoints=bool(options.get("keep_checkpoints", False)))


_SCORERS: dict[str, Any] = {}


def cached_scorer(spec: str | None, options: dict[str, Any]) -> Any:
    """Scorers are loaded once per process (an eval worker runs many episodes)."""
    from vera.agents.policy import build_scorer

    key = f"{spec}|{options.get('mode')}|{options.get('dtype')}|{options.get('device')}"
    if key not in _SCORERS:
        _SCORERS[key] = build_scorer(spec, options)
    return _SCORERS[key]
