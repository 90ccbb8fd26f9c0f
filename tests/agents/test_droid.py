"""The V-Droid agent: LangGraph loop, SQLite checkpoints and resume, bad input, scorer specs, suite runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vera.agents.droid import DroidAgent, EnvIO
from vera.agents.policy import DEFAULT_WEIGHTS, VDroidPolicy, build_llm, build_scorer
from vera.env.android.env import AndroidEnv
from vera.errors import ConfigError, DeviceError
from vera.train.episodes import start_episode
from vera.verifier.prompt import CompactPrompt

EASY_TASK = "ClockStopWatchRunning"
SMS_TASK, SMS_SEED = "SimpleSmsSend", 2  # the `make demo` episode: six steps with the shipped verifier
SMS_STRAIGHT: dict[str, float] = {}  # the uninterrupted run's outcome (set by the straight_sms fixture)


class PreferScorer:
    """Unit-test scorer: prefers candidates whose text contains a word, in order of the words."""

    def __init__(self, *words: str) -> None:
        self.words = words

    def score(self, context: str, candidates: list[str]) -> list[float]:
        return [max((len(self.words) - i for i, w in enumerate(self.words) if w in c), default=0.0)
                for c in candidates]


@pytest.fixture(scope="module")
def default_scorer():
    if not DEFAULT_WEIGHTS.is_file():
        pytest.fail(f"the shipped default verifier is missing: {DEFAULT_WEIGHTS}")
    return build_scorer("encoder")


def _agent(scorer, style, episode, **kwargs) -> DroidAgent:
    policy = VDroidPolicy(scorer, style, app_names=list(episode.app_names))
    return DroidAgent(policy, EnvIO(episode.env), **kwargs)


def test_graph_solves_an_easy_task_and_resumes_after_a_kill(tmp_path, default_scorer):
    scorer, style = default_scorer
    db = tmp_path / "ck.sqlite"
    straight_episode = start_episode(EASY_TASK, 1)
    straight = _agent(scorer, style, straight_episode).run(straight_episode.goal, straight_episode.max_steps,
                                                           checkpoint_db=db, run_id="straight")
    assert straight.status == "complete" and straight_episode.success() == 1.0
    assert [m["step"] for m in straight.state["memory"]] == list(range(1, straight.steps + 1))
    assert straight.steps >= 2

    first = start_episode(EASY_TASK, 1)
    with pytest.raises(RuntimeError, match="killed after 1 steps"):
        _agent(scorer, style, first).run(first.goal, first.max_steps, checkpoint_db=db, run_id="killed",
                                         fail_after_steps=1)
    fresh = start_episode(EASY_TASK, 1)  # a new process: a fresh device, state from SQLite
    resumed = _agent(scorer, style, fresh).run(fresh.goal, fresh.max_steps, checkpoint_db=db,
                                               resume="killed", replay=fresh.env.execute_action)
    assert resumed.resumed and resumed.status == "complete" and fresh.success() == 1.0
    assert resumed.state["executed"] == straight.state["executed"]
    with pytest.raises(ConfigError, match="no V-Droid run"):
        _agent(scorer, style, fresh).run(fresh.goal, 5, checkpoint_db=db, resume="nope")
    from vera.agents.droid import list_runs

    assert list_runs(db) == []  # both runs ended: their checkpoints went with them


def test_ended_runs_are_listed_and_pruned_killed_ones_stay_resumable(tmp_path):
    from vera.agents.droid import list_runs, prune_runs

    db = tmp_path / "ck.sqlite"
    scorer = PreferScorer("Clock", "Stopwatch", "Start", "status")
    kept = start_episode(EASY_TASK, 1)
    _agent(scorer, CompactPrompt(), kept).run(kept.goal, kept.max_steps, checkpoint_db=db, run_id="kept",
                                               keep_checkpoints=True)
    killed = start_episode(EASY_TASK, 1)
    with pytest.raises(RuntimeError, match="killed after 2 steps"):
        _agent(scorer, CompactPrompt(), killed).run(killed.goal, killed.max_steps, checkpoint_db=db,
                                                     run_id="killed", fail_after_steps=2)
    runs = {r.run_id: r for r in list_runs(db)}
    assert set(runs) == {"kept", "killed"} and runs["kept"].ended and not runs["killed"].ended
    assert runs["killed"].step == 2 and runs["killed"].goal == killed.goal
    listed = _vera("runs", "list", "--checkpoint-db", str(db), cwd=tmp_path)
    assert listed.returncode == 0 and "--resume killed" in listed.stdout, listed.stderr[-2000:]

    report = prune_runs(db)
    assert report["deleted"] == 1 and report["kept"] == ["killed"]
    assert [r.run_id for r in list_runs(db)] == ["killed"]
    fresh = start_episode(EASY_TASK, 1)
    resumed = _agent(scorer, CompactPrompt(), fresh).run(fresh.goal, fresh.max_steps, checkpoint_db=db,
                                                         resume="killed", replay=fresh.env.execute_action)
    assert resumed.resumed and resumed.steps > 2 and list_runs(db) == []


def test_graph_run_records_the_episode_its_resume_and_outcome(tmp_path):
    """DroidAgent.run with a recorder writes a whole trajectory, also across a kill and a resume."""
    from vera.trajectory import TrajectoryRecorder, read_jsonl

    db, rec = tmp_path / "ck.sqlite", tmp_path / "rec"
    scorer = PreferScorer("Clock", "Stopwatch", "Start", "status")
    first = start_episode(EASY_TASK, 1)
    with pytest.raises(RuntimeError, match="killed after 2 steps"):
        _agent(scorer, CompactPrompt(), first, recorder=TrajectoryRecorder(rec, screenshots=False)).run(
            first.goal, first.max_steps, checkpoint_db=db, run_id="r1", fail_after_steps=2, task=EASY_TASK, seed=1)
    fresh = start_episode(EASY_TASK, 1)
    with pytest.raises(ConfigError, match="does not hold its trajectory"):
        _agent(scorer, CompactPrompt(), fresh, recorder=TrajectoryRecorder(tmp_path / "other", screenshots=False)
               ).run(fresh.goal, fresh.max_steps, checkpoint_db=db, resume="r1")
    result = _agent(scorer, CompactPrompt(), fresh, recorder=TrajectoryRecorder(rec, screenshots=False,
                                                                                 resume="r1")).run(
        fresh.goal, fresh.max_steps, checkpoint_db=db, resume="r1", replay=fresh.env.execute_action)
    records = read_jsonl(rec / "trajectory.jsonl")
    assert [r["type"] for r in records][:3] == ["episode", "step", "step"] and records[3]["type"] == "resume"
    assert records[0]["run_id"] == "r1" and records[0]["task"] == EASY_TASK and records[0]["seed"] == 1
    assert [r["index"] for r in records if r["type"] == "step"] == list(range(result.steps))
    assert records[-1]["type"] == "outcome" and records[-1]["steps"] == result.steps
    assert records[-1]["status"] == result.status and records[-1]["done"]

    pruned = _vera("runs", "prune", "--checkpoint-db", str(tmp_path / "none.sqlite"), cwd=tmp_path)
    assert pruned.returncode == 2 and "no checkpoint database" in pruned.stderr


class TapFailsOnce:
    """Wraps a SimDroid: the first tap raises, as a flaky device would."""

    def __init__(self, device) -> None:
        self._device = device
        self.failed = False

    def __getattr__(self, name):
        return getattr(self._device, name)

    def tap(self, x: int, y: int) -> None:
        if not self.failed:
            self.failed = True
            raise DeviceError("tap timed out")
        self._device.tap(x, y)


def test_a_failing_candidate_is_recorded_and_the_agent_goes_on(tmp_path):
    episode = start_episode(EASY_TASK, 0)
    flaky = TapFailsOnce(episode.device)
    episode.env = AndroidEnv(flaky)
    scorer = PreferScorer("'Network", "'Wi-Fi", "#", "status")
    result = _agent(scorer, CompactPrompt(), episode).run(episode.goal, 4, checkpoint_db=None)
    summaries = [m["summary"] for m in result.state["memory"]]
    assert summaries[0] == "The action failed: DeviceError: tap timed out"
    assert len(summaries) >= 2 and flaky.failed


class UnparseableLLM:
    def generate(self, prompt: str, max_new_tokens: int = 64, **_) -> str:
        return "I would type something nice"


def test_unparseable_completion_keeps_the_abstract_action(tmp_path):
    episode = start_episode("ContactsAddContact", 0)
    policy = VDroidPolicy(PreferScorer("<name>", "status"), CompactPrompt(), fill_slots=False)
    agent = DroidAgent(policy, EnvIO(episode.env), llm=UnparseableLLM())
    from vera.trajectory import TrajectoryRecorder, read_jsonl

    agent.recorder = TrajectoryRecorder(tmp_path / "rec")
    result = agent.run(episode.goal, 2, checkpoint_db=None)
    steps = [r for r in read_jsonl(tmp_path / "rec" / "trajectory.jsonl") if r["type"] == "step"]
    assert steps[0]["action"] == '{"action_type": "open_app", "app_name": "<name>"}'
    assert "unparseable completion, abstract action kept" in steps[0]["info"]["notes"][0]
    assert "cannot be executed" in steps[0]["info"]["error"]
    assert result.steps == 2


def test_scorer_specs_give_clear_errors(tmp_path):
    with pytest.raises(ConfigError, match="unknown scorer"):
        build_scorer("magic")
    with pytest.raises(ConfigError, match="encoder verifier weights not found"):
        build_scorer(f"encoder:{tmp_path / 'none.safetensors'}")
    with pytest.raises(ConfigError, match="does not exist; expected"):
        build_scorer(f"hf:{tmp_path / 'no-model'}")
    (tmp_path / "bert").mkdir()
    (tmp_path / "bert" / "config.json").write_text(json.dumps({"model_type": "bert"}))
    with pytest.raises(ConfigError, match="expected"):
        build_scorer(f"hf:{tmp_path / 'bert'}")
    with pytest.raises(ConfigError, match="is a directory; expected a .safetensors file"):
        build_scorer(f"encoder:{tmp_path / 'bert'}")
    (tmp_path / "garbage.safetensors").write_text("not tensors")
    with pytest.raises(ConfigError, match="cannot load encoder verifier weights .*expected a .safetensors"):
        build_scorer(f"encoder:{tmp_path / 'garbage.safetensors'}")
    import torch
    from safetensors.torch import save_file

    save_file({"w": torch.zeros(2, 2)}, str(tmp_path / "other.safetensors"))  # another model's tensors
    with pytest.raises(ConfigError, match="not an encoder verifier head.*expected a .safetensors"):
        build_scorer(f"encoder:{tmp_path / 'other.safetensors'}")
    with pytest.raises(ConfigError, match="names a file; expected the model's directory"):
        build_scorer(f"hf:{tmp_path / 'other.safetensors'}")
    with pytest.raises(ConfigError, match="needs a model directory"):
        build_scorer("hf:")


def test_llm_specs_fail_before_any_model_loads(tmp_path):
    from vera.agents.droid import make_simdroid_agent

    episode = start_episode(EASY_TASK, 0)
    for spec, message in [("foo:bar", "unknown llm 'foo:bar'"), ("hf:", "needs a model directory"),
                          ("http:", "needs a server URL"), (f"hf:{tmp_path / 'none'}", "does not exist")]:
        with pytest.raises(ConfigError, match=message):
            build_llm(spec)
    with pytest.raises(ConfigError, match="unknown llm"):  # checked before the scorer (a missing one) loads
        make_simdroid_agent(episode.task, episode.env, None,
                            {"llm": "foo:bar", "scorer": f"encoder:{tmp_path / 'none.safetensors'}"})
    with pytest.raises(ConfigError, match=r"unknown vdroid option\(s\) \['verifier'\].*-o scorer=encoder"):
        make_simdroid_agent(episode.task, episode.env, None, {"verifier": "x"})


def _vera(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "COLUMNS": "1000"}  # no wrapping
    return subprocess.run([sys.executable, "-m", "vera.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_cli_run_killed_then_resumed(tmp_path, straight_sms):
    """A real kill (the process exits 137 after two steps), then --resume into the same --record dir."""
    from vera.trajectory import read_jsonl

    db, rec = tmp_path / "ck.sqlite", tmp_path / "rec"
    common = ["run", "--env", "simdroid", "--agent", "vdroid", "--task", SMS_TASK, "--seed", str(SMS_SEED),
              "-o", f"checkpoint_db={db}", "--record", str(rec)]
    killed = _vera(*common, "-o", "run_id=cli1", "-o", "exit_after_steps=2", cwd=tmp_path)
    assert killed.returncode == 137, killed.stderr[-2000:]
    assert "vdroid step 2:" in killed.stderr  # streamed progress
    assert [s["index"] for s in _steps(rec)] == [0, 1]
    again = _vera(*common, cwd=tmp_path)  # the same directory without --resume: refused, nothing written
    assert again.returncode == 2 and "already holds a trajectory (run 'cli1'" in again.stderr
    assert "--resume RUN_ID" in again.stderr and len(read_jsonl(rec / "trajectory.jsonl")) == 3
    resumed = _vera(*common, "--resume", "cli1", "--json", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    outcome = json.loads(resumed.stdout.strip().splitlines()[-1])
    assert outcome["success"] == SMS_STRAIGHT["success"] and "resuming run cli1" in resumed.stderr
    assert "vdroid step 3:" in resumed.stderr and "vdroid step 1:" not in resumed.stderr
    records = read_jsonl(rec / "trajectory.jsonl")
    types = [r["type"] for r in records]
    assert types[:3] == ["episode", "step", "step"] and types[3] == "resume" and types[-1] == "outcome"
    steps = _steps(rec)
    assert [s["index"] for s in steps] == list(range(outcome["steps"]))
    assert outcome["steps"] == records[-1]["steps"] == len(straight_sms)
    assert [s["action"] for s in steps] == [s["action"] for s in straight_sms]
    assert f"vdroid step {outcome['steps']}:" in resumed.stderr and "the run ends" in resumed.stderr
    for step in steps:
        _assert_scored(step)
    ts = [s["t"] for s in steps]
    assert ts == sorted(ts)
    finished = _vera(*common, "--resume", "cli1", cwd=tmp_path)
    assert finished.returncode == 2 and "nothing left to resume" in finished.stderr


# --- the SimDroid suite's vdroid: what every recorded step carries, kills and resumes ------------------


def _steps(directory: Path) -> list[dict]:
    from vera.trajectory import read_jsonl

    return [r for r in read_jsonl(directory / "trajectory.jsonl") if r["type"] == "step"]


def _assert_scored(step: dict) -> None:
    """A vdroid step record: its scored candidates, best first, and the chosen one on top and done."""
    scores = [c["score"] for c in step["candidates"]]
    assert len(scores) >= 2 and scores == sorted(scores, reverse=True)
    assert step["info"]["chosen"] == step["candidates"][0]["text"]
    assert step["info"]["n_candidates"] >= len(scores) and step["info"]["decision_ms"] > 0
    chosen = json.loads(step["info"]["chosen"])
    assert {k: step["action"].get(k) for k in chosen} == chosen  # the executed action adds clear_text


@pytest.fixture(scope="module")
def straight_sms(tmp_path_factory, default_scorer):
    """The uninterrupted run every resumed one must reproduce."""
    from vera.env.android.sim.suite import SimDroidSuite
    from vera.trajectory import TrajectoryRecorder

    directory = tmp_path_factory.mktemp("straight")
    options = {"checkpoint_db": str(directory / "ck.sqlite"), "run_id": "straight", "progress": False}
    result = SimDroidSuite().run_episode(SMS_TASK, SMS_SEED, "vdroid", agent_options=options,
                                         recorder=TrajectoryRecorder(directory / "rec", screenshots=False))
    steps = _steps(directory / "rec")
    assert len(steps) == result.steps >= 5, "the kill tests need an episode of five steps or more"
    SMS_STRAIGHT["success"] = result.success  # resumed runs must end as this one did (success or not)
    return steps


def test_suite_episodes_delete_their_checkpoints_when_they_end(tmp_path):
    """Every step is checkpointed; an ended episode's checkpoints go (kept with keep_checkpoints)."""
    from vera.agents.droid import list_runs
    from vera.env.android.sim.suite import SimDroidSuite

    db = tmp_path / "ck.sqlite"
    options = {"checkpoint_db": str(db), "scorer": "encoder", "progress": False}
    SimDroidSuite().run_episode(EASY_TASK, 1, "vdroid", agent_options={**options, "run_id": "gone"})
    assert db.exists() and list_runs(db) == []
    SimDroidSuite().run_episode(EASY_TASK, 1, "vdroid", agent_options={**options, "run_id": "kept",
                                                                        "keep_checkpoints": True})
    assert [(r.run_id, r.ended) for r in list_runs(db)] == [("kept", True)]


def test_suite_steps_carry_the_scored_candidates(straight_sms):
    for step in straight_sms:
        _assert_scored(step)
        assert step["info"]["run_id"] == "straight" and "error" not in step["info"]
    assert straight_sms[-1]["action"]["action_type"] == "status"


class KilledHere(BaseException):
    """Stands for a kill: not an Exception, so it escapes the suite's step loop like a signal would."""


def _dying_recorder(directory: Path, at: int, after_record: bool):
    from vera.trajectory import TrajectoryRecorder

    class Dying(TrajectoryRecorder):
        def step(self, *, index: int, **kwargs) -> None:
            if index == at and not after_record:
                raise KilledHere(index)
            super().step(index=index, **kwargs)
            if index == at and after_record:
                raise KilledHere(index)

    return Dying(directory, screenshots=False)


def _vdroid_dying_after(node: str, step: int):
    """A vdroid factory whose graph dies right after `node` of (0-based) `step` is checkpointed."""
    from vera.agents.droid import make_simdroid_agent

    def factory(task, env, rng, options):
        player = make_simdroid_agent(task, env, rng, options)
        seen = {"step": 0}

        def progress(name: str, values: dict) -> None:
            if name == node and seen["step"] == step:
                raise KilledHere(name)
            if name == "memorize":
                seen["step"] = values["step"]

        player.agent.on_progress = progress
        return player

    return factory


KILLS = {  # where the first process dies in the SMS episode, and the step the resumed one goes on with
    "before-recording-step-2": ("recorder", 2, False, 2),
    "after-recording-step-2": ("recorder", 2, True, 3),
    "after-act-node-of-step-2": ("act", 2, None, 3),  # the outcome came back, memorize had not counted it
    "after-verify-node-of-step-3": ("verify", 3, None, 3),  # between nodes, before the hand-out
}


@pytest.mark.parametrize("kill", list(KILLS))
def test_suite_run_killed_mid_step_resumes_with_every_step_once(tmp_path, straight_sms, kill):
    """Killed anywhere in a step: the resumed run records each step once, in order, as the straight run."""
    from vera.env.android.sim import agents
    from vera.env.android.sim.suite import SimDroidSuite
    from vera.trajectory import TrajectoryRecorder, read_jsonl

    where, at, after_record, goes_on_at = KILLS[kill]
    options = {"checkpoint_db": str(tmp_path / "ck.sqlite"), "run_id": "mid", "progress": False}
    if where == "recorder":
        agent, recorder = "vdroid", _dying_recorder(tmp_path / "rec", at, bool(after_record))
    else:
        agent, recorder = f"vdroid-dying-{kill}", TrajectoryRecorder(tmp_path / "rec", screenshots=False)
        agents.register_agent(agent, _vdroid_dying_after(where, at))
    with pytest.raises(KilledHere):
        SimDroidSuite().run_episode(SMS_TASK, SMS_SEED, agent, agent_options=options, recorder=recorder)
    assert len(_steps(tmp_path / "rec")) == goes_on_at
    resumed = SimDroidSuite().run_episode(
        SMS_TASK, SMS_SEED, "vdroid", agent_options={**options, "resume": "mid"},
        recorder=TrajectoryRecorder(tmp_path / "rec", screenshots=False, resume="mid"))
    assert resumed.success == SMS_STRAIGHT["success"] and resumed.steps == len(straight_sms)
    records = read_jsonl(tmp_path / "rec" / "trajectory.jsonl")
    assert [r["type"] for r in records].count("episode") == 1
    resume = next(r for r in records if r["type"] == "resume")
    assert resume["run_id"] == "mid" and resume["step"] == goes_on_at
    steps = _steps(tmp_path / "rec")
    assert [s["index"] for s in steps] == list(range(len(straight_sms)))
    assert [s["action"] for s in steps] == [s["action"] for s in straight_sms]
    for step in steps:
        _assert_scored(step)
    assert records[-1]["type"] == "outcome" and records[-1]["steps"] == len(straight_sms)


class TapFailsOnceArmed(TapFailsOnce):
    """Fails the first tap after the agent is built (the task's set-up taps nothing through it)."""

    def __init__(self, device) -> None:
        super().__init__(device)
        self.failed = True  # disarmed until the agent factory arms it

    def __setattr__(self, name, value) -> None:
        if name in ("_device", "failed"):
            object.__setattr__(self, name, value)
        else:
            setattr(self._device, name, value)


def test_suite_feeds_a_failed_action_back_to_the_agent(tmp_path, default_scorer):
    from vera.agents.droid import DroidAgent, graph_config, make_simdroid_agent, open_checkpointer
    from vera.env.android.sim import agents
    from vera.env.android.sim.suite import SimDroidSuite
    from vera.trajectory import TrajectoryRecorder

    class FlakySuite(SimDroidSuite):
        def make_device(self, seed):
            return TapFailsOnceArmed(super().make_device(seed))

    def armed_vdroid(task, env, rng, options):
        env.device.failed = False
        return make_simdroid_agent(task, env, rng, options)

    agents.register_agent("vdroid-flaky-tap", armed_vdroid)
    db = tmp_path / "ck.sqlite"
    options = {"checkpoint_db": str(db), "run_id": "flaky", "progress": False, "keep_checkpoints": True}
    result = FlakySuite().run_episode(SMS_TASK, SMS_SEED, "vdroid-flaky-tap", agent_options=options,
                                      recorder=TrajectoryRecorder(tmp_path / "rec", screenshots=False))
    steps = _steps(tmp_path / "rec")
    failed = [s for s in steps if s["info"].get("error")]
    assert [s["info"]["error"] for s in failed] == ["DeviceError: tap timed out"]
    _assert_scored(failed[0])
    assert result.extra["action_errors"] == 1
    checkpointer, conn = open_checkpointer(db)
    try:
        graph = DroidAgent(None, None).build_graph(checkpointer)
        memory = graph.get_state(graph_config("flaky", 12)).values["memory"]
    finally:
        assert conn is not None
        conn.close()
    entry = memory[failed[0]["index"]]
    assert entry["step"] == failed[0]["index"] + 1
    assert entry["summary"] == "The action failed: DeviceError: tap timed out"


def test_suite_records_an_unparseable_completion_kept_abstract(tmp_path):
    from vera.agents.droid import ExternalIO, SuiteDroid
    from vera.env.android.sim import agents
    from vera.env.android.sim.suite import SimDroidSuite
    from vera.trajectory import TrajectoryRecorder

    def factory(task, env, rng, options):
        policy = VDroidPolicy(PreferScorer("<name>", "status"), CompactPrompt(), fill_slots=False)
        agent = DroidAgent(policy, ExternalIO(), llm=UnparseableLLM())
        return SuiteDroid(agent, env, 3, checkpoint_db=None, run_id="abstract", resume=None)

    agents.register_agent("vdroid-unparseable", factory)
    result = SimDroidSuite().run_episode("ContactsAddContact", 0, "vdroid-unparseable",
                                         recorder=TrajectoryRecorder(tmp_path, screenshots=False))
    steps = _steps(tmp_path)
    assert steps[0]["action"] == '{"action_type": "open_app", "app_name": "<name>"}'
    assert steps[0]["info"]["error"].startswith("UnexecutableAction: abstract action")
    assert "unparseable completion, abstract action kept" in steps[0]["info"]["notes"][0]
    assert steps[0]["candidates"][0]["text"] == steps[0]["action"]
    assert [s["index"] for s in steps] == list(range(result.steps)) and result.extra["action_errors"] >= 1


def test_cli_run_sigkilled_anywhere_resumes_with_every_step_once(tmp_path, straight_sms):
    """SIGKILL as soon as two steps are recorded (wherever the run is then), then --resume."""
    import signal
    import time

    from vera.trajectory import read_jsonl

    db, rec = tmp_path / "ck.sqlite", tmp_path / "rec"
    common = [sys.executable, "-m", "vera.cli", "run", "--env", "simdroid", "--agent", "vdroid", "--task",
              SMS_TASK, "--seed", str(SMS_SEED), "-o", f"checkpoint_db={db}", "-o", "progress=false",
              "--record", str(rec)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    process = subprocess.Popen([*common, "-o", "run_id=k9"], cwd=tmp_path, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while process.poll() is None and time.monotonic() < deadline:
        if len(_steps(rec)) >= 2 if (rec / "trajectory.jsonl").exists() else False:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    assert process.wait(timeout=60) == -signal.SIGKILL, "the run ended before it could be killed"
    killed_at = len(_steps(rec))
    resumed = subprocess.run([*common, "--resume", "k9", "--json"], cwd=tmp_path, env=env, capture_output=True,
                             text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    outcome = json.loads(resumed.stdout.strip().splitlines()[-1])
    assert outcome["success"] == SMS_STRAIGHT["success"] and outcome["steps"] == len(straight_sms)
    records = read_jsonl(rec / "trajectory.jsonl")
    assert [r["type"] for r in records].count("episode") == 1 and records[-1]["type"] == "outcome"
    assert next(r for r in records if r["type"] == "resume")["step"] >= killed_at
    assert [s["index"] for s in _steps(rec)] == list(range(outcome["steps"]))


def test_a_handed_out_action_is_in_sqlite_before_it_leaves(tmp_path):
    """LangGraph persists an interrupt when its stream closes; the suite adapter must not leave that to
    the garbage collector, or a kill right after the step is recorded would lose the hand-out."""
    import gc

    from vera.agents.droid import (
        DroidAgent,
        ExternalIO,
        SuiteDroid,
        graph_config,
        open_checkpointer,
        pending_handout,
    )

    episode = start_episode(EASY_TASK, 0)
    db = tmp_path / "ck.sqlite"
    policy = VDroidPolicy(PreferScorer("Clock", "status"), CompactPrompt(), app_names=list(episode.app_names))
    player = SuiteDroid(DroidAgent(policy, ExternalIO()), episode.env, 5, checkpoint_db=db, run_id="h",
                        resume=None)
    gc.disable()
    try:
        action = player.act(episode.goal, episode.env.get_state())
        checkpointer, conn = open_checkpointer(db)
        assert conn is not None
        snapshot = DroidAgent(policy, ExternalIO()).build_graph(checkpointer).get_state(graph_config("h", 5))
        conn.close()
    finally:
        gc.enable()
    assert pending_handout(snapshot) == {"action": action.to_dict()}
    assert player.step_record()["candidates"][0]["text"] == player.step_record()["info"]["chosen"]
