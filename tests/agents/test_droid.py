"""The V-Droid agent: LangGraph loop, SQLite checkpoints and resume, bad input, scorer specs, suite runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vera.agents.droid import DroidAgent, EnvIO
from vera.agents.policy import DEFAULT_WEIGHTS, VDroidPolicy, build_scorer
from vera.env.android.env import AndroidEnv
from vera.errors import ConfigError, DeviceError
from vera.train.episodes import start_episode
from vera.verifier.prompt import CompactPrompt

EASY_TASK = "ClockStopWatchRunning"


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


def _vera(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    return subprocess.run([sys.executable, "-m", "vera.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_cli_run_killed_then_resumed(tmp_path, default_scorer):
    db = tmp_path / "ck.sqlite"
    common = ["run", "--env", "simdroid", "--agent", "vdroid", "--task", EASY_TASK, "--seed", "1",
              "-o", f"checkpoint_db={db}"]
    killed = _vera(*common, "-o", "run_id=cli1", "-o", "exit_after_steps=1", cwd=tmp_path)
    assert killed.returncode == 137, killed.stderr[-2000:]
    resumed = _vera(*common, "--resume", "cli1", "--json", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    outcome = json.loads(resumed.stdout.strip().splitlines()[-1])
    assert outcome["success"] == 1.0 and "resuming run cli1" in resumed.stderr
